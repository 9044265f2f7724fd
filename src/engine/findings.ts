// From per-file hits to findings: rule metadata, severity rescoring, fingerprints, suppressions,
// changed-line scoping and de-duplication. Everything here is deterministic and independent of I/O.
import { createHash } from 'node:crypto';
import picomatch from 'picomatch';
import { ruleInfo } from '../packs/load.js';
import type { FileHit } from './file-scan.js';
import { isDuplicate, SEVERITIES, SEVERITY_RANK, type Finding, type RuleInfo, type ScanMetrics, type Severity, type Suppression, type SuppressionRecord } from './model.js';
import type { ActiveRule, RuleSet } from './ruleset.js';
import { expandBraces } from '../util/glob.js';
import { bump, DEFAULT_SUPPRESSION_POLICY, inlineAllowedFor, usageKey, type FileSuppression, type SuppressionPolicy, type SuppressionUsage } from './suppressions.js';

export interface FinaliseOptions {
  rescoring: boolean;
  fileSuppressions: FileSuppression[];
  /** When set, only findings on these lines of these files are kept (diff-scoped scans). */
  changedLines?: Map<string, Set<number>>;
  now: Date;
  /** inline_allowed_for and the severities of the suppression meta findings; default: all allowed. */
  policy?: SuppressionPolicy;
  /** Filled in: how often each suppression matched (for `suppressions list` and stale ones). */
  usage?: SuppressionUsage;
}

/** Rules sentrik itself reports about suppressions, listed with the packs' rules in SARIF. */
export const META_RULES: RuleInfo[] = [
  {
    id: 'SENTRIK-SUP-001',
    packId: 'sentrik',
    title: 'Suppression without a reason',
    severity: 'low',
    message: 'A suppression must say why the finding is acceptable.',
    remediation: 'Write the reason after the rule id: `sentrik-ignore RULE-ID: why this is safe`, or add `reason:` to the suppressions file entry.',
    cwe: [],
    kind: 'meta',
  },
  {
    id: 'SENTRIK-SUP-002',
    packId: 'sentrik',
    title: 'Expired suppression',
    severity: 'medium',
    message: 'A suppression is past its expiry date; the finding it covered is active again.',
    remediation: 'Fix the finding, or review the suppression and set a new `expires` date.',
    cwe: [],
    kind: 'meta',
  },
  {
    id: 'SENTRIK-SUP-003',
    packId: 'sentrik',
    title: 'Stale suppression',
    severity: 'low',
    message: 'A suppression matched no finding in this run: the code changed, or the rule id or file glob is wrong.',
    remediation: 'Remove the suppression, or correct its rule id / file_glob so it covers what it was written for.',
    cwe: [],
    kind: 'meta',
  },
  {
    id: 'SENTRIK-SUP-004',
    packId: 'sentrik',
    title: 'Inline suppression not allowed for this severity',
    severity: 'medium',
    message: 'Inline suppressions are not allowed for findings of this severity (suppressions.inline_allowed_for); the finding counts.',
    remediation: 'Fix the finding, or add a reviewed entry (reason, approved_by, expires) to .sentrik/suppressions.yaml.',
    cwe: [],
    kind: 'meta',
  },
  {
    id: 'SENTRIK-SUP-005',
    packId: 'sentrik',
    title: 'Suppression of an unknown rule',
    severity: 'low',
    message: 'A suppression (a .sentrik/suppressions.yaml entry or an inline sentrik-ignore) names a rule that no pack has (built-in or custom), so it can never apply.',
    remediation: 'Correct the rule id to the one `sentrik list-rules` shows (ids are case-sensitive), or remove the suppression.',
    cwe: [],
    kind: 'meta',
  },
];

/** sentrik's own rule by id (never by its place in the list). */
function metaRule(id: string): RuleInfo {
  const rule = META_RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`no meta rule ${id}`);
  return rule;
}

const TEST_PATH = picomatch(
  ['**/{test,tests,__tests__,spec,specs,testdata,fixtures,__fixtures__,__mocks__}/**', '**/*.{test,spec}.*', '**/*_test.{go,py}', '**/test_*.py', '**/conftest.py'],
  { dot: true, nocase: true },
);
const EXAMPLE_FOLDER = /^(examples?|samples)$/i;
/** The source root of a Maven / Gradle source set (src/main/java/, src/test/kotlin/ …): below it, folders are packages. */
const JVM_SOURCE_ROOT = /(?:^|\/)src\/[^/]+\/(?:java|kotlin|scala|groovy)\//;
const SENSITIVE_PATH = /(^|[/_.-])(auth|authn|authz|login|session|crypto|security|password|secrets?|oauth|jwt|token)([/_.-]|$)/i;

