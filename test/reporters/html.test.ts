// HTML report: one self-contained file whose hostile content cannot execute.
import { createHash } from 'node:crypto';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { jsonForHtml, renderHtml } from '../../src/reporters/html.js';
import { XSS_SNIPPET, findings, makeGate, makeResult } from './fixture.js';

const sha256 = (text: string): string => `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;

describe('renderHtml', () => {
  const hostile = makeResult({
    findings: [
      ...findings,
      { ...findings[0], fingerprint: 'f-sep', snippet: 'a\u2028b\u2029c <!-- <script>', file: 'x/<img src=x onerror=alert(2)>.js' },
    ],
    problems: [{ file: 'evil/<svg onload=alert(3)>.yaml', code: 'parse-error', message: '<script>alert(4)</script>' }],
    skipped: [{ file: '"><script>alert(5)</script>.bin', reason: 'binary' }],
  });
  const html = renderHtml(hostile, makeGate(hostile));
  const dataJson = /<script type="application\/json" id="sentrik-data">([\s\S]*?)<\/script>/.exec(html)![1];
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);

  it('contains no live script from scanned content', () => {
    expect(html).not.toMatch(/<script>alert/i);
    expect(html).not.toMatch(/<(img|svg)\b/i);
    // Exactly two script elements: the inert JSON data and our own code.
    expect(html.match(/<script\b/gi)).toHaveLength(2);
    expect(html.match(/<\/script>/gi)).toHaveLength(2);
    expect(html).toContain('&lt;script&gt;alert(4)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(5)&lt;/script&gt;.bin');
  });

  it('embeds the findings as JSON that survives the round trip, with < > & and U+2028/9 escaped', () => {
    expect(dataJson).not.toMatch(/[<>&\u2028\u2029]/);
    const data = JSON.parse(dataJson);
    expect(data.findings).toHaveLength(hostile.findings.length);
    expect(data.findings.map((f: { snippet?: string }) => f.snippet)).toContain(XSS_SNIPPET);
    expect(data.findings.map((f: { snippet?: string }) => f.snippet)).toContain('a\u2028b\u2029c <!-- <script>');
    expect(jsonForHtml({ s: '</script>&\u2028' })).toBe('{"s":"\\u003c/script\\u003e\\u0026\\u2028"}');
  });

  it('is self-contained: no external scripts, styles, images or fonts', () => {
    const markup = html.replace(dataJson, ''); // the data may mention "src=" as text; the markup must not
    expect(markup).not.toMatch(/<link\b/i);
    expect(markup).not.toMatch(/\ssrc\s*=/i);
    expect(markup).not.toMatch(/url\(/i);
    expect(markup).not.toMatch(/@import/i);
  });

  it('has a strict CSP that admits exactly the inline script and style, by hash', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1].replace(/&#39;/g, "'");
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src '${sha256(scripts[0])}'`);
    expect(csp).toContain(`style-src '${sha256(styles[0])}'`);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("base-uri 'none'");
  });

  it('ships a script that compiles and never writes HTML from data', () => {
    expect(() => new Script(scripts[0])).not.toThrow();
    expect(scripts[0]).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
  });

  it('shows the summary, the gate, filters and every severity count', () => {
    expect(html).toContain('Gate failed');
    expect(html).toContain('42 scanned, 3 skipped (1 binary, 1 too-large, 1 excluded)');
    for (const id of ['q', 'sev', 'pack', 'rule', 'supp']) expect(html).toContain(`id="${id}"`);
    expect(html).toMatch(/data-sev="critical"><span class="n">3<\/span>/);
  });
});
