// pnpm-lock.yaml, lockfile versions 5.x ("/name/1.0.0_peer"), 6.x ("/name@1.0.0(peer)") and 9.x
// ("name@1.0.0" in packages, the dependency graph in snapshots).
import type { Package, ParseResult } from '../types.js';
import { applyGraph, BadFile, guarded, installedFromElsewhere, isRecord, LineFinder, parseYamlText, str } from '../util.js';
import { isRegistryVersion, resolvedOutsideRegistry } from './manifest.js';

/** `/@scope/a/1.0.0_peer@2` (v5), `/a@1.0.0(peer@2)` (v6), `a@1.0.0(peer@2)` (v9) → name and version. */
export function parsePnpmKey(key: string, v5: boolean): { name: string; version: string } | undefined {
  if (v5 && !key.startsWith('/')) return undefined; // tarball or git keys: the entry names itself
  let k = key.replace(/^\//, '');
  const paren = k.indexOf('(');
  if (paren !== -1) k = k.slice(0, paren);
  if (v5) {
    const slash = k.lastIndexOf('/');
    if (slash <= 0) return undefined;
    const name = k.slice(0, slash);
    const version = k.slice(slash + 1).split('_')[0];
    return { name, version };
  }
  const at = k.indexOf('@', 1);
  if (at === -1) return undefined;
  return { name: k.slice(0, at), version: k.slice(at + 1) };
}

/** A dependency reference inside the lockfile: a plain version, or a key of another package (aliases). */
function refKey(name: string, ref: string, v5: boolean): string | undefined {
  if (ref.startsWith('link:') || ref.startsWith('file:')) return undefined;
  if (ref.startsWith('/') || (!v5 && /^(@[^/]+\/)?[^@(]+@/.test(ref) && !/^\d/.test(ref))) {
    const p = parsePnpmKey(ref.replace(/^npm:/, ''), v5 && ref.startsWith('/'));
    return p ? `${p.name}@${p.version}` : undefined;
  }
  const version = v5 ? ref.split('_')[0] : ref.split('(')[0];
  return `${name}@${version}`;
}

export function parsePnpmLock(file: string, text: string): ParseResult {
  return guarded(file, () => {
    const elsewhere = new WeakSet<Package>();
    const doc = parseYamlText(text);
    if (!isRecord(doc)) throw new BadFile('not a pnpm-lock.yaml mapping', 1);
    const lockVersion = String(doc.lockfileVersion ?? '');
    const v5 = /^5/.test(lockVersion);
    const lines = new LineFinder(text);
    const packagesSection = isRecord(doc.packages) ? doc.packages : {};
    const snapshots = isRecord(doc.snapshots) ? doc.snapshots : undefined;
    const byKey = new Map<string, Package>();
    const packages: Package[] = [];
    let cursor = lines.find('packages:') ?? 1;
    for (const [key, raw] of Object.entries(packagesSection)) {
      if (!isRecord(raw)) continue;
      const parsed = parsePnpmKey(key, v5);
      const name = str(raw.name) ?? parsed?.name;
      const version = str(raw.version) ?? parsed?.version;
      if (!name || !version) continue;
      const line = lines.find(key, cursor);
      if (line) cursor = line;
      const k = `${name}@${version}`;
      const resolution = isRecord(raw.resolution) ? raw.resolution : {};
      let pkg = byKey.get(k);
      if (!pkg) {
        pkg = { name, version, ecosystem: 'npm', file, line, integrity: str(resolution.integrity), dependencies: [], dev: typeof raw.dev === 'boolean' ? raw.dev : undefined };
        // git, a git host's archive, a folder: `version` is what its package.json says, not a registry release
        if (resolution.type === 'git' || resolution.type === 'directory' || resolvedOutsideRegistry(str(resolution.tarball))) elsewhere.add(pkg);
        byKey.set(k, pkg);
        packages.push(pkg);
      } else if (raw.dev === false) pkg.dev = false;
      if (!snapshots) addDeps(pkg, raw, v5);
    }
    for (const [key, raw] of Object.entries(snapshots ?? {})) {
      const parsed = parsePnpmKey(key, false);
      const pkg = parsed && byKey.get(`${parsed.name}@${parsed.version}`);
      if (pkg && isRecord(raw)) addDeps(pkg, raw, false);
    }
    const flags = new Map(packages.map((p) => [p, p.dev]));
    const roots = importerRoots(doc, v5);
    applyGraph(packages, roots.prod, roots.dev);
    for (const [p, dev] of flags) if (dev !== undefined) p.dev = dev;
    const fromRegistry = (p: Package): boolean => isRegistryVersion(p.version) && !elsewhere.has(p);
    const unchecked = installedFromElsewhere(file, 'npm', packages.filter((p) => !fromRegistry(p)));
    return { packages: packages.filter(fromRegistry), problems: [], ...(unchecked && { unchecked: [unchecked] }) };
  });
}

function addDeps(pkg: Package, raw: Record<string, unknown>, v5: boolean): void {
  for (const field of ['dependencies', 'optionalDependencies']) {
    const deps = raw[field];
    if (!isRecord(deps)) continue;
    for (const [n, ref] of Object.entries(deps)) {
      const k = refKey(n, String(ref), v5);
      if (k && !pkg.dependencies!.includes(k)) pkg.dependencies!.push(k);
    }
  }
}

function importerRoots(doc: Record<string, unknown>, v5: boolean): { prod: string[]; dev: string[] } {
  const importers = isRecord(doc.importers) ? Object.values(doc.importers).filter(isRecord) : [doc];
  const prod: string[] = [];
  const dev: string[] = [];
  for (const imp of importers) {
    for (const field of ['dependencies', 'optionalDependencies', 'devDependencies']) {
      const deps = imp[field];
      if (!isRecord(deps)) continue;
      for (const [n, v] of Object.entries(deps)) {
        const ref = isRecord(v) ? str(v.version) : str(v) ?? (typeof v === 'number' ? String(v) : undefined);
        const k = ref !== undefined ? refKey(n, ref, v5) : undefined;
        if (k) (field === 'devDependencies' ? dev : prod).push(k);
      }
    }
  }
  return { prod, dev };
}
