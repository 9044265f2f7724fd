// findings.sarif: SARIF 2.1.0 in the shape GitHub code scanning ingests (rule metadata with help text,
// `security-severity`, `external/cwe/cwe-NNN` tags, partial fingerprints, suppressions). Validated in the
// tests with Microsoft's SARIF multitool (`--rule-kind "Gh;Sarif"`).
import { pathToFileURL } from 'node:url';
import type { Confidence, Finding, RuleInfo, ScanProblem, ScanResult, Severity } from '../engine/model.js';
import { compareByLocation, cweLabel, cweNumber, isRepositoryLevel, rulesOf, sortKeys, standardRef, compareStrings } from './common.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SENTRIK_URI = 'https://github.com/sentrik/sentrik';
/** partialFingerprints key: our own line-shift-proof fingerprint (GitHub keeps any key it is given). */
export const FINGERPRINT_KEY = 'sentrik/v1';

type Level = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, Level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
/** GitHub buckets security-severity: >9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };
/** GitHub's `problem.severity` for the non-security view. */
const PROBLEM_SEVERITY: Record<Severity, string> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'recommendation',
  info: 'recommendation',
};
const PRECISION: Record<Confidence, string> = { high: 'high', medium: 'medium', low: 'low' };

export function renderSarif(result: ScanResult): string {
  const rules = rulesOf(result).sort((a, b) => compareStrings(a.id, b.id));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const findings = [...result.findings].sort(compareByLocation);
  const precision = precisionByRule(findings);
  const m = result.metrics;
  const prefix = result.repository?.prefix ?? '';

  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: result.tool.name || 'sentrik',
            version: result.tool.version,
            semanticVersion: result.tool.version,
            informationUri: SENTRIK_URI,
            rules: rules.map((r) => sarifRule(r, precision.get(r.id) ?? 'medium')),
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            startTimeUtc: validDate(m.startedAt),
            endTimeUtc: validDate(m.startedAt, m.durationMs),
            toolExecutionNotifications: result.problems.map((p) => sarifNotification(p, prefix)),
            // Proof of coverage: what this invocation looked at (the same figures as scan_metrics.json).
            properties: coverageProperties(result),
          },
        ],
        // GitHub reads relative paths from the repository top (and ignores uriBaseId): inside a git repository,
        // paths are from its top and %SRCROOT% is the top; elsewhere, from the folder scanned.
        originalUriBaseIds: {
          '%SRCROOT%': {
            uri: rootUri(result.repository?.top ?? result.root),
            description: { text: result.repository ? `The top of the git repository (sentrik scanned ${result.repository.prefix.replace(/\/$/, '') || 'all of it'}).` : 'The directory sentrik scanned.' },
          },
        },
        // Our columns count UTF-16 code units (JavaScript string offsets).
        columnKind: 'utf16CodeUnits',
        results: findings.map((f) => sarifResult(f, ruleIndex.get(f.ruleId) ?? 0, prefix)),
        properties: {
          ...coverageProperties(result),
          durationMs: m.durationMs,
          // vulns: packages checked and declared dependencies not checked (each also a notification above).
          ...(result.dependencies ? { dependencies: result.dependencies } : {}),
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** Files and bytes scanned, skipped by reason, packs and rules evaluated (and applied), scope, suppressions and baseline. */
function coverageProperties(result: ScanResult): Record<string, unknown> {
  const m = result.metrics;
  const byStatus: Record<string, number> = {};
  for (const r of result.suppressions ?? []) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  return {
    filesScanned: m.filesScanned,
    bytesScanned: m.bytesScanned,
    filesSkipped: m.filesSkipped,
    skippedByReason: sortKeys(m.skippedByReason),
    rulesEvaluated: m.rulesEvaluated,
    ...(m.rulesNotApplied ? { rulesApplied: m.rulesApplied, rulesNotApplied: m.rulesNotApplied } : {}),
    packs: m.packs,
    scope: m.scope,
    suppressed: m.suppressed,
    ...(m.duplicates ? { duplicates: m.duplicates } : {}),
    ...(m.suppressedByKind ? { suppressedByKind: sortKeys(m.suppressedByKind) } : {}),
    ...(result.suppressions ? { suppressionsByStatus: sortKeys(byStatus) } : {}),
    ...(m.baseline ? { baseline: m.baseline } : {}),
  };
}

function sarifRule(rule: RuleInfo, precision: string): Record<string, unknown> {
  const cwes = rule.cwe.map(cweNumber).filter((n): n is string => n !== undefined);
  const tags = ['security', rule.packId, ...cwes.map((n) => `external/cwe/cwe-${n}`)];
  return {
    id: rule.id,
    name: ruleName(rule),
    shortDescription: { text: sentence(rule.title) },
    fullDescription: { text: sentence(rule.message || rule.title) },
    ...(rule.helpUri ? { helpUri: rule.helpUri } : {}),
    help: helpFor(rule),
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: [...new Set(tags)],
      'security-severity': SECURITY_SEVERITY[rule.severity],
      'problem.severity': PROBLEM_SEVERITY[rule.severity],
      precision,
      severity: rule.severity,
      pack: rule.packId,
      ...(rule.standard ? { standard: rule.standard } : {}),
      ...(rule.clause ? { clause: rule.clause } : {}),
      kind: rule.kind,
    },
  };
}

