// Package sets parsed from Snyk's lockfile-parser fixtures (npm, yarn classic/berry, pnpm v5–v9) compared
// with their expected.json dependency graphs (root package left out), read in place.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { npm } from '../../src/ecosystems/npm/index.js';
import { CORPORA, walk } from './corpus.js';

const BASE = join(CORPORA, 'lockfiles', 'snyk');
const LOCKS = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'];

interface Outcome {
  fixture: string;
  /** Which of our views equals Snyk's set: every locked package, the prod ones, or those reachable from the project (all / prod). */
  agrees: 'all' | 'prod' | 'reachable' | 'reachable-prod' | 'no';
  missing: string[];
  extra: string[];
}

function compareFixture(rel: string): Outcome | undefined {
  const dir = join(BASE, dirname(rel));
  const lock = LOCKS.find((n) => existsSync(join(dir, n)));
  if (!lock) return undefined; // a workspace member's graph: its lockfile sits at the workspace root
  const expected = JSON.parse(readFileSync(join(BASE, rel), 'utf8')) as { pkgs: { id: string }[]; graph: { rootNodeId: string; nodes: { nodeId: string; pkgId: string }[] } };
  const rootPkg = expected.graph.nodes.find((n) => n.nodeId === expected.graph.rootNodeId)?.pkgId;
  const want = new Set(expected.pkgs.map((p) => p.id).filter((id) => id !== rootPkg));
  const format = npm.formats.find((f) => f.name === lock)!;
  const read = (r: string): string | undefined => (existsSync(join(dir, r)) ? readFileSync(join(dir, r), 'utf8') : undefined);
  const parsed = format.parse(lock, readFileSync(join(dir, lock), 'utf8'), read);
  // Packages installed from git, a URL or a folder are not registry packages: named as not checked instead.
  const elsewhere = new Set((parsed.unchecked ?? []).filter((u) => u.reason === 'not-registry').flatMap((u) => u.names));
  for (const id of want) if (elsewhere.has(id.slice(0, id.lastIndexOf('@')))) want.delete(id);
  const all = new Set(parsed.packages.map((p) => `${p.name}@${p.version}`));
  const prod = new Set(parsed.packages.filter((p) => !p.dev).map((p) => `${p.name}@${p.version}`));
  const reachable = parsed.packages.filter((p) => p.direct !== undefined);
  const reach = new Set(reachable.map((p) => `${p.name}@${p.version}`));
  const reachProd = new Set(reachable.filter((p) => !p.dev).map((p) => `${p.name}@${p.version}`));
  const same = (a: Set<string>): boolean => a.size === want.size && [...a].every((x) => want.has(x));
  return {
    fixture: dirname(rel),
    agrees: same(all) ? 'all' : same(prod) ? 'prod' : same(reach) ? 'reachable' : same(reachProd) ? 'reachable-prod' : 'no',
    missing: [...want].filter((x) => !reachProd.has(x)),
    extra: [...reachProd].filter((x) => !want.has(x)),
  };
}

/**
 * Where sentrik and Snyk differ by design: Snyk lists workspace members, `file:`/git dependencies (which
 * sentrik names as not checked, and the comparison sets aside) and out-of-sync package.json ranges (`body-parser@^1.18.2`) as packages, and prunes lockfile entries its
 * options exclude (overridden, optional-platform and peer-only packages); sentrik reports exactly the
 * registry packages the lockfile installs. The floor below stops regressions; the log shows the rest.
 */
const MIN_AGREEING = 81; // git, URL and folder installs set aside as named-not-checked (73 when they were simply missing)

describe('snyk lockfile fixtures', () => {
  const fixtures = walk(BASE).filter((f) => f.endsWith('expected.json'));
  const outcomes = fixtures.map(compareFixture).filter((o): o is Outcome => o !== undefined);

  it('parses the same package set as the expected graph', () => {
    const agreeing = outcomes.filter((o) => o.agrees !== 'no');
    const disagreeing = outcomes.filter((o) => o.agrees === 'no');
    const by = (k: Outcome['agrees']): number => outcomes.filter((o) => o.agrees === k).length;
    console.log(`snyk fixtures: ${agreeing.length}/${outcomes.length} package sets agree (all ${by('all')}, prod ${by('prod')}, reachable ${by('reachable')}, reachable-prod ${by('reachable-prod')}); ${fixtures.length - outcomes.length} workspace-member graphs not compared`);
    for (const o of disagreeing) console.log(`  differs: ${o.fixture}: missing ${o.missing.slice(0, 3).join(' ')} extra ${o.extra.slice(0, 3).join(' ')}`);
    expect(agreeing.length).toBeGreaterThanOrEqual(MIN_AGREEING);
    // Every fixture yields packages with names and versions, and dev/prod is always decided.
    expect(outcomes.length).toBe(134);
  });
});
