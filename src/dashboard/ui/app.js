// sentrik dashboard UI: plain JavaScript, no framework, no network beyond this server.
// Every piece of data is put into the page with textContent / DOM nodes, never parsed as HTML, so a file name
// or snippet containing markup is shown as text.

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
const PAGES = [
  ['overview', 'Overview'],
  ['findings', 'Findings'],
  ['packs', 'Packs & rules'],
  ['vulns', 'Vulnerabilities & SBOM'],
  ['suppressions', 'Suppressions'],
  ['audit', 'Audit log'],
  ['runs', 'Runs'],
];

const main = document.getElementById('main');
let session = { canChange: false, csrf: null, scanning: false };
let renderSeq = 0;

// ---------- DOM helpers ----------

/** Element with attributes (on* = listeners) and children (strings become text nodes). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function s(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = Boolean(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

const fmt = (n) => Number(n || 0).toLocaleString('en-US');
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
const loc = (f) => `${f.file}${f.line ? `:${f.line}` : ''}`;
const pill = (sev) => h('span', { class: `pill ${sev}`, text: sev });
const gatePill = (gate) => h('span', { class: `pill ${gate.passed ? 'passed' : 'failed'}`, text: gate.passed ? 'passed' : 'failed' });

function toast(text) {
  const t = document.getElementById('toast');
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (t.hidden = true), 4000);
}

// ---------- API ----------

async function api(path, body) {
  const opts = body === undefined ? {} : {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf || '' },
    body: JSON.stringify(body),
  };
  const res = await fetch(path, { credentials: 'same-origin', ...opts });
  let data;
  try {
    data = await res.json();
  } catch {
    throw new Error(`${res.status} ${res.statusText}`);
  }
  if (!res.ok) throw new Error(data.error || `${res.status} ${res.statusText}`);
  return data;
}

// ---------- routing ----------

function route() {
  const hash = location.hash.replace(/^#\/?/, '') || 'overview';
  const [page, query] = hash.split('?');
  return { page: PAGES.some(([p]) => p === page) || page === 'compare' ? page : 'overview', params: new URLSearchParams(query || '') };
}

function go(page, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const target = `#/${page}${q.toString() ? `?${q}` : ''}`;
  if (location.hash === target) render();
  else location.hash = target;
}

function link(page, params, ...children) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  return h('a', { href: `#/${page}${q.toString() ? `?${q}` : ''}` }, ...children);
}

function renderNav(active) {
  const nav = document.getElementById('nav');
  nav.replaceChildren(...PAGES.map(([p, label]) => h('a', { href: `#/${p}`, class: p === active || (active === 'compare' && p === 'runs') ? 'active' : null, text: label })));
}

async function render() {
  const { page, params } = route();
  renderNav(page);
  const mine = ++renderSeq;
  const started = performance.now();
  try {
    const view = await PAGE_RENDERERS[page](params);
    if (mine !== renderSeq) return; // a newer navigation won
    // Keep typing in a filter box across the re-render it triggers.
    const focused = document.activeElement && document.activeElement.name && main.contains(document.activeElement) ? document.activeElement.name : null;
    main.replaceChildren(view);
    if (focused) {
      const again = main.querySelector(`[name="${focused}"]`);
      if (again) {
        again.focus();
        if (typeof again.value === 'string' && again.setSelectionRange && again.type !== 'date') again.setSelectionRange(again.value.length, again.value.length);
      }
    }
    main.dataset.page = page;
    main.dataset.renderMs = String(Math.round(performance.now() - started));
  } catch (err) {
    if (mine !== renderSeq) return;
    main.replaceChildren(h('div', { class: 'error', text: `Could not load this page: ${err.message}` }));
  }
  refreshGateBadge();
}

async function refreshGateBadge() {
  const el = document.getElementById('gate-badge');
  try {
    const o = await api('/api/overview');
    if (!o.run) return el.replaceChildren();
    el.replaceChildren(h('span', { class: `pill ${o.run.gate.passed ? 'passed' : 'failed'}`, id: 'gate-count', text: o.run.gate.passed ? 'gate passed' : `gate failed · ${o.run.gate.blocking} blocking` }));
  } catch {
    el.replaceChildren();
  }
}

// ---------- scans started from the UI ----------

function scanButton() {
  if (!session.canChange || !session.scanning) return null;
  return h('button', { class: 'primary', id: 'scan-now', onclick: async (e) => {
    e.target.disabled = true;
    try {
      const { job } = await api('/api/scan', {});
      watchJob(job);
    } catch (err) {
      toast(err.message);
      e.target.disabled = false;
    }
  } }, 'Scan now');
}

function watchJob(id) {
  const bar = document.getElementById('job');
  bar.hidden = false;
  bar.className = 'job';
  const label = h('span', { id: 'job-state', text: 'Scanning…' });
  bar.replaceChildren(h('strong', { text: 'Scan' }), h('div', { class: 'progress', role: 'progressbar', 'aria-label': 'scan in progress' }), label);
  const poll = async () => {
    let job;
    try {
      job = await api(`/api/job?id=${id}`);
    } catch (err) {
      label.textContent = `Lost track of the scan: ${err.message}`;
      return;
    }
    if (job.state === 'running') {
      label.textContent = `Scanning… ${(job.elapsedMs / 1000).toFixed(1)} s — ${job.reason}`;
      setTimeout(poll, 400);
      return;
    }
    bar.className = `job ${job.state}`;
    bar.dataset.state = job.state;
    label.textContent = job.state === 'done'
      ? `Scan finished in ${(job.elapsedMs / 1000).toFixed(1)} s: the new run is shown.`
      : `Scan failed (exit ${job.exitCode}): ${job.log.slice(-3).join(' · ') || 'no output'}`;
    render();
    if (job.state === 'done') setTimeout(() => { if (bar.dataset.state === 'done') bar.hidden = true; }, 6000);
  };
  poll();
}

// ---------- overview ----------

function trendChart(trend) {
  const W = 1000, H = 220, left = 40, bottom = 22, top = 10;
  if (!trend.length) return h('p', { class: 'muted', text: 'No runs yet.' });
  const totals = trend.map((t) => SEVERITIES.reduce((n, sv) => n + (t.severity[sv] || 0), 0));
  const max = Math.max(1, ...totals);
  const slot = (W - left - 8) / trend.length;
  const bw = Math.max(3, Math.min(28, slot * 0.7));
  const y = (v) => H - bottom - ((H - bottom - top) * v) / max;
  const bars = trend.map((t, i) => {
    let acc = 0;
    const x = left + i * slot + (slot - bw) / 2;
    const parts = SEVERITIES.map((sv) => {
      const v = t.severity[sv] || 0;
      const r = s('rect', { x: x.toFixed(1), y: y(acc + v).toFixed(1), width: bw.toFixed(1), height: Math.max(0, y(acc) - y(acc + v)).toFixed(1), class: `bar-${sv}` });
      acc += v;
      return r;
    });
    return s('g', { class: 'run-bar' }, s('title', { text: `Run #${t.id} · ${when(t.startedAt)} · ${fmt(totals[i])} findings · gate ${t.passed ? 'passed' : 'failed'}` }), parts);
  });
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Active findings per run, by severity' },
    s('line', { class: 'axis', x1: left, x2: W - 4, y1: H - bottom, y2: H - bottom }),
    s('text', { x: 2, y: top + 8, text: fmt(max) }),
    s('text', { x: 2, y: H - bottom, text: '0' }),
    s('text', { x: left, y: H - 6, text: `#${trend[0].id}` }),
    s('text', { x: W - 40, y: H - 6, text: `#${trend[trend.length - 1].id}` }),
    bars);
  const legend = h('div', { class: 'legend' }, SEVERITIES.map((sv) => h('span', {}, h('i', { class: `bar-${sv}` }), sv)));
  return h('div', {}, svg, legend);
}

async function overviewPage() {
  const o = await api('/api/overview');
  if (!o.run) {
    return h('div', {}, h('h1', {}, 'Overview', scanButton()),
      h('div', { class: 'card empty' }, h('p', { text: 'No runs recorded yet.' }), h('p', {}, 'Run ', h('code', { text: 'sentrik scan' }), ' in the project, or start a scan here.')));
  }
  const r = o.run;
  const sev = r.facets.severity;
  const delta = o.previous ? r.gate.blocking - o.previous.blocking : null;
  const gateCard = h('div', { class: 'card', id: 'gate-card' },
    h('h2', { text: 'Gate' }),
    h('div', { class: `big ${r.gate.passed ? 'pass' : 'fail'}`, text: r.gate.passed ? 'PASSED' : 'FAILED' }),
    h('p', {}, h('strong', { id: 'blocking-count', text: fmt(r.gate.blocking) }), ` blocking finding${r.gate.blocking === 1 ? '' : 's'} (fails on ${r.gate.failOn.join(', ') || 'nothing'})`),
    delta === null ? null : h('p', { class: 'muted', text: delta === 0 ? 'Same as the previous run.' : `${delta > 0 ? '+' : ''}${delta} since run #${o.previous.id}.` }),
    h('p', { class: 'muted' }, `Run #${r.id} · ${r.command} · ${when(r.startedAt)}`));
  const sevCard = h('div', { class: 'card' }, h('h2', { text: 'Active findings by severity' }),
    h('div', { class: 'sev-counts' }, SEVERITIES.map((sv) => link('findings', { severity: sv }, h('strong', { text: fmt(sev[sv]) }), pill(sv)))),
    h('p', { class: 'muted', text: `${fmt(r.findings - r.suppressed)} active · ${fmt(r.suppressed)} suppressed · ${fmt(r.facets.files)} files affected` }));
  const skipped = Object.entries(r.metrics.skippedByReason || {}).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(', ');
  const coverage = h('div', { class: 'card', id: 'coverage' }, h('h2', { text: 'Coverage of the last run' }),
    h('dl', { class: 'facts' },
      h('dt', { text: 'Files scanned' }), h('dd', { text: fmt(r.filesScanned) }),
      h('dt', { text: 'Files skipped' }), h('dd', { text: `${fmt(r.filesSkipped)}${skipped ? ` (${skipped})` : ''}` }),
      h('dt', { text: 'Rules evaluated' }), h('dd', { text: fmt(r.rulesEvaluated) }),
      h('dt', { text: 'Packs' }), h('dd', { text: r.packs.join(', ') || '—' }),
      h('dt', { text: 'Scope' }), h('dd', { text: r.scope.mode + (r.scope.range ? ` ${r.scope.range}` : '') }),
      h('dt', { text: 'Duration' }), h('dd', { text: `${(r.durationMs / 1000).toFixed(2)} s` }),
      h('dt', { text: 'Problems' }), h('dd', { text: fmt(r.metrics.problems) }),
      r.git ? [h('dt', { text: 'Commit' }), h('dd', { class: 'mono', text: `${r.git.branch || ''} ${r.git.commit ? r.git.commit.slice(0, 12) : ''}`.trim() })] : null));
  const maxRule = Math.max(1, ...o.topRules.map((t) => t.count));
  const top = h('div', { class: 'card' }, h('h2', { text: 'Top rules' }),
    o.topRules.length ? h('table', {}, h('tbody', {}, o.topRules.map((t) => {
      const bar = h('div', { class: 'hbar' });
      bar.style.width = `${(100 * t.count) / maxRule}%`;
      return h('tr', {}, h('td', {}, link('findings', { rule: t.rule }, t.rule)), h('td', { class: 'num', text: fmt(t.count) }), h('td', { class: 'bar-cell' }, bar));
    }))) : h('p', { class: 'muted', text: 'No active findings.' }));
  const trend = h('div', { class: 'card wide' }, h('h2', { text: `Trend over the last ${o.trend.length} runs` }), trendChart(o.trend));
  return h('div', {}, h('h1', {}, 'Overview', scanButton()), h('div', { class: 'grid' }, gateCard, sevCard, coverage, top, trend));
}

// ---------- findings ----------

function debounce(fn, ms) {
  let t;
  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
}

async function findingsPage(params) {
  const p = Object.fromEntries(params.entries());
  const query = new URLSearchParams({ ...p });
  query.delete('open');
  const data = await api(`/api/findings?${query}`);
  if (!data.run) return h('div', {}, h('h1', { text: 'Findings' }), h('div', { class: 'card empty', text: 'No runs recorded yet.' }));
  const set = (changes) => go('findings', { ...p, page: undefined, open: undefined, ...changes });
  const selected = new Set((p.severity || '').split(',').filter(Boolean));
  const facets = data.run.facets;

  const sevButtons = SEVERITIES.map((sv) => h('button', {
    class: `toggle ${sv}`, 'aria-pressed': String(selected.has(sv)), 'data-severity': sv,
    onclick: () => { selected.has(sv) ? selected.delete(sv) : selected.add(sv); set({ severity: [...selected].join(',') }); },
  }, `${sv} ${fmt(facets.severity[sv])}`));
  const select = (name, label, options, current) => h('label', {}, label, h('select', { name, onchange: (e) => set({ [name]: e.target.value }) },
    options.map(([v, text]) => h('option', { value: v, selected: v === (current || '') ? true : null, text }))));
  const byCount = (obj) => Object.entries(obj).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const text = (name, placeholder) => h('input', {
    type: 'search', name, placeholder, value: p[name] || '',
    oninput: debounce((e) => set({ [name]: e.target.value }), 350),
  });
  const filters = h('div', { class: 'filters' },
    sevButtons,
    select('pack', 'Pack', [['', 'all packs'], ...byCount(facets.pack).map(([k, n]) => [k, `${k} (${fmt(n)})`])], p.pack),
    select('rule', 'Rule', [['', 'all rules'], ...byCount(facets.rule).map(([k, n]) => [k, `${k} (${fmt(n)})`])], p.rule),
    text('file', 'file path contains…'),
    text('q', 'search…'),
    select('status', 'Show', [['', 'active'], ['suppressed', 'suppressed'], ['all', 'all']], p.status),
    select('group', 'Group by', [['', 'nothing'], ['rule', 'rule'], ['file', 'file'], ['pack', 'pack'], ['severity', 'severity']], p.group));

  let list;
  if (data.groups) {
    list = h('div', { class: 'card' }, h('table', { id: 'groups' },
      h('thead', {}, h('tr', {}, h('th', { text: p.group }), h('th', { class: 'num', text: 'findings' }), h('th', { text: 'worst' }))),
      h('tbody', {}, data.groups.map((g) => h('tr', { class: 'row', onclick: () => set({ group: undefined, [p.group]: g.key }) },
        h('td', { class: 'file', text: g.key }), h('td', { class: 'num', text: fmt(g.count) }), h('td', {}, pill(g.worst)))))),
    data.groups.length ? null : h('p', { class: 'empty', text: 'Nothing matches these filters.' }));
  } else {
    const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
    const first = data.total ? (data.page - 1) * data.pageSize + 1 : 0;
    const last = Math.min(data.total, data.page * data.pageSize);
    list = h('div', { class: 'card' },
      h('p', { class: 'muted', id: 'result-count', text: `${fmt(first)}–${fmt(last)} of ${fmt(data.total)} findings · run #${data.run.id}` }),
      h('table', { id: 'findings' },
        h('thead', {}, h('tr', {}, h('th', { text: 'severity' }), h('th', { text: 'rule' }), h('th', { text: 'location' }), h('th', { text: 'finding' }))),
        h('tbody', {}, data.items.map((f) => h('tr', {
          class: `row${p.open === String(f.seq) ? ' selected' : ''}`, 'data-seq': f.seq, 'data-rule': f.ruleId,
          onclick: () => go('findings', { ...p, open: f.seq }),
        }, h('td', {}, pill(f.severity)), h('td', { class: 'mono', text: f.ruleId }), h('td', { class: 'file mono', text: loc(f) }),
        h('td', {}, f.title, f.suppressed ? h('span', { class: 'tag', text: 'suppressed' }) : null))))),
      data.items.length ? null : h('p', { class: 'empty', text: 'Nothing matches these filters.' }),
      h('div', { class: 'pager' },
        h('button', { disabled: data.page <= 1 ? true : null, onclick: () => go('findings', { ...p, open: undefined, page: data.page - 1 }) }, '← Previous'),
        h('span', { text: `Page ${fmt(data.page)} of ${fmt(pages)}` }),
        h('button', { id: 'next-page', disabled: data.page >= pages ? true : null, onclick: () => go('findings', { ...p, open: undefined, page: data.page + 1 }) }, 'Next →')));
  }
  const detail = p.open !== undefined && !data.groups ? await findingDetail(data.run.id, Number(p.open), () => go('findings', { ...p, open: undefined })) : null;
  return h('div', {}, h('h1', {}, 'Findings', scanButton()), filters, h('div', { class: detail ? 'split' : 'split single' }, list, detail));
}

async function findingDetail(runId, seq, close) {
  const f = await api(`/api/finding?run=${runId}&seq=${seq}`);
  const facts = h('dl', { class: 'facts' },
    h('dt', { text: 'Rule' }), h('dd', { class: 'mono', text: `${f.ruleId} (${f.packId})` }),
    h('dt', { text: 'Location' }), h('dd', { class: 'mono file', text: loc(f) }),
    h('dt', { text: 'Severity' }), h('dd', {}, pill(f.severity), f.originalSeverity ? ` (was ${f.originalSeverity}: ${f.rescoreReason || 'rescored'})` : ''),
    f.standard ? [h('dt', { text: 'Standard' }), h('dd', { text: `${f.standard}${f.clause ? `, clause ${f.clause}` : ''}` })] : null,
    f.clauses && f.clauses.length ? [h('dt', { text: 'Also violates' }), h('dd', {}, f.clauses.map((c) => h('span', { class: 'tag', text: `${c.standard} ${c.clause}` })))] : null,
    f.cwe.length ? [h('dt', { text: 'CWE' }), h('dd', { text: f.cwe.join(', ') })] : null,
    h('dt', { text: 'Confidence' }), h('dd', { text: f.confidence }),
    h('dt', { text: 'Fingerprint' }), h('dd', { class: 'mono', text: f.fingerprint }));
  const suppression = f.suppressed
    ? h('div', { class: 'okbox' }, h('strong', { text: 'Suppressed' }), ` (${f.suppressed.kind}): ${f.suppressed.reason}`, f.suppressed.approvedBy ? ` — approved by ${f.suppressed.approvedBy}` : '', f.suppressed.source ? h('div', { class: 'muted mono', text: f.suppressed.source }) : null)
    : suppressForm(f);
  return h('div', { class: 'card detail', id: 'detail' },
    h('div', { class: 'filters' }, pill(f.severity), h('strong', { text: f.title }), h('button', { onclick: close, 'aria-label': 'Close' }, '✕')),
    h('p', { id: 'detail-message', text: f.message }),
    f.snippet ? h('pre', {}, h('code', { id: 'detail-snippet', text: f.snippet })) : null,
    facts,
    f.remediation ? [h('h2', { text: 'Remediation' }), h('p', { text: f.remediation })] : null,
    suppression);
}

function suppressForm(f) {
  if (!session.canChange) return h('p', { class: 'note', text: 'To suppress findings, open the dashboard with the URL that `sentrik dashboard` printed (it carries the access token).' });
  const reason = h('input', { type: 'text', name: 'reason', required: true, maxlength: 500, placeholder: 'why this is safe to ignore' });
  const by = h('input', { type: 'text', name: 'approvedBy', placeholder: 'name or e-mail' });
  const expires = h('input', { type: 'date', name: 'expires' });
  const status = h('p', { class: 'muted' });
  return h('form', { class: 'stack', id: 'suppress-form', onsubmit: async (e) => {
    e.preventDefault();
    status.textContent = 'Saving…';
    try {
      const res = await api('/api/suppressions', { ruleId: f.ruleId, file: f.file, reason: reason.value, approvedBy: by.value, expires: expires.value });
      toast(`Suppressed ${f.ruleId} in ${f.file}: written to .sentrik/suppressions.yaml`);
      if (res.job) watchJob(res.job);
      else status.textContent = 'Saved. It applies from the next scan.';
    } catch (err) {
      status.textContent = err.message;
    }
  } },
  h('h2', { text: `Suppress ${f.ruleId} in ${f.file}` }),
  h('label', {}, 'Reason (required)', reason),
  h('label', {}, 'Approved by', by),
  h('label', {}, 'Expires', expires),
  h('div', {}, h('button', { class: 'primary', type: 'submit' }, 'Suppress')),
  status);
}

// ---------- packs and rules ----------

async function packsPage(params) {
  const data = await api('/api/packs');
  const open = params.get('pack');
  const filter = (params.get('filter') || '').toLowerCase();
  const change = async (path, body) => {
    try {
      await api(path, body);
      toast(`Saved to ${data.configFile}; applies from the next scan.`);
    } catch (err) {
      toast(err.message);
    }
    render();
  };
  const canChange = session.canChange;
  const rows = [...data.packs].sort((a, b) => Number(b.enabled) - Number(a.enabled)).filter((p) => !filter || `${p.id} ${p.name} ${p.standard}`.toLowerCase().includes(filter)).map((p) => {
    const rulesTable = open === p.id ? h('tr', {}, h('td', { colspan: 5 }, h('table', { class: 'rules', id: `rules-${p.id}` },
      h('thead', {}, h('tr', {}, h('th', { text: 'on' }), h('th', { text: 'rule' }), h('th', { text: 'title' }), h('th', { text: 'kind' }), h('th', { text: 'severity' }))),
      h('tbody', {}, p.rules.map((r) => h('tr', { 'data-rule': r.id },
        h('td', {}, h('input', { type: 'checkbox', 'aria-label': `enable ${r.id}`, checked: r.enabled, disabled: canChange ? null : true, onchange: (e) => change('/api/rules', { pack: p.id, rule: r.id, enabled: e.target.checked }) })),
        h('td', { class: 'mono', text: r.id }), h('td', { text: r.title }), h('td', { text: r.kind }),
        h('td', {}, h('select', { 'aria-label': `severity of ${r.id}`, disabled: canChange ? null : true, onchange: (e) => change('/api/rules', { pack: p.id, rule: r.id, severity: e.target.value || null }) },
          h('option', { value: '', text: `${r.severity} (default)`, selected: r.override ? null : true }),
          SEVERITIES.filter((sv) => sv !== r.severity).map((sv) => h('option', { value: sv, text: sv, selected: r.override === sv ? true : null })))))))))) : null;
    return [h('tr', { 'data-pack': p.id },
      h('td', {}, h('input', { type: 'checkbox', 'aria-label': `enable ${p.id}`, checked: p.enabled, disabled: canChange ? null : true, onchange: (e) => change('/api/packs', { pack: p.id, enabled: e.target.checked }) })),
      h('td', {}, h('strong', { text: p.name }), h('div', { class: 'muted mono', text: p.id })),
      h('td', { text: p.standard }),
      h('td', { class: 'num', text: fmt(p.rules.length) }),
      h('td', {}, h('button', { onclick: () => go('packs', { pack: open === p.id ? undefined : p.id, filter: params.get('filter') }) }, open === p.id ? 'Hide rules' : 'Rules'), p.builtin ? null : h('span', { class: 'tag', text: 'custom' }))), rulesTable];
  });
  return h('div', {}, h('h1', {}, 'Packs & rules', scanButton()),
    h('p', { class: 'muted' }, 'Changes are written to ', h('code', { text: data.configFile }), ' (comments kept) and apply from the next scan.'),
    canChange ? null : h('p', { class: 'note', text: 'Read-only: open the URL printed by `sentrik dashboard` to change packs and rules.' }),
    h('div', { class: 'filters' }, h('input', { type: 'search', placeholder: 'filter packs…', value: params.get('filter') || '', oninput: debounce((e) => go('packs', { pack: open, filter: e.target.value }), 300) })),
    h('div', { class: 'card' }, h('table', { id: 'packs' }, h('thead', {}, h('tr', {}, h('th', { text: 'on' }), h('th', { text: 'pack' }), h('th', { text: 'standard' }), h('th', { class: 'num', text: 'rules' }), h('th', {}))), h('tbody', {}, rows))));
}

// ---------- vulnerabilities and SBOM ----------

async function vulnsPage(params) {
  const [v, b] = await Promise.all([api('/api/vulns'), api('/api/sbom')]);
  const filter = (params.get('filter') || '').toLowerCase();
  const vulns = h('div', { class: 'card wide' }, h('h2', { text: 'Known vulnerabilities' }),
    v.run
      ? [h('p', { class: 'muted', text: `Run #${v.run.id} of sentrik vulns · ${when(v.run.startedAt)} · ${fmt(v.total)} findings` }),
        h('table', { id: 'vulns' }, h('thead', {}, h('tr', {}, h('th', { text: 'severity' }), h('th', { text: 'advisory' }), h('th', { text: 'package' }), h('th', { text: 'lockfile' }))),
          h('tbody', {}, v.items.map((f) => h('tr', {}, h('td', {}, pill(f.severity)), h('td', { class: 'mono', text: f.ruleId }), h('td', { text: f.title }), h('td', { class: 'mono file', text: loc(f) })))))]
      : h('p', { class: 'muted' }, 'No dependency scan recorded yet: run ', h('code', { text: 'sentrik vulns' }), ' (after ', h('code', { text: 'sentrik vulns db import' }), ').'));
  const comps = b.components.filter((c) => !filter || `${c.name} ${c.version} ${c.ecosystem} ${c.license || ''}`.toLowerCase().includes(filter));
  const sbom = h('div', { class: 'card wide' }, h('h2', { text: `Software bill of materials · ${fmt(b.total)} components` }),
    h('p', { class: 'muted', text: b.lockfiles.map((l) => `${l.file} (${l.ecosystem}, ${l.packages})`).join(' · ') || 'No lockfiles found.' }),
    h('div', { class: 'filters' }, h('input', { type: 'search', placeholder: 'filter components…', value: params.get('filter') || '', oninput: debounce((e) => go('vulns', { filter: e.target.value }), 300) })),
    h('div', { class: 'scroll' }, h('table', { id: 'sbom' }, h('thead', {}, h('tr', {}, h('th', { text: 'component' }), h('th', { text: 'version' }), h('th', { text: 'ecosystem' }), h('th', { text: 'licence' }), h('th', { text: 'scope' }), h('th', { text: 'purl' }))),
      h('tbody', {}, comps.slice(0, 500).map((c) => h('tr', {}, h('td', { text: c.name }), h('td', { class: 'mono', text: c.version }), h('td', { text: c.ecosystem }), h('td', { text: c.license || '—' }),
        h('td', { text: [c.direct === true ? 'direct' : c.direct === false ? 'transitive' : '', c.dev ? 'dev' : ''].filter(Boolean).join(', ') || '—' }), h('td', { class: 'mono file', text: c.purl })))))),
    comps.length > 500 ? h('p', { class: 'muted', text: `Showing 500 of ${fmt(comps.length)}; filter to narrow down.` }) : null);
  return h('div', {}, h('h1', { text: 'Vulnerabilities & SBOM' }), h('div', { class: 'grid' }, vulns, sbom));
}

// ---------- suppressions and approvals ----------

async function suppressionsPage() {
  const d = await api('/api/suppressions');
  return h('div', {}, h('h1', { text: 'Suppressions & approvals' }),
    d.problem ? h('p', { class: 'error', text: d.problem }) : null,
    h('p', {}, link('findings', { status: 'suppressed' }, 'Suppressed findings in the latest run →')),
    h('div', { class: 'card' }, h('h2', { text: '.sentrik/suppressions.yaml' }),
      d.entries.length ? h('table', { id: 'suppressions' }, h('thead', {}, h('tr', {}, ['rule', 'files', 'reason', 'approved by', 'expires', 'where'].map((t) => h('th', { text: t })))),
        h('tbody', {}, d.entries.map((e) => h('tr', {}, h('td', { class: 'mono', text: e.ruleId }), h('td', { class: 'mono file', text: e.fileGlob }), h('td', { text: e.reason || '(no reason: not applied)' }),
          h('td', { text: e.approvedBy || '—' }), h('td', {}, e.expires || '—', e.expired ? h('span', { class: 'pill failed', text: 'expired' }) : null), h('td', { class: 'mono muted', text: e.source })))))
        : h('p', { class: 'muted', text: 'No reviewed suppressions yet. Suppress a finding from its detail view.' })),
    h('div', { class: 'card' }, h('h2', { text: 'Approvals' }),
      d.approvals.length ? h('table', {}, h('thead', {}, h('tr', {}, ['when', 'by', 'what', 'commit', 'reason'].map((t) => h('th', { text: t })))),
        h('tbody', {}, d.approvals.map((a) => h('tr', {}, h('td', { text: when(a.at) }), h('td', { text: a.by }), h('td', { class: 'mono', text: `${a.id} (${(a.items || []).length} items)` }), h('td', { class: 'mono', text: String(a.commit).slice(0, 12) }), h('td', { text: a.reason || '' })))))
        : h('p', { class: 'muted' }, 'No approvals recorded (', h('code', { text: 'sentrik approve' }), ').')));
}

// ---------- audit log ----------

async function auditPage() {
  const d = await api('/api/audit');
  if (!d.exists) return h('div', {}, h('h1', { text: 'Audit log' }), h('div', { class: 'card empty' }, 'No audit log at ', h('code', { text: d.log }), ' yet (written by scan, gate, approve and fix when governance.audit.enabled is true).'));
  const v = d.verification;
  const status = v.error ? h('p', { class: 'error', id: 'audit-status', text: `Cannot verify: ${v.error}` })
    : v.ok ? h('p', { class: 'okbox', id: 'audit-status', text: `Chain verified: ${fmt(d.total)} entries intact.${v.notes.length ? ` ${v.notes.join(' ')}` : ''}` })
      : h('div', { class: 'error', id: 'audit-status' }, h('strong', { text: 'Verification FAILED' }), h('ul', {}, v.problems.slice(0, 20).map((p) => h('li', { text: p }))));
  return h('div', {}, h('h1', { text: 'Audit log' }), status,
    h('div', { class: 'card' }, h('p', { class: 'muted' }, h('code', { text: d.log }), ` · newest first · ${fmt(d.total)} entries`),
      h('table', {}, h('thead', {}, h('tr', {}, ['#', 'time', 'event', 'commit', 'outcome'].map((t) => h('th', { text: t })))),
        h('tbody', {}, d.entries.map((e) => h('tr', {}, h('td', { class: 'num', text: e.seq ?? '?' }), h('td', { text: when(e.at) }), h('td', { text: e.event }), h('td', { class: 'mono', text: e.commit ? String(e.commit).slice(0, 12) : '—' }),
          h('td', { class: 'mono file', text: e.outcome ? JSON.stringify(e.outcome).slice(0, 200) : '' })))))));
}

// ---------- runs and comparison ----------

async function runsPage(params) {
  const page = Number(params.get('page') || 1);
  const d = await api(`/api/runs?page=${page}`);
  const picked = new Set();
  const compareBtn = h('button', { class: 'primary', disabled: true, onclick: () => {
    const [a, b] = [...picked].sort((x, y) => x - y);
    go('compare', { base: a, head: b });
  } }, 'Compare selected');
  const pages = Math.max(1, Math.ceil(d.total / d.pageSize));
  return h('div', {}, h('h1', {}, 'Runs', scanButton()),
    h('div', { class: 'filters' }, compareBtn, h('span', { class: 'muted', text: 'Pick two runs, or compare a run with the one before it.' })),
    h('div', { class: 'card' }, d.runs.length ? h('table', { id: 'runs' },
      h('thead', {}, h('tr', {}, ['', 'run', 'started', 'command', 'scope', 'commit', ...SEVERITIES, 'gate', 'duration', ''].map((t) => h('th', { text: t })))),
      h('tbody', {}, d.runs.map((r) => h('tr', { 'data-run': r.id },
        h('td', {}, h('input', { type: 'checkbox', 'aria-label': `select run ${r.id}`, onchange: (e) => { e.target.checked ? picked.add(r.id) : picked.delete(r.id); compareBtn.disabled = picked.size !== 2; } })),
        h('td', { class: 'num', text: `#${r.id}` }), h('td', { text: when(r.startedAt) }), h('td', { text: r.command }), h('td', { text: r.scope.mode }),
        h('td', { class: 'mono', text: r.git && r.git.commit ? r.git.commit.slice(0, 8) : '—' }),
        SEVERITIES.map((sv) => h('td', { class: 'num', text: fmt(r.severity[sv]) })),
        h('td', {}, gatePill(r.gate)), h('td', { class: 'num', text: `${(r.durationMs / 1000).toFixed(1)} s` }),
        h('td', {}, link('compare', { head: r.id }, 'vs previous'))))))
      : h('p', { class: 'empty', text: 'No runs recorded yet.' }),
    h('div', { class: 'pager' },
      h('button', { disabled: page <= 1 ? true : null, onclick: () => go('runs', { page: page - 1 }) }, '← Newer'),
      h('span', { text: `Page ${page} of ${pages} · ${fmt(d.total)} runs` }),
      h('button', { disabled: page >= pages ? true : null, onclick: () => go('runs', { page: page + 1 }) }, 'Older →'))));
}

async function comparePage(params) {
  const d = await api(`/api/compare?${params}`);
  const table = (id, rows, total, title = `${id[0].toUpperCase()}${id.slice(1)}`) => h('div', { class: 'card wide' }, h('h2', { text: `${title} (${fmt(total)})` }),
    rows.length ? h('div', { class: 'scroll' }, h('table', { id: `cmp-${id}` }, h('tbody', {}, rows.map((f) => h('tr', {}, h('td', {}, pill(f.severity)), h('td', { class: 'mono', text: f.ruleId }), h('td', { class: 'mono file', text: loc(f) }), h('td', { text: f.title }))))))
      : h('p', { class: 'muted', text: 'None.' }),
    rows.length < total ? h('p', { class: 'muted', text: `Showing ${fmt(rows.length)} of ${fmt(total)} (sentrik compare --format json lists all).` }) : null);
  const runCard = (label, r) => h('div', { class: 'card' }, h('h2', { text: `${label}: run #${r.id}` }), h('p', {}, `${r.command} · ${when(r.startedAt)} · `, gatePill(r.gate)),
    h('div', { class: 'sev-counts' }, SEVERITIES.map((sv) => h('a', {}, h('strong', { text: fmt(r.severity[sv]) }), pill(sv)))));
  return h('div', {}, h('h1', { text: `Run #${d.head.id} compared with run #${d.base.id}` }),
    h('div', { class: 'grid' }, runCard('Base', d.base), runCard('Head', d.head),
      h('div', { class: 'card', id: 'cmp-counts' }, h('h2', { text: 'Change' }), h('p', { class: 'big', text: `+${fmt(d.counts.new)} / −${fmt(d.counts.resolved)}` }), h('p', { class: 'muted', text: `${fmt(d.counts.unchanged)} unchanged${d.counts.notRescanned ? `, ${fmt(d.counts.notRescanned)} not rescanned` : ''}` }),
        d.scopesDiffer ? h('p', { class: 'muted', text: `The runs had different scopes: resolved counts only where run #${d.head.id} looked again.` }) : null),
      table('new', d.new, d.counts.new), table('resolved', d.resolved, d.counts.resolved),
      d.counts.notRescanned ? table('not-rescanned', d.notRescanned, d.counts.notRescanned, `Not rescanned — outside run #${d.head.id}'s scope`) : null,
      table('unchanged', d.unchanged, d.counts.unchanged)));
}

const PAGE_RENDERERS = {
  overview: overviewPage,
  findings: findingsPage,
  packs: packsPage,
  vulns: vulnsPage,
  suppressions: suppressionsPage,
  audit: auditPage,
  runs: runsPage,
  compare: comparePage,
};

async function start() {
  try {
    session = await api('/api/session');
  } catch (err) {
    main.replaceChildren(h('div', { class: 'error', text: `Cannot reach the dashboard API: ${err.message}` }));
    return;
  }
  window.addEventListener('hashchange', render);
  await render();
  if (session.runningJob) watchJob(session.runningJob);
}

start();
