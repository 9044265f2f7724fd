// Hostile and failing imports: archives whose entries share their data (an inflation multiplier), records with
// huge text fields, entry names carrying terminal escapes, and writes that fail half-way through a commit.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { IndexWriter, loadEcosystem } from '../../src/advisories/db.js';
import { importOsv } from '../../src/advisories/import.js';
import { convertRecord, type Advisory } from '../../src/advisories/osv.js';
import { readZipEntries } from '../../src/advisories/zip.js';
import { BIN, expectNoStack, sentrik } from '../cli/helpers.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'sentrik-osv-hostile-'));

const record = (id: string, eco = 'PyPI', extra: object = {}): string =>
  JSON.stringify({ id, modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: eco, name: 'demo' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0' }] }] }], ...extra });

interface RawEntry {
  name: string;
  /** Index of the local entry (in `locals`) whose data this central directory entry points at. */
  local: number;
}

/**
 * A zip written by hand: `locals` are the stored data blocks (deflated, each followed by `padding` bytes that
 * its declared compressed size covers, so the ratio check passes), `central` the directory, which may point
 * several entries at the same block.
 */
function craftedZip(locals: Buffer[], central: RawEntry[], padding = 0): Buffer {
  const parts: Buffer[] = [];
  const blocks: { offset: number; size: number; compressed: number; name: string }[] = [];
  let offset = 0;
  locals.forEach((data, i) => {
    const name = Buffer.from(`L${i}.json`);
    const deflated = deflateRawSync(data);
    const compressed = deflated.length + padding;
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(8, 8);
    h.writeUInt32LE(compressed, 18);
    h.writeUInt32LE(data.length, 22);
    h.writeUInt16LE(name.length, 26);
    parts.push(h, name, deflated, Buffer.alloc(padding));
    blocks.push({ offset, size: data.length, compressed, name: name.toString() });
    offset += 30 + name.length + compressed;
  });
  const dirStart = offset;
  for (const e of central) {
    const b = blocks[e.local];
    const name = Buffer.from(e.name);
    const h = Buffer.alloc(46);
    h.writeUInt32LE(0x02014b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(20, 6);
    h.writeUInt16LE(0x800, 8);
    h.writeUInt16LE(8, 10);
    h.writeUInt32LE(b.compressed, 20);
    h.writeUInt32LE(b.size, 24);
    h.writeUInt16LE(name.length, 28);
    h.writeUInt32LE(b.offset, 42);
    parts.push(h, name);
    offset += 46 + name.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length, 8);
  end.writeUInt16LE(central.length, 10);
  end.writeUInt32LE(offset - dirStart, 12);
  end.writeUInt32LE(dirStart, 16);
  parts.push(end);
  return Buffer.concat(parts);
}

function pypiDump(zip: Uint8Array): string {
  const work = tmp();
  mkdirSync(join(work, 'dump', 'PyPI'), { recursive: true });
  writeFileSync(join(work, 'dump', 'PyPI', 'all.zip'), zip);
  return work;
}

describe('vulns db import: hostile archives', () => {
  it('refuses entries that share another entry’s data, so a small archive cannot inflate the same bytes many times', () => {
    // 40 entries all pointing at one 2 MB record (a 2 MB summary): before, each was inflated and indexed.
    const big = Buffer.from(record('BIG-1', 'PyPI', { summary: 'x'.repeat(2_000_000) }));
    const central = Array.from({ length: 40 }, (_, i) => ({ name: `R-${String(i).padStart(2, '0')}.json`, local: 0 }));
    const zip = craftedZip([big], central, Math.ceil(big.length / 150));
    const work = pypiDump(zip);
    const db = join(work, 'db');
    const summary = importOsv(join(work, 'dump'), db);
    expect(summary.problems).toHaveLength(39);
    expect(summary.problems.every((p) => p.message === 'entry data overlaps another entry (the archive is corrupt or hostile); skipped')).toBe(true);
    const pypi = loadEcosystem(db, 'PyPI')!;
    expect(pypi.map((a) => a.id)).toEqual(['BIG-1']);
    // The summary is cut like the `details` fallback: the index stays a few hundred bytes per record.
    expect(pypi[0].summary).toBe('x'.repeat(200));
    expect(statSync(join(db, 'PyPI.json')).size).toBeLessThan(1000);
  });

  it('catches shared data in any order (A, B, A), not only between neighbours', () => {
    const a = Buffer.from(record('A-1'));
    const b = Buffer.from(record('B-1'));
    const zip = craftedZip(
      [a, b],
      [
        { name: 'A.json', local: 0 },
        { name: 'B.json', local: 1 },
        { name: 'A-again.json', local: 0 },
      ],
      400,
    );
    const seen: string[] = [];
    const problems: string[] = [];
    const file = join(tmp(), 'all.zip');
    writeFileSync(file, zip);
    readZipEntries(
      file,
      (e) => seen.push(e.name),
      (entry, message) => problems.push(`${entry}: ${message}`),
    );
    expect(seen).toEqual(['A.json', 'B.json']);
    expect(problems).toEqual([expect.stringMatching(/^A-again\.json: entry data overlaps another entry/)]);
  });

  it('reads an archive whose end record says 65,535 entries without a zip64 locator (the 32-bit values are real)', () => {
    const zip = Buffer.from(zipSync({ 'A-1.json': strToU8(record('A-1')) }));
    zip.writeUInt16LE(0xffff, zip.length - 22 + 8);
    zip.writeUInt16LE(0xffff, zip.length - 22 + 10);
    const work = pypiDump(zip);
    const summary = importOsv(join(work, 'dump'), join(work, 'db'));
    expect(summary.problems).toEqual([]);
    expect(loadEcosystem(join(work, 'db'), 'PyPI')!.map((a) => a.id)).toEqual(['A-1']);
  });
});

describe('OSV records: every text that reaches the index is bounded', () => {
  it('cuts prose and drops identifiers, versions and URLs too long to be real', () => {
    const long = 'y'.repeat(100_000);
    const notes = { skippedRanges: [] as string[] };
    const adv = convertRecord(
      JSON.parse(
        record('LONG-1', 'PyPI', {
          summary: long,
          aliases: ['CVE-2024-1', long],
          modified: long,
          references: [{ type: 'ADVISORY', url: `https://example.com/${long}` }],
          database_specific: { cwe_ids: ['CWE-79', long] },
          affected: [
            { package: { ecosystem: 'PyPI', name: 'demo' }, versions: ['1.0', long], ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: long }] }], database_specific: { vulnerable_versions: long } },
            { package: { ecosystem: 'PyPI', name: long }, versions: ['1.0'] },
          ],
        }),
      ),
      'PyPI',
      (n) => n,
      notes,
    )!;
    expect(adv.summary).toBe('y'.repeat(200));
    expect(adv.aliases).toEqual(['CVE-2024-1']);
    expect(adv.cwe).toEqual(['CWE-79']);
    expect(adv.modified).toBeUndefined();
    expect(adv.url).toBeUndefined();
    // Dropping only the overlong `fixed` would make the range cover every version: the range goes, with a note.
    expect(adv.affected).toEqual([{ name: 'demo', versions: ['1.0'], ranges: [], vulnerableRange: undefined }]);
    expect(notes.skippedRanges).toEqual(['LONG-1: range with a version over 256 characters']);
    expect(JSON.stringify(adv).length).toBeLessThan(1000);
    expect(convertRecord(JSON.parse(record(long)), 'PyPI', (n) => n, { skippedRanges: [] })).toBeUndefined();
  });
});

