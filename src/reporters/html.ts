// findings.html: ONE self-contained file (inline CSS and JS, no external assets) with a summary and a
// findings table filterable by severity, pack, rule and text, with details on click.
//
// Scanned content is hostile, so: server-rendered text is HTML-escaped; findings travel as JSON inside a
// non-executable <script type="application/json"> with <, >, &, U+2028/2029 escaped (a snippet holding
// "</script>" cannot close it); the script builds the table with textContent only (never innerHTML);
// and a strict Content-Security-Policy allows only this script and style, by hash.
import { createHash } from 'node:crypto';
import type { Finding, GateResult, ScanResult } from '../engine/model.js';
import {
  SEVERITIES,
  activeFindings,
  compareBySeverity,
  countBySeverity,
  cweLabel,
  cweNumber,
  describeScope,
  escapeHtml,
  formatDuration,
  htmlDocument,
  notAppliedNote,
} from './common.js';
import { plural } from '../util/text.js';

const MAX_LISTED = 200;

export function renderHtml(result: ScanResult, gate?: GateResult): string {
  const active = activeFindings(result);
  const counts = countBySeverity(active);
  const notCounted = result.findings.length - active.length;
  const data = { findings: [...result.findings].sort(compareBySeverity).map(findingData) };
  const csp = [
    "default-src 'none'",
    `script-src '${sha256(SCRIPT)}'`,
    `style-src '${sha256(STYLE)}'`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const title = `sentrik report: ${plural(active.length, 'finding')}`;

  return htmlDocument(title, csp, STYLE, `<header>
<h1>sentrik report</h1>
<p class="meta">${escapeHtml(result.root)} · ${escapeHtml(result.metrics.startedAt)} · ${escapeHtml(result.tool.name)} ${escapeHtml(result.tool.version)}</p>
${gate ? gateBanner(gate) : ''}
</header>
<main>
<section class="cards" aria-label="Findings by severity">
${SEVERITIES.map((s) => `<button type="button" class="card sev-${s}" data-sev="${s}"><span class="n">${counts[s]}</span><span class="l">${s}</span></button>`).join('\n')}
</section>
${summary(result)}
<section id="findings">
<h2>Findings</h2>
<div class="filters">
<input type="search" id="q" placeholder="Search file, rule, message, snippet…" aria-label="Search findings">
<select id="sev" aria-label="Severity"><option value="">All severities</option>${SEVERITIES.map((s) => `<option value="${s}">${s}</option>`).join('')}</select>
<select id="pack" aria-label="Pack"><option value="">All packs</option></select>
<select id="rule" aria-label="Rule"><option value="">All rules</option></select>
<label><input type="checkbox" id="supp"> show suppressed and duplicates (${notCounted})</label>
<span id="count" aria-live="polite"></span>
</div>
<table>
<thead><tr><th>Severity</th><th>Rule</th><th>Location</th><th>Message</th></tr></thead>
<tbody id="rows"></tbody>
</table>
<p id="more" hidden></p>
<noscript><p>The findings table needs JavaScript; the same data is in findings.json and findings.csv.</p></noscript>
</section>
</main>
<script type="application/json" id="sentrik-data">${jsonForHtml(data)}</script>
<script>${SCRIPT}</script>`);
}

function gateBanner(gate: GateResult): string {
  const verdict = gate.passed ? 'Gate passed' : 'Gate failed';
  const detail = gate.summary || `${plural(gate.blocking.length, 'blocking finding')}`;
  return `<p class="gate ${gate.passed ? 'passed' : 'failed'}"><strong>${verdict}</strong> — ${escapeHtml(detail)} <span class="failon">(fail on: ${escapeHtml(gate.failOn.join(', ') || 'nothing')})</span></p>`;
}

function summary(result: ScanResult): string {
  const m = result.metrics;
  const skipped = Object.entries(m.skippedByReason)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  const rows: [string, string][] = [
    ['Files', `${m.filesScanned} scanned, ${m.filesSkipped} skipped${skipped ? ` (${skipped})` : ''}`],
    ['Rules', `${m.rulesEvaluated} evaluated from ${plural(m.packs.length, 'pack')}: ${m.packs.join(', ')}${notAppliedNote(m)}`],
    ['Scope', describeScope(result)],
    ['Suppressed', String(m.suppressed)],
    ...(m.duplicates ? [['Duplicates', `${m.duplicates} merged: the same detection as another finding`] as [string, string]] : []),
    ['Duration', `${formatDuration(m.durationMs)}${m.jobs > 1 ? ` on ${m.jobs} jobs` : ''}`],
  ];
  const parts = [
    '<section class="summary"><h2>Summary</h2><table class="kv">',
    ...rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`),
    '</table>',
  ];
  if (result.problems.length > 0) {
    parts.push(`<details open><summary>${escapeHtml(plural(result.problems.length, 'problem'))} during the scan</summary><ul>`);
    for (const p of result.problems.slice(0, MAX_LISTED)) {
      const where = p.file ? `${p.file}${p.line ? `:${p.line}` : ''}` : (p.ruleId ?? '');
      parts.push(`<li><code>${escapeHtml(where)}</code> ${escapeHtml(p.message)} <span class="code">[${escapeHtml(p.code)}]</span></li>`);
    }
    if (result.problems.length > MAX_LISTED) parts.push(`<li>… and ${result.problems.length - MAX_LISTED} more</li>`);
    parts.push('</ul></details>');
  }
  if (result.skipped.length > 0) {
    parts.push(`<details><summary>${escapeHtml(plural(result.skipped.length, 'skipped file'))}</summary><ul>`);
    for (const s of result.skipped.slice(0, MAX_LISTED)) parts.push(`<li><code>${escapeHtml(s.file)}</code> ${escapeHtml(s.reason)}</li>`);
    if (result.skipped.length > MAX_LISTED) parts.push(`<li>… and ${result.skipped.length - MAX_LISTED} more</li>`);
    parts.push('</ul></details>');
  }
  parts.push('</section>');
  return parts.join('\n');
}

/** The fields the page shows; CWE ids are reduced to digits so the script can build links safely. */
function findingData(f: Finding): Record<string, unknown> {
  return {
    severity: f.severity,
    originalSeverity: f.originalSeverity,
    rescoreReason: f.rescoreReason,
    ruleId: f.ruleId,
    packId: f.packId,
    title: f.title,
    message: f.message,
    file: f.file,
    line: f.line,
    column: f.column,
    snippet: f.snippet,
    remediation: f.remediation,
    standard: f.standard,
    clause: f.clause,
    clauses: f.clauses,
    cwe: f.cwe.map((c) => ({ label: cweLabel(c), id: cweNumber(c) })),
    confidence: f.confidence,
    fingerprint: f.fingerprint,
    suppressed: f.suppressed,
  };
}

/** JSON that is inert inside a <script> element: no `</script>`, `<!--`, or line separators survive. */
export function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

const STYLE = `
:root{--bg:#fff;--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--soft:#f6f8fa;--critical:#8250df;--high:#cf222e;--medium:#bc4c00;--low:#9a6700;--info:#656d76;--ok:#1a7f37}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#8d96a0;--line:#30363d;--soft:#161b22;--critical:#a371f7;--high:#f85149;--medium:#db6d28;--low:#d29922;--info:#8d96a0;--ok:#3fb950}}
*{box-sizing:border-box}
body{margin:0;padding:1.5rem;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
header,main{max-width:1200px;margin:0 auto}
h1{margin:0 0 .25rem;font-size:1.6rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.meta{color:var(--muted);margin:0 0 1rem;word-break:break-all}
.gate{padding:.6rem .9rem;border-radius:6px;border:1px solid}
.gate.failed{border-color:var(--high);color:var(--high)}
.gate.passed{border-color:var(--ok);color:var(--ok)}
.gate .failon{color:var(--muted)}
.cards{display:flex;gap:.75rem;flex-wrap:wrap}
.card{flex:1 1 8rem;display:flex;flex-direction:column;align-items:flex-start;padding:.6rem .9rem;border:1px solid var(--line);border-left:4px solid;border-radius:6px;background:var(--soft);color:var(--fg);font:inherit;cursor:pointer;text-align:left}
.card .n{font-size:1.5rem;font-weight:600}
.card .l{text-transform:capitalize;color:var(--muted)}
.card.active{outline:2px solid var(--fg)}
.sev-critical{border-left-color:var(--critical)}.sev-high{border-left-color:var(--high)}.sev-medium{border-left-color:var(--medium)}.sev-low{border-left-color:var(--low)}.sev-info{border-left-color:var(--info)}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.4rem .6rem;border-bottom:1px solid var(--line)}
thead th{background:var(--soft);position:sticky;top:0}
.kv th{width:9rem;color:var(--muted);font-weight:500}
.filters{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center;margin-bottom:.75rem}
.filters input[type=search]{flex:1 1 16rem}
input,select{font:inherit;padding:.3rem .4rem;background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:4px}
#count{color:var(--muted);margin-left:auto}
tr.finding{cursor:pointer}
tr.finding:hover,tr.finding:focus{background:var(--soft);outline:none}
tr.finding.suppressed{opacity:.6}
tr.finding td:first-child{border-left:4px solid}
.badge{font-weight:600;text-transform:uppercase;font-size:.75rem}
.badge.critical{color:var(--critical)}.badge.high{color:var(--high)}.badge.medium{color:var(--medium)}.badge.low{color:var(--low)}.badge.info{color:var(--info)}
td.loc,td.rule,code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem}
td.loc{word-break:break-all}
tr.detail td{background:var(--soft)}
tr.detail dl{display:grid;grid-template-columns:9rem 1fr;gap:.3rem .75rem;margin:0}
tr.detail dt{color:var(--muted)}
tr.detail dd{margin:0;white-space:pre-wrap;word-break:break-word}
pre{margin:0;padding:.5rem;background:var(--bg);border:1px solid var(--line);border-radius:4px;overflow-x:auto;white-space:pre}
a{color:inherit}
.code{color:var(--muted)}
@media print{.filters{display:none}thead th{position:static}}
`;

// Plain ES2019 so the report opens in any current browser; the DOM is only ever fed through textContent.
const SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('sentrik-data').textContent);
  var findings = data.findings;
  var MAX_ROWS = 2000;
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function unique(values) { return Array.from(new Set(values)).sort(); }
  function fill(select, values) {
    values.forEach(function (v) { var o = el('option', null, v); o.value = v; select.appendChild(o); });
  }
  function where(f) {
    if (f.file === '.' || f.file === '') return '(repository)';
    if (f.line === undefined) return f.file;
    return f.file + ':' + f.line + (f.column === undefined ? '' : ':' + f.column);
  }
  findings.forEach(function (f) {
    f.haystack = [f.ruleId, f.packId, f.title, f.message, where(f), f.snippet || '', f.standard || '', f.clause || '']
      .concat(f.cwe.map(function (c) { return c.label; })).join('\\n').toLowerCase();
  });
  fill($('pack'), unique(findings.map(function (f) { return f.packId; })));
  fill($('rule'), unique(findings.map(function (f) { return f.ruleId; })));

  function detail(f) {
    var tr = el('tr', 'detail');
    var td = el('td');
    td.colSpan = 4;
    var dl = el('dl');
    function add(label, value) {
      if (value === undefined || value === null || value === '') return;
      dl.appendChild(el('dt', null, label));
      var dd = el('dd');
      if (value instanceof Node) dd.appendChild(value); else dd.textContent = String(value);
      dl.appendChild(dd);
    }
    add('Rule', f.ruleId + ' — ' + f.title);
    add('Message', f.message);
    add('Location', where(f));
    if (f.snippet) add('Snippet', el('pre', null, f.snippet));
    add('Remediation', f.remediation);
    add('Standard', [f.standard, f.clause].filter(Boolean).join(' '));
    if (f.clauses && f.clauses.length) {
      add('Also', f.clauses.map(function (c) { return c.standard + ' ' + c.clause + ' (' + c.packId + ')'; }).join('; '));
    }
    if (f.cwe.length) {
      var span = el('span');
      f.cwe.forEach(function (c, i) {
        if (i) span.appendChild(document.createTextNode(', '));
        if (c.id && /^[0-9]+$/.test(c.id)) {
          var a = el('a', null, c.label);
          a.href = 'https://cwe.mitre.org/data/definitions/' + c.id + '.html';
          a.target = '_blank';
          a.rel = 'noopener noreferrer';
          span.appendChild(a);
        } else span.appendChild(document.createTextNode(c.label));
      });
      add('CWE', span);
    }
    add('Pack', f.packId);
    add('Severity', f.severity + (f.originalSeverity ? ' (was ' + f.originalSeverity + (f.rescoreReason ? ': ' + f.rescoreReason : '') + ')' : ''));
    add('Confidence', f.confidence);
    if (f.suppressed) {
      add('Suppressed', f.suppressed.kind + ': ' + f.suppressed.reason +
        (f.suppressed.approvedBy ? ' (approved by ' + f.suppressed.approvedBy + ')' : '') +
        (f.suppressed.expires ? ', expires ' + f.suppressed.expires : ''));
    }
    add('Fingerprint', f.fingerprint);
    td.appendChild(dl);
    tr.appendChild(td);
    return tr;
  }

  function toggle(tr, f) {
    var next = tr.nextElementSibling;
    if (next && next.classList.contains('detail')) {
      next.remove();
      tr.setAttribute('aria-expanded', 'false');
    } else {
      tr.after(detail(f));
      tr.setAttribute('aria-expanded', 'true');
    }
  }

  function row(f) {
    var tr = el('tr', 'finding sev-' + f.severity + (f.suppressed ? ' suppressed' : ''));
    tr.tabIndex = 0;
    tr.setAttribute('aria-expanded', 'false');
    var sev = el('td', 'sev-' + f.severity);
    sev.appendChild(el('span', 'badge ' + f.severity, f.severity));
    tr.appendChild(sev);
    tr.appendChild(el('td', 'rule', f.ruleId));
    tr.appendChild(el('td', 'loc', where(f)));
    tr.appendChild(el('td', null, f.message + (f.suppressed ? ' (suppressed)' : '')));
    tr.addEventListener('click', function () { toggle(tr, f); });
    tr.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(tr, f); }
    });
    return tr;
  }

  function render() {
    var q = $('q').value.trim().toLowerCase();
    var sev = $('sev').value, pack = $('pack').value, rule = $('rule').value, supp = $('supp').checked;
    var matching = findings.filter(function (f) {
      return (supp || !f.suppressed) && (!sev || f.severity === sev) && (!pack || f.packId === pack) &&
        (!rule || f.ruleId === rule) && (!q || f.haystack.indexOf(q) !== -1);
    });
    var body = $('rows');
    body.textContent = '';
    matching.slice(0, MAX_ROWS).forEach(function (f) { body.appendChild(row(f)); });
    $('count').textContent = matching.length + ' of ' + findings.length + ' shown';
    var more = $('more');
    more.hidden = matching.length <= MAX_ROWS;
    more.textContent = 'Showing the first ' + MAX_ROWS + ' matches; narrow the filters to see the rest.';
    document.querySelectorAll('.card').forEach(function (c) { c.classList.toggle('active', c.getAttribute('data-sev') === sev); });
  }

  $('q').addEventListener('input', render);
  ['sev', 'pack', 'rule', 'supp'].forEach(function (id) { $(id).addEventListener('change', render); });
  document.querySelectorAll('.card').forEach(function (c) {
    c.addEventListener('click', function () {
      var s = c.getAttribute('data-sev');
      $('sev').value = $('sev').value === s ? '' : s;
      render();
    });
  });
  render();
})();
`;
