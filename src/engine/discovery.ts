// File discovery: one iterative walk that honours .gitignore (every level), .git/info/exclude, .sentrikignore
// and scan_exclude, never leaves the root through a symlink, terminates on symlink loops, and reports rather
// than fails on anything it cannot read. Files are stat'ed (unless the caller has no use for it), never read, here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { ScanProblem, SkippedFile } from './model.js';
import { isInside, toPosix } from '../util/paths.js';
import { globTooComplex } from '../util/glob.js';

/** What the cache compares to know a file unchanged without reading it. */
export interface FileStat {
  size: number;
  mtimeMs: number;
  /** Changes with any write to the file (and chmod): with mtime, size and inode the cache's proof of "unchanged". */
  ctimeMs: number;
  ino: number;
}

export interface DiscoveredFile {
  /** Relative to the root, forward slashes. */
  path: string;
  abs: string;
  /** Absent when discovered with `stat: false` (its size is then learned when it is read). */
  stat?: FileStat;
}

export function fileStat(st: fs.Stats): FileStat {
  return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
}

export interface DiscoverOptions {
  root: string;
  /** Absolute, already checked to be inside root (resolveInsideRoot); files or directories. Default [root]. */
  paths?: string[];
  /** scan_exclude entries in .gitignore syntax: `dist` (any level), `src/gen/`, `**\/*.min.js`, `vendor/**`. */
  exclude: string[];
  respectGitignore: boolean;
  maxFileSize: number;
  /**
   * Stat every file (default). A stat per file is a fifth of a cold secrets scan's walk-and-read, so a scan
   * with no cache to answer from and no use for sizes up front passes false: files too large are then skipped
   * when read instead.
   */
  stat?: boolean;
  /**
   * List files over maxFileSize among `files` (their stat shows it) instead of skipping them: a scan reads
   * none of them, but its repository rules see every file — as they do when files are listed without a stat.
   */
  listOversized?: boolean;
  /**
   * Files this accepts (by base name and root-relative path) are listed even when a .gitignore (not
   * scan_exclude, not .sentrikignore) excludes them — dependency files: what gets installed comes from them,
   * committed or not. Only files in folders the walk enters; their paths are also in `gitignoredKept`.
   */
  keepGitignored?: (path: string) => boolean;
  /** Called once, mid-walk, when this many files have been found (a large scan starts its workers then). */
  onManyFiles?: { after: number; run: () => void };
}

export interface DiscoveryResult {
  files: DiscoveredFile[];
  skipped: SkippedFile[];
  problems: ScanProblem[];
  /** Files listed although a .gitignore excludes them (see keepGitignored). */
  gitignoredKept: string[];
}

/** An ignore file's rules and how to turn a root-relative path into a path relative to that file's folder. */
interface IgnoreLayer {
  ig: Ignore;
  /** Root-relative folder of the ignore file ('' for the root); paths below it are matched without it. */
  base: string;
  /** Prepended for ignore files above the root (the root is a subfolder of the repository). */
  prefix: string;
  /** The root's .sentrikignore: stays the last layer. */
  isOwn?: boolean;
}

interface DirEntry {
  abs: string;
  rel: string;
  real: string;
  layers: IgnoreLayer[];
  /** A start path inside an excluded folder (named explicitly): its files get the full exclusion test. */
  underExcluded?: boolean;
}

// git's own default: case-insensitive matching only where file systems usually are.
const IGNORE_CASE = os.platform() === 'darwin' || os.platform() === 'win32';

/**
 * A matcher for scan_exclude entries (gitignore syntax). `dir/**` also excludes `dir` itself, so the walk
 * does not descend into it. Directories are tested with a trailing slash. Usable on staged/range file lists too.
 */
export function excludeMatcher(exclude: string[]): (relPath: string, isDir?: boolean) => boolean {
  const ig = newIgnore().add(withFolders(exclude));
  return (rel, isDir = false) => rel !== '' && ig.ignores(isDir ? `${rel}/` : rel);
}

/** scan_exclude entries, with `dir/` beside each `dir/**` (see excludeMatcher). */
function withFolders(exclude: string[]): string[] {
  return exclude.flatMap((e) => (e.endsWith('/**') ? [e, e.slice(0, -2)] : [e]));
}

/**
 * The walk's exclusion test for a file whose folders have all passed theirs. A plain name (`dist`,
 * `node_modules`) excludes a file only by the file's own name, and an anchored pattern (`.sentrik/cache`,
 * `vendor/**`) only a file below its first folder, so most files need no gitignore matching at all (it cost
 * ~2 µs a file, 17k files, before any work could start). Other patterns send every file to `ignore` as
 * before; a negation, escape or space sends every file there. Only for the walk: a listed path (staged files)
 * has not had its folders checked, nor has a start folder named inside an excluded one (see underExcluded).
 */