describe('vulns db import: names and text from the export never reach the terminal raw', () => {
  it('prints entry names and record fields with control characters escaped, one line per problem', () => {
    const work = tmp();
    const zip = zipSync({
      'OK-1.json': strToU8(record('OK-1')),
      'evil\n\x1b[31mred.json': strToU8('{ not json'),
      'R-1.json': strToU8(record('RANGE\x1b[2J-1', 'PyPI', { affected: [{ package: { ecosystem: 'PyPI', name: 'demo' }, ranges: [{ type: 'X\n\x1b]0;title\x07', events: [] }], versions: ['1.0'] }] })),
    });
    mkdirSync(join(work, 'PyPI'));
    writeFileSync(join(work, 'PyPI', 'all.zip'), zip);
    const r = sentrik(['vulns', 'db', 'import', join(work, 'PyPI', 'all.zip'), '--db', join(work, 'db')]);
    expect(r.code).toBe(0);
    expectNoStack(r.stderr);
    expect(r.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^sentrik: problem: .*all\.zip \[evil\\x0a\\x1b\[31mred\.json\]: not valid JSON; skipped$/),
      expect.stringMatching(/^sentrik: problem: .*all\.zip: RANGE\\x1b\[2J-1: range type X\\x0a\\x1b\]0;title\\x07 is not supported/),
    ]);
  });

  it('escapes file names the same way when importing a folder of records', () => {
    const dir = join(tmp(), 'records');
    mkdirSync(dir);
    writeFileSync(join(dir, 'A-1.json'), record('A-1'));
    writeFileSync(join(dir, 'bad\x1b[31m\n.json'), '{ not json');
    const summary = importOsv(dir, join(dir, '..', 'db'));
    expect(summary.problems.map((p) => p.entry)).toEqual(['bad\\x1b[31m\\x0a.json']);
  });
});