export function shiftSeverity(s: Severity, by: number): Severity {
  const rank = Math.max(0, Math.min(4, SEVERITY_RANK[s] + by));
  return SEVERITIES.find((x) => SEVERITY_RANK[x] === rank)!;
}

/**
 * A test, fixture or example file. An `example` folder below a JVM source root is a package, not examples:
 * `com/example/` is Spring Initializr's default package, so most Spring projects' code lives there.
 */
export function isTestPath(path: string): boolean {
  if (TEST_PATH(path)) return true;
  const sourceRoot = JVM_SOURCE_ROOT.exec(path);
  const folders = sourceRoot ? path.slice(0, sourceRoot.index).split('/') : path.split('/').slice(0, -1);
  return folders.some((f) => EXAMPLE_FOLDER.test(f));
}

/**
 * A rule whose every `files` glob names test files (`test/**\/*.js`, `**\/*.{test,spec}.ts`) is about tests: its
 * severity is meant for them, so it is not lowered for being in one. A glob is read as a path for this.
 */
export function ruleAboutTests(files: readonly string[] | undefined): boolean {
  if (!files?.length) return false;
  return files.every((glob) => {
    const alternatives = expandBraces(glob);
    return alternatives !== undefined && alternatives.every(isTestPath);
  });
}

/**
 * Heuristic rescoring: lower in tests, fixtures and comments; raise in authentication and crypto code (never in
 * a test of it). `aboutTests`: the rule targets test files (see ruleAboutTests), which then lower nothing.
 */
export function rescore(severity: Severity, path: string, inComment: boolean, aboutTests = false): { severity: Severity; reason?: string } {
  const inTests = isTestPath(path);
  if (inTests && !aboutTests) return { severity: shiftSeverity(severity, -1), reason: 'lowered: test or example file' };
  if (inComment) return { severity: shiftSeverity(severity, -1), reason: 'lowered: comment' };
  if (!inTests && SENSITIVE_PATH.test(path) && severity !== 'critical' && severity !== 'info') {
    return { severity: shiftSeverity(severity, 1), reason: 'raised: auth or crypto code' };
  }
  return { severity };
}

export function fingerprintOf(ruleId: string, path: string, matchKey: string, occurrence: number): string {
  return createHash('sha256').update(`${ruleId}\0${path}\0${matchKey}\0${occurrence}`).digest('hex').slice(0, 32);
}

export function finalise(hitsByFile: { path: string; hits: FileHit[] }[], rules: RuleSet, opts: FinaliseOptions): Finding[] {
  const byId = new Map<string, ActiveRule>();
  // Ids are unique among active rules but for identical copies (see checkUniqueId): the first pack names them.
  for (const r of [...rules.fileRules, ...rules.repoRules]) if (!byId.has(r.rule.def.id)) byId.set(r.rule.def.id, r);
  const clausesOf = clauseIndex(rules);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const usedInline = new Map<string, { path: string; line: number }>();
  const aboutTests = new Map<string, boolean>();

  for (const { path, hits } of hitsByFile) {
    const occurrences = new Map<string, number>();
    const changed = opts.changedLines?.get(path);
    const ordered = [...hits].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    for (const hit of ordered) {
      const active = byId.get(hit.ruleId);
      if (!active) continue;
      // A finding is kept when its line changed, or another line it is about (RawMatch.anchors).
      if (opts.changedLines && path !== '.' && hit.line !== undefined && !(changed && (changed.has(hit.line) || hit.anchors?.some((l) => changed.has(l))))) continue;
      const dedupeKey = `${hit.ruleId}\0${path}\0${hit.line ?? ''}\0${hit.column ?? ''}`;
      if (seen.has(dedupeKey)) continue;
      seen.add(dedupeKey);

      const occKey = `${hit.ruleId}\0${hit.matchKey}`;
      const occurrence = occurrences.get(occKey) ?? 0;
      occurrences.set(occKey, occurrence + 1);

      const rule = active.rule.def;
      // A match's own severity (weaker evidence) only ever lowers the rule's, so an override to low still holds.
      let severity = hit.severity && SEVERITY_RANK[hit.severity] < SEVERITY_RANK[active.severity] ? hit.severity : active.severity;
      const finding: Finding = {
        ruleId: rule.id,
        packId: active.rule.packId,
        title: rule.title,
        severity,
        message: hit.message ?? rule.message,
        file: path,
        line: hit.line,
        column: hit.column,
        endLine: hit.endLine,
        endColumn: hit.endColumn,
        snippet: hit.snippet,
        standard: active.rule.standard,
        clause: rule.clause,
        cwe: rule.cwe,
        remediation: rule.remediation,
        fingerprint: fingerprintOf(rule.id, path, hit.matchKey, occurrence),
        confidence: hit.confidence ?? rule.confidence,
        kind: rule.kind,
      };
      if (hit.prefixed) finding.prefixed = true;
      const clauses = clausesOf.get(rule.id)?.filter((c) => !(c.standard === finding.standard && c.clause === finding.clause));
      if (clauses?.length) finding.clauses = clauses;
      // A severity set in pack_overrides is the team's decision for this rule: final, never rescored.
      if (opts.rescoring && path !== '.' && !active.severityOverridden) {
        let about = aboutTests.get(rule.id);
        if (about === undefined) aboutTests.set(rule.id, (about = ruleAboutTests(rule.files)));
        const r = rescore(severity, path, hit.inComment ?? false, about);
        if (r.reason && r.severity !== severity) {
          finding.originalSeverity = severity;
          finding.rescoreReason = r.reason;
          finding.severity = severity = r.severity;
        }
      }
      applySuppression(finding, hit, opts, findings, usedInline);
      findings.push(finding);
    }
  }
  return findings; // the scanner sorts the final list once
}

