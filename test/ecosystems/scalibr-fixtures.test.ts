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

describe('Gemfile.lock specs', () => {
  const gemfileLock = formats.find((f) => f.name === 'Gemfile.lock')!;
  const fixture = (name: string): string => readFileSync(join(BASE, 'ruby', 'gemfilelock', 'testdata', name), 'utf8');

  it('a spec line that is not `name (version)` is a problem with its line, not skipped in silence (osv-scalibr invalid.lock)', () => {
    expect(gemfileLock.parse('invalid.lock', fixture('invalid.lock'), () => undefined)).toEqual({ packages: [], problems: [{ file: 'invalid.lock', line: 4, message: '1 spec line could not be read as `name (version)` (first shown)' }] });
    const cut = fixture('one-gem.lock').replace('    ast (2.4.2)\n', '    ast (2.4.2)\n    rack (\n');
    expect(gemfileLock.parse('Gemfile.lock', cut, () => undefined)).toMatchObject({ packages: [{ name: 'ast', version: '2.4.2' }], problems: [{ line: 5 }] });
  });

  it('platform variants of one gem version are one package, at the first variant (osv-scalibr rails.lock)', () => {
    const text = fixture('rails.lock');
    const variants = text.replace(/^( {4}nokogiri \(1\.13\.3)-x86_64-linux\)\n/m, '$1)\n$1-x86_64-linux)\n$1-arm64-darwin)\n      racc (~> 1.4)\n');
    expect(variants).not.toBe(text);
    const before = gemfileLock.parse('Gemfile.lock', text, () => undefined).packages;
    const after = gemfileLock.parse('Gemfile.lock', variants, () => undefined);
    expect(after.problems).toEqual([]);
    expect(after.packages.map((p) => `${p.name}@${p.version}`)).toEqual(before.map((p) => `${p.name}@${p.version}`));
    const nokogiri = after.packages.filter((p) => p.name === 'nokogiri');
    expect(nokogiri).toHaveLength(1);
    expect(variants.split('\n')[nokogiri[0].line! - 1]).toBe('    nokogiri (1.13.3)');
    expect(nokogiri[0].dependencies).toEqual(before.find((p) => p.name === 'nokogiri')!.dependencies);
  });
});

describe('go.mod: the Go release', () => {
  const goMod = formats.find((f) => f.name === 'go.mod')!;
  const release = (name: string) => {
    const text = readFileSync(join(BASE, 'golang', 'gomod', 'testdata', name), 'utf8');
    return goMod.parse(name, text, () => undefined).packages.filter((p) => p.name === 'stdlib' || p.name === 'toolchain').map((p) => [p.name, p.version, text.split('\n')[p.line! - 1]]);
  };

  it('is the toolchain directive, else the go directive, as stdlib and toolchain packages (osv-scalibr gomod fixtures)', () => {
    expect(release('toolchain.mod')).toEqual([['stdlib', '1.23.6', 'toolchain go1.23.6'], ['toolchain', '1.23.6', 'toolchain go1.23.6']]);
    expect(release('toolchain-with-suffix.mod')).toEqual([['stdlib', '1.23.6', 'toolchain go1.23.6-xyz'], ['toolchain', '1.23.6', 'toolchain go1.23.6-xyz']]);
    expect(release('indirect-1.23.mod').map(([, v, line]) => [v, line])).toEqual([['1.23', 'go 1.23'], ['1.23', 'go 1.23']]);
    expect(release('one-package.mod')).toEqual([]);
  });
});
