// The compliance report of one framework pack over one scan: the clause table with a status per clause, the
// findings and suppressions behind each, the evidence each obligation asks for, and what produced it (tool
// version, pack hashes). Pure: a ScanResult and loaded packs in, a plain object out.
import { isDuplicate, standingOf, type Finding, type ScanResult, type Severity } from '../engine/model.js';
import type { LoadedPack, LoadedRule } from '../packs/load.js';
import { clauseTable, type ClauseKind } from './clauses.js';

export type ClauseStatus = 'pass' | 'fail' | 'not_assessed' | 'obligation';

export interface ClauseFinding {
  ruleId: string;
  severity: Severity;
  title: string;
  file: string;
  line?: number;
  message: string;
  fingerprint: string;
}

export interface ClauseSuppression extends ClauseFinding {
  kind: string;
  reason: string;
  approvedBy?: string;
  expires?: string;
}

export interface ObligationEvidence {
  ruleId: string;
  /** What satisfies the obligation, from the rule's `evidence:`. */
  required: string;
  /** true: evidence found; false: missing; null: the rule did not run (e.g. only part of the repository was scanned) or failed. */
  met: boolean | null;
}

export interface ClauseResult {
  clause: string;
  title: string;
  note?: string;
  kind: ClauseKind;
  status: ClauseStatus;
  /** For obligations: whether every piece of evidence was found. */
  obligationMet?: boolean | null;
  /**
   * Why a clause is not assessed: `manual` (no automated check), `not-run` (its checks were not loaded), or
   * `not-applied` (they ran, but none had a file to judge: no Java for Java rules, no contract for OpenAPI ones).
   */
  reason?: 'manual' | 'not-run' | 'not-applied';
  /** Checks (not obligations) that judged at least one file: what a pass rests on. */
  checksApplied: number;
  /** Checks that were loaded but had no file to judge. */
  checksNotApplied: number;
  /** evaluated: loaded for the scan; applied: judged at least one file (repository rules: ran). */
  rules: { id: string; packId: string; evaluated: boolean; applied: boolean }[];
  findings: ClauseFinding[];
  suppressed: ClauseSuppression[];
  evidence: ObligationEvidence[];
}

export interface ComplianceReport {
  schema: 'sentrik.compliance-report/1';
  framework: { id: string; name: string; standard: string; version: string; hash: string };
  tool: { name: string; version: string };
  generatedAt: string;
  root: string;
  scope: ScanResult['metrics']['scope'];
  /** Every pack whose rules ran for this report, with the content hash of the version that ran. */
  packs: { id: string; version: string; hash: string }[];
  summary: Record<ClauseStatus, number> & {
    clauses: number;
    /** Of not_assessed: clauses whose checks ran but had no file to judge. */
    notApplied: number;
    /** Of pass: clauses that pass on some of their checks, the others having had no file to judge. */
    passPartly: number;
    obligationsMet: number;
    obligationsOpen: number;
    findings: number;
    suppressed: number;
  };
  clauses: ClauseResult[];
}

