// yarn.lock, classic (v1) and berry (v2+), both read with Yarn's own SYML parser.
import { parseSyml } from '@yarnpkg/parsers';
import type { Package, ParseResult, ReadSibling } from '../types.js';
import { applyGraph, BadFile, guarded, installedFromElsewhere, isRecord, LineFinder, str } from '../util.js';
import { plural } from '../../util/text.js';
import { isRegistryVersion, readDeclared, resolvedOutsideRegistry } from './manifest.js';

/** `@scope/name@npm:^1.0.0` → ['@scope/name', 'npm:^1.0.0']. */
function splitDescriptor(d: string): [string, string] {
  const at = d.indexOf('@', 1);
  return at === -1 ? [d, ''] : [d.slice(0, at), d.slice(at + 1)];
}

/** The package actually installed for a descriptor (aliases `a@npm:b@^1` install b). */
function realName(descriptor: string, resolution: string | undefined): string {
  if (resolution) return splitDescriptor(resolution)[0];
  const [name, range] = splitDescriptor(descriptor);
  const alias = /^npm:((?:@[^/@]+\/)?[^@]+)@/.exec(range);
  return alias ? alias[1] : name;
}

/**
 * A range that installs from elsewhere than the registry: a folder, a link, git, a tarball URL, a GitHub
 * shorthand (`owner/repo#ref`). Registry ranges (`^1.2.0`, `latest`, berry's `npm:^1.2.0`, an alias
 * `npm:other@^1`) hold neither a protocol nor a slash once the alias's own name is set aside.
 */
