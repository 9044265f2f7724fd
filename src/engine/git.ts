// Scan scoping by git: the staged (index) content for pre-commit hooks, and the changes of a commit range for
// CI. git runs without a shell, with every repository-configurable program switched off (external diff,
// textconv, fsmonitor), so scanning a hostile repository never executes its code. Blobs are read in one
// `git cat-file --batch` process, never one git per file.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import { SentrikError } from '../util/errors.js';
import { parseUnifiedDiff } from './diff.js';
import { decodeSource, type SkipReason } from './read.js';

/** 2 MiB, the default file size cap. */
export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;

export interface ChangedFile {
  /** Relative to the scan root (which may be a subfolder of the repository), forward slashes. */
  path: string;
  /** Lines added or changed in this version of the file (1-based). Empty for a pure rename. */
  changedLines: Set<number>;
  /** The content scanned: the index for --staged, the file at B for --git-range. Absent when skipped. */
  text?: string;
  skip?: SkipReason;
  /** Set when the content is not valid UTF-8 (decoded with replacement characters). */
  invalidUtf8?: true;
  /** A binary file's raw content (for repository rules that read bytes, e.g. keystores). */
  bytes?: Buffer;
  size: number;
}

/** What a change touches: the files under the scan root, and the paths of those outside it. */
export interface Changes {
  files: ChangedFile[];
  /**
   * Files of the change outside the scan root (when the root is a sub-folder of the repository), relative to
   * the root (`../Dockerfile`): never read, so that the caller can say they were not scanned.
   */
  outside: string[];
}

export interface RangeChanges extends Changes {
  /** Commit the changes are measured from (the merge base for A...B) and the commit scanned. */
  base: string;
  head: string;
}

// Options placed before the subcommand; they override anything the repository's config says.
export const SAFE_CONFIG = ['-c', 'core.fsmonitor=false', '-c', 'core.quotepath=false', '-c', 'diff.noprefix=false'];
// Diff options with fixed, config-independent output: rename detection on, a/ b/ prefixes, no helper programs.
// --text: a `.gitattributes` saying `* -diff` must not hide changed lines from a changed-lines-only gate.
const DIFF_FLAGS = ['--no-color', '--no-ext-diff', '--no-textconv', '--text', '-M', '--src-prefix=a/', '--dst-prefix=b/', '--relative'];
// The file list is read over the whole repository, so that files outside a sub-folder root are known, not lost.
const RAW_FLAGS = DIFF_FLAGS.filter((f) => f !== '--relative');
const MAX_OUTPUT = 512 * 1024 * 1024;

interface GitRun {
  status: number;
  stdout: Buffer;
  stderr: string;
}

function runGit(cwd: string, args: string[], input?: string, maxBuffer = MAX_OUTPUT): GitRun {
  const r = spawnSync('git', [...SAFE_CONFIG, ...args], { cwd, input, maxBuffer, windowsHide: true });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !existsSync(cwd)) throw new SentrikError('no such directory', cwd);
    if (code === 'ENOENT') throw new SentrikError('git is not installed or not on PATH', undefined, undefined, 'install git to use --staged or --git-range');
    throw new SentrikError(`git ${args[0]} failed: ${code ?? r.error.message}`, cwd);
  }
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr.toString('utf8').trim() };
}

/** Run git and return stdout, or throw a SentrikError carrying git's own first line of complaint. */
function gitOk(cwd: string, args: string[], input?: string, maxBuffer?: number): Buffer {
  const r = runGit(cwd, args, input, maxBuffer);
  if (r.status !== 0) {
    const why = r.stderr.split('\n')[0] || `exit status ${r.status}`;
    throw new SentrikError(`git ${args[0]} failed: ${why}`, cwd, undefined, hintFor(why));
  }
  return r.stdout;
}

function hintFor(gitMessage: string): string | undefined {
  if (gitMessage.includes('dubious ownership')) return "mark the repository safe with 'git config --global --add safe.directory <path>'";
  return undefined;
}

export function isGitRepo(root: string): boolean {
  const r = runGit(root, ['rev-parse', '--is-inside-work-tree']);
  return r.status === 0 && r.stdout.toString('utf8').trim() === 'true';
}

/**
 * The git repository `root` is in: its top folder and `root`'s path from it ('' at the top, else e.g.
 * 'web/'), or undefined outside a repository (or when git cannot tell).
 */
