// Finding and parsing a project's lockfiles: discovery honours scan_exclude and .gitignore, every file is read
// through the root path guard, and a broken lockfile becomes a problem while the others are still read.
// Manifests no lockfile covers, and requirements without exact pins, are collected as `unchecked`.
import { readFileSync } from 'node:fs';
import { basename, posix } from 'node:path';
import { ECOSYSTEMS, formatFor, manifestFor } from '../ecosystems/index.js';
import type { Ecosystem, LockfileFormat, ManifestFormat, OsvEcosystem, Package, ParseProblem, ProjectIdentity, ReadSibling, Unchecked } from '../ecosystems/types.js';
import { discoverFiles } from '../engine/discovery.js';
import { readSourceText } from '../engine/read.js';
import { resolveInsideRoot } from '../util/paths.js';

/** Lockfiles can be large; still bounded so a hostile tree cannot exhaust memory. */
const MAX_LOCKFILE_BYTES = 128 * 1024 * 1024;

export interface ParsedLockfile {
  file: string;
  ecosystem: Ecosystem;
  format: LockfileFormat;
  packages: Package[];
}

export interface ProjectPackages {
  lockfiles: ParsedLockfile[];
  /**
   * Every package once, whichever lockfiles list it (see distinctPackages): what `sbom` lists, and what
   * `vulns`, the MCP tool and the dashboard count. Findings still name each lockfile that pins one.
   */
  packages: Package[];
  problems: ParseProblem[];
  /** Declared dependencies without a known version, by file: not matched to advisories. */
  unchecked: Unchecked[];
  /** Files found and read (for metrics). */
  bytes: number;
  /** Lockfiles read although a .gitignore excludes them. */
  gitignored: string[];
}

export function readProject(root: string, exclude: string[], paths?: string[]): ProjectPackages {
  // A lockfile .gitignore excludes is still what installs run from: read, and said (gitignored). Folders
  // .gitignore excludes (node_modules, .venv, build output) are not entered; scan_exclude and .sentrikignore win.
  const found = discoverFiles({ root, paths, exclude, respectGitignore: true, maxFileSize: MAX_LOCKFILE_BYTES, keepGitignored: (path) => formatFor(path) !== undefined });
  const problems: ParseProblem[] = found.problems.map((p) => ({ file: p.file ?? '.', message: p.message }));
  const lockfiles: ParsedLockfile[] = [];
  const unchecked: Unchecked[] = [];
  const manifests: { file: string; text: string; ecosystem: Ecosystem; format: ManifestFormat; read: ReadSibling }[] = [];
  let bytes = 0;
  for (const f of found.files) {
    const hit = formatFor(f.path);
    const manifest = hit ? undefined : manifestFor(posix.basename(f.path));
    if (!hit && !manifest) continue;
    let text: string;
    try {
      text = readFileSync(resolveInsideRoot(root, f.path), 'utf8');
    } catch (err) {
      problems.push({ file: f.path, message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
      continue;
    }
    const dir = posix.dirname(f.path);
    const read = (rel: string): string | undefined => {
      try {
        return readFileSync(resolveInsideRoot(root, posix.join(dir, rel)), 'utf8');
      } catch {
        return undefined; // missing, unreadable, or outside the root: treated alike
      }
    };
    if (manifest) {
      manifests.push({ file: f.path, text, ...manifest, read });
      continue;
    }
    bytes += text.length;
    const parsed = hit!.format.parse(f.path, text, read);
    problems.push(...parsed.problems);
    unchecked.push(...(parsed.unchecked ?? []));
    lockfiles.push({ file: f.path, ecosystem: hit!.ecosystem, format: hit!.format, packages: parsed.packages });
  }
  // Manifests last: whether a lockfile covers one depends on every lockfile found.
  for (const m of manifests) {
    const u = m.format.unchecked(m.file, m.text, lockfiles.filter((l) => l.ecosystem === m.ecosystem && isLockfile(l)).map((l) => l.file), m.read);
    if (u) unchecked.push(u);
  }
  return { lockfiles, packages: distinctPackages(lockfiles), problems, unchecked: dedupeUnchecked(unchecked), bytes, gitignored: found.gitignoredKept };
}

/**
 * What the project at `root` calls itself: the first build file at the root (in the registry's ecosystem
 * order) that names it, else the folder's name.
 */
export function projectIdentity(root: string): ProjectIdentity & { ecosystem?: OsvEcosystem } {
  for (const e of ECOSYSTEMS) {
    if (!e.project) continue;
    let read;
    try {
      read = readSourceText(resolveInsideRoot(root, e.project.file), MAX_LOCKFILE_BYTES);
    } catch {
      continue; // a link out of the root
    }
    if (!('text' in read)) continue; // missing, unreadable, binary
    const identity = e.project.read(read.text);
    if (identity) return { ...identity, ecosystem: e.osv };
  }
  return { name: basename(root) };
}

/** A lockfile, or a manifest read for its pins (requirements.txt) that pins something: what summaries count. */
export function isLockfile(l: ParsedLockfile): boolean {
  return !l.format.declares || l.packages.length > 0;
}

/**
 * The packages of these lockfiles, each once: same ecosystem, name (as the ecosystem compares names) and
 * version is one package, listed by the first lockfile that pins it. The one count `sbom` and `vulns` share.
 */
export function distinctPackages(lockfiles: readonly ParsedLockfile[]): Package[] {
  const seen = new Map<string, Package>();
  for (const l of lockfiles) {
    for (const p of l.packages) {
      const key = `${l.ecosystem.osv}\0${l.ecosystem.normalizeName(p.name)}\0${p.version}`;
      if (!seen.has(key)) seen.set(key, p);
    }
  }
  return [...seen.values()];
}

/** A requirements file included by another (`-r`) and also found on its own is reported once. */
function dedupeUnchecked(list: Unchecked[]): Unchecked[] {
  const byKey = new Map<string, Unchecked>();
  for (const u of list) {
    const key = `${u.file}\0${u.reason}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { ...u, names: [...new Set(u.names)] });
    else seen.names = [...new Set([...seen.names, ...u.names])];
  }
  return [...byKey.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
