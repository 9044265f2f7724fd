// Terminal report: findings grouped by file, then a summary block (and the gate line). Fits 80 columns.
import type { Finding, GateResult, ScanResult, Severity } from '../engine/model.js';
import {
  SEVERITIES,
  activeFindings,
  countBySeverity,
  cweLabel,
  describeScope,
  formatDuration,
  isRepositoryLevel,
  notAppliedNote,
  shorten,
  sortedByLocation,
  standardRef,
  truncate,
} from './common.js';
import { plural, visibleText } from '../util/text.js';

export interface TerminalOptions {
  /** ANSI colour; the CLI decides (TTY, NO_COLOR, FORCE_COLOR). */
  color: boolean;
  /** Only the summary lines and the gate line. */
  quiet?: boolean;
  gate?: GateResult;
  /** Full remediation, standard, CWE, fingerprints, suppressed findings, every skipped file. */
  verbose?: boolean;
  /** Line width to wrap at; default 80. */
  width?: number;
}

const MAX_SNIPPET_LINES = 3;
const MAX_LISTED = 20;
const LABEL_WIDTH = 10; // "Findings  " — summary labels line up

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan' | 'magenta' | 'underline';
const ANSI: Record<Style, string> = {
  bold: '1',
  dim: '2',
  underline: '4',
  red: '31',
  green: '32',
  yellow: '33',
  magenta: '35',
  cyan: '36',
};
const SEVERITY_STYLE: Record<Severity, Style[]> = {
  critical: ['bold', 'magenta'],
  high: ['bold', 'red'],
  medium: ['yellow'],
  low: ['cyan'],
  info: ['dim'],
};

export function renderTerminal(result: ScanResult, opts: TerminalOptions): string {
  const width = Math.max(40, opts.width ?? 80);
  const paint = (text: string, ...styles: Style[]): string =>
    opts.color && styles.length && text ? `\x1b[${styles.map((s) => ANSI[s]).join(';')}m${text}\x1b[0m` : text;

  const out: string[] = [];
  if (!opts.quiet) {
    const listed = sortedByLocation(opts.verbose ? result.findings : activeFindings(result));
    if (listed.length === 0) out.push(paint('No findings.', 'green'), '');
    const locWidth = Math.max(4, ...listed.map((f) => locationLabel(f).length));
    for (const [file, findings] of groupByFile(listed)) {
      out.push(paint(file === '.' ? '(repository)' : visibleText(file), 'bold', 'underline'));
      for (const f of findings) out.push(...renderFinding(f, locWidth, width, paint, opts.verbose ?? false));
      out.push('');
    }
  }
  out.push(...renderSummary(result, width, paint, opts));
  return `${out.join('\n')}\n`;
}

type Paint = (text: string, ...styles: Style[]) => string;

function groupByFile(findings: Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = isRepositoryLevel(f) ? '.' : f.file;
    const list = groups.get(key) ?? [];
    list.push(f);
    groups.set(key, list);
  }
  return groups;
}

