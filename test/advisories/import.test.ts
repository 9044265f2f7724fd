// Importing OSV exports: the real snapshot (public dump layout), and hostile archives — path traversal
// entries, zip bombs, broken JSON and unknown range types are reported; nothing lands outside the DB folder.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, Zip, ZipDeflate, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadEcosystem, readManifest } from '../../src/advisories/db.js';
import { importOsv } from '../../src/advisories/import.js';
import { readZipEntries, ZIP_LIMITS } from '../../src/advisories/zip.js';
import { SentrikError } from '../../src/util/errors.js';
import { CORPORA } from '../ecosystems/corpus.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'sentrik-osv-'));
}

const record = (id: string, extra: object = {}): Uint8Array =>
  strToU8(JSON.stringify({ id, modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'PyPI', name: 'Demo_Pkg' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0' }] }] }], ...extra }));

/** An archive written the way Go's archive/zip writes the OSV dumps: sizes only in data descriptors. */
function streamedZip(files: Record<string, Uint8Array>): Uint8Array {
  const chunks: Uint8Array[] = [];
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    chunks.push(chunk);
  });
  for (const [name, data] of Object.entries(files)) {
    const f = new ZipDeflate(name);
    zip.add(f);
    f.push(data, true);
  }
  zip.end();
  return Buffer.concat(chunks);
}

/** Rewrites a zip's end record in the zip64 form that archives of more than 65,535 entries (npm's) need. */
function asZip64(zip: Uint8Array): Uint8Array {
  const end = Buffer.from(zip.subarray(zip.length - 22));
  const [count, size, offset] = [end.readUInt16LE(10), end.readUInt32LE(12), end.readUInt32LE(16)];
  const rec = Buffer.alloc(56 + 20 + 22);
  rec.writeUInt32LE(0x06064b50, 0);
  rec.writeBigUInt64LE(44n, 4);
  rec.writeUInt16LE(45, 12);
  rec.writeUInt16LE(45, 14);
  rec.writeBigUInt64LE(BigInt(count), 24);
  rec.writeBigUInt64LE(BigInt(count), 32);
  rec.writeBigUInt64LE(BigInt(size), 40);
  rec.writeBigUInt64LE(BigInt(offset), 48);
  rec.writeUInt32LE(0x07064b50, 56);
  rec.writeBigUInt64LE(BigInt(offset + size), 64);
  rec.writeUInt32LE(1, 72);
  rec.writeUInt32LE(0x06054b50, 76);
  rec.writeUInt16LE(0xffff, 84);
  rec.writeUInt16LE(0xffff, 86);
  rec.writeUInt32LE(0xffffffff, 88);
  rec.writeUInt32LE(0xffffffff, 92);
  return Buffer.concat([zip.subarray(0, offset + size), rec]);
}

/** Overwrites a field of one entry's central directory header (e.g. 10 = method, 24 = uncompressed size). */
function patchCentral(zip: Uint8Array, name: string, field: number, value: number, bytes: 2 | 4): void {
  const b = Buffer.from(zip.buffer, zip.byteOffset, zip.length);
  for (let pos = b.readUInt32LE(b.length - 22 + 16); b.readUInt32LE(pos) === 0x02014b50; ) {
    const [n, e, c] = [b.readUInt16LE(pos + 28), b.readUInt16LE(pos + 30), b.readUInt16LE(pos + 32)];
    if (b.toString('utf8', pos + 46, pos + 46 + n) === name) {
      if (bytes === 2) b.writeUInt16LE(value, pos + field);
      else b.writeUInt32LE(value, pos + field);
      return;
    }
    pos += 46 + n + e + c;
  }
  throw new Error(`no entry ${name}`);
}

/** The one line a SentrikError prints. */
function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof SentrikError) return err.format();
    throw err;
  }
  throw new Error('expected a SentrikError');
}

function dump(files: Record<string, Uint8Array>, zip: (f: Record<string, Uint8Array>) => Uint8Array = zipSync): string {
  const work = tmp();
  mkdirSync(join(work, 'dump', 'PyPI'), { recursive: true });
  writeFileSync(join(work, 'dump', 'PyPI', 'all.zip'), zip(files));
  return work;
}