describe('vulns db import: commits all ecosystems or none', () => {
  /** The CLI with writes limited to `kb` KiB per file (RLIMIT_FSIZE), so a write fails half-way with EFBIG. */
  function importLimited(source: string, db: string, kb: number): { code: number; stderr: string } {
    const r = spawnSync('bash', ['-c', `ulimit -f ${kb} && exec "$0" "$@"`, process.execPath, BIN, 'vulns', 'db', 'import', source, '--db', db], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1' } });
    return { code: r.status ?? -1, stderr: r.stderr };
  }

  it('keeps every old index when a later ecosystem’s index cannot be written, removes its temporary files and names the file', () => {
    const work = tmp();
    const db = join(work, 'db');
    const old = join(work, 'old');
    mkdirSync(old);
    writeFileSync(join(old, 'OLD-PY.json'), record('OLD-PY'));
    writeFileSync(join(old, 'OLD-GO.json'), record('OLD-GO', 'Go'));
    expect(importOsv(old, db).ecosystems).toHaveLength(2);

    // PyPI's new index is small; Go's (written when the import commits, after PyPI's) is over the 64 KiB limit.
    const next = join(work, 'next');
    mkdirSync(next);
    writeFileSync(join(next, 'A-NEW-PY.json'), record('NEW-PY'));
    const versions = Array.from({ length: 2000 }, (_, i) => `1.0.${i}`);
    for (let i = 0; i < 10; i++) writeFileSync(join(next, `B-NEW-GO-${i}.json`), record(`NEW-GO-${i}`, 'Go', { affected: [{ package: { ecosystem: 'Go', name: 'demo' }, versions }] }));
    const r = importLimited(next, db, 64);
    expect(r.code).toBe(2);
    expectNoStack(r.stderr);
    expect(r.stderr).toMatch(/^sentrik: .*\/db\/Go\.json\.[0-9a-f]+\.tmp: cannot write the advisory database \(EFBIG\)/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(loadEcosystem(db, 'PyPI')!.map((a: Advisory) => a.id)).toEqual(['OLD-PY']);
    expect(loadEcosystem(db, 'Go')!.map((a: Advisory) => a.id)).toEqual(['OLD-GO']);
    expect(readdirSync(db).sort()).toEqual(['Go.json', 'PyPI.json', 'manifest.json']);

    // Without the limit the same import goes through.
    expect(sentrik(['vulns', 'db', 'import', next, '--db', db]).code).toBe(0);
    expect(loadEcosystem(db, 'Go')).toHaveLength(10);
  });

  it('lets two imports into the same database write at the same time (each has its own temporary file)', () => {
    const db = join(tmp(), 'db');
    const adv = (id: string): Advisory => convertRecord(JSON.parse(record(id)), 'PyPI', (n) => n, { skippedRanges: [] })!;
    const first = new IndexWriter(db, 'PyPI');
    const second = new IndexWriter(db, 'PyPI');
    first.add(adv('FIRST-1'));
    second.add(adv('SECOND-1'));
    second.add(adv('SECOND-2'));
    first.commit();
    expect(loadEcosystem(db, 'PyPI')!.map((a) => a.id)).toEqual(['FIRST-1']);
    second.commit();
    expect(loadEcosystem(db, 'PyPI')!.map((a) => a.id)).toEqual(['SECOND-1', 'SECOND-2']);
    expect(readdirSync(db)).toEqual(['PyPI.json']);
  });
});
