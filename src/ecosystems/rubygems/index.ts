// RubyGems: Gemfile.lock (gems.locked). Specs from the GEM and GIT sections; DEPENDENCIES lists the direct ones.
import type { Ecosystem, Package, ParseResult } from '../types.js';
import { applyGraph } from '../util.js';
import { uncheckedGemfile } from './manifest.js';
import { compareRubyGems } from './version.js';

export function parseGemfileLock(file: string, text: string): ParseResult {
  const packages: Package[] = [];
  const direct: string[] = [];
  let section = '';
  let current: Package | undefined;
  const byName = new Map<string, Package>();
  const pending: [Package, string][] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/^\S/.test(raw)) {
      section = raw.trim();
      current = undefined;
      return;
    }
    if (section === 'GEM' || section === 'GIT') {
      const spec = /^ {4}([^\s(]+) \(([^)]+)\)\s*$/.exec(raw);
      if (spec) {
        // "nokogiri (1.13.0-x86_64-linux)": the platform is not part of the version
        const version = spec[2].replace(/-(x86|x64|arm|aarch|universal|java|mingw|mswin|darwin|linux)[\w.-]*$/, '');
        current = { name: spec[1], version, ecosystem: 'RubyGems', file, line: i + 1, dependencies: [] };
        packages.push(current);
        if (!byName.has(spec[1])) byName.set(spec[1], current);
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
    if (d) p.dependencies!.push(`${d.name}@${d.version}`);
  }
  applyGraph(packages, direct.map((n) => byName.get(n)).filter((p): p is Package => !!p).map((p) => `${p.name}@${p.version}`), []);
  return { packages, problems: [] };
}

export const rubygems: Ecosystem = {
  id: 'rubygems',
  osv: 'RubyGems',
  formats: [{ name: 'Gemfile.lock', matches: (f) => f === 'Gemfile.lock' || f === 'gems.locked', parse: (file, text) => parseGemfileLock(file, text) }],
  manifests: [{ name: 'Gemfile', matches: (f) => f === 'Gemfile' || f === 'gems.rb', unchecked: uncheckedGemfile }],
  compare: compareRubyGems,
  normalizeName: (name) => name,
};