/** Plain-text and Markdown help: remediation, then the standard and clause, then CWE links. */
function helpFor(rule: RuleInfo): { text: string; markdown: string } {
  const ref = standardRef(rule);
  const text: string[] = [rule.title, '', rule.remediation ? `Remediation: ${rule.remediation.trim()}` : sentence(rule.message)];
  const md: string[] = [`**${mdText(rule.title)}**`, '', rule.remediation ? `**Remediation:** ${rule.remediation.trim()}` : mdText(sentence(rule.message))];
  if (ref) {
    text.push('', `Standard: ${ref}`);
    md.push('', `**Standard:** ${mdText(ref)}`);
  }
  if (rule.cwe.length) {
    text.push('', `CWE: ${rule.cwe.map(cweLabel).join(', ')}`);
    const links = rule.cwe.map((c) => {
      const n = cweNumber(c);
      return n ? `[CWE-${n}](https://cwe.mitre.org/data/definitions/${n}.html)` : mdText(c);
    });
    md.push('', `**CWE:** ${links.join(', ')}`);
  }
  text.push('', `Rule ${rule.id} (pack ${rule.packId}).`);
  md.push('', `Rule \`${rule.id}\` · pack \`${rule.packId}\``);
  return { text: text.join('\n'), markdown: md.join('\n') };
}

function sarifResult(f: Finding, ruleIndex: number, prefix: string): Record<string, unknown> {
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: sentence(f.message) },
    locations: [sarifLocation(f, prefix)],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    ...(f.suppressed ? { suppressions: [sarifSuppression(f)] } : {}),
    properties: {
      severity: f.severity,
      ...(f.originalSeverity ? { originalSeverity: f.originalSeverity, rescoreReason: f.rescoreReason } : {}),
      pack: f.packId,
      ...(f.standard ? { standard: f.standard } : {}),
      ...(f.clause ? { clause: f.clause } : {}),
      ...(f.clauses?.length ? { clauses: f.clauses } : {}),
      ...(f.cwe.length ? { cwe: f.cwe.map(cweLabel) } : {}),
      confidence: f.confidence,
      kind: f.kind,
    },
  };
}

/** Where a repository-level finding points: no file is at fault, so a marker path that names none. */
export const REPOSITORY_URI = '(repository)';

/**
 * A path from the scan root as a SARIF URI from the repository top, for findings and notifications alike:
 * `prefix` + the path without a leading `./`; the root itself (`.` or empty) is `(repository)`.
 */
