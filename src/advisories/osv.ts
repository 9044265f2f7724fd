// OSV records (https://ossf.github.io/osv-schema/) reduced to what matching, reporting and fixing need, in
// the compact form the local index stores. Unknown range types are kept as a note, never fatal.
import type { Severity } from '../engine/model.js';
import { cvss3BaseScore } from './cvss.js';

export type AdvisoryKind = 'vulnerability' | 'malicious' | 'informational';

export interface RangeEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface AffectedEntry {
  /** Normalised package name (the ecosystem's normalizeName). */
  name: string;
  ranges: { type: 'ECOSYSTEM' | 'SEMVER'; events: RangeEvent[] }[];
  versions: string[];
  /** Original npm range kept by some databases (`database_specific.vulnerable_versions`). */
  vulnerableRange?: string;
}

export interface Advisory {
  id: string;
  aliases: string[];
  summary: string;
  severity: Severity;
  /** CVSS base score when one could be computed. */
  score?: number;
  cwe: string[];
  kind: AdvisoryKind;
  /** E.g. "unmaintained" or "unsound" for informational RustSec advisories. */
  label?: string;
  withdrawn?: string;
  modified?: string;
  url?: string;
  affected: AffectedEntry[];
}

export interface ConvertNotes {
  skippedRanges: string[];
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
// Every text that goes into the index is bounded, so a hostile export cannot grow the index (and the memory
// that loading it takes) beyond a few KiB per record. Identifiers, versions and URLs over the cap are dropped
// rather than cut (a cut one would be wrong); prose is cut.
const MAX = { id: 200, version: 256, name: 512, url: 2048, range: 1024, label: 100, summary: 200 };
/** The string when it is one and not longer than `max`, else undefined. */
const str = (v: unknown, max: number): string | undefined => (typeof v === 'string' && v.length <= max ? v : undefined);
const strs = (v: unknown, max: number): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.length <= max) : []);

const GHSA_SEVERITY: Record<string, Severity> = { CRITICAL: 'critical', HIGH: 'high', MODERATE: 'medium', MEDIUM: 'medium', LOW: 'low' };

export function severityFromScore(score: number): Severity {
  return score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : score > 0 ? 'low' : 'info';
}

function severityOf(rec: Rec, kind: AdvisoryKind): { severity: Severity; score?: number } {
  let score: number | undefined;
  for (const s of Array.isArray(rec.severity) ? rec.severity.filter(isRec) : []) {
    const computed = typeof s.score === 'string' ? cvss3BaseScore(s.score) : undefined;
    if (computed !== undefined) score = Math.max(score ?? 0, computed);
  }
  const dbs = isRec(rec.database_specific) ? rec.database_specific : {};
  const named = typeof dbs.severity === 'string' ? GHSA_SEVERITY[dbs.severity.toUpperCase()] : undefined;
  if (score !== undefined) return { severity: severityFromScore(score), score };
  if (named) return { severity: named };
  if (kind === 'malicious') return { severity: 'critical' };
  if (kind === 'informational') return { severity: 'low' };
  return { severity: 'medium' };
}

/**
 * One OSV JSON record → an Advisory for `ecosystem`, or undefined when it affects nothing there.
 * `normalize` is the ecosystem's name normaliser.
 */
export function convertRecord(raw: unknown, ecosystem: string, normalize: (n: string) => string, notes: ConvertNotes): Advisory | undefined {
  const id = isRec(raw) ? str(raw.id, MAX.id) : undefined;
  if (!isRec(raw) || id === undefined) return undefined;
  const affected: AffectedEntry[] = [];
  let label: string | undefined;
  for (const a of Array.isArray(raw.affected) ? raw.affected.filter(isRec) : []) {
    const pkg = isRec(a.package) ? a.package : {};
    if (pkg.ecosystem !== ecosystem || str(pkg.name, MAX.name) === undefined) continue;
    const ranges: AffectedEntry['ranges'] = [];
    for (const r of Array.isArray(a.ranges) ? a.ranges.filter(isRec) : []) {
      if (r.type === 'ECOSYSTEM' || r.type === 'SEMVER') {
        const events = (Array.isArray(r.events) ? r.events.filter(isRec) : []).map((e) => {
          const out: RangeEvent = {};
          for (const k of ['introduced', 'fixed', 'last_affected', 'limit'] as const) if (typeof e[k] === 'string') out[k] = e[k] as string;
          return out;
        });
        // Dropping one bound (a `fixed`) would widen the range, so a range with an overlong version goes whole.
        if (events.some((e) => Object.values(e).some((v) => v.length > MAX.version))) notes.skippedRanges.push(`${id}: range with a version over ${MAX.version} characters`);
        else ranges.push({ type: r.type, events });
      } else if (r.type !== 'GIT') notes.skippedRanges.push(`${id}: range type ${String(r.type).slice(0, MAX.label)}`);
    }
    const dbs = isRec(a.database_specific) ? a.database_specific : {};
    const eco = isRec(a.ecosystem_specific) ? a.ecosystem_specific : {};
    if (typeof dbs.informational === 'string') label = dbs.informational.slice(0, MAX.label);
    if (typeof eco.informational === 'string') label = eco.informational.slice(0, MAX.label);
    affected.push({ name: normalize(pkg.name as string), ranges, versions: strs(a.versions, MAX.version), vulnerableRange: str(dbs.vulnerable_versions, MAX.range) });
  }
  if (!affected.length) return undefined;
  const kind: AdvisoryKind = id.startsWith('MAL-') ? 'malicious' : label ? 'informational' : 'vulnerability';
  const dbs = isRec(raw.database_specific) ? raw.database_specific : {};
  const cwe = strs(dbs.cwe_ids, MAX.id).map((c) => c.replace(/^CWE-/, 'CWE-'));
  const refs = Array.isArray(raw.references) ? raw.references.filter(isRec) : [];
  const advisoryRef = refs.find((r) => r.type === 'ADVISORY') ?? refs[0];
  const prose = typeof raw.summary === 'string' && raw.summary ? raw.summary : typeof raw.details === 'string' ? raw.details.slice(0, MAX.summary * 4).split('\n')[0] : id;
  const summary = prose.slice(0, MAX.summary);
  return {
    id,
    aliases: strs(raw.aliases, MAX.id),
    summary,
    ...severityOf(raw, kind),
    cwe,
    kind,
    label,
    withdrawn: str(raw.withdrawn, MAX.label),
    modified: str(raw.modified, MAX.label),
    url: str(advisoryRef?.url, MAX.url),
    affected,
  };
}
