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

describe('TOML lockfile lines point at the package entry itself', () => {
  const python = ['python/uvlock', 'python/poetrylock', 'python/pdmlock', 'python/pylock'];

  it("every package's line is its own `name = …` key (osv-scalibr uv.lock, poetry.lock, pdm.lock, pylock.toml fixtures)", () => {
    // QA: in uv.lock, black's `{ name = "click" }` dependency (line 9) was given as click's line.
    let checked = 0;
    const wrong: string[] = [];
    for (const rel of walk(BASE).filter((f) => python.includes(f.split('/testdata/')[0]))) {
      const format = formats.find((f) => f.name === FORMAT_BY_FOLDER[rel.split('/testdata/')[0]])!;
      const text = readFileSync(join(BASE, rel), 'utf8');
      const lines = text.split(/\r?\n/);
      for (const p of format.parse(rel, text, () => undefined).packages) {
        checked++;
        if (!p.line || !new RegExp(`^name\\s*=\\s*["']${p.name.replace(/[.]/g, '\\.')}["']`).test(lines[p.line - 1])) wrong.push(`${rel} ${p.name}: line ${p.line}`);
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(wrong).toEqual([]);
    const grouped = formats.find((f) => f.name === 'uv.lock')!.parse('uv.lock', readFileSync(join(BASE, 'python/uvlock/testdata/grouped-packages.lock'), 'utf8'), () => undefined);
    expect(grouped.packages.find((p) => p.name === 'click')!.line).toBe(39);
  });

  it('a name inside a multi-line string or a sub-table is not an entry (names-outside-package-block fixtures)', () => {
    for (const [folder, name] of [['python/uvlock', 'names-outside-package-block.lock'], ['python/pylock', 'names-outside-package-block.toml']]) {
      const rel = `${folder}/testdata/${name}`;
      const text = readFileSync(join(BASE, rel), 'utf8');
      const parsed = formats.find((f) => f.name === FORMAT_BY_FOLDER[folder])!.parse(rel, text, () => undefined);
      const lines = text.split('\n');
      expect(parsed.packages.map((p) => [p.name, lines[p.line! - 1].replace(/'/g, '"')])).toEqual([['first-pkg', 'name = "first-pkg"'], ['second-pkg', 'name = "second-pkg"']]);
    }
  });
});
