// Finding and parsing a project's lockfiles: discovery honours scan_exclude and .gitignore, every file is read
// through the root path guard, and a broken lockfile becomes a problem while the others are still read.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { formatFor } from '../ecosystems/index.js';
import type { Ecosystem, LockfileFormat, Package, ParseProblem } from '../ecosystems/types.js';
import { discoverFiles } from '../engine/discovery.js';
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
  problems: ParseProblem[];
  /** Files found and read (for metrics). */
  bytes: number;
}

export function readProject(root: string, exclude: string[], paths?: string[]): ProjectPackages {
  const found = discoverFiles({ root, paths, exclude, respectGitignore: true, maxFileSize: MAX_LOCKFILE_BYTES });
  const problems: ParseProblem[] = found.problems.map((p) => ({ file: p.file ?? '.', message: p.message }));
  const lockfiles: ParsedLockfile[] = [];
  let bytes = 0;
  for (const f of found.files) {
    const hit = formatFor(posix.basename(f.path));
    if (!hit) continue;
    let text: string;
    try {
      text = readFileSync(resolveInsideRoot(root, f.path), 'utf8');
    } catch (err) {
      problems.push({ file: f.path, message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
      continue;
    }
    bytes += text.length;
    const dir = posix.dirname(f.path);
    const read = (rel: string): string | undefined => {
      try {
        return readFileSync(resolveInsideRoot(root, posix.join(dir, rel)), 'utf8');
      } catch {
        return undefined; // missing, unreadable, or outside the root: treated alike
      }
    };
    const parsed = hit.format.parse(f.path, text, read);
    problems.push(...parsed.problems);
    lockfiles.push({ file: f.path, ecosystem: hit.ecosystem, format: hit.format, packages: parsed.packages });
  }
  return { lockfiles, problems, bytes };
}
