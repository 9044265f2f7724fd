// Every folder under src/ecosystems/ exports one Ecosystem from its index.ts, and the registry lists it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ECOSYSTEMS, formatFor } from '../../src/ecosystems/index.js';
import type { Ecosystem } from '../../src/ecosystems/types.js';
import { REPO } from '../cli/helpers.js';

const folders = readdirSync(join(REPO, 'src', 'ecosystems'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe.each(folders)('ecosystem folder %s', (folder) => {
  it('exports an Ecosystem that honours the contract and is registered', async () => {
    const mod = (await import(pathToFileURL(join(REPO, 'src', 'ecosystems', folder, 'index.ts')).href)) as Record<string, unknown>;
    const exported = Object.values(mod).filter((v): v is Ecosystem => typeof v === 'object' && v !== null && 'formats' in v);
    expect(exported).toHaveLength(1);
    const eco = exported[0];
    expect(eco.id).toBe(folder);
    expect(ECOSYSTEMS).toContain(eco);
    expect(eco.formats.length).toBeGreaterThan(0);
    for (const f of eco.formats) {
      expect(f.matches(f.name, f.name)).toBe(true);
      expect(formatFor(f.name)?.ecosystem).toBe(eco);
      // Bad input never throws: garbage and truncation are problems.
      const garbage = f.parse(`x/${f.name}`, '{"truncated": [', () => undefined);
      expect(Array.isArray(garbage.packages) && Array.isArray(garbage.problems)).toBe(true);
    }
    for (const m of eco.manifests ?? []) {
      expect(m.matches(m.name)).toBe(true);
      // A manifest no lockfile covers says what it declares; garbage says nothing, and never throws.
      expect(m.unchecked(`x/${m.name}`, '{"truncated": [', [], () => undefined)).toBeUndefined();
    }
    expect(Math.sign(eco.compare('1.0.0', '1.0.1'))).toBe(-1);
    expect(eco.compare('not a version', '¯\\_(ツ)_/¯')).toEqual(expect.any(Number));
    expect(eco.normalizeName('Abc')).toEqual(expect.any(String));
  });
});

it('registers no ecosystem without a folder', () => {
  expect(ECOSYSTEMS.map((e) => e.id).sort()).toEqual(folders);
});
