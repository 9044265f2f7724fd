// The TOML/JSON lockfiles of the Python tools: poetry.lock, Pipfile.lock, uv.lock, pdm.lock, pylock.toml.
import { tomlStrings, type TomlString } from '../toml-locate.js';
import type { Package, ParseResult, ReadSibling } from '../types.js';
import { applyGraph, BadFile, guarded, isRecord, LineFinder, parseJson, parseTomlText, str } from '../util.js';
import { normalizePypiName } from './name.js';

function tomlPackages(text: string, table: string): Record<string, unknown>[] {
  const doc = parseTomlText(text);
  const list = doc[table];
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new BadFile(`"${table}" is not an array of tables`);
  return list.filter(isRecord);
}

/**
 * The line of each `[[table]]` entry's own `name = "x"`, taken in document order: the TOML is read, not
 * searched, so a `{ name = "x" }` dependency reference in an earlier entry (uv.lock) or text in a multi-line
 * string is never taken for a package's position.
 */
function entryLines(text: string, table: string): (name: string) => number | undefined {
  let lines: LineFinder | undefined;
  // Located on the first question, once smol-toml has read the file: a malformed one is not walked twice.
  let own: TomlString[] | undefined;
  const located = (): TomlString[] => {
    try {
      own ??= tomlStrings(text).filter((s) => s.path.length === 2 && s.path[0] === table && s.path[1] === 'name');
    } catch {
      own = []; // a document this reader cannot follow (smol-toml read it): its packages have no line
    }
    return own;
  };
  let next = 0;
  return (name) => {
    const names = located();
    for (let i = next; i < names.length; i++) {
      if (names[i].raw !== name) continue;
      next = i + 1;
      return (lines ??= new LineFinder(text)).lineAt(names[i].start);
    }
    return undefined;
  };
}

/** Direct dependency names declared in a pyproject.toml beside the lockfile (PEP 621 and Poetry tables). */
function pyprojectDirect(read: ReadSibling): { prod: Set<string>; dev: Set<string> } | undefined {
  const text = read('pyproject.toml');
  if (text === undefined) return undefined;
  try {
    const doc = parseTomlText(text);
    const prod = new Set<string>();
    const dev = new Set<string>();
    const nameOf = (spec: string): string => normalizePypiName(/^[A-Za-z0-9._-]+/.exec(spec.trim())?.[0] ?? spec);
    const project = isRecord(doc.project) ? doc.project : {};
    for (const d of Array.isArray(project.dependencies) ? project.dependencies : []) prod.add(nameOf(String(d)));
    const poetry = isRecord(doc.tool) && isRecord(doc.tool.poetry) ? doc.tool.poetry : {};
    for (const n of Object.keys(isRecord(poetry.dependencies) ? poetry.dependencies : {})) if (n !== 'python') prod.add(normalizePypiName(n));
    const groups = isRecord(poetry.group) ? Object.values(poetry.group) : [];
    for (const g of [poetry['dev-dependencies'], ...groups.map((x) => (isRecord(x) ? x.dependencies : undefined))]) {
      for (const n of Object.keys(isRecord(g) ? g : {})) dev.add(normalizePypiName(n));
    }
    const depGroups = isRecord(doc['dependency-groups']) ? Object.values(doc['dependency-groups']) : [];
    for (const g of depGroups) for (const d of Array.isArray(g) ? g : []) if (typeof d === 'string') dev.add(nameOf(d));
    return { prod, dev };
  } catch {
    return undefined;
  }
}

/**
 * Dependencies by name become `name@version` edges to the locked packages; with a pyproject.toml beside the
 * lock, its declared dependencies mark the direct ones (and what only dev groups pull in). Without one the
 * graph stays (an SBOM's dependsOn, vulns' "via"), only direct/dev is unknown.
 */
function markDirect(packages: Package[], read: ReadSibling): void {
  const key = (p: Package): string => normalizePypiName(p.name);
  const byName = new Map(packages.map((p) => [key(p), p]));
  for (const p of packages) p.dependencies = p.dependencies?.filter((d) => byName.has(d));
  const declared = pyprojectDirect(read);
  if (declared) applyGraph(packages, [...declared.prod].filter((n) => byName.has(n)), [...declared.dev].filter((n) => byName.has(n)), key);
  for (const p of packages) p.dependencies = p.dependencies?.map((d) => `${byName.get(d)!.name}@${byName.get(d)!.version}`);
}

