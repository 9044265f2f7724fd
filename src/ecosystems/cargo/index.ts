// crates.io: Cargo.lock. Packages without a `source` are the workspace's own crates: their dependencies are
// the direct ones, and they are not themselves matched against crates.io advisories.
import { compareSemverLike } from '../semver.js';
import type { Ecosystem, Package, ParseResult } from '../types.js';
import { uncheckedCargoToml } from './manifest.js';
import { applyGraph, BadFile, guarded, identityOf, isRecord, LineFinder, parseTomlText, readIdentity, str } from '../util.js';

export function parseCargoLock(file: string, text: string): ParseResult {
  return guarded(file, () => {
    const doc = parseTomlText(text);
    const list = doc.package ?? [];
    if (!Array.isArray(list)) throw new BadFile('"package" is not an array of tables');
    const lines = new LineFinder(text);
    let cursor = 1;
    const packages: Package[] = [];
    const roots: string[] = [];
    const entries = list.filter(isRecord);
    const versionsByName = new Map<string, string[]>();
    for (const p of entries) if (str(p.name) && str(p.version)) versionsByName.set(String(p.name), [...(versionsByName.get(String(p.name)) ?? []), String(p.version)]);
    // "name", "name version" or "name version (source)" → name@version
    const depKey = (d: string): string | undefined => {
      const [name, version] = d.split(' ');
      const v = version ?? versionsByName.get(name)?.[0];
      return v ? `${name}@${v}` : undefined;
    };
    for (const p of entries) {
      const name = str(p.name);
      const version = str(p.version);
      if (!name || !version) continue;
      const line = lines.find(`name = "${name}"`, cursor);
      if (line) cursor = line;
      const deps = (Array.isArray(p.dependencies) ? p.dependencies : []).map((d) => depKey(String(d))).filter((d): d is string => d !== undefined);
      if (p.source === undefined) {
        roots.push(...deps);
        continue;
      }
      packages.push({ name, version, ecosystem: 'crates.io', file, line, dependencies: deps, integrity: str(p.checksum) ? `sha256:${p.checksum}` : undefined });
    }
    applyGraph(packages, roots, []);
    return { packages, problems: [] };
  });
}

export const cargo: Ecosystem = {
  id: 'cargo',
  osv: 'crates.io',
  formats: [{ name: 'Cargo.lock', matches: (f) => f === 'Cargo.lock', parse: (file, text) => parseCargoLock(file, text) }],
  manifests: [{ name: 'Cargo.toml', matches: (f) => f === 'Cargo.toml', unchecked: uncheckedCargoToml }],
  compare: compareSemverLike,
  normalizeName: (name) => name.toLowerCase().replace(/_/g, '-'),
  project: {
    file: 'Cargo.toml',
    read: (text) =>
      readIdentity(() => {
        const pkg = parseTomlText(text).package;
        return isRecord(pkg) ? identityOf(pkg.name, pkg.version) : undefined; // `version.workspace = true` is not a string
      }),
  },
};
