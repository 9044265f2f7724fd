// package-lock.json / npm-shrinkwrap.json, lockfile versions 1 (nested "dependencies"), 2 and 3 ("packages").
import type { Package, ParseResult, ReadSibling } from '../types.js';
import { applyGraph, BadFile, guarded, installedFromElsewhere, isRecord, LineFinder, parseJson, str } from '../util.js';
import { isRegistryVersion, readDeclared, resolvedOutsideRegistry, splitAlias } from './manifest.js';

interface Node {
  path: string;
  pkg: Package;
  requires: string[];
  link?: string;
}

export function parsePackageLock(file: string, text: string, read: ReadSibling): ParseResult {
  return guarded(file, () => {
    const json = parseJson(text);
    if (!isRecord(json)) throw new BadFile('not a package-lock.json object', 1);
    const lines = new LineFinder(text);
    const nodes = new Map<string, Node>();
    const roots: { prod: string[]; dev: string[] } = { prod: [], dev: [] };
    if (isRecord(json.packages)) fromPackages(file, json.packages, lines, nodes, roots);
    else if (isRecord(json.dependencies)) {
      fromDependencies(file, json.dependencies, '', lines, { offset: 0 }, nodes);
      const declared = readDeclared(read('package.json'));
      if (declared) {
        roots.prod.push(...[...declared.prod.keys()].map((n) => `node_modules/${n}`));
        roots.dev.push(...[...declared.dev.keys()].map((n) => `node_modules/${n}`));
      }
    } else if (json.lockfileVersion === undefined) throw new BadFile('no "packages" or "dependencies" — is this a package-lock.json?', 1);

    // Resolve each "requires" name the way Node does: nearest node_modules up the tree.
    for (const node of nodes.values()) {
      node.pkg.dependencies = node.requires.map((dep) => resolveDep(nodes, node.path, dep)).filter((p): p is string => p !== undefined);
    }
    const packages = [...nodes.values()].filter((n) => !n.link).map((n) => n.pkg);
    const flags = new Map(packages.map((p) => [p, p.dev]));
    applyGraph(packages, roots.prod.map((r) => follow(nodes, r)), roots.dev.map((r) => follow(nodes, r)), (p) => pathOf.get(p)!);
    // npm records dev-ness itself; the graph only fills in what the lockfile does not say.
    for (const [p, dev] of flags) if (dev !== undefined) p.dev = dev;
    for (const p of packages) p.dependencies = p.dependencies?.map((k) => nodeKey(nodes.get(k)!.pkg));
    const fromRegistry = (p: Package): boolean => isRegistryVersion(p.version) && !elsewhere.has(p);
    const unchecked = installedFromElsewhere(file, 'npm', packages.filter((p) => !fromRegistry(p)));
    return { packages: packages.filter(fromRegistry), problems: [], ...(unchecked && { unchecked: [unchecked] }) };
  });
}

const pathOf = new WeakMap<Package, string>();
/** Installed from git, a URL or a tarball on disk, whatever version its own package.json gives. */
const elsewhere = new WeakSet<Package>();

function nodeKey(p: Package): string {
  return `${p.name}@${p.version}`;
}

function follow(nodes: Map<string, Node>, path: string): string {
  const n = nodes.get(path);
  return n?.link && nodes.has(n.link) ? n.link : path;
}

function resolveDep(nodes: Map<string, Node>, from: string, dep: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${dep}` : `node_modules/${dep}`;
    if (nodes.has(candidate)) return follow(nodes, candidate);
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    // Up one node_modules level; from a top-level package or a workspace folder, to the project root.
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

function nameFromPath(path: string): string {
  const i = path.lastIndexOf('node_modules/');
  return i === -1 ? path : path.slice(i + 'node_modules/'.length);
}

function fromPackages(file: string, packages: Record<string, unknown>, lines: LineFinder, nodes: Map<string, Node>, roots: { prod: string[]; dev: string[] }): void {
  const cursor = { offset: 0 };
  for (const [path, raw] of Object.entries(packages)) {
    if (!isRecord(raw)) continue;
    const line = lines.next(`"${path}"`, cursor);
    const requires = [...Object.keys(isRecord(raw.dependencies) ? raw.dependencies : {}), ...Object.keys(isRecord(raw.optionalDependencies) ? raw.optionalDependencies : {}), ...Object.keys(isRecord(raw.peerDependencies) ? raw.peerDependencies : {})];
    if (!path.includes('node_modules/')) {
      // The project itself ("") or a workspace member: its declared dependencies are the direct ones.
      const devDeps = Object.keys(isRecord(raw.devDependencies) ? raw.devDependencies : {});
      const base = path ? `${path}/` : '';
      const pick = (n: string): string => (nodes.has(`${base}node_modules/${n}`) || packages[`${base}node_modules/${n}`] ? `${base}node_modules/${n}` : `node_modules/${n}`);
      roots.prod.push(...requires.map(pick));
      roots.dev.push(...devDeps.filter((d) => !requires.includes(d)).map(pick));
      continue;
    }
    const version = str(raw.version) ?? '';
    const pkg: Package = {
      name: str(raw.name) ?? nameFromPath(path),
      version,
      ecosystem: 'npm',
      file,
      line,
      dev: raw.dev === true || raw.devOptional === true ? true : raw.dev === undefined && raw.devOptional === undefined ? false : undefined,
      integrity: str(raw.integrity),
      license: str(raw.license),
    };
    pathOf.set(pkg, path);
    if (resolvedOutsideRegistry(str(raw.resolved))) elsewhere.add(pkg);
    nodes.set(path, { path, pkg, requires, link: raw.link === true ? str(raw.resolved) : undefined });
  }
}

function fromDependencies(file: string, deps: Record<string, unknown>, parent: string, lines: LineFinder, cursor: { offset: number }, nodes: Map<string, Node>): void {
  for (const [name, raw] of Object.entries(deps)) {
    if (!isRecord(raw)) continue;
    const path = parent ? `${parent}/node_modules/${name}` : `node_modules/${name}`;
    const line = lines.next(`"${name}": {`, cursor);
    let version = str(raw.version) ?? '';
    let realName = name;
    const alias = splitAlias(version);
    if (alias) ({ name: realName, version } = alias);
    const pkg: Package = { name: realName, version, ecosystem: 'npm', file, line, dev: raw.dev === true, integrity: str(raw.integrity) };
    pathOf.set(pkg, path);
    if (resolvedOutsideRegistry(str(raw.resolved))) elsewhere.add(pkg);
    nodes.set(path, { path, pkg, requires: Object.keys(isRecord(raw.requires) ? raw.requires : {}) });
    if (isRecord(raw.dependencies)) fromDependencies(file, raw.dependencies, path, lines, cursor, nodes);
  }
}
