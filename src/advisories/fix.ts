// Fix planning: for each vulnerable package, the smallest version above the installed one that no known
// advisory affects (every advisory for the package is re-checked, not only the one that triggered), within
// the allowed upgrade level. Candidates are the versions the advisories themselves name (fixed, introduced,
// listed versions): offline, those are the versions known to exist.
import type { Ecosystem, Package } from '../ecosystems/types.js';
import { namedVersions, unaffectedAbove, type AdvisoryIndex, type Match } from './match.js';

export type UpgradeLevel = 'patch' | 'minor' | 'major';

export interface FixPlan {
  package: Package;
  ecosystem: Ecosystem;
  from: string;
  /** Undefined when no safe version within the level is known. */
  to?: string;
  ids: string[];
  reason?: string;
}

/** Leading numeric release parts: 1.2.3-rc1 → [1, 2, 3]; 2!1.0 (PEP 440 epoch) keeps the epoch first. */
function releaseParts(v: string): number[] {
  const m = /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)/.exec(v.trim());
  if (!m) return [];
  return [Number(m[1] ?? 0), ...m[2].split('.').map(Number)];
}

export function withinLevel(from: string, to: string, level: UpgradeLevel): boolean {
  if (level === 'major') return true;
  const a = releaseParts(from);
  const b = releaseParts(to);
  const fixedParts = level === 'minor' ? 2 : 3; // epoch + major (+ minor)
  for (let i = 0; i < fixedParts; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return false;
  return true;
}

function isPrerelease(v: string): boolean {
  return /[-+]?(alpha|beta|rc|pre|dev|a\d|b\d|snapshot)/i.test(v.replace(/^v/, '').replace(/^[\d.]+/, '')) || /^[\d.]+-/.test(v.replace(/^v/, ''));
}

/** Versions that exist for a package, when known (undefined: use the versions the advisories name). */
export type AvailableVersions = (ecosystem: Ecosystem, name: string) => readonly string[] | undefined;

export function planFix(pkg: Package, index: AdvisoryIndex, level: UpgradeLevel, available?: readonly string[]): { to?: string; reason?: string } {
  const eco = index.ecosystem;
  const entries = index.entriesFor(pkg.name).filter((e) => !e.advisory.withdrawn).map((e) => e.entry);
  const candidates = [...(available ?? namedVersions(entries))].filter((v) => !(isPrerelease(v) && !isPrerelease(pkg.version)));
  let outside: string | undefined;
  for (const v of unaffectedAbove(pkg.version, candidates, entries, eco)) {
    if (withinLevel(pkg.version, v, level)) return { to: v };
    outside ??= v;
  }
  return { reason: outside ? `the nearest safe version ${outside} is a larger upgrade than --upgrade ${level} allows` : 'no version free of known advisories is known' };
}

export function planFixes(matches: Match[], indexes: Map<Ecosystem, AdvisoryIndex>, ecosystemOf: (p: Package) => Ecosystem, level: UpgradeLevel, available?: AvailableVersions): FixPlan[] {
  const byPackage = new Map<Package, string[]>();
  for (const m of matches) byPackage.set(m.package, [...(byPackage.get(m.package) ?? []), m.advisories[0].id]);
  const plans: FixPlan[] = [];
  for (const [pkg, ids] of byPackage) {
    const eco = ecosystemOf(pkg);
    const index = indexes.get(eco);
    if (!index) continue;
    plans.push({ package: pkg, ecosystem: eco, from: pkg.version, ids, ...planFix(pkg, index, level, available?.(eco, pkg.name)) });
  }
  return plans;
}
