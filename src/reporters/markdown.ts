// findings.md: a pull-request comment. A title line with the gate verdict, a per-pack summary table, the
// blocking findings (capped) and how to fix them. Everything from scanned code is escaped: Markdown and
// HTML are neutralised and @mentions cannot ping anyone; `quoted code` in messages and remediations is a
// code span (inert, and copyable as written).
import { isDuplicate, type Finding, type GateResult, type ScanResult, type Severity } from '../engine/model.js';
import {
  SEVERITIES,
  activeFindings,
  compareBySeverity,
  compareStrings,
  countBySeverity,
  cweNumber,
  formatDuration,
  formatLocation,
  shorten,
  standardRef,
} from './common.js';
import { plural, visibleText } from '../util/text.js';

export const MARKDOWN_MAX_FINDINGS = 50;

const ICON: Record<Severity, string> = { critical: '🟣', high: '🔴', medium: '🟠', low: '🟡', info: '⚪' };

export interface MarkdownOptions {
  /**
   * Markdown naming where every finding can be read (the PR comment: the workflow run's report artifact).
   * Without it the comment says what it leaves out, and points nowhere it cannot vouch for.
   */
  fullReport?: string;
}

export function renderMarkdown(result: ScanResult, gate?: GateResult, opts: MarkdownOptions = {}): string {
  const active = activeFindings(result);
  const { suppressed, duplicates } = result.metrics;
  const out: string[] = [];

  out.push(`## ${title(active.length, gate)}`, '');
  if (gate?.summary) out.push(md(gate.summary), '');

  out.push(...packTable(result), '');

  const shown = [...(gate ? gate.blocking : active)].filter((f) => !f.suppressed).sort(compareBySeverity);
  if (shown.length > 0) {
    out.push(`### ${gate ? 'Blocking findings' : 'Findings'}`, '');
    out.push('| Severity | Rule | Location | Message |', '|---|---|---|---|');
    for (const f of shown.slice(0, MARKDOWN_MAX_FINDINGS)) {
      out.push(`| ${ICON[f.severity]} ${f.severity} | ${md(f.ruleId)} | ${md(formatLocation(f))} | ${mdWithCode(f.message, { table: true })} |`);
    }
    if (shown.length > MARKDOWN_MAX_FINDINGS) {
      const more = shown.length - MARKDOWN_MAX_FINDINGS;
      out.push('', `…and ${more} more ${more === 1 ? 'is' : 'are'} not shown here${opts.fullReport ? `; every finding is in ${opts.fullReport}` : ''}.`);
    }
    out.push('', ...remediation(shown.slice(0, MARKDOWN_MAX_FINDINGS)));
  }

  out.push(...suppressedList(result.findings));

  if (result.problems.length > 0) {
    out.push(`> [!WARNING]`, `> ${plural(result.problems.length, 'problem')} during the scan (some files or rules were not checked)${opts.fullReport ? `; they are listed in ${opts.fullReport}` : ''}.`, '');
  }
  const m = result.metrics;
  const stats = [
    `${m.filesScanned} files scanned`,
    m.filesSkipped ? `${m.filesSkipped} skipped` : '',
    `${m.rulesEvaluated} rules from ${plural(m.packs.length, 'pack')}${m.rulesNotApplied?.length ? ` (${m.rulesNotApplied.length} with no file to check)` : ''}`,
    suppressed ? `${suppressed} suppressed` : '',
    duplicates ? `${plural(duplicates, 'duplicate')} merged` : '',
    formatDuration(m.durationMs),
    `${md(result.tool.name)} ${md(result.tool.version)}`,
  ].filter(Boolean);
  out.push(`<sub>${stats.join(' · ')}</sub>`);
  return `${out.join('\n')}\n`;
}

function title(findings: number, gate?: GateResult): string {
  if (!gate) return findings === 0 ? '✅ sentrik: no findings' : `sentrik: ${plural(findings, 'finding')}`;
  if (gate.passed) return `✅ sentrik gate passed${findings ? ` (${plural(findings, 'non-blocking finding')})` : ''}`;
  return `❌ sentrik gate failed: ${plural(gate.blocking.length, 'blocking finding')}`;
}

function packTable(result: ScanResult): string[] {
  const packs = new Set<string>([...result.metrics.packs, ...result.findings.map((f) => f.packId)]);
  const lines = ['| Pack | ' + SEVERITIES.map((s) => `${ICON[s]} ${s}`).join(' | ') + ' | suppressed |'];
  lines.push(`|---|${SEVERITIES.map(() => '--:').join('|')}|--:|`);
  for (const pack of [...packs].sort(compareStrings)) {
    const inPack = result.findings.filter((f) => f.packId === pack);
    const counts = countBySeverity(inPack.filter((f) => !f.suppressed));
    const suppressed = inPack.filter((f) => f.suppressed && !isDuplicate(f)).length;
    lines.push(`| ${md(pack)} | ${SEVERITIES.map((s) => (counts[s] ? `**${counts[s]}**` : '0')).join(' | ')} | ${suppressed} |`);
  }
  return lines;
}

