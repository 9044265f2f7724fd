// Reading a file to scan: once, into one Buffer, never more than the size cap, never blocking on a FIFO.
import { isAscii, isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import { decodeBytes, type SourceBytes } from './source.js';

/** Bytes inspected for a NUL byte to decide a file is binary (what git and ripgrep do). */
const BINARY_SNIFF_BYTES = 8192;

export type SkipReason = 'binary' | 'too-large' | 'unreadable';
type Skip = { skip: SkipReason; detail?: string };

/**
 * A file's content, or why the file is skipped. Valid UTF-8 stays bytes (see SourceBytes: most files are never
 * decoded). Invalid UTF-8 is not a skip: it is decoded with U+FFFD replacement characters (so secrets in a
 * Latin-1 file are still found) and `invalidUtf8` is set so the caller can record an `invalid-utf8` problem.
 */
export type ReadContent = { bytes: SourceBytes } | { text: string; invalidUtf8: true } | Skip;

/** Decoded text, or why the file is skipped (see ReadContent). */
export type ReadResult = { text: string; invalidUtf8?: true } | Skip;

const lenientUtf8 = new TextDecoder('utf-8');

/** File content: binary check, UTF-8 (BOM dropped), size cap. Shared by disk and git-blob reads. */
export function decodeContent(buf: Buffer, maxBytes: number): ReadContent {
  if (buf.length > maxBytes) return { skip: 'too-large', detail: `${buf.length} bytes > ${maxBytes}` };
  if (buf.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return { skip: 'binary' };
  // Most source is ASCII: no decoding, and the bytes serve RE2 as they are.
  if (isAscii(buf)) return { bytes: { utf8: buf, ascii: true } };
  if (isUtf8(buf)) return { bytes: { utf8: buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf, ascii: false } };
  // TextDecoder drops a leading BOM.
  return { text: lenientUtf8.decode(buf), invalidUtf8: true };
}

/** decodeContent as text. */
export function decodeSource(buf: Buffer, maxBytes: number): ReadResult {
  return asText(decodeContent(buf, maxBytes));
}

// O_NONBLOCK: opening a FIFO for reading would otherwise wait forever for a writer.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/** Read a file from disk as text (see readSourceContent). */
export function readSourceText(abs: string, maxBytes: number): ReadResult {
  return asText(readSourceContent(abs, maxBytes));
}

function asText(c: ReadContent): ReadResult {
  return 'bytes' in c ? { text: decodeBytes(c.bytes) } : c;
}

/** Read a file from disk for scanning. Files over `maxBytes` are not read at all. */
export function readSourceContent(abs: string, maxBytes: number): ReadContent {
  const read = readFileBytes(abs, maxBytes);
  return Buffer.isBuffer(read) ? decodeContent(read, maxBytes) : read;
}

/** A file's raw bytes (binary files too), or why not: files over `maxBytes` are not read at all. */
export function readFileBytes(abs: string, maxBytes: number): Buffer | Skip {
  let fd: number;
  try {
    fd = fs.openSync(abs, OPEN_FLAGS);
  } catch (err) {
    return { skip: 'unreadable', detail: describe(err) };
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { skip: 'unreadable', detail: 'not a regular file' };
    if (st.size > maxBytes) return { skip: 'too-large', detail: `${st.size} bytes > ${maxBytes}` };
    // Read at most maxBytes + 1: a file that grew since fstat is still caught as too large.
    const buf = Buffer.allocUnsafe(Math.min(st.size, maxBytes) + 1);
    let got = 0;
    for (let n; got < buf.length && (n = fs.readSync(fd, buf, got, buf.length - got, got)) > 0; ) got += n;
    return got > maxBytes ? { skip: 'too-large', detail: `${got} bytes > ${maxBytes}` } : buf.subarray(0, got);
  } catch (err) {
    return { skip: 'unreadable', detail: describe(err) };
  } finally {
    fs.closeSync(fd);
  }
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? e.message ?? String(err);
}
