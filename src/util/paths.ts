// The one path guard every command and the MCP server use: a user- or agent-supplied path must stay inside
// the scan root, lexically and after resolving symlinks.
import fs from 'node:fs';
import path from 'node:path';
import { SentrikError } from './errors.js';

/** Forward slashes on every platform (paths in findings and reports). */
export function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

/** True when `child` is `parent` itself or below it (`/repo2` is not inside `/repo`). Both absolute, normalised. */
export function isInside(parent: string, child: string): boolean {
  if (child === parent) return true;
  const prefix = parent.endsWith(path.sep) ? parent : parent + path.sep;
  return child.startsWith(prefix);
}

const OUTSIDE_HINT = 'give a path inside the scanned directory (symlinks that point out of it are refused)';

/**
 * Resolve `p` (absolute, or relative to `root`) and return its absolute path, refusing anything outside `root`:
 * `..` segments, absolute paths elsewhere, sibling prefixes, NUL bytes, and symlinks (at any depth, chained or
 * dangling) whose target leaves the root. A path that does not exist yet is checked through its nearest existing
 * parent. Backslashes count as separators on every platform, so `..\\..\\etc` is refused everywhere.
 * Inside or not is decided on real paths, both sides: the root reached through a symlinked folder (the shell's
 * /work/link when the process sees /work/real) is the same root.
 * Returns the lexical path (under `path.resolve(root)`), not the realpath, so relative names stay as the user
 * sees them; a path naming the root by another name is returned under the root's own name.
 */
export function resolveInsideRoot(root: string, p: string): string {
  const shown = p.replace(/\0/g, '\\0');
  if (p.includes('\0')) throw new SentrikError('path contains a NUL byte', shown, undefined, 'remove the NUL character from the path');
  const rootAbs = path.resolve(root);
  const abs = path.resolve(rootAbs, p.replace(/\\/g, '/'));
  const rootReal = realLocation(rootAbs, shown);
  const real = realLocation(abs, shown);
  // The real location decides, so a symlink inside the root that points out of it is refused.
  if (!isInside(rootReal, real)) throw new SentrikError('path is outside the scan root', shown, undefined, OUTSIDE_HINT);
  return isInside(rootAbs, abs) ? abs : path.join(rootAbs, path.relative(rootReal, real));
}

/** `resolveInsideRoot` as a question: the path when it lies inside the root (symbolic links followed), else undefined. */
export function insideRootOrUndefined(root: string, p: string): string | undefined {
  try {
    return resolveInsideRoot(root, p);
  } catch {
    return undefined;
  }
}

const MAX_LINK_HOPS = 40; // what Linux allows before ELOOP

/** Where `p` really lives: its realpath, or for a missing path the realpath of its nearest existing parent + the rest. */
function realLocation(p: string, shown: string, hops = 0): string {
  try {
    return fs.realpathSync.native(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || hops > MAX_LINK_HOPS) {
      throw new SentrikError('path is a symlink loop', shown, undefined, OUTSIDE_HINT);
    }
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      throw new SentrikError(`cannot resolve path (${code ?? 'error'})`, shown, undefined, 'check that the path exists and is readable');
    }
  }
  // A dangling symlink: follow where it points, so a later create/write cannot land outside the root.
  const target = readLinkOrUndefined(p);
  if (target !== undefined) return realLocation(path.resolve(path.dirname(p), target), shown, hops + 1);
  const parent = path.dirname(p);
  if (parent === p) return p;
  return path.join(realLocation(parent, shown, hops), path.basename(p));
}

function readLinkOrUndefined(p: string): string | undefined {
  try {
    return fs.readlinkSync(p);
  } catch {
    return undefined;
  }
}