function renderFinding(f: Finding, locWidth: number, width: number, paint: Paint, verbose: boolean): string[] {
  const loc = locationLabel(f).padEnd(locWidth);
  const indent = ' '.repeat(2 + locWidth + 2); // details line up under the severity
  const sev = f.severity.toUpperCase();
  // A rescored severity says what it was and why, where the severity is read: `MEDIUM (high, lowered: …)`.
  const change = f.originalSeverity ? `${f.originalSeverity}${f.rescoreReason ? `, ${visibleText(f.rescoreReason)}` : ''}` : '';
  // …or on a line of its own when the head line would not fit.
  const onHead = change !== '' && `  ${loc}  ${sev} (${change})  ${f.ruleId}`.length <= width;
  const rescored = onHead ? ` (${change})` : '';
  const pad = ' '.repeat(Math.max(0, 8 - sev.length - rescored.length));
  const head = `  ${loc}  ${sev}${rescored}${pad}  ${f.ruleId}`;
  const headPainted = `  ${paint(loc, 'dim')}  ${paint(sev, ...SEVERITY_STYLE[f.severity])}${paint(rescored, 'dim')}${pad}  ${paint(f.ruleId, 'bold')}`;
  const message = visibleText(f.message);
  const lines: string[] = [];
  // The message goes on the head line when it fits, otherwise wrapped below it.
  if (head.length + 2 + message.length <= width) lines.push(`${headPainted}  ${message}`);
  else lines.push(headPainted, ...wrap(message, width, indent));
  if (change && !onHead) lines.push(...wrap(`severity was ${change}`, width, indent).map((l) => paint(l, 'dim')));

  if (f.suppressed) {
    lines.push(...wrap(`suppressed (${f.suppressed.kind}): ${visibleText(f.suppressed.reason)}`, width, indent).map((l) => paint(l, 'dim')));
  }
  if (f.snippet) {
    for (const line of snippetLines(f.snippet, width - indent.length - 2)) lines.push(paint(`${indent}> ${line}`, 'dim'));
  }
  if (f.remediation) {
    const fix = verbose ? visibleText(f.remediation.trim()) : shorten(visibleText(f.remediation), 160);
    lines.push(...wrap(`fix: ${fix}`, width, indent));
  }
  if (verbose) {
    const ref = standardRef(f);
    const details = [
      ref && `standard: ${ref}`,
      f.cwe.length > 0 && `cwe: ${f.cwe.map(cweLabel).join(', ')}`,
      `pack: ${f.packId}`,
      `confidence: ${f.confidence}`,
      `fingerprint: ${f.fingerprint}`,
    ].filter((d): d is string => typeof d === 'string');
    for (const d of details) lines.push(...wrap(visibleText(d), width, indent).map((l) => paint(l, 'dim')));
  }
  return lines;
}

function locationLabel(f: Finding): string {
  if (f.line === undefined) return '-';
  return f.column === undefined ? `${f.line}` : `${f.line}:${f.column}`;
}

/** At most a few lines of the snippet, common indentation removed, each cut to fit. */
function snippetLines(snippet: string, max: number): string[] {
  const lines = visibleText(snippet, true).split('\n');
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  const shown = lines.slice(0, MAX_SNIPPET_LINES).map((l) => truncate(l.slice(Number.isFinite(indent) ? indent : 0), max));
  if (lines.length > MAX_SNIPPET_LINES) shown.push(`… (${plural(lines.length - MAX_SNIPPET_LINES, 'more line')})`);
  return shown;
}

