// Reading a file to scan: once, into one Buffer, never more than the size cap, never blocking on a FIFO.
import { isAscii } from 'node:buffer';
import fs from 'node:fs';

/** Bytes inspected for a NUL byte to decide a file is binary (what git and ripgrep do). */
const BINARY_SNIFF_BYTES = 8192;

export type SkipReason = 'binary' | 'too-large' | 'unreadable';

/**
 * Decoded text, or why the file is skipped. Invalid UTF-8 is not a skip: the text is decoded with U+FFFD
 * replacement characters (so secrets in a Latin-1 file are still found) and `invalidUtf8` is set so the caller
 * can record an `invalid-utf8` problem. `asciiBytes`: the bytes, when they are all ASCII (same offsets as the text).
 */
export type ReadResult = { text: string; invalidUtf8?: true; asciiBytes?: Buffer } | { skip: SkipReason; detail?: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** Decode file content: binary check, UTF-8 (BOM stripped), size cap. Shared by disk and git-blob reads. */
export function decodeSource(buf: Buffer, maxBytes: number): ReadResult {
  if (buf.length > maxBytes) return { skip: 'too-large', detail: `${buf.length} bytes > ${maxBytes}` };
  if (buf.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return { skip: 'binary' };
  // Most source is ASCII: no UTF-8 decoding, and the bytes serve RE2 as they are.
  if (isAscii(buf)) return { text: buf.toString('latin1'), asciiBytes: buf };
  let text: string;
  let invalidUtf8: true | undefined;
  try {
    text = strictUtf8.decode(buf);
  } catch {
    text = lenientUtf8.decode(buf);
    invalidUtf8 = true;
  }
  // TextDecoder already drops a leading BOM; this keeps that guarantee explicit.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return invalidUtf8 ? { text, invalidUtf8 } : { text };
}

// O_NONBLOCK: opening a FIFO for reading would otherwise wait forever for a writer.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/** Read a file from disk for scanning. Files over `maxBytes` are not read at all. */
export function readSourceText(abs: string, maxBytes: number): ReadResult {
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
    return decodeSource(buf.subarray(0, got), maxBytes);
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
