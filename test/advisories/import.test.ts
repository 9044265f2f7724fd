// Importing OSV exports: the real snapshot (public dump layout), and hostile archives — path traversal
// entries, zip bombs, broken JSON and unknown range types are reported; nothing lands outside the DB folder.
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadEcosystem, readManifest } from '../../src/advisories/db.js';
import { importOsv } from '../../src/advisories/import.js';
import { CORPORA } from '../ecosystems/corpus.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'sentrik-osv-'));
}

const record = (id: string, extra: object = {}): Uint8Array =>
  strToU8(JSON.stringify({ id, modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'PyPI', name: 'Demo_Pkg' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0' }] }] }], ...extra }));

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
});
