import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeContent, decodeSource, readSourceContent, readSourceText } from '../../src/engine/read.js';
import { SourceFile } from '../../src/engine/source.js';

const MiB = 1024 * 1024;
let dir: string;
const file = (name: string, content: string | Buffer): string => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
};

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sentrik-read-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('readSourceText', () => {
  it('reads UTF-8 text', () => {
    expect(readSourceText(file('a.py', 'password = "hunter2" # café\n'), 2 * MiB)).toEqual({ text: 'password = "hunter2" # café\n' });
  });

  it('strips a UTF-8 byte order mark', () => {
    const r = readSourceText(file('bom.ts', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('const a = 1;')])), 2 * MiB);
    expect(r).toEqual({ text: 'const a = 1;' });
  });

  it('skips a file with a NUL byte in its first 8 KiB as binary', () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from('IHDR')]);
    expect(readSourceText(file('logo.png', png), 2 * MiB)).toEqual({ skip: 'binary' });
  });

  it('does not call a file binary for a NUL byte past the first 8 KiB', () => {
    const r = readSourceText(file('late-nul.txt', Buffer.concat([Buffer.alloc(9000, 'a'), Buffer.from([0])])), 2 * MiB);
    expect('text' in r && r.text.length).toBe(9001);
  });

  it('skips a 3 MB file as too large with the default 2 MiB cap, without reading it', () => {
    const p = file('big.js', Buffer.alloc(3_000_000, 'x'));
    const r = readSourceText(p, 2 * MiB);
    expect(r).toMatchObject({ skip: 'too-large' });
  });

  it('skips a 50 MB file promptly (sparse, so the test is cheap)', () => {
    const p = path.join(dir, 'huge.bin');
    fs.writeFileSync(p, '');
    fs.truncateSync(p, 50 * MiB);
    // Not read at all: the size is checked first (a hang would hit the test timeout).
    expect(readSourceText(p, 2 * MiB)).toMatchObject({ skip: 'too-large' });
  }, 10_000);

  it('reads a file exactly at the cap', () => {
    const r = readSourceText(file('exact.txt', Buffer.alloc(1000, 'y')), 1000);
    expect('text' in r && r.text.length).toBe(1000);
  });

  it('decodes invalid UTF-8 with replacement characters and flags it, so secrets are still seen', () => {
    const latin1 = Buffer.from('mot_de_passe = "s3cr\xe9t-AKIAIOSFODNN7EXAMPLE"\n', 'latin1');
    const r = readSourceText(file('latin1.py', latin1), 2 * MiB);
    expect(r).toMatchObject({ invalidUtf8: true });
    expect('text' in r && r.text).toContain('AKIAIOSFODNN7EXAMPLE');
    expect('text' in r && r.text).toContain('\ufffd');
  });

  it('reports a missing file and a directory as unreadable instead of throwing', () => {
    expect(readSourceText(path.join(dir, 'nope.txt'), MiB)).toMatchObject({ skip: 'unreadable', detail: 'ENOENT' });
    expect(readSourceText(dir, MiB)).toMatchObject({ skip: 'unreadable' });
  });

  it('does not hang on a FIFO', () => {
    const fifo = path.join(dir, 'pipe');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return; // platform without mkfifo
    expect(readSourceText(fifo, MiB)).toEqual({ skip: 'unreadable', detail: 'not a regular file' });
  });
});

describe('decodeSource', () => {
  it('applies the same cap and binary rule to in-memory content (git blobs)', () => {
    expect(decodeSource(Buffer.from('abc'), 2)).toMatchObject({ skip: 'too-large' });
    expect(decodeSource(Buffer.from([0x61, 0, 0x62]), 10)).toEqual({ skip: 'binary' });
    expect(decodeSource(Buffer.from('ok'), 10)).toMatchObject({ text: 'ok' });
  });

  it('decodes all-ASCII and UTF-8 content alike', () => {
    expect(decodeSource(Buffer.from('const a = 1;\n'), 100)).toEqual({ text: 'const a = 1;\n' });
    expect(decodeSource(Buffer.from('name = "Zoë"\n'), 100)).toEqual({ text: 'name = "Zoë"\n' });
  });
});

describe('decodeContent', () => {
  it('keeps valid UTF-8 as bytes, says whether they are all ASCII, and drops a byte order mark', () => {
    const ascii = Buffer.from('const a = 1;\n');
    expect(decodeContent(ascii, 100)).toEqual({ bytes: { utf8: ascii, ascii: true } });
    expect(decodeContent(Buffer.from('name = "Zoë"\n'), 100)).toEqual({ bytes: { utf8: Buffer.from('name = "Zoë"\n'), ascii: false } });
    const bom = decodeContent(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('ü = 1')]), 100);
    expect('bytes' in bom && bom.bytes.utf8.toString()).toBe('ü = 1');
  });

  it('decodes invalid UTF-8 at once (with replacement characters) and flags it', () => {
    expect(decodeContent(Buffer.from('caf\xe9', 'latin1'), 100)).toEqual({ text: 'caf\ufffd', invalidUtf8: true });
  });

  it('reads from disk with the same rules as readSourceText', () => {
    expect(readSourceContent(file('c.py', 'x = 1\n'), MiB)).toEqual({ bytes: { utf8: Buffer.from('x = 1\n'), ascii: true } });
    expect(readSourceContent(file('big.txt', Buffer.alloc(2000, 'x')), 1000)).toMatchObject({ skip: 'too-large' });
  });
});

describe('SourceFile from bytes', () => {
  it('answers like a SourceFile of the decoded text', () => {
    for (const text of ['token = "abc"\nnext line\n', 'naïve = "x"\n😀 = 2\nend']) {
      const utf8 = Buffer.from(text);
      const fromBytes = new SourceFile('a.txt', { utf8, ascii: utf8.length === text.length });
      const fromText = new SourceFile('a.txt', text);
      expect(fromBytes.utf8.equals(fromText.utf8)).toBe(true);
      expect([fromBytes.isAscii, fromBytes.position(text.length - 1)]).toEqual([fromText.isAscii, fromText.position(text.length - 1)]);
      // A match's neighbours, read from the bytes at character boundaries: 'ï' (2 bytes) and '😀' (4 bytes).
      for (const ch of ['ï', '😀', '=']) {
        const at = utf8.indexOf(Buffer.from(ch));
        if (at === -1) continue;
        expect(fromBytes.charAtByte(at)).toBe(ch);
        expect(fromBytes.charBeforeByte(at + Buffer.byteLength(ch))).toBe(ch);
      }
      expect(fromBytes.text).toBe(text);
      expect(fromBytes.re2Input).toEqual(fromText.re2Input);
    }
  });
});