export function parsePoetryLock(file: string, text: string, read: ReadSibling): ParseResult {
  return guarded(file, () => {
    const line = entryLines(text, 'package');
    const packages: Package[] = tomlPackages(text, 'package').flatMap((p) => {
      const name = str(p.name);
      const version = str(p.version);
      if (!name || !version) return [];
      const category = str(p.category);
      const groups = Array.isArray(p.groups) ? p.groups.map(String) : undefined;
      const dev = category ? category === 'dev' : groups ? !groups.includes('main') : undefined;
      const deps = Object.keys(isRecord(p.dependencies) ? p.dependencies : {}).map(normalizePypiName);
      return [{ name, version, ecosystem: 'PyPI' as const, file, line: line(name), dev, dependencies: deps }];
    });
    markDirect(packages, read);
    return { packages, problems: [] };
  });
}

export function parsePipfileLock(file: string, text: string): ParseResult {
  return guarded(file, () => {
    const json = parseJson(text);
    if (!isRecord(json)) throw new BadFile('not a Pipfile.lock object', 1);
    const lines = new LineFinder(text);
    const packages: Package[] = [];
    for (const [section, dev] of [['default', false], ['develop', true]] as const) {
      const deps = json[section];
      if (!isRecord(deps)) continue;
      const sectionLine = lines.find(`"${section}"`) ?? 1;
      for (const [name, raw] of Object.entries(deps)) {
        if (!isRecord(raw)) continue;
        const version = str(raw.version)?.replace(/^===?/, '');
        if (!version) continue;
        const hashes = Array.isArray(raw.hashes) ? raw.hashes.map(String) : [];
        packages.push({ name, version, ecosystem: 'PyPI', file, line: lines.find(`"${name}"`, sectionLine), dev, integrity: hashes[0] });
      }
    }
    return { packages, problems: [] };
  });
}

export function parseUvLock(file: string, text: string): ParseResult {
  return guarded(file, () => {
    const line = entryLines(text, 'package');
    const prod: string[] = [];
    const dev: string[] = [];
    const depNames = (list: unknown): string[] => (Array.isArray(list) ? list.filter(isRecord).map((d) => normalizePypiName(String(d.name))) : []);
    const packages: Package[] = tomlPackages(text, 'package').flatMap((p) => {
      const name = str(p.name);
      const version = str(p.version);
      const source = isRecord(p.source) ? p.source : {};
      const deps = depNames(p.dependencies);
      if (!name) return [];
      if (source.virtual !== undefined || source.editable !== undefined) {
        // The project itself: what it declares is direct.
        prod.push(...deps, ...Object.values(isRecord(p['optional-dependencies']) ? p['optional-dependencies'] : {}).flatMap(depNames));
        dev.push(...Object.values(isRecord(p['dev-dependencies']) ? p['dev-dependencies'] : {}).flatMap(depNames));
        return [];
      }
      if (!version) return [];
      const sdist = isRecord(p.sdist) ? str(p.sdist.hash) : undefined;
      return [{ name, version, ecosystem: 'PyPI' as const, file, line: line(name), dependencies: deps, integrity: sdist }];
    });
    const key = (p: Package): string => normalizePypiName(p.name);
    applyGraph(packages, prod, dev, key);
    const byName = new Map(packages.map((p) => [key(p), p]));
    for (const p of packages) p.dependencies = p.dependencies?.filter((d) => byName.has(d)).map((d) => `${byName.get(d)!.name}@${byName.get(d)!.version}`);
    return { packages, problems: [] };
  });
}

export function parsePdmLock(file: string, text: string, read: ReadSibling): ParseResult {
  return guarded(file, () => {
    const line = entryLines(text, 'package');
    const packages: Package[] = tomlPackages(text, 'package').flatMap((p) => {
      const name = str(p.name);
      const version = str(p.version);
      if (!name || !version) return [];
      const groups = Array.isArray(p.groups) ? p.groups.map(String) : undefined;
      const deps = Array.isArray(p.dependencies) ? p.dependencies.map((d) => normalizePypiName(/^[A-Za-z0-9._-]+/.exec(String(d))?.[0] ?? '')) : [];
      return [{ name, version, ecosystem: 'PyPI' as const, file, line: line(name), dev: groups ? !groups.includes('default') : undefined, dependencies: deps }];
    });
    markDirect(packages, read);
    return { packages, problems: [] };
  });
}

export function parsePylock(file: string, text: string): ParseResult {
  return guarded(file, () => {
    const line = entryLines(text, 'packages');
    const packages: Package[] = tomlPackages(text, 'packages').flatMap((p) => {
      const name = str(p.name);
      const version = str(p.version);
      return name && version ? [{ name, version, ecosystem: 'PyPI' as const, file, line: line(name) }] : [];
    });
    return { packages, problems: [] };
  });
}