export function buildComplianceReport(result: ScanResult, framework: LoadedPack, allPacks: LoadedPack[], now = new Date()): ComplianceReport {
  const rulesById = new Map<string, LoadedRule>(allPacks.flatMap((p) => p.rules.map((r) => [r.def.id, r] as const)));
  const evaluated = new Set(result.rules.map((r) => r.id));
  // A rule that ran with nothing to look at is no evidence: a clause resting on it alone is not a pass.
  const notApplied = new Set(result.metrics.rulesNotApplied ?? []);
  const applied = (id: string): boolean => evaluated.has(id) && !notApplied.has(id);
  const byRule = new Map<string, Finding[]>();
  for (const f of result.findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
  // A duplicate is the same detection as the finding that stands for it: for its own clause it counts, or is
  // suppressed, as that finding is.
  const standingFor = standingOf(result.findings);
  const suppressionOf = (f: Finding): Finding['suppressed'] => (isDuplicate(f) ? standingFor(f)?.suppressed : f.suppressed);

  const clauses = clauseTable(framework, (id) => rulesById.get(id)?.def.kind).map((row): ClauseResult => {
    const rules = row.rules.map((r) => ({ ...r, evaluated: evaluated.has(r.id), applied: applied(r.id) }));
    const all = row.rules.flatMap((r) => byRule.get(r.id) ?? []);
    // A detection counts once per clause: a duplicate whose standing finding serves the same clause is left out.
    const here = new Set(all.map((f) => f.fingerprint));
    const hits = all.filter((f) => !(isDuplicate(f) && here.has(f.duplicateOf ?? '')));
    const active = hits.filter((f) => !suppressionOf(f));
    const evidence = row.rules
      .map((r) => rulesById.get(r.id))
      .filter((r): r is LoadedRule => r?.def.kind === 'documentation_obligation')
      .map((r) => ({
        ruleId: r.def.id,
        required: (r.def.match as { evidence?: string }).evidence ?? r.def.remediation,
        met: applied(r.def.id) ? !active.some((f) => f.ruleId === r.def.id) : null,
      }));
    const checks = rules.filter((r) => rulesById.get(r.id)?.def.kind !== 'documentation_obligation');
    let status: ClauseStatus;
    let reason: ClauseResult['reason'];
    if (row.kind === 'manual') [status, reason] = ['not_assessed', 'manual'];
    else if (row.kind === 'obligation') status = 'obligation';
    else if (active.some((f) => checks.some((c) => c.id === f.ruleId))) status = 'fail';
    // Required evidence that is missing fails the clause too: its checks passing is not the whole clause.
    else if (evidence.some((e) => e.met === false)) status = 'fail';
    else if (checks.some((c) => c.applied)) status = 'pass';
    else [status, reason] = ['not_assessed', checks.some((c) => c.evaluated) ? 'not-applied' : 'not-run'];
    const obligationMet = evidence.length ? (evidence.some((e) => e.met === null) ? null : evidence.every((e) => e.met)) : undefined;
    return {
      clause: row.clause,
      title: row.title,
      note: row.note,
      kind: row.kind,
      status,
      obligationMet,
      reason,
      checksApplied: checks.filter((c) => c.applied).length,
      checksNotApplied: checks.filter((c) => c.evaluated && !c.applied).length,
      rules,
      findings: active.map(clauseFinding),
      suppressed: hits.flatMap((f) => {
        const s = suppressionOf(f);
        return s ? [{ ...clauseFinding(f), kind: s.kind, reason: s.reason, approvedBy: s.approvedBy, expires: s.expires }] : [];
      }),
      evidence,
    };
  });

  const ranPacks = new Set(result.rules.map((r) => r.packId));
  ranPacks.add(framework.id);
  const count = (s: ClauseStatus): number => clauses.filter((c) => c.status === s).length;
  const obligations = clauses.filter((c) => c.status === 'obligation');
  return {
    schema: 'sentrik.compliance-report/1',
    framework: { id: framework.id, name: framework.name, standard: framework.standard, version: framework.version, hash: framework.hash },
    tool: result.tool,
    generatedAt: now.toISOString(),
    root: result.root,
    scope: result.metrics.scope,
    packs: allPacks.filter((p) => ranPacks.has(p.id)).map((p) => ({ id: p.id, version: p.version, hash: p.hash })),
    summary: {
      clauses: clauses.length,
      pass: count('pass'),
      fail: count('fail'),
      not_assessed: count('not_assessed'),
      notApplied: clauses.filter((c) => c.reason === 'not-applied').length,
      passPartly: clauses.filter((c) => c.status === 'pass' && c.checksNotApplied > 0).length,
      obligation: obligations.length,
      obligationsMet: obligations.filter((c) => c.obligationMet === true).length,
      obligationsOpen: obligations.filter((c) => c.obligationMet !== true).length,
      findings: clauses.reduce((n, c) => n + c.findings.length, 0),
      suppressed: clauses.reduce((n, c) => n + c.suppressed.length, 0),
    },
    clauses,
  };
}

/** What a pass or a not-assessed status rests on, when it is not every check the clause has (no full stop). */
export function clauseBasis(c: ClauseResult): string | undefined {
  if (c.reason === 'not-applied') {
    return `${c.checksNotApplied === 1 ? 'its check had no file' : `none of its ${c.checksNotApplied} checks had a file`} to judge in this project`;
  }
  if (c.status === 'pass' && c.checksNotApplied > 0) {
    return `passes on ${c.checksApplied} of ${c.checksApplied + c.checksNotApplied} checks; ${c.checksNotApplied} had no file to judge`;
  }
  return undefined;
}

function clauseFinding(f: Finding): ClauseFinding {
  return { ruleId: f.ruleId, severity: f.severity, title: f.title, file: f.file, line: f.line, message: f.message, fingerprint: f.fingerprint };
}

/** What the trust center publishes: statuses and counts only — no paths, snippets, messages or finding details. */
export interface TrustSummary {
  schema: 'sentrik.trust-center/1';
  tool: { name: string; version: string };
  generatedAt: string;
  frameworks: {
    id: string;
    name: string;
    standard: string;
    packVersion: string;
    summary: { clauses: number; pass: number; fail: number; not_assessed: number; notApplied: number; obligationsMet: number; obligationsOpen: number };
    clauses: { clause: string; title: string; status: ClauseStatus | 'obligation_met' | 'obligation_open' }[];
  }[];
}

export function trustSummary(reports: ComplianceReport[], now = new Date()): TrustSummary {
  return {
    schema: 'sentrik.trust-center/1',
    tool: reports[0]?.tool ?? { name: 'sentrik', version: '' },
    generatedAt: now.toISOString(),
    frameworks: reports.map((r) => ({
      id: r.framework.id,
      name: r.framework.name,
      standard: r.framework.standard,
      packVersion: r.framework.version,
      summary: { clauses: r.summary.clauses, pass: r.summary.pass, fail: r.summary.fail, not_assessed: r.summary.not_assessed, notApplied: r.summary.notApplied, obligationsMet: r.summary.obligationsMet, obligationsOpen: r.summary.obligationsOpen },
      clauses: r.clauses.map((c) => ({
        clause: c.clause,
        title: c.title,
        status: c.status === 'obligation' ? (c.obligationMet === true ? 'obligation_met' : 'obligation_open') : c.status,
      })),
    })),
  };
}
