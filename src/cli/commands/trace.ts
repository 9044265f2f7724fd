// `sentrik trace`: the requirement ↔ code ↔ test matrix from requirements.yaml and `REQUIREMENT: REQ-x` tags,
// with the requirements that have no implementing code or no test.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { SentrikConfig } from '../../config/schema.js';
import { discoverFiles } from '../../engine/discovery.js';
import { readSourceText } from '../../engine/read.js';
import { buildMatrix, matrixCsv, matrixMarkdown, type TraceMatrix } from '../../trace/matrix.js';
import { findRequirementsFile, loadRequirements, REQUIREMENTS_FILES } from '../../trace/requirements.js';
import { SentrikError } from '../../util/errors.js';
import { toPosix } from '../../util/paths.js';
import { formatOfExtension, loadEffectiveConfig, resolveProjectDir } from '../context.js';
import { EXIT, type CliIO } from '../io.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

export function registerTraceCommands(program: Command, io: CliIO, run: Run): void {
  program
    .command('trace')
    .description('requirement ↔ code ↔ test matrix from requirements.yaml and `REQUIREMENT: REQ-x` tags; lists untraced requirements')
    .argument('[path]', 'project directory (default: the current directory)')
    .option('-o, --output <file>', 'write the matrix to this file (.json, .csv or .md/.markdown)')
    .option('--strict', 'exit 1 when a requirement has no code or no test, or a tag names an unknown id')
    .option('--root <dir>', 'project root')
    .action(run((path: string | undefined, flags) => traceCommand(io, path, flags)));
}

/** The matrix for a project, or undefined when it has no requirements file. */
export function traceProject(root: string, config: SentrikConfig): TraceMatrix | undefined {
  const file = findRequirementsFile(root);
  if (!file) return undefined;
  const requirements = loadRequirements(file);
  const found = discoverFiles({ root, paths: [root], exclude: config.scan_exclude, respectGitignore: config.respect_gitignore, maxFileSize: config.max_file_size });
  const files: { path: string; text: string }[] = [];
  for (const f of found.files) {
    const r = readSourceText(f.abs, config.max_file_size);
    if ('text' in r) files.push({ path: f.path, text: r.text });
  }
  return buildMatrix(toPosix(relative(root, file)), requirements, files);
}

/** `-o` extensions trace writes (.json, .csv, .md/.markdown); any other is refused. */
const TRACE_FORMATS = ['json', 'csv', 'markdown'] as const;

function traceCommand(io: CliIO, path: string | undefined, flags: { output?: string; strict?: boolean; root?: string }): number {
  const format = flags.output ? formatOfExtension(flags.output, TRACE_FORMATS, { command: 'trace' }) : 'markdown';
  const root = resolveProjectDir(io, path, flags.root);
  const { config } = loadEffectiveConfig(io, root, {});
  const m = traceProject(root, config);
  if (!m) throw new SentrikError('no requirements file', root, undefined, `create ${REQUIREMENTS_FILES[0]} with \`requirements: [{ id: REQ-1, title: … }]\``);
  if (flags.output) {
    const text = format === 'csv' ? matrixCsv(m) : format === 'markdown' ? matrixMarkdown(m) : `${JSON.stringify(m, null, 2)}\n`;
    const file = resolve(io.cwd, flags.output);
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    } catch (err) {
      throw new SentrikError(`cannot write: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, flags.output);
    }
  } else {
    io.stdout(matrixMarkdown(m));
  }
  const s = m.summary;
  const out = flags.output ? io.stdout : io.stderr;
  out(`${s.requirements} requirements: ${s.traced} traced${s.obsolete ? `, ${s.obsolete} obsolete` : ''}, ${s.noCode} without code, ${s.noTest} without a test${s.unknownTags ? `, ${s.unknownTags} tags naming unknown ids` : ''}${flags.output ? ` — matrix written to ${flags.output}` : ''}\n`);
  for (const r of m.rows.filter((r) => r.gaps.length)) out(`  ${r.id}: ${r.gaps.map((g) => (g === 'no-code' ? 'no implementing code' : 'no test')).join(', ')} — ${r.title}\n`);
  for (const t of m.unknownTags) out(`  ${t.file}:${t.line}: tag names unknown requirement ${t.id}\n`);
  const gaps = s.noCode + s.noTest + s.unknownTags;
  return flags.strict && gaps ? EXIT.GATE_FAILED : EXIT.OK;
}
