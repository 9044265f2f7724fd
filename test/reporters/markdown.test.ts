// Markdown PR comment: verdict, per-pack table, capped blocking list, and inert untrusted text.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/model.js';
import { MARKDOWN_MAX_FINDINGS, md, mdWithCode, renderMarkdown } from '../../src/reporters/markdown.js';
import { findings, makeGate, makeResult } from './fixture.js';

describe('renderMarkdown', () => {
  const result = makeResult();
  const gate = makeGate(result);
  const text = renderMarkdown(result, gate);
  const lines = text.split('\n');

  it('opens with the gate verdict', () => {
    expect(lines[0]).toBe('## ❌ sentrik gate failed: 5 blocking findings');
    const passed = renderMarkdown(result, { passed: true, failOn: ['critical'], blocking: [], summary: '' });
    expect(passed.split('\n')[0]).toBe('## ✅ sentrik gate passed (8 non-blocking findings)');
    expect(renderMarkdown(result).split('\n')[0]).toBe('## sentrik: 8 findings');
  });

  it('has a per-pack summary table with suppressed counts', () => {
    expect(text).toContain('| owasp\\-top\\-10 | **1** | **2** | 0 | **1** | **1** | 0 |');
    expect(text).toContain('| supply\\-chain\\-security | **1** | **1** | **1** | 0 | 0 | 1 |');
  });

  it('lists the blocking findings worst first, with how to fix them', () => {
    const blockingPart = lines.slice(0, lines.findIndex((l) => l.includes('suppressed finding')));
    const rows = blockingPart.filter((l) => /^\| \S+ (critical|high|medium|low|info) \|/.test(l));
    expect(rows).toHaveLength(gate.blocking.length);
    expect(rows[0]).toContain('critical');
    expect(rows.at(-1)).toContain('high');
    expect(text).toContain('<details><summary>How to fix</summary>');
    expect(text).toContain('[CWE-95](https://cwe.mitre.org/data/definitions/95.html)');
  });

  it('lists what suppressions set aside, with the reason and where the suppression is written', () => {
    expect(text).toContain('<details><summary>1 suppressed finding (1 high)</summary>');
    const row = lines.find((l) => l.includes('internal mirror'))!;
    expect(row).toMatch(/^\| 🔴 high \| .+ \| scripts\/fetch\\\.py:9:5 \| internal mirror with a pinned certificate \| inline comment, scripts\/fetch\\\.py:9 \|$/);
  });

  it('escapes untrusted text: no HTML, no table breakout, no @mentions', () => {
    const row = lines.find((l) => l.includes('page\\.js'))!;
    expect(row).toContain('&lt;b&gt;&quot;hunter2&quot;&lt;/b&gt; &amp; more \\| pipes @&#8203;octocat');
    expect(row.split(/(?<!\\)\|/)).toHaveLength(6); // 4 cells between 5 unescaped pipes
    expect(text).not.toContain('<b>');
    expect(text).not.toMatch(/@octocat/);
    expect(md('[x](javascript:alert(1)) `code` *b* line\nbreak')).toBe(
      '\\[x\\]\\(javascript:alert\\(1\\)\\) \\`code\\` \\*b\\* line break',
    );
  });

  it('renders `code` in messages and remediations as code spans, so a suggested pin copies as written', () => {
    const pin = 'uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2';
    const f: Finding = { ...findings[0], message: 'Action `actions/checkout@v4` is a mutable tag; @octocat moved it', remediation: `Pin to the full SHA (\`${pin}\`).` };
    const r = makeResult({ findings: [f] });
    const out = renderMarkdown(r, makeGate(r));
    expect(out).toContain(`\`${pin}\``); // in "How to fix": no zero-width space, no escapes inside the span
    expect(out).toContain('| Action `actions/checkout@v4` is a mutable tag; @&#8203;octocat moved it |'); // a mention outside code is still defused
    expect(out).not.toMatch(/checkout@&#8203;/);
    // Inside a table cell a pipe in a span is escaped (GitHub splits cells first); outside a table it is not.
    expect(mdWithCode('run `a | b` now', { table: true })).toBe('run `a \\| b` now');
    expect(mdWithCode('run `a | b` now')).toBe('run `a | b` now');
    // Code spans cannot carry HTML or break the line; an unpaired backtick stays escaped text.
    expect(mdWithCode('x `<img src=x>\nline` y')).toBe('x `<img src=x> line` y');
    expect(mdWithCode('only `one backtick @here')).toBe('only \\`one backtick @&#8203;here');
    expect(mdWithCode('`a` b `c')).toBe('`a` b \\`c');
    expect(mdWithCode('empty `` span')).toBe(md('empty `` span'));
  });

  it(`caps the list at ${MARKDOWN_MAX_FINDINGS} with "and N more"`, () => {
    const many: Finding[] = Array.from({ length: 70 }, (_, i) => ({ ...findings[0], line: i + 1, fingerprint: `many-${i}` }));
    const big = makeResult({ findings: many });
    const out = renderMarkdown(big, makeGate(big));
    expect(out.split('\n').filter((l) => l.startsWith('| 🟣 critical |'))).toHaveLength(MARKDOWN_MAX_FINDINGS);
    expect(out).toContain('…and 20 more');
  });

  it('mentions scan problems and the scan size', () => {
    expect(text).toContain('2 problems during the scan');
    expect(lines.filter(Boolean).at(-1)).toMatch(/^<sub>42 files scanned · 3 skipped · 8 rules from 2 packs · 1 suppressed · 1\.23 s · sentrik 0\\\.1\\\.0<\/sub>$/);
  });
});
