// Reader for zip archives of JSON records (OSV dumps) that holds one entry in memory at a time, however large
// the archive. It walks the central directory (the archive's own index, which has every entry's sizes even
// when the local headers do not: Go's archive/zip, which writes the OSV dumps, streams them), reads each
// entry's bytes through one reusable window, and inflates it with node:zlib capped at its declared size, so
// a lying header cannot expand it further. Entry names are only reported, never used as paths.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { SentrikError } from '../util/errors.js';

export const ZIP_LIMITS = {
  /** One OSV record is a few KiB; anything above this is not a record. */
  maxEntryBytes: 16 * 1024 * 1024,
  /** Memory does not grow with this (one entry at a time): it bounds the time and disk an import may take. */
  maxTotalBytes: 16 * 1024 * 1024 * 1024,
  /** Compression ratio above which an entry is treated as a bomb (JSON compresses ~10:1); also caps the whole archive. */
  maxRatio: 200,
  maxEntries: 2_000_000,
};
export type ZipLimits = typeof ZIP_LIMITS;

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

const SIG = { local: 0x04034b50, central: 0x02014b50, end: 0x06054b50, end64: 0x06064b50, locator64: 0x07064b50 };
const HINT = 'download <Ecosystem>/all.zip from the OSV bucket again';

/** Reads a file region through one reusable buffer: entries are visited in order, so most reads are a slice. */
class FileWindow {
  private buf = Buffer.alloc(1024 * 1024);
  private start = 0;
  private end = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  /** `len` bytes at `pos`, or undefined past the end of the file. Valid until the next read. */
  read(pos: number, len: number): Buffer | undefined {
    if (pos < 0 || len < 0 || pos + len > this.size) return undefined;
    if (len > this.buf.length) {
      const big = Buffer.allocUnsafe(len);
      return readSync(this.fd, big, 0, len, pos) === len ? big : undefined;
    }
    if (pos < this.start || pos + len > this.end) {
      this.start = pos;
      this.end = pos + readSync(this.fd, this.buf, 0, this.buf.length, pos);
      if (pos + len > this.end) return undefined;
    }
    return this.buf.subarray(pos - this.start, pos - this.start + len);
  }
}

interface CentralDirectory {
  offset: number;
  size: number;
}

/** Finds the central directory from the end record (and its zip64 form, for archives over 65,535 entries). */
function centralDirectory(file: string, win: FileWindow): CentralDirectory {
  const tailLen = Math.min(win.size, 22 + 0xffff);
  const tail = win.read(win.size - tailLen, tailLen);
  let at = -1;
  for (let i = (tail?.length ?? 0) - 22; i >= 0 && tail; i--) {
    if (tail.readUInt32LE(i) === SIG.end) {
      at = i;
      break;
    }
  }
  if (!tail || at < 0) throw new SentrikError('not a readable zip archive (no end of central directory)', file, undefined, HINT);
  const endPos = win.size - tailLen + at;
  const dir = { offset: tail.readUInt32LE(at + 16), size: tail.readUInt32LE(at + 12) };
  if (dir.offset !== 0xffffffff && dir.size !== 0xffffffff && tail.readUInt16LE(at + 10) !== 0xffff) return dir;
  const locator = win.read(endPos - 20, 20);
  // Exactly 65,535 entries also reads 0xffff: without a zip64 locator the 32-bit values are the real ones.
  if (locator?.readUInt32LE(0) !== SIG.locator64 && dir.offset !== 0xffffffff && dir.size !== 0xffffffff) return dir;
  const end64 = locator?.readUInt32LE(0) === SIG.locator64 ? win.read(Number(locator.readBigUInt64LE(8)), 56) : undefined;
  if (!end64 || end64.readUInt32LE(0) !== SIG.end64) throw new SentrikError('not a readable zip archive (bad zip64 end record)', file, undefined, HINT);
  return { offset: Number(end64.readBigUInt64LE(48)), size: Number(end64.readBigUInt64LE(40)) };
}

function unsafeName(name: string): boolean {
  return name.includes('\0') || name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.split(/[\\/]/).includes('..');
}

/**
 * Reads the `.json` entries of the zip archive `file` one at a time, calling `onEntry` with each whole entry and
 * `onProblem` for each entry refused (path traversal, possible zip bomb, corrupt data); the rest go on.
 * Throws a SentrikError when the file is not a zip archive or expands beyond the total caps.
 */
