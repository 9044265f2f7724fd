// The package.json beside a lockfile: which dependencies the project declares, and whether for dev; and a
// package.json no lockfile covers, whose dependencies `vulns` cannot check.
import { posix } from 'node:path';
import type { Package, ReadSibling, Unchecked } from '../types.js';
import { isRecord, LineFinder, parseJson, parseYamlText, str } from '../util.js';
import { globMatch, globSupported } from '../../util/glob.js';

export interface Declared {
  prod: Map<string, string>;
  dev: Map<string, string>;
}

const PROD_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'];

export function declaredDeps(json: unknown): Declared {
  const out: Declared = { prod: new Map(), dev: new Map() };
  if (!isRecord(json)) return out;
  for (const field of [...PROD_FIELDS, 'devDependencies']) {
    const deps = json[field];
    if (!isRecord(deps)) continue;
    for (const [name, range] of Object.entries(deps)) {
      const r = str(range);
      if (r === undefined) continue;
      (field === 'devDependencies' ? out.dev : out.prod).set(name, r);
    }
  }
  for (const name of out.prod.keys()) out.dev.delete(name);
  return out;
}

export function readDeclared(text: string | undefined): Declared | undefined {
  if (text === undefined) return undefined;
  try {
    return declaredDeps(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** Registry versions only: git URLs, tarballs, `file:` and `link:` references are not matched to advisories. */
export function isRegistryVersion(v: string | undefined): v is string {
  return typeof v === 'string' && /^v?\d+(\.\d+)*([-+.][0-9A-Za-z.+-]*)?$/.test(v);
}

/**
 * A lockfile's `resolved`: git, a folder, or an archive from a git host (codeload.github.com, gitlab.com …)
 * rather than a registry tarball. Registries' own URLs vary (npm.pkg.github.com/download/…): only git hosts count.
 */
export function resolvedOutsideRegistry(resolved: string | undefined): boolean {
  return resolved !== undefined && /^(file:|link:|git\+[a-z]+:|git:|github:|ssh:|https?:\/\/(codeload\.github\.com|github\.com|gitlab\.com|bitbucket\.org)\/)/.test(resolved);
}

/** `npm:real-name@1.2.3` (an alias) → { name: 'real-name', version: '1.2.3' }. */
export function splitAlias(spec: string): { name: string; version: string } | undefined {
  const m = /^npm:((?:@[^/@]+\/)?[^@]+)@(.+)$/.exec(spec);
  return m ? { name: m[1], version: m[2] } : undefined;
}

/** The lockfile each package manager writes, by the name `packageManager` gives it; npm when unnamed. */
const LOCKFILE_OF: Record<string, string> = { npm: 'package-lock.json', yarn: 'yarn.lock', pnpm: 'pnpm-lock.yaml' };

/**
 * The dependencies of a package.json that no lockfile read by the scan covers: none sits in its folder, nor
 * in a parent folder whose package.json `workspaces` or pnpm-workspace.yaml lists this folder.
 */
export function uncheckedPackageJson(file: string, text: string, lockfiles: readonly string[], read: ReadSibling): Unchecked | undefined {
  // The usual case first, before any parsing: a lockfile beside it.
  const dir = posix.dirname(file);
  const lockDirs = new Set(lockfiles.map((l) => posix.dirname(l)));
  if (lockDirs.has(dir)) return undefined;
  let json: unknown;
  try {
    json = parseJson(text);
  } catch {
    return undefined; // a broken package.json is the code scan's to report
  }
  const declared = declaredDeps(json);
  const names = [...declared.prod.keys(), ...declared.dev.keys()];
  if (!names.length) return undefined;
  for (const lockDir of lockDirs) {
    if (!isInside(lockDir, dir)) continue;
    const up = posix.relative(dir, lockDir);
    if (workspaceMember(posix.relative(lockDir, dir), workspacePatterns(read(posix.join(up, 'package.json')), read(posix.join(up, 'pnpm-workspace.yaml'))))) return undefined;
  }
  const manager = /^(npm|yarn|pnpm)@/.exec(isRecord(json) ? (str(json.packageManager) ?? '') : '')?.[1] ?? 'npm';
  const lines = new LineFinder(text);
  const line = ['"dependencies"', '"devDependencies"', '"optionalDependencies"', '"peerDependencies"'].map((k) => lines.find(k)).filter((l): l is number => l !== undefined).sort((a, b) => a - b)[0];
  return { file, line, ecosystem: 'npm', reason: 'no-lockfile', names, fix: `run \`${manager} install\` to create ${LOCKFILE_OF[manager]}` };
}

function isInside(parent: string, child: string): boolean {
  return parent === '.' || child.startsWith(`${parent}/`);
}

/** Workspace globs from a package.json (`workspaces: [...]` or `{ packages: [...] }`) and a pnpm-workspace.yaml. */
function workspacePatterns(packageJson: string | undefined, pnpmWorkspace: string | undefined): string[] {
  const out: string[] = [];
  const list = (v: unknown): void => {
    if (Array.isArray(v)) for (const p of v) if (typeof p === 'string') out.push(p);
  };
  try {
    const ws = packageJson === undefined ? undefined : (JSON.parse(packageJson) as Record<string, unknown> | null)?.workspaces;
    list(isRecord(ws) ? ws.packages : ws);
  } catch {
    // unreadable: no workspaces
  }
  try {
    const pnpm = pnpmWorkspace === undefined ? undefined : parseYamlText(pnpmWorkspace);
    if (isRecord(pnpm)) list(pnpm.packages);
  } catch {
    // unreadable: no workspaces
  }
  return out;
}

function workspaceMember(rel: string, patterns: string[]): boolean {
  const clean = (p: string): string => p.replace(/^\.\//, '').replace(/\/+$/, '');
  const include = patterns.filter((p) => !p.startsWith('!')).map(clean);
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => clean(p.slice(1)));
  // The patterns are the scanned repository's: matched in bounded time (util/glob.ts), never as a regex. A
  // pattern it cannot read counts the folder in (a member, covered by the lockfile) and excludes nothing, so
  // the worst case is a manifest not listed as unchecked.
  return include.some((g) => !globSupported(g) || globMatch(g, rel)) && !exclude.some((g) => globSupported(g) && globMatch(g, rel));
}
