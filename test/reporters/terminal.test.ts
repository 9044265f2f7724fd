// Terminal report: grouping, colour only when asked, quiet mode, hostile text made harmless, 80 columns.
import { describe, expect, it } from 'vitest';
import { renderTerminal } from '../../src/reporters/terminal.js';
import { emptyResult, makeGate, makeResult } from './fixture.js';

const ANSI = /\x1b\[[0-9;]*m/;
const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('renderTerminal', () => {
  const result = makeResult();
  const gate = makeGate(result);
  const plain = renderTerminal(result, { color: false, gate });

  it('groups findings by file, sorted by file then line', () => {
    const headings = plain.split('\n').filter((l) => /^\S/.test(l) && !/^(Findings|Files|Rules|Scope|Problems|Time|Gate)\b/.test(l));
    expect(headings).toEqual(['(repository)', 'app/server.py', 'data/import,"weird".csv', 'scripts/install.sh', 'tests/test_app.py', 'web/static/page.js']);
    const server = plain.slice(plain.indexOf('app/server.py'), plain.indexOf('data/import'));
    expect(server.indexOf('17:32')).toBeLessThan(server.indexOf('42:14'));
    expect(server.indexOf('42:14')).toBeLessThan(server.indexOf('60 '));
  });

  it('shows severity, rule, position, message, snippet and a shortened fix', () => {
    expect(plain).toMatch(/17:32\s+HIGH\s+SCS-BUILD-001\s+TLS certificate verification is turned off/);
    expect(plain).toContain('> resp = requests.get(url, verify=False)');
    expect(plain).toContain('fix: Never evaluate user input.');
    expect(plain).not.toContain('ast.literal_eval'); // second sentence of the remediation is cut
  });

  it('shows a rescored severity with what it was and why, on the head line or, when that is too long, below it', () => {
    expect(plain).toMatch(/\n {2}5:1 +LOW \(high, in a test file\) {2}\S+/);
    const narrow = renderTerminal(result, { color: false, width: 45 }).split('\n');
    const head = narrow.findIndex((l) => /^ {2}5:1 +LOW {7}OWASP-A05-003$/.test(l));
    expect(narrow.slice(head + 1, head + 4)).toContain('         severity was high, in a test file');
  });

  it('does not list suppressed findings but counts them', () => {
    expect(plain).not.toContain('scripts/fetch.py');
    expect(plain).toContain('Findings  8 findings: 2 critical, 3 high, 1 medium, 1 low, 1 info (1 suppressed)');
  });

  it('summarises files, skips with reasons, rules, packs, problems, duration and the gate', () => {
    expect(plain).toContain('42 scanned (120.6 KiB), 3 skipped (1 binary, 1 too-large, 1 excluded)');
    expect(plain).toContain('8 evaluated from 2 packs: owasp-top-10, supply-chain-security');
    expect(plain).toContain('app/broken.yaml:3: cannot parse YAML: bad indentation [parse-error]');
    expect(plain).toContain('1.23 s');
    expect(plain.trimEnd().split('\n').at(-1)).toBe('Gate      FAILED — 5 blocking findings at critical or high');
  });

  it('has no ANSI codes without colour, and coloured severities with it', () => {
    expect(plain).not.toMatch(ANSI);
    const coloured = renderTerminal(result, { color: true, gate });
    expect(coloured).toMatch(ANSI);
    expect(coloured).toContain('\x1b[1;31mHIGH\x1b[0m');
    expect(coloured).toContain('\x1b[1;31mFAILED\x1b[0m');
    expect(stripAnsi(coloured)).toBe(plain);
  });

  it('never passes escape sequences from scanned text through to the terminal', () => {
    // The fixture snippet carries "\x1b[2J" (clear screen); even with colour on, only our own codes remain.
    const coloured = renderTerminal(result, { color: true, gate, verbose: true });
    expect(stripAnsi(coloured)).not.toContain('\x1b');
    expect(plain).toContain('app.run(debug=True)\\x1b[2J\\x1b[31mOWNED');
  });

  it('quiet mode prints only the summary and the gate line', () => {
    const quiet = renderTerminal(result, { color: false, quiet: true, gate });
    const labels = quiet.trimEnd().split('\n').map((l) => l.split(/\s+/)[0]);
    expect(labels).toEqual(['Findings', 'Files', 'Rules', 'Scope', 'Problems', 'Time', 'Gate']);
    expect(quiet).not.toContain('SCS-BUILD-001');
    expect(quiet).not.toContain('app/broken.yaml');
  });

  it('verbose mode adds details, suppressed findings and skipped files', () => {
    const verbose = renderTerminal(result, { color: false, verbose: true });
    expect(verbose).toContain('scripts/fetch.py');
    expect(verbose).toContain('suppressed (inline): internal mirror with a pinned certificate');
    expect(verbose).toContain('cwe: CWE-95, CWE-94');
    expect(verbose).toContain('assets/logo.png: binary');
    expect(verbose).toContain('ast.literal_eval');
    expect(verbose).not.toContain('Gate');
  });

  it('fits 80 columns', () => {
    for (const opts of [{ color: false, gate }, { color: false, gate, verbose: true }]) {
      const long = renderTerminal(result, opts).split('\n').filter((l) => [...l].length > 80);
      expect(long).toEqual([]);
    }
  });

  it('says so when there is nothing to report', () => {
    const text = renderTerminal(emptyResult(), { color: false });
    expect(text.startsWith('No findings.\n')).toBe(true);
    expect(text).toContain('0 findings: 0 critical, 0 high, 0 medium, 0 low, 0 info');
    expect(text).not.toContain('Problems');
  });
});