export function repositoryOf(root: string): { top: string; prefix: string } | undefined {
  const r = runGit(root, ['rev-parse', '--show-toplevel', '--show-prefix']);
  if (r.status !== 0) return undefined;
  const [top, prefix = ''] = r.stdout.toString('utf8').split('\n');
  return top ? { top, prefix: prefix.replace(/\\/g, '/') } : undefined;
}

/** Absolute path of the repository's top folder. */
export function gitTopLevel(root: string): string {
  requireRepo(root);
  return gitOk(root, ['rev-parse', '--show-toplevel']).toString('utf8').trim();
}

function requireRepo(root: string): void {
  if (!isGitRepo(root)) {
    throw new SentrikError(
      'not a git repository: --staged and --git-range need a git repository',
      root,
      undefined,
      "run sentrik inside a git checkout, or scan paths without --staged/--git-range (or use --diff FILE)",
    );
  }
}

/**
 * Files added, copied, modified or renamed in the index, with their *staged* content (what the commit will
 * contain, not the working tree) and the lines the commit changes. Deleted files, submodules and symlinks
 * are left out. Paths are relative to `root`; files outside it are listed in `outside`, never read.
 */
export function stagedFiles(root: string, maxFileSize = DEFAULT_MAX_FILE_SIZE): Changes {
  requireRepo(root);
  // Before the first commit there is no HEAD: compare the index with the empty tree.
  const hasHead = runGit(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).status === 0;
  const against = hasHead ? ['HEAD'] : [emptyTree(root)];
  const { inside, outside } = rawDiff(root, ['--cached', ...against]);
  const changed = parseUnifiedDiff(gitOk(root, ['diff', '--cached', '-U0', ...DIFF_FLAGS, ...against, '--']).toString('utf8'), 'git diff --cached');
  return { files: withContent(root, inside, changed, maxFileSize), outside };
}

/**
 * The files changed by a commit range, their content at the range's end, and the changed lines.
 * `A...B`: changes on B since it forked from A (merge-base semantics, what a pull request shows);
 * `A..B`: the straight difference between A and B. An empty side means HEAD, as in git.
 */
export function rangeChanges(root: string, range: string, maxFileSize = DEFAULT_MAX_FILE_SIZE): RangeChanges {
  requireRepo(root);
  const threeDots = range.includes('...');
  const sides = threeDots ? range.split('...') : range.split('..');
  if (sides.length !== 2 || (!threeDots && !range.includes('..'))) {
    throw new SentrikError(`invalid git range '${range}'`, undefined, undefined, "write it as 'A...B' (e.g. origin/main...HEAD) or 'A..B'");
  }
  const [from, to] = sides.map((ref) => resolveCommit(root, ref || 'HEAD'));
  let base = from;
  if (threeDots) {
    const mb = runGit(root, ['merge-base', from, to]);
    if (mb.status !== 0) {
      throw new SentrikError(
        `no common ancestor for '${range}'`,
        undefined,
        undefined,
        'the checkout is probably shallow: fetch more history (actions/checkout with fetch-depth: 0, or git fetch --unshallow)',
      );
    }
    base = mb.stdout.toString('utf8').trim();
  }
  const { inside, outside } = rawDiff(root, [base, to]);
  const changed = parseUnifiedDiff(gitOk(root, ['diff', '-U0', ...DIFF_FLAGS, base, to, '--']).toString('utf8'), `git diff ${range}`);
  return { files: withContent(root, inside, changed, maxFileSize), outside, base, head: to };
}

/** Every regular file of the commit `ref` (paths relative to `root`) with its content: a baseline's tree. */
export function filesAtCommit(root: string, ref: string, maxFileSize = DEFAULT_MAX_FILE_SIZE): { commit: string; files: ChangedFile[] } {
  requireRepo(root);
  const commit = resolveCommit(root, ref);
  return { commit, files: withContent(root, rawDiff(root, [emptyTree(root), commit]).inside, new Map(), maxFileSize) };
}

