// Matching packages to advisories exactly as the OSV schema defines it: an explicit `versions` list, and
// ECOSYSTEM/SEMVER ranges evaluated as ordered events (introduced / fixed / last_affected / limit), compared
// with the package ecosystem's own version ordering. Withdrawn advisories never match.
import type { Ecosystem, Package } from '../ecosystems/types.js';
import type { Advisory, AffectedEntry, RangeEvent } from './osv.js';

export interface Match {
  package: Package;
  /** The advisories that affect it, aliases merged: the first is the one shown, the rest are its aliases. */
  advisories: Advisory[];
}

function eventVersion(e: RangeEvent): string {
  return e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? '';
}

/** True when `version` lies in one OSV range (events are sorted here; "0" sorts first). */
export function inRange(version: string, events: RangeEvent[], compare: (a: string, b: string) => number): boolean {
  const sorted = [...events].sort((a, b) => {
    if (a.introduced === '0') return -1;
    if (b.introduced === '0') return 1;
    return compare(eventVersion(a), eventVersion(b));
  });
  let affected = false;
  for (const e of sorted) {
    if (e.introduced !== undefined) {
      if (e.introduced === '0' || compare(version, e.introduced) >= 0) affected = true;
    } else if (e.fixed !== undefined) {
      if (compare(version, e.fixed) >= 0) affected = false;
    } else if (e.last_affected !== undefined) {
      if (compare(version, e.last_affected) > 0) affected = false;
    } else if (e.limit !== undefined && e.limit !== '*') {
      if (compare(version, e.limit) >= 0) affected = false;
    }
  }
  return affected;
}

export function isAffected(version: string, entry: AffectedEntry, eco: Ecosystem): boolean {
  if (entry.versions.includes(version)) return true;
  // Go and crates records list versions without the "v" some lockfiles keep.
  const bare = version.replace(/^v/, '');
  if (bare !== version && entry.versions.includes(bare)) return true;
  return entry.ranges.some((r) => inRange(version, r.events, eco.compare));
}

/** Advisories by normalised package name, for one ecosystem. */
export class AdvisoryIndex {
  private readonly byName = new Map<string, { advisory: Advisory; entry: AffectedEntry }[]>();

  constructor(
    readonly ecosystem: Ecosystem,
    readonly advisories: Advisory[],
  ) {
    for (const advisory of advisories) {
      if (advisory.withdrawn) continue;
      for (const entry of advisory.affected) {
        const list = this.byName.get(entry.name);
        if (list) list.push({ advisory, entry });
        else this.byName.set(entry.name, [{ advisory, entry }]);
      }
    }
  }

  /** Every non-withdrawn advisory affecting `name@version`, aliases merged into groups. */
  lookup(name: string, version: string): Advisory[][] {
    const hits = (this.byName.get(this.ecosystem.normalizeName(name)) ?? []).filter(({ entry }) => isAffected(version, entry, this.ecosystem)).map((h) => h.advisory);
    return groupAliases([...new Set(hits)]);
  }

  /** Every advisory entry for a package (affecting or not): fix planning re-checks all of them. */
  entriesFor(name: string): { advisory: Advisory; entry: AffectedEntry }[] {
    return this.byName.get(this.ecosystem.normalizeName(name)) ?? [];
  }

  match(packages: Package[]): Match[] {
    const out: Match[] = [];
    for (const p of packages) for (const group of this.lookup(p.name, p.version)) out.push({ package: p, advisories: group });
    return out;
  }
}

const ID_PREFERENCE = ['GHSA-', 'RUSTSEC-', 'GO-', 'PYSEC-', 'MAL-', 'CVE-'];

function rank(id: string): number {
  const i = ID_PREFERENCE.findIndex((p) => id.startsWith(p));
  return i === -1 ? ID_PREFERENCE.length : i;
}

/** Records that name each other (GHSA ↔ CVE ↔ PYSEC …) describe one vulnerability: one finding, all ids. */
export function groupAliases(advisories: Advisory[]): Advisory[][] {
  const groups: { ids: Set<string>; members: Advisory[] }[] = [];
  for (const a of advisories) {
    const ids = new Set([a.id, ...a.aliases]);
    const joined = groups.filter((g) => [...ids].some((id) => g.ids.has(id)));
    const target = joined[0] ?? { ids: new Set<string>(), members: [] };
    if (!joined.length) groups.push(target);
    for (const other of joined.slice(1)) {
      for (const id of other.ids) target.ids.add(id);
      target.members.push(...other.members);
      groups.splice(groups.indexOf(other), 1);
    }
    for (const id of ids) target.ids.add(id);
    target.members.push(a);
  }
  return groups.map((g) => g.members.sort((x, y) => rank(x.id) - rank(y.id) || (x.id < y.id ? -1 : 1)));
}

/** All ids a group is known by: records' own ids first, then aliases. */
export function groupIds(group: Advisory[]): string[] {
  const ids = [...group.map((a) => a.id)];
  for (const a of group) for (const id of a.aliases) if (!ids.includes(id)) ids.push(id);
  return ids;
}

/** The versions advisory entries name (fixed, introduced, listed): offline, the versions known to exist. */
export function namedVersions(entries: readonly AffectedEntry[]): Set<string> {
  const named = new Set<string>();
  for (const entry of entries) {
    for (const r of entry.ranges) for (const e of r.events) for (const v of [e.fixed, e.introduced]) if (v && v !== '0') named.add(v);
    for (const v of entry.versions) named.add(v);
  }
  return named;
}

/** The versions among `candidates` above `installed` that none of `entries` affects, lowest first. */
export function unaffectedAbove(installed: string, candidates: Iterable<string>, entries: readonly AffectedEntry[], eco: Ecosystem): string[] {
  return [...candidates].filter((v) => eco.compare(v, installed) > 0).sort(eco.compare).filter((v) => !entries.some((entry) => isAffected(v, entry, eco)));
}

/**
 * The lowest version above `installed` that no record of the group affects — not merely the lowest `fixed`:
 * records of one vulnerability can disagree (GHSA fixed in 2.0.0, its CVE in 2.0.1), and 2.0.0 is then
 * still flagged. The same reckoning as fix planning (fix.ts), over this group's records only.
 */
export function fixedIn(group: Advisory[], name: string, installed: string, eco: Ecosystem): string | undefined {
  const norm = eco.normalizeName(name);
  const entries = group.flatMap((a) => a.affected.filter((e) => e.name === norm));
  return unaffectedAbove(installed, namedVersions(entries), entries, eco)[0];
}
