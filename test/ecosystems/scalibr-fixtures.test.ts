// Crash-free parsing of every file in OSV-Scalibr's extractor test data (valid, broken, empty and odd
// lockfiles), read in place: each parses to packages and/or problems naming the file — never an exception.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ECOSYSTEMS } from '../../src/ecosystems/index.js';
import { CORPORA, walk } from './corpus.js';

const BASE = join(CORPORA, 'lockfiles', 'osv-scalibr');

/** Scalibr extractor folder → the sentrik format that reads that kind of file. */
const FORMAT_BY_FOLDER: Record<string, string> = {
  'golang/gomod': 'go.mod',
  'java/gradlelockfile': 'gradle.lockfile',
  'java/pomxml': 'pom.xml',
  'javascript/packagelockjson': 'package-lock.json',
  'javascript/pnpmlock': 'pnpm-lock.yaml',
  'javascript/yarnlock': 'yarn.lock',
  'php/composerlock': 'composer.lock',
  'python/pdmlock': 'pdm.lock',
  'python/pipfilelock': 'Pipfile.lock',
  'python/poetrylock': 'poetry.lock',
  'python/pylock': 'pylock.toml',
  'python/requirements': 'requirements.txt',
  'python/uvlock': 'uv.lock',
  'ruby/gemfilelock': 'Gemfile.lock',
  'rust/cargolock': 'Cargo.lock',
};

const formats = ECOSYSTEMS.flatMap((e) => e.formats);

describe('osv-scalibr lockfile test data', () => {
  const files = walk(BASE).filter((f) => f.includes('/testdata/'));
  const readable = files.filter((f) => FORMAT_BY_FOLDER[f.split('/testdata/')[0]]);

  it('parses every file of a supported format without throwing', () => {
    let packages = 0;
    let problems = 0;
    const crashed: string[] = [];
    for (const rel of readable) {
      const format = formats.find((f) => f.name === FORMAT_BY_FOLDER[rel.split('/testdata/')[0]])!;
      const dir = join(BASE, rel, '..');
      const read = (r: string): string | undefined => {
        try {
          return readFileSync(join(dir, r), 'utf8');
        } catch {
          return undefined;
        }
      };
      try {
        const r = format.parse(rel, readFileSync(join(BASE, rel), 'utf8'), read);
        packages += r.packages.length;
        problems += r.problems.length;
        for (const p of r.problems) expect(p.file).toBeTruthy();
        for (const p of r.packages) expect(p.name && p.version).toBeTruthy();
      } catch (err) {
        crashed.push(`${rel}: ${(err as Error).message}`);
      }
    }
    console.log(`osv-scalibr: ${readable.length - crashed.length}/${readable.length} files of supported formats parsed crash-free (${files.length - readable.length} of unsupported formats: bun.lock, Gradle verification metadata); ${packages} packages, ${problems} problems reported`);
    expect(crashed).toEqual([]);
  });

  it('reports a broken lockfile as a problem with its line', () => {
    const rel = 'javascript/packagelockjson/testdata/not-json.txt';
    const format = formats.find((f) => f.name === 'package-lock.json')!;
    const r = format.parse(rel, readFileSync(join(BASE, rel), 'utf8'), () => undefined);
    expect(r.packages).toEqual([]);
    expect(r.problems[0]).toMatchObject({ file: rel, line: expect.any(Number) });
  });
});