/** Full commit id of `ref`, or SentrikError `unknown git ref`. */
function resolveCommit(root: string, ref: string): string {
  if (ref.startsWith('-') || /[\s\0]/.test(ref)) {
    throw new SentrikError(`invalid git ref '${ref}'`, undefined, undefined, 'name a branch, tag or commit');
  }
  const r = runGit(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (r.status !== 0) {
    const remote = /^(?:refs\/remotes\/)?([^/]+)\/(.+)$/.exec(ref);
    const hint = remote
      ? `fetch it first: git fetch ${remote[1]} ${remote[2]} (CI checkouts are often shallow or single-branch)`
      : "check the spelling; 'git branch -a' and 'git tag' list what exists";
    throw new SentrikError(`unknown git ref '${ref}'`, undefined, undefined, hint);
  }
  return r.stdout.toString('utf8').trim();
}

function emptyTree(root: string): string {
  return gitOk(root, ['hash-object', '-t', 'tree', '--stdin'], '').toString('utf8').trim();
}

interface RawEntry {
  path: string;
  blob: string;
}

/**
 * `git diff --raw -z` over the whole repository: the new blob of every added/copied/modified/renamed regular
 * file under `root` (paths relative to it), and the paths of those outside it (relative to `root`, `../x`).
 */
function rawDiff(root: string, args: string[]): { inside: RawEntry[]; outside: string[] } {
  // The root's place in the repository ('' at the top, 'src/' in a sub-folder), as git spells paths.
  const prefix = gitOk(root, ['rev-parse', '--show-prefix']).toString('utf8').trim();
  const out = gitOk(root, ['diff', '--raw', '-z', '--no-abbrev', '--diff-filter=ACMR', ...RAW_FLAGS, ...args, '--']).toString('utf8');
  const fields = out.split('\0');
  const inside: RawEntry[] = [];
  const outside: string[] = [];
  for (let i = 0; i + 1 < fields.length; ) {
    // `:oldmode newmode oldsha newsha STATUS`, then one path (two for renames and copies).
    const meta = fields[i].split(' ');
    const status = meta[4] ?? '';
    const hasTwoPaths = status.startsWith('R') || status.startsWith('C');
    const path = fields[i + (hasTwoPaths ? 2 : 1)];
    i += hasTwoPaths ? 3 : 2;
    const newMode = meta[1];
    // Regular files only: 120000 is a symlink (its "content" is a path), 160000 a submodule commit.
    if (newMode !== '100644' && newMode !== '100755') continue;
    if (path.startsWith(prefix)) inside.push({ path: path.slice(prefix.length), blob: meta[3] });
    else outside.push(posix.relative(prefix, path));
  }
  return { inside, outside: outside.sort() };
}

/** Attach blob contents (one batch process; oversized blobs are never transferred) and changed lines. */
function withContent(root: string, entries: RawEntry[], changed: Map<string, Set<number>>, maxFileSize: number): ChangedFile[] {
  const sizes = batchSizes(root, entries.map((e) => e.blob));
  const wanted = [...new Set(entries.filter((e) => (sizes.get(e.blob) ?? 0) <= maxFileSize).map((e) => e.blob))];
  const contents = batchContents(root, wanted, wanted.reduce((n, b) => n + (sizes.get(b) ?? 0) + 100, 1024));
  const files = entries.map((e): ChangedFile => {
    const size = sizes.get(e.blob) ?? 0;
    const file: ChangedFile = { path: e.path, changedLines: changed.get(e.path) ?? new Set(), size };
    const buf = contents.get(e.blob);
    const decoded = buf ? decodeSource(buf, maxFileSize) : { skip: size > maxFileSize ? ('too-large' as const) : ('unreadable' as const) };
    if ('skip' in decoded) {
      file.skip = decoded.skip;
      if (decoded.skip === 'binary' && buf) file.bytes = buf;
    } else {
      file.text = decoded.text;
      if (decoded.invalidUtf8) file.invalidUtf8 = true;
    }
    return file;
  });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function batchSizes(root: string, blobs: string[]): Map<string, number> {
  const sizes = new Map<string, number>();
  if (blobs.length === 0) return sizes;
  const out = gitOk(root, ['cat-file', '--batch-check'], blobs.join('\n') + '\n').toString('utf8');
  for (const line of out.split('\n')) {
    const [sha, type, size] = line.split(' ');
    if (type === 'blob') sizes.set(sha, Number(size));
  }
  return sizes;
}

/** `git cat-file --batch` output: `<sha> blob <size>\n<bytes>\n` per object. */
function batchContents(root: string, blobs: string[], expectedBytes: number): Map<string, Buffer> {
  const contents = new Map<string, Buffer>();
  if (blobs.length === 0) return contents;
  const out = gitOk(root, ['cat-file', '--batch'], blobs.join('\n') + '\n', expectedBytes + 64 * 1024);
  let pos = 0;
  while (pos < out.length) {
    const eol = out.indexOf(0x0a, pos);
    if (eol === -1) break;
    const [sha, type, size] = out.subarray(pos, eol).toString('utf8').split(' ');
    pos = eol + 1;
    if (type === 'missing' || size === undefined) continue;
    const n = Number(size);
    contents.set(sha, out.subarray(pos, pos + n));
    pos += n + 1; // content, then a newline
  }
  return contents;
}