/** Rule id → the clauses that enabled packs map onto it (`mappings:` in pack.yaml). */
export function clauseIndex(rules: Pick<RuleSet, 'packs'>): Map<string, NonNullable<Finding['clauses']>> {
  const out = new Map<string, NonNullable<Finding['clauses']>>();
  for (const pack of rules.packs) {
    for (const m of pack.mappings ?? []) {
      for (const r of m.rules) {
        const list = out.get(r.id) ?? [];
        if (!list.some((c) => c.packId === pack.id && c.clause === m.clause)) list.push({ standard: pack.standard, clause: m.clause, packId: pack.id });
        out.set(r.id, list);
      }
    }
  }
  return out;
}

function applySuppression(
  finding: Finding,
  hit: FileHit,
  opts: FinaliseOptions,
  out: Finding[],
  usedInline: Map<string, { path: string; line: number }>,
): void {
  const policy = opts.policy ?? DEFAULT_SUPPRESSION_POLICY;
  if (hit.inline) {
    const at = `${finding.file}:${hit.inline.line}`;
    if (opts.usage) bump(opts.usage.matched, usageKey('inline', at));
    const allowed = inlineAllowedFor(policy, finding.packId);
    if (hit.inline.reason && allowed.includes(finding.severity)) {
      finding.suppressed = { kind: 'inline', reason: hit.inline.reason, source: at };
      return;
    }
    if (hit.inline.reason) {
      // Organisation policy: this severity needs a reviewed, file-based suppression. The finding counts.
      if (opts.usage) bump(opts.usage.refused, usageKey('inline', at));
      const key = `${at}\0${finding.ruleId}\0not-allowed`;
      if (!usedInline.has(key)) {
        usedInline.set(key, { path: finding.file, line: hit.inline.line });
        out.push(metaFinding(metaRule('SENTRIK-SUP-004'), finding.file, hit.inline.line, `sentrik-ignore for ${finding.ruleId} (${finding.severity}) is not applied: inline suppressions are allowed for ${allowed.join(', ') || 'no severity'} only; use .sentrik/suppressions.yaml.`, policy.severity.inline_not_allowed));
      }
    } else if (!usedInline.has(at)) {
      usedInline.set(at, { path: finding.file, line: hit.inline.line });
      out.push(metaFinding(metaRule('SENTRIK-SUP-001'), finding.file, hit.inline.line, `sentrik-ignore for ${finding.ruleId} has no reason, so it is not applied.`, policy.severity.missing_reason));
    }
  }
  for (const s of opts.fileSuppressions) {
    if (!s.matches(finding.ruleId, finding.file)) continue;
    if (opts.usage) bump(opts.usage.matched, usageKey('file', s.source));
    if (s.expired(opts.now)) {
      out.push(metaFinding(metaRule('SENTRIK-SUP-002'), '.sentrik/suppressions.yaml', Number(s.source.split(':').pop()), `Suppression of ${finding.ruleId} for ${s.fileGlob} expired on ${s.expires}; ${finding.file}${finding.line ? `:${finding.line}` : ''} is reported again.`, policy.severity.expired));
      continue;
    }
    if (!s.reason) {
      out.push(metaFinding(metaRule('SENTRIK-SUP-001'), '.sentrik/suppressions.yaml', Number(s.source.split(':').pop()), `Suppression of ${finding.ruleId} for ${s.fileGlob} has no reason, so it is not applied.`, policy.severity.missing_reason));
      continue;
    }
    finding.suppressed = { kind: 'file', reason: s.reason, approvedBy: s.approvedBy, expires: s.expires, source: s.source };
    return;
  }
}

