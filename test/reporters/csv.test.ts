// CSV: RFC 4180 round trip, and formula injection neutralised.
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvCell, renderCsv } from '../../src/reporters/csv.js';
import { FORMULA_SNIPPET, XSS_SNIPPET, findings, makeResult } from './fixture.js';

/** A strict RFC 4180 reader: fails on anything a conforming parser would reject. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else cell += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`bare quote in unquoted field at ${i}`);
        cell += text[i++];
      }
    }
    row.push(cell);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else if (i < text.length) throw new Error(`unexpected character at ${i}`);
  }
  if (row.length) rows.push(row);
  return rows;
}

describe('renderCsv', () => {
  const text = renderCsv(makeResult());
  const rows = parseCsv(text);
  const header = rows[0];
  const records = rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
  const byFp = (fp: string) => records.find((r) => r.fingerprint === fp)!;

  it('has a header and one row per finding (suppressed ones marked), every row CRLF-terminated', () => {
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(records).toHaveLength(findings.length);
    expect(rows.every((r) => r.length === CSV_COLUMNS.length)).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '').includes('\n')).toBe(false); // no stray LF outside quoted cells here
    expect(byFp('f-tls-suppressed')).toMatchObject({ suppressed: 'inline', suppression_reason: 'internal mirror with a pinned certificate' });
    expect(byFp('f-tls-01').suppressed).toBe('');
  });

  it('round-trips commas, quotes and multi-value cells', () => {
    expect(byFp('f-formula-01').file).toBe('data/import,"weird".csv');
    expect(byFp('f-xss-01').snippet).toBe(XSS_SNIPPET);
    expect(byFp('f-xss-01').message).toBe('A password is assigned a literal value: <b>"hunter2"</b> & more | pipes @octocat');
    expect(byFp('f-eval-01')).toMatchObject({ line: '42', column: '14', cwe: 'CWE-95;CWE-94', severity: 'critical' });
    expect(byFp('f-secmd-01')).toMatchObject({ file: '.', line: '' });
  });

  it('neutralises cells a spreadsheet would evaluate', () => {
    expect(byFp('f-formula-01').snippet).toBe(`'${FORMULA_SNIPPET}`);
    expect(byFp('f-formula-01').message).toBe(`'=HYPERLINK("http://evil.example","click")`);
    for (const trigger of ['=', '+', '-', '@', '\t', '\r']) {
      expect(csvCell(`${trigger}1+1`).replace(/^"/, '')).toMatch(/^'/);
    }
    expect(csvCell('a=1')).toBe('a=1');
    expect(csvCell('multi\nline')).toBe('"multi\nline"');
  });

  it('makes terminal control characters visible', () => {
    expect(byFp('f-debug-01').snippet).toBe('app.run(debug=True)\\x1b[2J\\x1b[31mOWNED');
    expect(text).not.toContain('\x1b');
  });
});
