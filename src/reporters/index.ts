// The report formats the CLI can write, by name, with the file name each gets under the output directory
// (the names the reference product's GitHub Action uploads). The terminal report is not a file: see
// renderTerminal.
import type { GateResult, ScanResult } from '../engine/model.js';
import { renderCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderMetrics } from './metrics.js';
import { renderSarif } from './sarif.js';

export interface Reporter {
  fileName: string;
  /** What the format is for, for `--help` and error hints. */
  description: string;
  render(result: ScanResult, gate?: GateResult): string;
}

export const REPORTERS = {
  json: { fileName: 'findings.json', description: 'the whole result as JSON', render: renderJson },
  sarif: { fileName: 'findings.sarif', description: 'SARIF 2.1.0 for GitHub code scanning', render: (r) => renderSarif(r) },
  junit: { fileName: 'findings.junit.xml', description: 'JUnit XML: a failed test per blocking finding, a passed test per other rule', render: renderJunit },
  csv: { fileName: 'findings.csv', description: 'one row per finding, spreadsheet-safe', render: (r) => renderCsv(r) },
  markdown: { fileName: 'findings.md', description: 'Markdown for a pull-request comment', render: renderMarkdown },
  html: { fileName: 'findings.html', description: 'a self-contained, filterable HTML report', render: renderHtml },
  metrics: { fileName: 'scan_metrics.json', description: 'timings, file and finding counts', render: (r) => renderMetrics(r) },
} as const satisfies Record<string, Reporter>;

export type ReporterName = keyof typeof REPORTERS;

export function reporterNames(): ReporterName[] {
  return Object.keys(REPORTERS) as ReporterName[];
}

export function isReporterName(name: string): name is ReporterName {
  return Object.hasOwn(REPORTERS, name);
}

export { renderTerminal, type TerminalOptions } from './terminal.js';
export { renderCsv, renderHtml, renderJson, renderJunit, renderMarkdown, renderMetrics, renderSarif };
