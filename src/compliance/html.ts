// Self-contained HTML for the compliance report and the trust center: one file, inline CSS allowed by hash,
// no script at all (details/summary does the expanding), no external assets, every value HTML-escaped —
// paths, messages and reasons come from scanned content and suppression files.
import { createHash } from 'node:crypto';
import { escapeHtml, htmlDocument } from '../reporters/common.js';
import { clauseBasis, type ClauseResult, type ComplianceReport, type TrustSummary } from './report.js';

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fafbfc}
header,main{max-width:1100px;margin:0 auto;padding:16px 24px}
h1{font-size:22px;margin:8px 0}h2{font-size:17px;margin:24px 0 8px}
.meta{color:#57606a;font-size:12px}
.cards{display:flex;gap:10px;flex-wrap:wrap}.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;background:#fff;min-width:90px}
.card .n{display:block;font-size:20px;font-weight:600}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #d8dee4;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}
.st{font-weight:600;white-space:nowrap}.st-pass,.st-obligation_met{color:#1a7f37}.st-fail{color:#cf222e}.st-not_assessed{color:#6e7781}.st-obligation,.st-obligation_open{color:#9a6700}
code{font-size:12px;background:#f6f8fa;padding:1px 4px;border-radius:4px;word-break:break-all}
details{margin:4px 0}summary{cursor:pointer;color:#0969da}ul{margin:4px 0;padding-left:18px}
.note{color:#57606a;font-size:12px}`;

const STATUS_LABEL: Record<string, string> = {
  pass: 'pass',
  fail: 'fail',
  not_assessed: 'not assessed',
  obligation: 'obligation',
  obligation_met: 'obligation met',
  obligation_open: 'obligation open',
};

function page(title: string, body: string): string {
  const csp = ["default-src 'none'", `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`, "img-src 'none'", "base-uri 'none'", "form-action 'none'"].join('; ');
  return htmlDocument(title, csp, STYLE, body);
}

const status = (s: string): string => `<span class="st st-${escapeHtml(s)}">${escapeHtml(STATUS_LABEL[s] ?? s)}</span>`;
const card = (n: number, label: string): string => `<div class="card"><span class="n">${n}</span>${escapeHtml(label)}</div>`;

export function renderComplianceHtml(r: ComplianceReport): string {
  const s = r.summary;
  const body = `<header>
<h1>${escapeHtml(r.framework.name)} — compliance report</h1>
<p class="meta">${escapeHtml(r.framework.standard)} · pack ${escapeHtml(r.framework.id)} ${escapeHtml(r.framework.version)} · ${escapeHtml(r.tool.name)} ${escapeHtml(r.tool.version)} · ${escapeHtml(r.generatedAt)}</p>
<p class="meta">Scanned: ${escapeHtml(r.root)}</p>
</header>
<main>
<section class="cards" aria-label="Summary">
${card(s.clauses, 'clauses')}${card(s.pass, 'pass')}${card(s.fail, 'fail')}${card(s.not_assessed, 'not assessed')}${card(s.notApplied, 'no file to check')}${card(s.obligationsMet, 'obligations met')}${card(s.obligationsOpen, 'obligations open')}${card(s.findings, 'findings')}${card(s.suppressed, 'suppressed')}
</section>
<h2>Clauses</h2>
<table>
<thead><tr><th>Clause</th><th>Title</th><th>Status</th><th>Checks, findings and evidence</th></tr></thead>
<tbody>
${r.clauses.map(clauseRow).join('\n')}
</tbody>
</table>
<h2>Packs that ran</h2>
<table>
<thead><tr><th>Pack</th><th>Version</th><th>SHA-256 of the pack files</th></tr></thead>
<tbody>
${r.packs.map((p) => `<tr><td>${escapeHtml(p.id)}</td><td>${escapeHtml(p.version)}</td><td><code>${escapeHtml(p.hash)}</code></td></tr>`).join('\n')}
</tbody>
</table>
</main>`;
  return page(`${r.framework.name} compliance report`, body);
}

function clauseRow(c: ClauseResult): string {
  const parts: string[] = [];
  if (c.rules.length) parts.push(`<div>${c.rules.map((r) => `<code>${escapeHtml(r.id)}</code>${ruleNote(r)}`).join(' ')}</div>`);
  const basis = clauseBasis(c);
  if (basis) parts.push(`<div class="note">${escapeHtml(basis[0].toUpperCase() + basis.slice(1))}.</div>`);
  if (c.note) parts.push(`<div class="note">${escapeHtml(c.note)}</div>`);
  for (const e of c.evidence) {
    const state = e.met === null ? 'not checked' : e.met ? 'found' : 'missing';
    parts.push(`<div>Evidence (${escapeHtml(state)}): ${escapeHtml(e.required)}</div>`);
  }
  if (c.findings.length) {
    parts.push(`<details><summary>${c.findings.length} finding${c.findings.length === 1 ? '' : 's'}</summary><ul>${c.findings
      .map((f) => `<li><code>${escapeHtml(f.ruleId)}</code> ${escapeHtml(f.severity)} · <code>${escapeHtml(f.file)}${f.line ? `:${f.line}` : ''}</code> — ${escapeHtml(f.message)}</li>`)
      .join('')}</ul></details>`);
  }
  if (c.suppressed.length) {
    parts.push(`<details><summary>${c.suppressed.length} suppressed</summary><ul>${c.suppressed
      .map((f) => `<li><code>${escapeHtml(f.ruleId)}</code> · <code>${escapeHtml(f.file)}${f.line ? `:${f.line}` : ''}</code> — ${escapeHtml(f.reason)}${f.approvedBy ? ` (approved by ${escapeHtml(f.approvedBy)}${f.expires ? `, expires ${escapeHtml(f.expires)}` : ''})` : ''}</li>`)
      .join('')}</ul></details>`);
  }
  const st = c.status === 'obligation' ? (c.obligationMet === true ? 'obligation_met' : 'obligation_open') : c.status;
  return `<tr><td><code>${escapeHtml(c.clause)}</code></td><td>${escapeHtml(c.title)}</td><td>${status(st)}</td><td>${parts.join('')}</td></tr>`;
}

function ruleNote(r: ClauseResult['rules'][number]): string {
  if (!r.evaluated) return ' <span class="note">(did not run)</span>';
  return r.applied ? '' : ' <span class="note">(no file to check)</span>';
}

export function renderTrustHtml(t: TrustSummary): string {
  const body = `<header>
<h1>Security and compliance status</h1>
<p class="meta">Generated ${escapeHtml(t.generatedAt)} by ${escapeHtml(t.tool.name)} ${escapeHtml(t.tool.version)} from automated checks and documented evidence.</p>
</header>
<main>
${t.frameworks
  .map(
    (f) => `<h2>${escapeHtml(f.name)} <span class="meta">${escapeHtml(f.standard)}</span></h2>
<section class="cards">${card(f.summary.clauses, 'clauses')}${card(f.summary.pass, 'pass')}${card(f.summary.fail, 'fail')}${card(f.summary.not_assessed, 'not assessed')}${card(f.summary.notApplied, 'no file to check')}${card(f.summary.obligationsMet, 'obligations met')}${card(f.summary.obligationsOpen, 'obligations open')}</section>
<table><thead><tr><th>Clause</th><th>Title</th><th>Status</th></tr></thead><tbody>
${f.clauses.map((c) => `<tr><td><code>${escapeHtml(c.clause)}</code></td><td>${escapeHtml(c.title)}</td><td>${status(c.status)}</td></tr>`).join('\n')}
</tbody></table>`,
  )
  .join('\n')}
</main>`;
  return page('Security and compliance status', body);
}
