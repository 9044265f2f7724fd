// Every labelled comparison in the shared corpus (`A < B`, `A = B`, `A > B` per line), read in place.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ECOSYSTEMS } from '../../src/ecosystems/index.js';
import { REPO } from '../cli/helpers.js';

const CORPUS = join(REPO, '..', 'shared', 'corpora', 'version-compare');

/** Corpus files per ecosystem folder; semver-versions.txt is the semver rules npm, crates.io and Go share. */
const FILES: Record<string, string[]> = {
  npm: ['semver-versions.txt'],
  cargo: ['semver-versions.txt'],
  go: ['semver-versions.txt'],
  pypi: ['pypi-versions.txt', 'pypi-versions-generated.txt'],
  maven: ['maven-versions.txt', 'maven-versions-generated.txt'],
  rubygems: ['rubygems-versions.txt', 'rubygems-versions-generated.txt'],
  packagist: ['packagist-versions.txt', 'packagist-versions-generated.txt'],
};

function cases(file: string): [string, string, string, number][] {
  const out: [string, string, string, number][] = [];
  readFileSync(join(CORPUS, file), 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.trim();
      if (!line || line.startsWith('#') || line.startsWith('//')) return;
      const m = /^(\S+) ([<>=]) (\S+)$/.exec(line);
      if (!m) throw new Error(`${file}:${i + 1}: unreadable comparison`);
      out.push([`${file}:${i + 1}`, m[1], m[3], m[2] === '<' ? -1 : m[2] === '>' ? 1 : 0]);
    });
  return out;
}

describe.each(Object.entries(FILES))('%s version comparator', (id, files) => {
  const eco = ECOSYSTEMS.find((e) => e.id === id)!;
  for (const file of files) {
    it(`agrees with every comparison in ${file}`, () => {
      const all = cases(file);
      const wrong = all.filter(([, a, b, want]) => Math.sign(eco.compare(a, b)) !== want || Math.sign(eco.compare(b, a)) !== -want);
      expect(all.length).toBeGreaterThan(10);
      expect(wrong.map(([where, a, b, want]) => `${where} ${a} ${want < 0 ? '<' : want > 0 ? '>' : '='} ${b}`)).toEqual([]);
    });
  }
});
