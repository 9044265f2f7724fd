// RubyGems: Gemfile.lock (gems.locked). Specs from the GEM and GIT sections; DEPENDENCIES lists the direct ones.
import type { Ecosystem, Package, ParseResult } from '../types.js';
import { applyGraph } from '../util.js';
import { plural } from '../../util/text.js';
import { uncheckedGemfile } from './manifest.js';
import { compareRubyGems } from './version.js';

/** A spec line, as Bundler reads it: `name (version)` or `name (version-platform)`; versions hold no '-'. */
const SPEC = /^ {4}(?! )([^\s(]+) \(([^-)\s]+)(?:-([^)\s]+))?\)\s*$/;

export function parseGemfileLock(file: string, text: string): ParseResult {
  const packages: Package[] = [];
  const direct: string[] = [];
  let section = '';
  let current: Package | undefined;
  const byName = new Map<string, Package>();
  // One gem version, one package: platform variants (`nokogiri (1.13.3-x86_64-linux)`, `(1.13.3-arm64-darwin)`)
  // are builds of the same release.
  const byKey = new Map<string, Package>();
  const pending: [Package, string][] = [];
  const unreadable: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/^\S/.test(raw)) {
      section = raw.trim();
      current = undefined;
      return;
    }
    if (section === 'GEM' || section === 'GIT') {
      if (/^ {4}(?! )/.test(raw)) {
        const spec = SPEC.exec(raw);
        if (!spec) {
          unreadable.push(i + 1);
          current = undefined;
          return;
        }
        const [, name, version] = spec;
        const key = `${name}@${version}`;
        current = byKey.get(key);
        if (current) return;
        current = { name, version, ecosystem: 'RubyGems', file, line: i + 1, dependencies: [] };
        byKey.set(key, current);
        packages.push(current);
        if (!byName.has(name)) byName.set(name, current);
        return;
      }
      const dep = /^ {6}([^\s(]+)/.exec(raw);
      if (dep && current) pending.push([current, dep[1]]);
    } else if (section === 'DEPENDENCIES') {
      const dep = /^ {2}([^\s(!]+)/.exec(raw);
      if (dep) direct.push(dep[1]);
    }
  });
  for (const [p, name] of pending) {
    const d = byName.get(name);
    if (d && !p.dependencies!.includes(`${d.name}@${d.version}`)) p.dependencies!.push(`${d.name}@${d.version}`);
  }
  applyGraph(packages, direct.map((n) => byName.get(n)).filter((p): p is Package => !!p).map((p) => `${p.name}@${p.version}`), []);
  const problems = unreadable.length ? [{ file, line: unreadable[0], message: `${plural(unreadable.length, 'spec line')} could not be read as \`name (version)\` (first shown)` }] : [];
  return { packages, problems };
}

export const rubygems: Ecosystem = {
  id: 'rubygems',
  osv: 'RubyGems',
  formats: [{ name: 'Gemfile.lock', matches: (f) => f === 'Gemfile.lock' || f === 'gems.locked', parse: (file, text) => parseGemfileLock(file, text) }],
  manifests: [{ name: 'Gemfile', matches: (f) => f === 'Gemfile' || f === 'gems.rb', unchecked: uncheckedGemfile }],
  compare: compareRubyGems,
  normalizeName: (name) => name,
};
