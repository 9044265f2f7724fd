// Run the real CLI as a child process, as users and CI do.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(REPO, 'bin', 'sentrik.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function sentrik(args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string; timeout?: number } = {}): Run {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...opts.env };
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? REPO, env, input: opts.input, encoding: 'utf8', timeout: opts.timeout ?? 60_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A valid custom rule (regex on `eval(`, with its examples) with no clause, for a pack under .sentrik/rules/. */
export function evalRule(id: string): string {
  return `- id: ${id}
  title: Eval of input
  severity: low
  kind: regex
  message: eval
  remediation: do not eval
  match: { any: ['eval\\('] }
  examples: { bad: [{ file: a.js, code: 'eval(x)', line: 1 }], good: [{ file: a.js, code: 'x' }] }
`;
}

/** A temporary project: path → content. */
export function project(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'sentrik-test-'));
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), content);
  }
  return root;
}

export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** No stack trace ever reaches the user. */
export function expectNoStack(text: string): void {
  if (/\n\s+at .+:\d+:\d+\)?$/m.test(text)) throw new Error(`stack trace in output:\n${text}`);
}