function renderSummary(result: ScanResult, width: number, paint: Paint, opts: TerminalOptions): string[] {
  const m = result.metrics;
  const active = activeFindings(result);
  const counts = countBySeverity(active);
  const suppressed = m.suppressed;
  const label = (name: string): string => paint(name.padEnd(LABEL_WIDTH), 'bold');
  const hang = ' '.repeat(LABEL_WIDTH);
  const lines: string[] = [];

  const bySeverity = SEVERITIES.map((s) => {
    const text = `${counts[s]} ${s}`;
    return counts[s] > 0 ? paint(text, ...SEVERITY_STYLE[s]) : text;
  }).join(', ');
  const hidden = m.baseline?.hidden ?? 0;
  const duplicates = m.duplicates ?? 0;
  const aside = [
    suppressed - hidden && `${suppressed - hidden} suppressed`,
    hidden && `${hidden} hidden by the baseline`,
    duplicates && `${plural(duplicates, 'duplicate')} merged`,
  ]
    .filter(Boolean)
    .join(', ');
  const totals = `${plural(active.length, 'finding')}: ${bySeverity}${aside ? ` (${aside})` : ''}`;
  lines.push(`${label('Findings')}${totals}`);
  const suppressions = describeSuppressions(result);
  if (suppressions) lines.push(...wrapLabelled(label('Ignored'), suppressions, width, hang));
  if (m.baseline) lines.push(...wrapLabelled(label('Baseline'), `${plural(hidden, 'known finding')} hidden (${visibleText(m.baseline.source)}, ${plural(m.baseline.entries, 'entry', 'entries')}); only new findings count`, width, hang));

  const skippedReasons = Object.entries(m.skippedByReason)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  const files = `${m.filesScanned} scanned (${formatBytes(m.bytesScanned)}), ${m.filesSkipped} skipped${skippedReasons ? ` (${skippedReasons})` : ''}`;
  lines.push(...wrapLabelled(label('Files'), files, width, hang));
  if (opts.verbose && !opts.quiet) {
    for (const s of result.skipped.slice(0, MAX_LISTED)) lines.push(paint(`${hang}${visibleText(s.file)}: ${s.reason}`, 'dim'));
    if (result.skipped.length > MAX_LISTED) lines.push(paint(`${hang}… and ${result.skipped.length - MAX_LISTED} more`, 'dim'));
  }

  const packs = m.packs.length ? ` from ${plural(m.packs.length, 'pack')}: ${m.packs.join(', ')}` : '';
  lines.push(...wrapLabelled(label('Rules'), `${m.rulesEvaluated} evaluated${packs}${notAppliedNote(m)}`, width, hang));
  lines.push(...wrapLabelled(label('Scope'), visibleText(describeScope(result)), width, hang));

  if (result.problems.length > 0) {
    lines.push(`${label('Problems')}${paint(String(result.problems.length), 'yellow')} (the scan went on)`);
    if (!opts.quiet) {
      for (const p of result.problems.slice(0, MAX_LISTED)) {
        const where = p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : p.ruleId ? `${p.ruleId}: ` : '';
        lines.push(...wrap(visibleText(`${where}${p.message} [${p.code}]`), width, hang));
      }
      if (result.problems.length > MAX_LISTED) lines.push(`${hang}… and ${result.problems.length - MAX_LISTED} more`);
    }
  }
  const cache = m.cacheHits + m.cacheMisses > 0 ? `, cache ${m.cacheHits}/${m.cacheHits + m.cacheMisses} hits` : '';
  lines.push(`${label('Time')}${formatDuration(m.durationMs)}${m.jobs > 1 ? ` on ${m.jobs} jobs` : ''}${cache}`);

  if (opts.gate) {
    const g = opts.gate;
    const verdict = g.passed ? paint('PASSED', 'bold', 'green') : paint('FAILED', 'bold', 'red');
    const summary = g.summary || `${plural(g.blocking.length, 'blocking finding')} (fail on ${g.failOn.join(', ') || 'nothing'})`;
    lines.push(...wrapLabelled(`${label('Gate')}${verdict} — `, visibleText(summary), width, hang, 9));
  }
  return lines;
}

/** "2 inline, 1 file; 1 stale, 1 expired" — how findings were suppressed and which suppressions need attention. */
function describeSuppressions(result: ScanResult): string | undefined {
  const byKind = Object.entries(result.metrics.suppressedByKind ?? {}).filter(([k, n]) => k !== 'baseline' && n > 0);
  const attention = new Map<string, number>();
  for (const r of result.suppressions ?? []) if (r.status !== 'active' && r.status !== 'unchecked') attention.set(r.status, (attention.get(r.status) ?? 0) + 1);
  if (!byKind.length && !attention.size) return undefined;
  const applied = byKind.map(([k, n]) => `${n} ${k}`).join(', ') || 'none applied';
  const issues = [...attention].map(([s, n]) => `${n} ${s}`).join(', ');
  return `${applied}${issues ? `; needing attention: ${issues} (sentrik suppressions list)` : ''}`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** `label` (of `extra` visible columns beyond the standard label width) followed by wrapped `text`. */
function wrapLabelled(label: string, text: string, width: number, hang: string, extra = 0): string[] {
  const [first, ...rest] = wrap(text, width, hang, extra);
  return [`${label}${first.slice(hang.length)}`, ...rest];
}

/**
 * Word-wrap plain text to `width` columns, every line prefixed by `indent`; the first line is `reserve`
 * columns shorter (it follows a label). Words longer than a line are split.
 */
function wrap(text: string, width: number, indent: string, reserve = 0): string[] {
  const full = Math.max(10, width - indent.length);
  const lines: string[] = [];
  let current = '';
  let limit = Math.max(10, full - reserve);
  const flush = (): void => {
    lines.push(indent + current);
    current = '';
    limit = full;
  };
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let w = word;
    if (current && current.length + 1 + w.length > limit) flush();
    while (w.length > limit) {
      current = w.slice(0, limit);
      w = w.slice(limit);
      flush();
    }
    if (w) current = current ? `${current} ${w}` : w;
  }
  if (current || lines.length === 0) flush();
  return lines;
}
