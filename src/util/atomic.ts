// Replacing a file as a whole: written beside it under a unique temporary name, then renamed over it, so a
// reader or a crash never sees half a file and two writers never share a temporary file.
import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Write `data` to `file` atomically (creating its folder); the temporary file is removed if anything fails.
 * An existing regular file keeps its mode unless `mode` is given. A symlink is replaced, not written through:
 * its target may lie outside the project.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, opts: { mode?: number } = {}): void {
  let mode = opts.mode;
  try {
    const st = lstatSync(file);
    if (st.isFile()) mode ??= st.mode & 0o7777;
  } catch {
    // a new file
  }
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, data, { mode, flag: 'wx' });
    if (mode !== undefined) chmodSync(tmp, mode); // the umask narrowed it
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
