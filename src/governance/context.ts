// What governance records about a run: the commit, the CI context, the packs with their content hashes and
// a fingerprint of the effective configuration. git runs without a shell and with repository-configurable
// programs switched off, as everywhere in sentrik.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { SentrikConfig } from '../config/schema.js';
import { SAFE_CONFIG } from '../engine/git.js';
import { readHead } from './git-dir.js';


function git(root: string, args: string[]): string | undefined {
  const r = spawnSync('git', [...SAFE_CONFIG, ...args], { cwd: root, encoding: 'utf8', windowsHide: true });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * The commit checked out at `root` (full sha), or undefined outside a git repository / before the first commit.
 * When git refuses the repository (another user's checkout in a CI container), HEAD is read from .git.
 */
export function headCommit(root: string): string | undefined {
  const sha = git(root, ['rev-parse', '--verify', '-q', 'HEAD^{commit}']);
  return sha && /^[0-9a-f]{40,64}$/.test(sha) ? sha : readHead(root)?.commit;
}

/** The branch checked out at `root` (e.g. main), or undefined on a detached HEAD / outside a git repository. */
export function headBranch(root: string): string | undefined {
  return git(root, ['symbolic-ref', '-q', '--short', 'HEAD']) || readHead(root)?.branch;
}

/** Tracked files that differ from HEAD (the working tree is not exactly the commit); undefined when git cannot tell. */
export function isDirty(root: string): boolean | undefined {
  const out = git(root, ['status', '--porcelain', '--untracked-files=no']);
  return out === undefined ? undefined : out.length > 0;
}

/** Files changed between two commits, relative to the repository top; undefined when git cannot tell. */
export function filesChangedBetween(root: string, from: string, to: string): string[] | undefined {
  if (git(root, ['merge-base', '--is-ancestor', from, to]) === undefined) return undefined;
  const out = git(root, ['diff', '--name-only', '--no-renames', '--no-ext-diff', from, to]);
  return out === undefined ? undefined : out.split('\n').filter(Boolean);
}

/** Path of `root` relative to the repository top ('' at the top). */
export function repoPrefix(root: string): string {
  return git(root, ['rev-parse', '--show-prefix']) ?? '';
}

/** Blob id of a file as committed at HEAD (identifies a requirement file's exact content). */
export function gitBlob(root: string, relPath: string): string | undefined {
  return git(root, ['rev-parse', '-q', '--verify', `HEAD:./${relPath}`]);
}

const CI_VARS = [
  'CI', 'GITHUB_ACTIONS', 'GITHUB_REPOSITORY', 'GITHUB_RUN_ID', 'GITHUB_RUN_ATTEMPT', 'GITHUB_SHA', 'GITHUB_REF', 'GITHUB_ACTOR', 'GITHUB_WORKFLOW',
  'GITLAB_CI', 'CI_PROJECT_PATH', 'CI_PIPELINE_ID', 'CI_JOB_ID', 'CI_COMMIT_SHA',
  'TF_BUILD', 'BUILD_REPOSITORY_NAME', 'BUILD_BUILDID', 'BUILD_SOURCEVERSION',
] as const;

/** The CI context worth recording (identifiers only: never tokens). */
export function ciContext(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of CI_VARS) if (env[k]) out[k] = env[k]!.slice(0, 200);
  return out;
}

/** Stable JSON: object keys sorted at every level (what MACs and hashes are computed over). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Fingerprint of the effective configuration: a change between two audited runs is a configuration change. */
export function configFingerprint(config: SentrikConfig): string {
  return sha256(canonicalJson(config)).slice(0, 32);
}
