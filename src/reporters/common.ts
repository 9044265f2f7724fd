// Helpers shared by the reporters: ordering, counting and escaping of untrusted text.
// Everything here is pure; reporters never touch the filesystem or `process`.
import { SEVERITIES, SEVERITY_RANK, type Finding, type RuleInfo, type ScanMetrics, type ScanResult, type Severity } from '../engine/model.js';

/** Stable report order: by file, then position, then rule id (repository-level "." first). */
export function compareByLocation(a: Finding, b: Finding): number {
  return (
    compareStrings(a.file, b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    compareStrings(a.ruleId, b.ruleId) ||
    compareStrings(a.fingerprint, b.fingerprint)
  );
}

/** Worst first, then by location: the order in which a reader should fix things. */
export function compareBySeverity(a: Finding, b: Finding): number {
  return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || compareByLocation(a, b);
}

/** Locale-independent comparison, so reports are byte-identical on every machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortedByLocation(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareByLocation);
}

export function activeFindings(result: ScanResult): Finding[] {
  return result.findings.filter((f) => !f.suppressed);
}

export function suppressedFindings(result: ScanResult): Finding[] {
  return result.findings.filter((f) => f.suppressed);
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** A copy of `record` with its keys sorted, so JSON output does not depend on insertion order. */
export function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort(compareStrings)) out[key] = record[key];
  return out;
}

/** Repository-level findings carry the file ".". */
export function isRepositoryLevel(f: Pick<Finding, 'file'>): boolean {
  return f.file === '.' || f.file === '';
}

/** `file:line:col`, `file:line`, `file` or `(repository)` — for humans. */
export function formatLocation(f: Finding): string {
  if (isRepositoryLevel(f)) return '(repository)';
  if (f.line === undefined) return f.file;
  return f.column === undefined ? `${f.file}:${f.line}` : `${f.file}:${f.line}:${f.column}`;
}

/** Rule metadata for every rule in the result, plus any rule that only appears in a finding. */
export function rulesOf(result: ScanResult): RuleInfo[] {
  const byId = new Map<string, RuleInfo>();
  for (const rule of result.rules) if (!byId.has(rule.id)) byId.set(rule.id, rule);
  for (const f of result.findings) if (!byId.has(f.ruleId)) byId.set(f.ruleId, ruleFromFinding(f));
  return [...byId.values()];
}

function ruleFromFinding(f: Finding): RuleInfo {
  return {
    id: f.ruleId,
    packId: f.packId,
    title: f.title,
    severity: f.originalSeverity ?? f.severity,
    message: f.message,
    remediation: f.remediation,
    standard: f.standard,
    clause: f.clause,
    cwe: f.cwe,
    kind: f.kind,
  };
}

/** "CWE-79", "cwe-079" or "79" → "79"; undefined when it is not a CWE id. */
export function cweNumber(cwe: string): string | undefined {
  const m = /^(?:cwe-?)?0*(\d+)$/i.exec(cwe.trim());
  return m?.[1];
}

/** "CWE-79" for display, whatever spelling the pack used. */
export function cweLabel(cwe: string): string {
  const n = cweNumber(cwe);
  return n ? `CWE-${n}` : cwe;
}

/** "OWASP Top 10 A03:2021" style reference for a standard and clause, or undefined. */
export function standardRef(f: { standard?: string; clause?: string }): string | undefined {
  if (f.standard && f.clause) return `${f.standard} ${f.clause}`;
  return f.standard ?? f.clause;
}

/** First sentence (or first line) of a text, cut to `max` characters with an ellipsis. */
export function shorten(text: string, max: number): string {
  const firstLine = text.trim().split(/\r?\n/)[0] ?? '';
  // "e.g." and its kind do not end a sentence.
  const sentenceEnd = firstLine.search(/(?<!\b(?:e\.g|i\.e|cf|vs|approx))[.!?](\s|$)/i);
  const sentence = sentenceEnd >= 0 ? firstLine.slice(0, sentenceEnd + 1) : firstLine;
  return truncate(sentence, max);
}

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** "; 4 had no file to check" when some loaded rules found nothing to judge (no Java, no OpenAPI contract…). */
export function notAppliedNote(m: ScanMetrics): string {
  const n = m.rulesNotApplied?.length ?? 0;
  return n ? `; ${n} had no file to check` : '';
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** A short human summary of the scan scope: "paths src, lib", "staged changes", "git range a...b". */
export function describeScope(result: ScanResult): string {
  const scope = result.metrics.scope;
  switch (scope.mode) {
    case 'staged':
      return `staged changes${scope.changedLinesOnly === false ? ' (whole files)' : ''}`;
    case 'git-range':
      return `git range ${scope.range ?? '?'}${scope.changedLinesOnly ? ' (changed lines)' : ''}`;
    case 'diff':
      return `diff ${scope.diffFile ?? '?'}${scope.changedLinesOnly ? ' (changed lines)' : ''}`;
    case 'snippet':
      return 'snippet';
    default:
      return scope.paths.length ? scope.paths.join(', ') : '.';
  }
}

export { SEVERITIES, SEVERITY_RANK };

/** A self-contained HTML document: the CSP as a meta tag, no referrer, one inline stylesheet. */
export function htmlDocument(title: string, csp: string, style: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