function walkFileExcluder(exclude: string[], isExcluded: (rel: string) => boolean): (rel: string, name: string) => boolean {
  const key = (s: string): string => (IGNORE_CASE ? s.toLowerCase() : s);
  const names = new Set<string>();
  const folders: string[] = [];
  // `**/.sentrik/cache/` (a folder name, then more): only a path through a folder of that name can match.
  const segments: string[] = [];
  let anywhere = false;
  for (const e of withFolders(exclude)) {
    if (e.startsWith('!') || e.startsWith('#') || /[\\\s]/.test(e)) return (rel) => isExcluded(rel);
    const anchored = e.startsWith('/') || e.replace(/\/$/, '').includes('/');
    const body = e.replace(/^\//, '').replace(/\/$/, '');
    const [first, second] = body.split('/');
    if (first === '**' && second && !/[*?[]/.test(second) && body.split('/').length > 2) segments.push(key(second));
    else if (/[*?[]/.test(anchored ? first : body)) anywhere = true;
    else if (anchored) folders.push(key(first));
    else if (!e.endsWith('/')) names.add(key(body)); // `name/` matches folders only
  }
  return (rel, name) => {
    if (names.has(key(name))) return true;
    const k = key(rel);
    if (!anywhere && !folders.some((f) => k.startsWith(`${f}/`) || k === f) && !segments.some((s) => k.startsWith(`${s}/`) || k.includes(`/${s}/`))) return false;
    return isExcluded(rel);
  };
}

export function discoverFiles(opts: DiscoverOptions): DiscoveryResult {
  const root = path.resolve(opts.root);
  const rootReal = fs.realpathSync.native(root);
  const files = new Map<string, DiscoveredFile>();
  const skipped = new Map<string, SkippedFile>();
  const gitignoredKept: string[] = [];
  const problems: ScanProblem[] = [];
  const isExcluded = excludeMatcher(opts.exclude);
  const isExcludedInWalk = walkFileExcluder(opts.exclude, isExcluded);
  const baseLayers = rootLayers(root, opts.respectGitignore);
  const visitedDirs = new Set<string>();

  const skip = (rel: string, reason: SkippedFile['reason']): void => {
    if (!skipped.has(rel)) skipped.set(rel, { file: rel, reason });
  };
  const problem = (rel: string, err: unknown): void => {
    problems.push({ file: rel || '.', code: 'unreadable', message: `cannot read: ${errCode(err)}` });
  };
  const ignoredBy = (layers: IgnoreLayer[], rel: string, isDir: boolean): SkippedFile['reason'] | undefined => {
    if (isExcluded(rel, isDir)) return 'excluded';
    return isIgnored(layers, rel, isDir) ? 'gitignored' : undefined;
  };
  const addFile = (abs: string, rel: string, st?: fs.Stats): void => {
    if (st && st.size > opts.maxFileSize && !opts.listOversized) skip(rel, 'too-large');
    else {
      files.set(rel, { path: rel, abs, stat: st && fileStat(st) });
      if (files.size === opts.onManyFiles?.after) opts.onManyFiles.run();
    }
  };
  const withStat = opts.stat ?? true;

  // Regular directories are walked first; symlinked directories wait, so a tree reachable both directly and
  // through a link is reported under its real path, and a link back up the tree is recognised as a loop.
  const stack: DirEntry[] = [];
  const deferredLinks: { dir: DirEntry; linkParentReal: string }[] = [];

  for (const start of opts.paths ?? [root]) {
    const abs = path.resolve(start);
    const rel = toPosix(path.relative(root, abs));
    if (!isInside(root, abs)) {
      problems.push({ file: start, code: 'outside-root', message: 'path is outside the scan root' });
      continue;
    }
    let st: fs.Stats;
    let real: string;
    try {
      st = fs.statSync(abs);
      real = fs.realpathSync.native(abs);
    } catch (err) {
      problem(rel, err);
      continue;
    }
    if (!isInside(rootReal, real)) skip(rel, 'symlink-outside-root');
    else if (st.isDirectory()) stack.push({ abs, rel, real, layers: layersDownTo(root, rel, baseLayers, opts.respectGitignore), underExcluded: rel !== '' && isExcluded(rel, true) });
    else if (st.isFile()) {
      // Named explicitly: .gitignore does not apply, but sentrik's own exclusions do (pre-commit passes every file).
      const own = baseLayers.filter((l) => l.isOwn);
      if (isExcluded(rel) || isIgnored(own, rel, false)) skip(rel, 'excluded');
      else addFile(abs, rel, st);
    }
  }

  const walk = (dir: DirEntry): void => {
    if (visitedDirs.has(dir.real)) return;
    visitedDirs.add(dir.real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir.abs, { withFileTypes: true });
    } catch (err) {
      problem(dir.rel, err);
      return;
    }
    // Only a folder that lists a .gitignore is asked for one (a failed open per folder costs more than the walk).
    const hasIgnoreFile = opts.respectGitignore && entries.some((e) => e.name === '.gitignore');
    const layers = hasIgnoreFile ? withIgnoreFile(dir.layers, dir.abs, dir.rel, problems) : dir.layers;
    // dir.abs is normalised, so plain concatenation is path.join without its cost (17k calls).
    const prefix = dir.abs.endsWith(path.sep) ? dir.abs : dir.abs + path.sep;
    for (const entry of entries) {
      const name = entry.name;
      if (name === '.git') continue;
      const abs = prefix + name;
      const rel = dir.rel === '' ? name : `${dir.rel}/${name}`;
      if (entry.isDirectory()) {
        const reason = ignoredBy(layers, rel, true);
        if (reason) skip(rel, reason);
        else stack.push({ abs, rel, real: path.join(dir.real, name), layers, underExcluded: dir.underExcluded });
      } else if (entry.isFile()) {
        const excluded = dir.underExcluded ? isExcluded(rel) : isExcludedInWalk(rel, name);
        let reason: SkippedFile['reason'] | undefined = excluded ? 'excluded' : isIgnored(layers, rel, false) ? 'gitignored' : undefined;
        if (reason === 'gitignored' && opts.keepGitignored?.(rel) && !isIgnored(layers.filter((l) => l.isOwn), rel, false)) {
          reason = undefined;
          gitignoredKept.push(rel);
        }
        if (reason) skip(rel, reason);
        else if (withStat) statInto(abs, rel);
        else addFile(abs, rel);
      } else if (entry.isSymbolicLink()) {
        followLink(abs, rel, dir, layers);
      }
      // FIFOs, sockets and devices are never scanned (reading one could block forever).
    }
  };

  const statInto = (abs: string, rel: string): void => {
    try {
      addFile(abs, rel, fs.statSync(abs));
    } catch (err) {
      problem(rel, err);
    }
  };

  const followLink = (abs: string, rel: string, dir: DirEntry, layers: IgnoreLayer[]): void => {
    let real: string;
    let st: fs.Stats;
    try {
      real = fs.realpathSync.native(abs);
      st = fs.statSync(real);
    } catch (err) {
      const code = errCode(err);
      if (code === 'ELOOP') skip(rel, 'symlink-loop');
      else if (code === 'ENOENT') skip(rel, 'broken-symlink');
      else problem(rel, err);
      return;
    }
    if (!isInside(rootReal, real)) return skip(rel, 'symlink-outside-root');
    const isDir = st.isDirectory();
    const reason = ignoredBy(layers, rel, isDir);
    if (reason) return skip(rel, reason);
    if (isDir) deferredLinks.push({ dir: { abs, rel, real, layers, underExcluded: dir.underExcluded }, linkParentReal: dir.real });
    else if (st.isFile()) addFile(abs, rel, st);
  };

  const drain = (): void => {
    for (let dir = stack.pop(); dir; dir = stack.pop()) walk(dir);
  };
  drain();
  while (deferredLinks.length > 0) {
    const { dir, linkParentReal } = deferredLinks.shift()!;
    if (isInside(dir.real, linkParentReal)) skip(dir.rel, 'symlink-loop');
    else if (visitedDirs.has(dir.real)) skip(dir.rel, 'symlink-duplicate');
    else {
      stack.push(dir);
      drain();
    }
  }

  const byPath = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  return {
    files: [...files.values()].sort(byPath((f) => f.path)),
    skipped: [...skipped.values()].sort(byPath((s) => s.file)),
    problems,
    gitignoredKept: gitignoredKept.sort(),
  };
}

/** git semantics: the deepest ignore file with a matching rule wins; a `!pattern` there re-includes. */
function isIgnored(layers: IgnoreLayer[], rel: string, isDir: boolean): boolean {
  let ignored = false;
  for (const layer of layers) {
    if (layer.base !== '' && !rel.startsWith(`${layer.base}/`)) continue;
    const local = layer.prefix + (layer.base === '' ? rel : rel.slice(layer.base.length + 1));
    const r = layer.ig.test(isDir ? `${local}/` : local);
    if (r.ignored) ignored = true;
    else if (r.unignored) ignored = false;
  }
  return ignored;
}

/** Layers for the root: ignore files of the enclosing repository above the root, then the root's own. */
function rootLayers(root: string, respectGitignore: boolean): IgnoreLayer[] {
  const layers: IgnoreLayer[] = [];
  if (respectGitignore) {
    const top = findRepoTop(root);
    if (top !== undefined) {
      const exclude = readIgnoreFile(path.join(top, '.git', 'info', 'exclude'));
      const fromTop = toPosix(path.relative(top, root));
      if (exclude) layers.push({ ig: exclude, base: '', prefix: fromTop ? `${fromTop}/` : '' });
      // .gitignore files between the repository top and the root (exclusive); the root's own is read by the walk.
      let dir = top;
      for (const part of fromTop ? fromTop.split('/') : []) {
        const ig = readIgnoreFile(path.join(dir, '.gitignore'));
        const below = toPosix(path.relative(dir, root));
        if (ig) layers.push({ ig, base: '', prefix: `${below}/` });
        dir = path.join(dir, part);
      }
    }
  }
  // .sentrikignore is sentrik's own: honoured even when .gitignore is not, and it has the last word.
  const own = readIgnoreFile(path.join(root, '.sentrikignore'));
  if (own) layers.push({ ig: own, base: '', prefix: '', isOwn: true });
  return layers;
}

/** Layers when the walk starts below the root: .gitignore files of the folders in between. */
function layersDownTo(root: string, rel: string, base: IgnoreLayer[], respectGitignore: boolean): IgnoreLayer[] {
  if (!respectGitignore || rel === '') return base;
  let layers = base;
  const parts = rel.split('/');
  for (let i = 0; i < parts.length; i++) {
    const dirRel = parts.slice(0, i).join('/');
    const ig = readIgnoreFile(path.join(root, dirRel, '.gitignore'));
    if (ig) layers = insertBeforeOwn(layers, { ig, base: dirRel, prefix: '' });
  }
  return layers;
}

/** Add the .gitignore of `dirAbs` (if any) to the layers for its subtree. */
function withIgnoreFile(layers: IgnoreLayer[], dirAbs: string, dirRel: string, problems: ScanProblem[]): IgnoreLayer[] {
  let ig: Ignore | undefined;
  try {
    ig = readIgnoreFile(path.join(dirAbs, '.gitignore'), true);
  } catch (err) {
    problems.push({ file: dirRel ? `${dirRel}/.gitignore` : '.gitignore', code: 'unreadable', message: `cannot read: ${errCode(err)}` });
  }
  return ig ? insertBeforeOwn(layers, { ig, base: dirRel, prefix: '' }) : layers;
}

/** Keep .sentrikignore (always last in the root layers) after every .gitignore layer. */
function insertBeforeOwn(layers: IgnoreLayer[], layer: IgnoreLayer): IgnoreLayer[] {
  const ownIndex = layers.findIndex((l) => l.isOwn);
  return ownIndex === -1 ? [...layers, layer] : [...layers.slice(0, ownIndex), layer, ...layers.slice(ownIndex)];
}

/** The file's rules, or undefined when it has none (git's default .git/info/exclude is all comments). */
function readIgnoreFile(file: string, throwUnreadable = false): Ignore | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (throwUnreadable && errCode(err) !== 'ENOENT' && errCode(err) !== 'ENOTDIR') throw err;
    return undefined;
  }
  // A .gitignore is the scanned repository's: a pattern too costly for the ignore library's regexes
  // (`*a*a*a*a*a*b`) is left out, so that file is scanned rather than the scan hung.
  const rules = text.split(/\r?\n/).filter((line) => !globTooComplex(line.trim()));
  // A layer without rules still costs a test of every path: leave it out.
  return hasIgnoreRule(rules.join('\n')) ? newIgnore().add(rules) : undefined;
}

/** gitignore syntax: blank lines and lines starting with '#' are not rules (`\#x` is). */
function hasIgnoreRule(text: string): boolean {
  return text.split(/\r?\n/).some((line) => line.trim() !== '' && !line.startsWith('#'));
}

// allowRelativePaths: odd names (`..x`) return "not ignored" instead of throwing mid-walk.
function newIgnore(): Ignore {
  return ignore({ ignorecase: IGNORE_CASE, allowRelativePaths: true });
}

/** The nearest folder at or above `start` holding a `.git` directory (no git process needed). */
function findRepoTop(start: string): string | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    try {
      if (fs.statSync(path.join(dir, '.git')).isDirectory()) return dir;
    } catch {
      // not here; keep going up
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function errCode(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? e.message ?? String(err);
}