/** SENTRIK-SUP-003 for every suppression that matched nothing where this run could tell (none when stale: off). */
export function staleSuppressionFindings(records: SuppressionRecord[], policy: SuppressionPolicy = DEFAULT_SUPPRESSION_POLICY): Finding[] {
  const severity = policy.severity.stale;
  if (severity === 'off') return [];
  return records
    .filter((r) => r.status === 'stale')
    .map((r) => {
      const at = r.source.lastIndexOf(':');
      const [file, line] = [r.source.slice(0, at), Number(r.source.slice(at + 1))];
      const what = r.kind === 'inline' ? `sentrik-ignore ${r.ruleIds.join(', ')}` : `Suppression of ${r.ruleIds[0]} for ${r.fileGlob}`;
      return metaFinding(metaRule('SENTRIK-SUP-003'), file, line || undefined, `${what} matched no finding in this run; remove it or correct it.`, severity);
    });
}

/** SENTRIK-SUP-005 for every suppression (file entry or inline) naming only rules no pack has, at its file:line. */
export function unknownRuleSuppressionFindings(records: SuppressionRecord[]): Finding[] {
  return records
    .filter((r) => r.status === 'unknown')
    .map((r) => {
      const at = r.source.lastIndexOf(':');
      const id = r.ruleIds[0];
      const what = r.kind === 'inline' ? `sentrik-ignore ${r.ruleIds.join(', ')}` : `Suppression of ${id} for ${r.fileGlob}`;
      const message = `${what}: no rule ${id} is loaded${r.didYouMean ? `; did you mean ${r.didYouMean}?` : ' (sentrik list-rules shows the ids)'}`;
      return metaFinding(metaRule('SENTRIK-SUP-005'), r.source.slice(0, at), Number(r.source.slice(at + 1)) || undefined, message);
    });
}

function metaFinding(rule: RuleInfo, file: string, line: number | undefined, message: string, severity: Severity = rule.severity): Finding {
  return {
    ruleId: rule.id,
    packId: rule.packId,
    title: rule.title,
    severity,
    message,
    file,
    line,
    cwe: [],
    remediation: rule.remediation,
    fingerprint: fingerprintOf(rule.id, file, message, 0),
    confidence: 'high',
    kind: 'meta',
  };
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.file.localeCompare(b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    a.ruleId.localeCompare(b.ruleId)
  );
}

const CONFIDENCE_RANK: Record<Finding['confidence'], number> = { high: 2, medium: 1, low: 0 };
const MAX_FINDINGS_ON_A_LINE = 200;

/**
 * One detection, reported once. Packs overlap on purpose (owasp-top-10 and a language pack both know `eval` of
 * request data; a password rule and the generic secret detector both see `password = "…"`), and a developer
 * should not read the same problem twice. Findings of different rules that start on the same line, overlap
 * there and share a CWE are one detection. The finding that stands for it is the one that can fail the gate,
 * then the most severe, then the most confident, then one that recognised a credential by its provider's own
 * prefix (`sk_live_…` is a Stripe key, whatever a shape-only detector makes of 40 characters inside it), then
 * the first rule id; each other one records it in
 * `duplicateOf`, gives it its standard clause, and is marked `duplicate` (kept, not counted) unless it is
 * suppressed on its own. The choice ignores suppressions, so suppressing the finding a developer sees
 * suppresses the detection — except where the duplicate's own pack would refuse that suppression (see
 * followsStanding). Whole-file findings and those with no CWE are left alone. Calling it again (after more
 * findings were added) is harmless. Returns how many were marked.
 */