/**
 * Findings a suppression (inline or file) set aside, worst first: a reviewer sees what a change silenced and
 * why (an agent can add a `sentrik-ignore` line as easily as the code). Collapsed; duplicates and baseline
 * entries are left out (not decisions made in this change).
 */
function suppressedList(findings: Finding[]): string[] {
  const set = findings.filter((f) => f.suppressed?.kind === 'inline' || f.suppressed?.kind === 'file').sort(compareBySeverity);
  if (set.length === 0) return [];
  const worst = countBySeverity(set);
  const serious = (['critical', 'high'] as const).filter((s) => worst[s]).map((s) => `${worst[s]} ${s}`);
  const out = [`<details><summary>${plural(set.length, 'suppressed finding')}${serious.length ? ` (${serious.join(', ')})` : ''}</summary>`, ''];
  out.push('| Severity | Rule | Location | Reason | Suppressed by |', '|---|---|---|---|---|');
  for (const f of set.slice(0, MARKDOWN_MAX_FINDINGS)) {
    const s = f.suppressed!;
    const by = [s.kind === 'inline' ? 'inline comment' : 'suppressions.yaml', s.source, s.approvedBy && `approved by ${s.approvedBy}`, s.expires && `until ${s.expires}`].filter(Boolean).join(', ');
    out.push(`| ${ICON[f.severity]} ${f.severity} | ${md(f.ruleId)} | ${md(formatLocation(f))} | ${md(shorten(s.reason, 200))} | ${md(by)} |`);
  }
  if (set.length > MARKDOWN_MAX_FINDINGS) out.push('', `…and ${set.length - MARKDOWN_MAX_FINDINGS} more.`);
  out.push('', '</details>', '');
  return out;
}

/** One entry per rule among the shown findings: what to do, which clause, which CWE. */
function remediation(findings: Finding[]): string[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) if (!seen.has(f.ruleId)) seen.set(f.ruleId, f);
  const items = [...seen.values()].filter((f) => f.remediation || standardRef(f) || f.cwe.length);
  if (items.length === 0) return [];
  const out = ['<details><summary>How to fix</summary>', ''];
  for (const f of items) {
    const refs = [
      standardRef(f) && md(standardRef(f)!),
      ...f.cwe.map((c) => {
        const n = cweNumber(c);
        return n ? `[CWE-${n}](https://cwe.mitre.org/data/definitions/${n}.html)` : md(c);
      }),
    ].filter(Boolean);
    const fix = f.remediation ? mdWithCode(shorten(f.remediation, 300)) : '';
    out.push(`- **${md(f.ruleId)}** ${md(f.title)}${fix ? `: ${fix}` : ''}${refs.length ? ` (${refs.join(', ')})` : ''}`);
  }
  out.push('', '</details>', '');
  return out;
}

/**
 * Untrusted text as inert Markdown on one line: HTML-escaped, Markdown punctuation backslash-escaped,
 * table pipes escaped, line breaks flattened, control/bidi characters made visible, and `@` followed by
 * a zero-width space so a name in scanned code cannot mention (notify) a GitHub user or team.
 */
export function md(text: string): string {
  return visibleText(text.replace(/\s*[\r\n]+\s*/g, ' '))
    .replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
    .replace(/[\\`*_{}[\]()#+\-.!|~^]/g, (c) => `\\${c}`)
    .replace(/@/g, '@&#8203;');
}

/**
 * Like md(), but text between a pair of backticks (`uses: actions/checkout@<sha>`) becomes a code span, shown
 * as written so it can be copied: nothing in a code span is Markdown, HTML or a mention, so it needs no
 * escape and no zero-width space (which broke a copied `uses:` pin). Only a pipe is escaped, in a table
 * cell, where GitHub splits cells before reading code spans. An unpaired backtick stays escaped text.
 */
export function mdWithCode(text: string, opts: { table?: boolean } = {}): string {
  const parts = text.split('`');
  if (parts.length < 3) return md(text);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const isCode = i % 2 === 1 && i < parts.length - 1; // the last part after an odd backtick is not closed
    if (!isCode) {
      out.push(md(i % 2 === 1 ? `\`${parts[i]}` : parts[i]));
      continue;
    }
    const code = visibleText(parts[i].replace(/\s*[\r\n]+\s*/g, ' '));
    if (!code.trim()) {
      out.push(md(`\`${parts[i]}\``));
      continue;
    }
    // GitHub strips one space from each end of a span padded on both sides; keep the text as it reads.
    const padded = code.startsWith(' ') && code.endsWith(' ') ? ` ${code} ` : code;
    out.push(`\`${opts.table ? padded.replace(/\|/g, '\\|') : padded}\``);
  }
  return out.join('');
}