export function readZipEntries(file: string, onEntry: (entry: ZipEntry) => void, onProblem: (entry: string, message: string) => void, limits: ZipLimits = ZIP_LIMITS): void {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new SentrikError(`cannot read the archive (${(err as NodeJS.ErrnoException).code ?? 'error'})`, file);
  }
  try {
    const dirWin = new FileWindow(fd, fstatSync(fd).size);
    const dataWin = new FileWindow(fd, dirWin.size);
    const dir = centralDirectory(file, dirWin);
    // Real JSON never inflates to more than maxRatio times the archive, however its entries are arranged.
    const maxTotal = Math.min(limits.maxTotalBytes, limits.maxRatio * dirWin.size);
    let entries = 0;
    let total = 0;
    // Entries must not share data: each would pass the ratio check while the archive inflates the same bytes
    // over and over. The previous entry's range catches the usual layout; the sum of all ranges (which
    // cannot exceed the file when none overlap) catches any other order.
    let previous = { start: -1, end: -1 };
    let covered = 0;
    for (let pos = dir.offset; pos < dir.offset + dir.size; ) {
      const h = dirWin.read(pos, 46);
      if (h?.readUInt32LE(0) !== SIG.central) throw new SentrikError('not a readable zip archive (corrupt central directory)', file, undefined, HINT);
      const flags = h.readUInt16LE(8);
      const method = h.readUInt16LE(10);
      let compressed = h.readUInt32LE(20);
      let size = h.readUInt32LE(24);
      const [nameLen, extraLen, commentLen] = [h.readUInt16LE(28), h.readUInt16LE(30), h.readUInt16LE(32)];
      let local = h.readUInt32LE(42);
      const rest = dirWin.read(pos + 46, nameLen + extraLen);
      if (!rest) throw new SentrikError('not a readable zip archive (truncated central directory)', file, undefined, HINT);
      const name = rest.toString(flags & 0x800 ? 'utf8' : 'latin1', 0, nameLen);
      ({ size, compressed, local } = zip64Sizes(rest.subarray(nameLen), { size, compressed, local }));
      pos += 46 + nameLen + extraLen + commentLen;

      if (unsafeName(name)) {
        onProblem(name, 'entry name leaves the archive (path traversal); skipped');
        continue;
      }
      if (!name.endsWith('.json')) continue;
      if (++entries > limits.maxEntries) throw new SentrikError(`archive holds more than ${limits.maxEntries} entries`, file, undefined, 'is this an OSV export?');
      const ratio = compressed > 0 ? size / compressed : size > 0 ? Infinity : 0;
      if (size > limits.maxEntryBytes || compressed > limits.maxEntryBytes || ratio > limits.maxRatio) {
        onProblem(name, `entry too large or too compressed (${size} bytes, ratio ${Number.isFinite(ratio) ? ratio.toFixed(0) : '∞'}:1); skipped as a possible zip bomb`);
        continue;
      }
      if (flags & 1 || (method !== 0 && method !== 8)) {
        onProblem(name, flags & 1 ? 'entry is encrypted; skipped' : `unsupported compression method ${method}; skipped`);
        continue;
      }
      const start = dataStart(dataWin, local);
      if (typeof start === 'string') {
        onProblem(name, start);
        continue;
      }
      const end = start + compressed;
      if (end > dirWin.size) {
        onProblem(name, 'entry data runs past the end of the archive; skipped');
        continue;
      }
      if ((local < previous.end && end > previous.start) || covered + (end - local) > dirWin.size) {
        onProblem(name, 'entry data overlaps another entry (the archive is corrupt or hostile); skipped');
        continue;
      }
      previous = { start: local, end };
      covered += end - local;
      total += size;
      if (total > maxTotal) throw new SentrikError(`archive expands beyond ${maxTotal} bytes`, file, undefined, 'is this an OSV export?');
      const data = entryData(dataWin, start, compressed, size, method);
      if (typeof data === 'string') onProblem(name, data);
      else onEntry({ name, data });
    }
  } finally {
    closeSync(fd);
  }
}

/** Sizes and offset from the zip64 extra field, for the header fields that are set to 0xffffffff. */
function zip64Sizes(extra: Buffer, h: { size: number; compressed: number; local: number }): typeof h {
  for (let at = 0; at + 4 <= extra.length; ) {
    const [id, len] = [extra.readUInt16LE(at), extra.readUInt16LE(at + 2)];
    if (id === 0x0001) {
      let p = at + 4;
      const next = (v: number): number => {
        if (v !== 0xffffffff || p + 8 > at + 4 + len || p + 8 > extra.length) return v;
        p += 8;
        return Number(extra.readBigUInt64LE(p - 8));
      };
      // The order is fixed by the format: uncompressed size, compressed size, local header offset.
      const size = next(h.size);
      const compressed = next(h.compressed);
      return { size, compressed, local: next(h.local) };
    }
    at += 4 + len;
  }
  return h;
}

/** Where an entry's data starts (after its local header), or a problem message. */
function dataStart(win: FileWindow, local: number): number | string {
  const header = win.read(local, 30);
  if (header?.readUInt32LE(0) !== SIG.local) return 'local header missing (the archive is corrupt); skipped';
  return local + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
}

/** One entry's inflated bytes, or a problem message. Inflation stops at the declared size. */
function entryData(win: FileWindow, start: number, compressed: number, size: number, method: number): Uint8Array | string {
  const raw = win.read(start, compressed);
  if (!raw) return 'entry data runs past the end of the archive; skipped';
  if (method === 0) return raw.length === size ? Buffer.from(raw) : 'stored entry size differs from its declared size; skipped';
  let data: Buffer;
  try {
    data = inflateRawSync(raw, { maxOutputLength: Math.max(size, 1) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return 'entry inflated beyond its declared size (the archive is corrupt or hostile); skipped';
    return `cannot be inflated (${(err as Error).message}); skipped`;
  }
  return data.length === size ? data : 'entry inflated to less than its declared size (the archive is corrupt); skipped';
}
