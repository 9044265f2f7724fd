// Packagist: composer.lock ("packages" and "packages-dev"); composer.json beside it names the direct ones.
import type { Ecosystem, Package, ParseResult, ReadSibling } from '../types.js';
import { applyGraph, BadFile, guarded, isRecord, jsonIdentity, LineFinder, parseJson, str } from '../util.js';
import { uncheckedComposerJson } from './manifest.js';
import { comparePackagist } from './version.js';

export function parseComposerLock(file: string, text: string, read: ReadSibling): ParseResult {
  return guarded(file, () => {
    const json = parseJson(text);
    if (!isRecord(json)) throw new BadFile('not a composer.lock object', 1);
    const lines = new LineFinder(text);
    const packages: Package[] = [];
    for (const [section, dev] of [['packages', false], ['packages-dev', true]] as const) {
      const list = json[section];
      if (!Array.isArray(list)) continue;
      let cursor = lines.find(`"${section}"`) ?? 1;
      for (const p of list.filter(isRecord)) {
        const name = str(p.name);
        const version = str(p.version);
        if (!name || !version) continue;
        const line = lines.find(`"name": "${name}"`, cursor);
        if (line) cursor = line;
        const dist = isRecord(p.dist) ? p.dist : {};
        const license = Array.isArray(p.license) ? p.license.map(String).join(' OR ') : undefined;
        const requires = Object.keys(isRecord(p.require) ? p.require : {}).map((n) => n.toLowerCase());
        packages.push({ name, version, ecosystem: 'Packagist', file, line, dev, integrity: str(dist.shasum) ? `sha1:${dist.shasum}` : undefined, license, dependencies: requires });
      }
    }
    const byName = new Map(packages.map((p) => [p.name.toLowerCase(), p]));
    for (const p of packages) p.dependencies = p.dependencies!.filter((n) => byName.has(n)).map((n) => `${byName.get(n)!.name}@${byName.get(n)!.version}`);
    const manifest = read('composer.json');
    if (manifest !== undefined) {
      try {
        const m = JSON.parse(manifest) as Record<string, unknown>;
        const keys = (field: string): string[] => Object.keys(isRecord(m[field]) ? m[field] : {}).map((n) => byName.get(n.toLowerCase())).filter((p): p is Package => !!p).map((p) => `${p.name}@${p.version}`);
        const flags = new Map(packages.map((p) => [p, p.dev]));
        applyGraph(packages, keys('require'), keys('require-dev'));
        for (const [p, dev] of flags) p.dev = dev;
      } catch {
        // an unreadable composer.json only costs the direct/transitive distinction
      }
    }
    return { packages, problems: [] };
  });
}

export const packagist: Ecosystem = {
  id: 'packagist',
  osv: 'Packagist',
  formats: [{ name: 'composer.lock', matches: (f) => f === 'composer.lock', parse: parseComposerLock }],
  manifests: [{ name: 'composer.json', matches: (f) => f === 'composer.json', unchecked: uncheckedComposerJson }],
  compare: comparePackagist,
  normalizeName: (name) => name.toLowerCase(),
  project: {
    file: 'composer.json',
    read: jsonIdentity,
  },
};