function fromOutsideRegistry(range: string): boolean {
  if (/^(file|link|portal|exec|git\+[a-z]+|git|github|gitlab|bitbucket|ssh|https?):/.test(range)) return true;
  // berry's `patch:name@npm%3A1.2.3#./fix.patch`: a registry package with a local patch, judged by what it patches
  const patched = /^patch:(?:@[^/@]+\/)?[^@]+@([^#]*)/.exec(range);
  if (patched) return fromOutsideRegistry(decodeURIComponent(patched[1]));
  const alias = /^npm:(?:(?:@[^/@]+\/)?[^@/]+@)?(.*)$/.exec(range);
  return /[:/]/.test(alias ? alias[1] : range);
}


/** What tells @yarnpkg/parsers a file is classic (its own grammar) rather than berry (YAML). */
const CLASSIC_HEADER = /^(#.*\r?\n)*#\s+yarn\s+lockfile\s+v1\r?\n/i;

export function parseYarnLock(file: string, text: string, read: ReadSibling): ParseResult {
  return guarded(file, () => {
    let data: unknown;
    try {
      data = parseSyml(text);
    } catch (err) {
      const m = /line (\d+)/.exec((err as Error).message);
      throw new BadFile(`invalid yarn.lock (${(err as Error).message.split('\n')[0]})`, m ? Number(m[1]) : undefined);
    }
    if (!isRecord(data)) throw new BadFile('not a yarn.lock', 1);
    const lines = new LineFinder(text);
    const manifestText = read('package.json');
    const hasManifest = manifestText !== undefined;
    const byDescriptor = new Map<string, Package>();
    const packages: Package[] = [];
    // Installed from a folder, a link or git: its version is not the registry's, and no advisory is about it.
    const local = new Set<Package>();
    const workspaceDeps: string[] = [];
    let cursor = 1;
    // One entry, one package: classic's `a@^1, a@1.x:` reaches us as one key per descriptor sharing one object.
    const entries = new Map<object, string[]>();
    // Classic entries in a file without its `# yarn lockfile v1` header are read as YAML, each one a string.
    const unreadable: string[] = [];
    for (const [key, raw] of Object.entries(data)) {
      if (key === '__metadata') continue;
      if (!isRecord(raw)) {
        unreadable.push(key);
        continue;
      }
      const descriptors = key.split(',').map((d) => d.trim().replace(/^"|"$/g, ''));
      const seen = entries.get(raw);
      if (seen) seen.push(...descriptors);
      else entries.set(raw, descriptors);
    }
    for (const [raw, descriptors] of entries as Map<Record<string, unknown>, string[]>) {
      const line = lines.find(descriptors[0], cursor);
      if (line) cursor = line;
      const deps = { ...(isRecord(raw.dependencies) ? raw.dependencies : {}), ...(isRecord(raw.optionalDependencies) ? raw.optionalDependencies : {}) };
      const depDescriptors = Object.entries(deps).map(([n, r]) => `${n}@${String(r)}`);
      if (descriptors.some((d) => /@workspace:/.test(d))) {
        // The root workspace's entry lists dev dependencies too: package.json says which are which.
        if (!(hasManifest && descriptors.some((d) => /@workspace:\.$/.test(d)))) workspaceDeps.push(...depDescriptors);
        continue;
      }
      const version = str(raw.version) ?? '';
      const pkg: Package = {
        name: realName(descriptors[0], str(raw.resolution)),
        version,
        ecosystem: 'npm',
        file,
        line,
        // Classic's `integrity` is the registry tarball's; berry's `checksum` (10c0/…) hashes Yarn's own cache
        // zip, which no one else can check a download against: it is not the package's hash.
        integrity: str(raw.integrity),
        dependencies: depDescriptors,
      };
      packages.push(pkg);
      for (const d of descriptors) byDescriptor.set(d, pkg);
      // berry's resolution names the source (`name@file:…`); classic's `resolved` is a tarball URL, the registry's too.
      const resolution = str(raw.resolution);
      const outside = resolution ? fromOutsideRegistry(splitDescriptor(resolution)[1]) : resolvedOutsideRegistry(str(raw.resolved));
      if (outside || descriptors.some((d) => fromOutsideRegistry(splitDescriptor(d)[1]))) local.add(pkg);
    }
    const find = (descriptor: string): Package | undefined => {
      const [name, range] = splitDescriptor(descriptor);
      return byDescriptor.get(descriptor) ?? byDescriptor.get(`${name}@npm:${range}`) ?? byDescriptor.get(`${name}@${range.replace(/^npm:/, '')}`);
    };
    const key = (p: Package): string => `${p.name}@${p.version}`;
    for (const p of packages) p.dependencies = p.dependencies!.map((d) => find(d)).filter((d): d is Package => d !== undefined).map(key);

    const declared = readDeclared(manifestText);
    const toKeys = (m: Map<string, string> | undefined): string[] =>
      [...(m ?? new Map<string, string>())].map(([n, r]) => find(`${n}@${r}`)).filter((d): d is Package => d !== undefined).map(key);
    const prod = [...toKeys(declared?.prod), ...workspaceDeps.map(find).filter((d): d is Package => d !== undefined).map(key)];
    applyGraph(packages, prod, toKeys(declared?.dev));
    // berry keeps `resolve@npm:1.22.10` beside its built-in patch `resolve@patch:resolve@npm%3A1.22.10#…`: one
    // package installed, listed once (the first entry's line, both entries' dependencies).
    const unique = new Map<string, Package>();
    const elsewhere: Package[] = [];
    for (const p of packages) {
      if (!isRegistryVersion(p.version) || local.has(p)) {
        elsewhere.push(p);
        continue;
      }
      const first = unique.get(key(p));
      if (!first) unique.set(key(p), p);
      else first.dependencies = [...new Set([...first.dependencies!, ...p.dependencies!])];
    }
    const unchecked = installedFromElsewhere(file, 'npm', elsewhere);
    const why = CLASSIC_HEADER.test(text) ? '' : ': a yarn classic lockfile must start with "# yarn lockfile v1" — run `yarn install` to rewrite it';
    const problems = unreadable.length ? [{ file, line: lines.find(unreadable[0].split(',')[0].trim()), message: `${plural(unreadable.length, 'entry', 'entries')} not read as lockfile records (first shown)${why}` }] : [];
    return { packages: [...unique.values()], problems, ...(unchecked && { unchecked: [unchecked] }) };
  });
}