describe('vulns db import', () => {
  it('imports the snapshot dump (every ecosystem folder) into one index file per ecosystem', () => {
    const db = join(tmp(), 'db');
    const summary = importOsv(join(CORPORA, 'osv'), db);
    expect(Object.fromEntries(summary.ecosystems.map((e) => [e.ecosystem, e.records]))).toEqual({ npm: 462, PyPI: 2661, Go: 4291, 'crates.io': 1206, Maven: 356 });
    expect(Object.keys(readManifest(db)!.ecosystems).sort()).toEqual(['Go', 'Maven', 'PyPI', 'crates.io', 'npm']);
    const crates = loadEcosystem(db, 'crates.io')!;
    // RustSec informational advisories (unmaintained, unsound) are labelled, not dropped.
    expect(crates.some((a) => a.kind === 'informational' && a.label === 'unmaintained')).toBe(true);
    const pypi = loadEcosystem(db, 'PyPI')!;
    // The index is written in pieces as records stream through; it is still one JSON array, complete.
    expect(pypi).toHaveLength(summary.ecosystems.find((e) => e.ecosystem === 'PyPI')!.advisories);
    expect(pypi.every((a) => a.affected.every((e) => e.name === e.name.toLowerCase().replace(/[-_.]+/g, '-')))).toBe(true);
  });

  it('refuses path-traversal entries and zip bombs, reports broken records, and writes only inside the DB', () => {
    const work = tmp();
    const dir = join(work, 'dump', 'PyPI');
    mkdirSync(dir, { recursive: true });
    const zip = zipSync({
      'OK-1.json': record('OK-1'),
      '../../x.json': record('EVIL-1'),
      '/etc/evil.json': record('EVIL-2'),
      'bomb.json': new Uint8Array(40 * 1024 * 1024),
      'broken.json': strToU8('{"id": "BROKEN", "affected": ['),
      'weird.json': record('WEIRD-1', { affected: [{ package: { ecosystem: 'PyPI', name: 'demo-pkg' }, ranges: [{ type: 'NOT_A_TYPE', events: [] }], versions: ['1.0'] }] }),
    });
    writeFileSync(join(dir, 'all.zip'), zip);
    const db = join(work, 'db');
    const summary = importOsv(join(work, 'dump'), db);
    const messages = summary.problems.map((p) => `${p.entry ?? ''}: ${p.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\.\.\/\.\.\/x\.json: .*path traversal/),
        expect.stringMatching(/^\/etc\/evil\.json: .*path traversal/),
        expect.stringMatching(/^bomb\.json: .*zip bomb/),
        expect.stringMatching(/^broken\.json: not valid JSON/),
        expect.stringMatching(/WEIRD-1: range type NOT_A_TYPE is not supported/),
      ]),
    );
    expect(loadEcosystem(db, 'PyPI')!.map((a) => a.id)).toEqual(['OK-1', 'WEIRD-1']);
    expect(readdirSync(work).sort()).toEqual(['db', 'dump']);
    expect(readdirSync(db).sort()).toEqual(['PyPI.json', 'manifest.json']);
  });

  it('reads archives written like the OSV dumps: sizes only in data descriptors, zip64 end records', () => {
    const work = dump({ 'A-1.json': record('A-1'), 'B-2.json': record('B-2'), 'README.md': strToU8('not a record') }, (f) => asZip64(streamedZip(f)));
    const summary = importOsv(join(work, 'dump'), join(work, 'db'));
    expect(summary.problems).toEqual([]);
    expect(summary.ecosystems).toEqual([expect.objectContaining({ ecosystem: 'PyPI', records: 2, advisories: 2 })]);
    expect(loadEcosystem(join(work, 'db'), 'PyPI')!.map((a) => a.id)).toEqual(['A-1', 'B-2']);
  });

  it('checks what entries really inflate to: a lying declared size, a bomb in a streamed archive, unknown methods', () => {
    const zip = zipSync({ 'OK-1.json': record('OK-1'), 'LIE.json': record('LIE-1'), 'LZMA.json': record('LZMA-1') });
    patchCentral(zip, 'LIE.json', 24, 10, 4);
    patchCentral(zip, 'LZMA.json', 10, 14, 2);
    const work = dump({});
    writeFileSync(join(work, 'dump', 'PyPI', 'all.zip'), zip);
    const bomb = dump({ 'OK-2.json': record('OK-2'), 'bomb.json': new Uint8Array(40 * 1024 * 1024) }, streamedZip);
    const summary = importOsv(join(work, 'dump'), join(work, 'db'));
    expect(summary.problems.map((p) => `${p.entry}: ${p.message}`)).toEqual([
      expect.stringMatching(/^LIE\.json: entry inflated beyond its declared size/),
      'LZMA.json: unsupported compression method 14; skipped',
    ]);
    expect(loadEcosystem(join(work, 'db'), 'PyPI')!.map((a) => a.id)).toEqual(['OK-1']);
    const bombed = importOsv(join(bomb, 'dump'), join(bomb, 'db'));
    expect(bombed.problems.map((p) => `${p.entry}: ${p.message}`)).toEqual([expect.stringMatching(/^bomb\.json: .*possible zip bomb/)]);
    expect(loadEcosystem(join(bomb, 'db'), 'PyPI')!.map((a) => a.id)).toEqual(['OK-2']);
  });

  it('fails as a whole, writing nothing, on a file that is not a zip or is cut short', () => {
    const work = dump({ 'OK-1.json': record('OK-1') });
    mkdirSync(join(work, 'dump', 'Go'));
    const good = zipSync({ 'GO-1.json': record('GO-1') });
    writeFileSync(join(work, 'dump', 'Go', 'all.zip'), good.subarray(0, good.length - 30));
    const db = join(work, 'db');
    expect(failure(() => importOsv(join(work, 'dump'), db))).toMatch(/Go\/all\.zip: not a readable zip archive/);
    // PyPI was read before Go failed: its index was not put in place either.
    expect(existsSync(db) ? readdirSync(db) : []).toEqual([]);
    writeFileSync(join(work, 'notzip'), '{"id": "not a zip"}');
    expect(failure(() => importOsv(join(work, 'notzip'), db))).toMatch(/notzip: not a readable zip archive .* — download/);
  });

  it('imports a folder of JSON records one file at a time, skipping files too large to be a record', () => {
    const dir = join(tmp(), 'records');
    mkdirSync(dir);
    writeFileSync(join(dir, 'B-2.json'), record('B-2'));
    writeFileSync(join(dir, 'A-1.json'), record('A-1'));
    writeFileSync(join(dir, 'huge.json'), '');
    truncateSync(join(dir, 'huge.json'), 17 * 1024 * 1024);
    const db = join(dir, '..', 'db');
    const summary = importOsv(dir, db);
    expect(summary.problems.map((p) => `${p.entry}: ${p.message}`)).toEqual([expect.stringMatching(/^huge\.json: larger than \d+ bytes/)]);
    expect(loadEcosystem(db, 'PyPI')!.map((a) => a.id)).toEqual(['A-1', 'B-2']);
  });

  it('names the first 50 unsupported ranges and counts the rest', () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 60; i++) files[`R-${i}.json`] = record(`R-${i}`, { affected: [{ package: { ecosystem: 'PyPI', name: 'demo' }, ranges: [{ type: 'NOT_A_TYPE', events: [] }], versions: ['1.0'] }] });
    const work = dump(files);
    const summary = importOsv(join(work, 'dump'), join(work, 'db'));
    expect(summary.problems).toHaveLength(51);
    expect(summary.problems[50].message).toBe('… and 10 more unsupported ranges skipped');
    expect(loadEcosystem(join(work, 'db'), 'PyPI')).toHaveLength(60);
  });

  it('stops an archive that expands beyond the total caps (bytes, entries) with one error', () => {
    const file = join(dump({ 'A-1.json': record('A-1'), 'B-2.json': record('B-2') }), 'dump', 'PyPI', 'all.zip');
    const seen: string[] = [];
    const read = (limits: Partial<typeof ZIP_LIMITS>): string => failure(() => readZipEntries(file, (e) => seen.push(e.name), () => {}, { ...ZIP_LIMITS, ...limits }));
    expect(read({ maxTotalBytes: record('A-1').length + 10 })).toMatch(/all\.zip: archive expands beyond \d+ bytes — is this an OSV export\?/);
    expect(read({ maxEntries: 1 })).toMatch(/all\.zip: archive holds more than 1 entries/);
    expect(seen).toEqual(['A-1.json', 'A-1.json']);
  });
});