export function sarifUri(file: string, prefix: string): string {
  return encodeUriPath(prefix + (isRepositoryLevel({ file }) ? REPOSITORY_URI : file.replace(/^\.\//, '')));
}

/**
 * A finding's place, as a path from the repository top (`prefix` + the path from the scan root). Repository-level
 * findings (the file ".") concern no file: they point at `(repository)` in the scanned folder — a non-empty
 * relative reference that GitHub accepts and that names no real file (not "./", which it cannot map). Whole-file
 * findings carry no region; a region is only written with the positions we actually know.
 */
function sarifLocation(f: Finding, prefix: string): Record<string, unknown> {
  const artifactLocation = { uri: sarifUri(f.file, prefix), uriBaseId: '%SRCROOT%' };
  if (f.line === undefined || isRepositoryLevel(f)) return { physicalLocation: { artifactLocation } };
  const region: Record<string, unknown> = { startLine: f.line };
  if (f.column !== undefined) region.startColumn = f.column;
  if (f.endLine !== undefined && f.endLine >= f.line) region.endLine = f.endLine;
  if (f.endColumn !== undefined && f.column !== undefined && (f.endLine ?? f.line) >= f.line) {
    // SARIF's endColumn is exclusive and must not precede startColumn on the same line.
    if ((f.endLine ?? f.line) > f.line || f.endColumn >= f.column) region.endColumn = f.endColumn;
  }
  if (f.snippet) region.snippet = { text: f.snippet };
  return { physicalLocation: { artifactLocation, region } };
}

function sarifSuppression(f: Finding): Record<string, unknown> {
  const s = f.suppressed!;
  return {
    kind: s.kind === 'inline' ? 'inSource' : 'external',
    status: 'accepted',
    justification: s.reason,
    properties: {
      source: s.kind,
      ...(s.approvedBy ? { approvedBy: s.approvedBy } : {}),
      ...(s.expires ? { expires: s.expires } : {}),
      ...(s.source ? { location: s.source } : {}),
      ...(f.duplicateOf ? { duplicateOf: f.duplicateOf } : {}),
    },
  };
}

function sarifNotification(p: ScanProblem, prefix: string): Record<string, unknown> {
  return {
    level: p.code === 'rule-error' || p.code === 'internal' ? 'error' : 'warning',
    message: { text: sentence(p.message) },
    descriptor: { id: p.code },
    ...(p.ruleId ? { associatedRule: { id: p.ruleId } } : {}),
    ...(p.file
      ? {
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: sarifUri(p.file, prefix), uriBaseId: '%SRCROOT%' },
                ...(p.line ? { region: { startLine: p.line } } : {}),
              },
            },
          ],
        }
      : {}),
  };
}

/** Each rule's precision: the least confident finding it produced (rules without findings: medium). */
function precisionByRule(findings: Finding[]): Map<string, string> {
  const order: Confidence[] = ['low', 'medium', 'high'];
  const least = new Map<string, Confidence>();
  for (const f of findings) {
    const seen = least.get(f.ruleId);
    if (!seen || order.indexOf(f.confidence) < order.indexOf(seen)) least.set(f.ruleId, f.confidence);
  }
  return new Map([...least].map(([id, c]) => [id, PRECISION[c]]));
}

/**
 * SARIF wants a Pascal-case identifier as the rule's `name`: "TLS verification disabled in a script" →
 * TlsVerificationDisabledInScript (one-letter words dropped: "AScript" is not Pascal case).
 */
function ruleName(rule: RuleInfo): string {
  const words = (rule.title.match(/[A-Za-z0-9]+/g) ?? []).filter((w) => w.length > 1);
  const name = words.map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join('');
  if (!name) return `Rule${rule.id.replace(/[^A-Za-z0-9]/g, '')}`;
  return /^[A-Za-z]/.test(name) ? name : `Rule${name}`;
}

/** SARIF messages should be sentences: one line, ending in a period. */
function sentence(text: string): string {
  const t = text.trim().replace(/\s*\r?\n\s*/g, ' ');
  if (!t) return 'No description.';
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** Escape the characters that have meaning in Markdown inline text. */
function mdText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}

/** Relative URI reference for a relative path: each segment percent-encoded, slashes kept. */
export function encodeUriPath(file: string): string {
  return file
    .replace(/\\/g, '/')
    .replace(/^\.\//, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function rootUri(root: string): string {
  const href = pathToFileURL(root).href;
  return href.endsWith('/') ? href : `${href}/`;
}

function validDate(iso: string, plusMs = 0): string | undefined {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : new Date(t + plusMs).toISOString();
}