export function markDuplicates(findings: Finding[], nonGating: ReadonlySet<string>, policy: SuppressionPolicy = DEFAULT_SUPPRESSION_POLICY): number {
  const byLine = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.line === undefined || f.kind === 'meta' || f.cwe.length === 0) continue;
    const key = `${f.file}\0${f.line}`;
    const group = byLine.get(key);
    if (group) group.push(f);
    else byLine.set(key, [f]);
  }
  let marked = 0;
  for (const group of byLine.values()) {
    // Comparing every pair is quadratic: a line with hundreds of findings (a minified bundle, a dump of keys)
    // is left as it is rather than let it cost seconds.
    if (group.length < 2 || group.length > MAX_FINDINGS_ON_A_LINE) continue;
    group.sort(
      (a, b) =>
        Number(nonGating.has(a.ruleId)) - Number(nonGating.has(b.ruleId)) ||
        SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
        CONFIDENCE_RANK[b.confidence] - CONFIDENCE_RANK[a.confidence] ||
        Number(b.prefixed ?? false) - Number(a.prefixed ?? false) ||
        a.ruleId.localeCompare(b.ruleId) ||
        a.fingerprint.localeCompare(b.fingerprint),
    );
    const standing: Finding[] = [];
    for (const f of group) {
      const primary = standing.find((p) => p.ruleId !== f.ruleId && overlapOnLine(p, f) && p.cwe.some((c) => f.cwe.includes(c)));
      if (!primary) {
        standing.push(f);
        continue;
      }
      f.duplicateOf = primary.fingerprint;
      for (const c of [...(f.standard && f.clause ? [{ standard: f.standard, clause: f.clause, packId: f.packId }] : []), ...(f.clauses ?? [])]) {
        const own = c.standard === primary.standard && c.clause === primary.clause;
        if (!own && !primary.clauses?.some((x) => x.standard === c.standard && x.clause === c.clause)) (primary.clauses ??= []).push(c);
      }
      if (f.suppressed || !followsStanding(f, primary, policy)) continue;
      f.suppressed = duplicateSuppression(f, primary);
      marked++;
    }
  }
  return marked;
}

/**
 * Whether a duplicate goes where the finding that stands goes. Not when that finding is suppressed inline and
 * the duplicate's own pack refuses inline suppressions at its severity (suppressions.inline_allowed_for_packs:
 * a secrets finding cannot be waved through by a comment about an owasp-top-10 one).
 */
export function followsStanding(duplicate: Finding, standing: Finding, policy: SuppressionPolicy = DEFAULT_SUPPRESSION_POLICY): boolean {
  return standing.suppressed?.kind !== 'inline' || inlineAllowedFor(policy, duplicate.packId).includes(duplicate.severity);
}

export function duplicateSuppression(duplicate: Finding, standing: Finding): Suppression {
  const shared = duplicate.cwe.filter((c) => standing.cwe.includes(c));
  return { kind: 'duplicate', reason: `the same code and weakness as ${standing.ruleId} (${shared.join(', ')})` };
}

/** Rules that never fail the gate: a finding of one stands for a detection only when no other rule saw it. */
export function nonGatingRules(rules: readonly RuleInfo[]): Set<string> {
  return new Set(rules.filter((r) => r.gate === false).map((r) => r.id));
}

/**
 * Do two findings that start on the same line cover some of the same columns of it? A finding without an end
 * is taken as its start alone (no column: the start of the line); one that runs onto later lines covers the
 * rest of its first line.
 */
function overlapOnLine(a: Finding, b: Finding): boolean {
  const span = (f: Finding): [number, number] => {
    const start = f.column ?? 1;
    if (f.endLine === undefined || f.endColumn === undefined) return [start, start + 1];
    return [start, f.endLine > f.line! ? Infinity : Math.max(f.endColumn, start + 1)];
  };
  const [as, ae] = span(a);
  const [bs, be] = span(b);
  return as < be && bs < ae;
}

/** Deduplicate meta findings (the same expired suppression can cover many findings). */
export function uniqueByFingerprint(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => (seen.has(f.fingerprint) ? false : (seen.add(f.fingerprint), true)));
}

export function rulesInfo(rules: RuleSet): RuleInfo[] {
  return [...rules.fileRules, ...rules.repoRules].map((r) => ruleInfo(r.rule, r.severity));
}

/** Counts of a finding list as scan_metrics.json reports them (suppressed findings counted apart). */
export function countFindings(findings: Finding[]): Pick<ScanMetrics, 'findings' | 'suppressed' | 'duplicates' | 'bySeverity' | 'byRule' | 'byPack' | 'suppressedByKind'> {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as ScanMetrics['bySeverity'];
  const byRule: Record<string, number> = {};
  const byPack: Record<string, number> = {};
  const suppressedByKind: Record<string, number> = {};
  let active = 0;
  let duplicates = 0;
  for (const f of findings) {
    if (isDuplicate(f)) {
      duplicates++;
      continue;
    }
    if (f.suppressed) {
      suppressedByKind[f.suppressed.kind] = (suppressedByKind[f.suppressed.kind] ?? 0) + 1;
      continue;
    }
    active++;
    bySeverity[f.severity]++;
    byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
    byPack[f.packId] = (byPack[f.packId] ?? 0) + 1;
  }
  return { findings: active, suppressed: findings.length - active - duplicates, duplicates, bySeverity, byRule, byPack, suppressedByKind };
}
