// findings.csv: one row per finding (suppressed ones included and marked), RFC 4180 quoting, CRLF line
// ends. Cells that a spreadsheet would run as a formula are neutralised with a leading apostrophe
// (OWASP "CSV injection"): scanned code is attacker-controlled and `=cmd|' /C calc'!A0` is a real payload.
import type { Finding, ScanResult } from '../engine/model.js';
import { compareByLocation, cweLabel } from './common.js';

export const CSV_COLUMNS = [
  'severity',
  'rule_id',
  'pack',
  'title',
  'message',
  'file',
  'line',
  'column',
  'end_line',
  'end_column',
  'snippet',
  'standard',
  'clause',
  'cwe',
  'remediation',
  'confidence',
  'original_severity',
  'suppressed',
  'suppression_reason',
  'fingerprint',
] as const;

export function renderCsv(result: ScanResult): string {
  const rows = [...result.findings].sort(compareByLocation).map(row);
  return [CSV_COLUMNS as readonly string[], ...rows].map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function row(f: Finding): string[] {
  return [
    f.severity,
    f.ruleId,
    f.packId,
    f.title,
    f.message,
    f.file,
    num(f.line),
    num(f.column),
    num(f.endLine),
    num(f.endColumn),
    f.snippet ?? '',
    f.standard ?? '',
    f.clause ?? '',
    f.cwe.map(cweLabel).join(';'),
    f.remediation ?? '',
    f.confidence,
    f.originalSeverity ?? '',
    f.suppressed ? f.suppressed.kind : '',
    f.suppressed?.reason ?? '',
    f.fingerprint,
  ];
}

function num(n: number | undefined): string {
  return n === undefined ? '' : String(n);
}

/**
 * Neutralise formula triggers, make control characters other than tab and line breaks visible (an ANSI
 * escape in a snippet must not act on the terminal of whoever `cat`s the file), then quote when the cell
 * holds a comma, quote or line break.
 */
export function csvCell(value: string): string {
  const visible = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  const safe = /^[=+\-@\t\r]/.test(visible) ? `'${visible}` : visible;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
