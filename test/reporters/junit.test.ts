// JUnit XML: well-formed (parsed with fast-xml-parser), one suite per pack; failures are the gate's blocking
// findings (every unsuppressed finding without a gate), other rules pass.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { evaluateGate } from '../../src/engine/gate.js';
import { renderJunit } from '../../src/reporters/junit.js';
import { XSS_SNIPPET, emptyResult, findings, makeGate, makeResult } from './fixture.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'failure', 'error'].includes(name) });

interface Case { name: string; classname: string; failure?: { '#text': string; message: string; type: string }[]; error?: unknown[]; 'system-out'?: string }
interface Suite { name: string; tests: string; failures: string; errors: string; testcase: Case[] }

describe('renderJunit', () => {
  const xml = renderJunit(makeResult());
  const doc = parser.parse(xml);
  const suites: Suite[] = doc.testsuites.testsuite;

  it('is well-formed XML', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(XMLValidator.validate(renderJunit(emptyResult()))).toBe(true);
  });

  it('without a gate (scan): one suite per pack, a failed case per unsuppressed finding, a passed case per clean rule', () => {
    expect(suites.map((s) => s.name)).toEqual(['owasp-top-10', 'supply-chain-security', 'sentrik.problems']);
    const owasp = suites[0];
    expect(owasp).toMatchObject({ tests: '5', failures: '5', errors: '0' }); // OWASP-A07-002 has two findings
    const scs = suites[1];
    expect(scs).toMatchObject({ tests: '4', failures: '3' }); // SCS-CI-003 passes
    expect(scs.testcase.find((c) => c.name.startsWith('SCS-CI-003'))!.failure).toBeUndefined();
    expect(doc.testsuites).toMatchObject({ tests: '11', failures: '8', errors: '2' });
    expect(Number(doc.testsuites.failures)).toBe(findings.filter((f) => !f.suppressed).length);
  });

  it('with a gate: failures are exactly its blocking findings; the others are output of passed cases', () => {
    const result = makeResult();
    const gate = makeGate(result);
    const gated = parser.parse(renderJunit(result, gate));
    const all: Case[] = gated.testsuites.testsuite.flatMap((s: Suite) => s.testcase);
    expect(gated.testsuites).toMatchObject({ failures: String(gate.blocking.length), errors: '2' });
    expect(all.filter((c) => c.failure)).toHaveLength(gate.blocking.length);
    for (const f of gate.blocking) expect(all.some((c) => c.failure && c.name.startsWith(`${f.ruleId}: `) && c.name.includes(` at ${f.file}`))).toBe(true);
    // A medium finding (below fail_on critical,high) passes, with the finding in its output.
    const debug = all.find((c) => c.name.startsWith('OWASP-A05-003'))!;
    expect(debug.failure).toBeUndefined();
    expect(debug['system-out']).toMatch(/^1 finding not blocking: below fail_on \(critical, high\):/);
    expect(gated.testsuites.testsuite.find((s: Suite) => s.name === 'owasp-top-10')).toMatchObject({ failures: '3' });
  });

  it("gives the reason per finding: a critical finding of a rule with gate: false is not 'below fail_on'", () => {
    const base = makeResult();
    const critical = base.findings.find((f) => !f.suppressed && f.severity === 'critical')!;
    const result = makeResult({ rules: base.rules.map((r) => (r.id === critical.ruleId ? { ...r, gate: false } : r)) });
    const gate = evaluateGate(result, ['critical', 'high']);
    expect(gate.blocking.some((f) => f.ruleId === critical.ruleId)).toBe(false);
    const all: Case[] = parser.parse(renderJunit(result, gate)).testsuites.testsuite.flatMap((s: Suite) => s.testcase);
    const out = all.find((c) => c.name.startsWith(`${critical.ruleId}: `))!;
    expect(out.failure).toBeUndefined();
    expect(out['system-out']).toMatch(/^\d+ findings? not blocking: its rule does not gate:/);
    expect(out['system-out']).not.toContain('below fail_on');
    expect(all.find((c) => c.name.startsWith('OWASP-A05-003'))!['system-out']).toMatch(/^1 finding not blocking: below fail_on \(critical, high\):/);
  });

  it("the gate's summary does not call critical findings of rules that do not gate absent or below the threshold", () => {
    const base = makeResult();
    const blockingRules = new Set(base.findings.filter((f) => !f.suppressed && ['critical', 'high'].includes(f.severity)).map((f) => f.ruleId));
    const result = makeResult({ rules: base.rules.map((r) => (blockingRules.has(r.id) ? { ...r, gate: false } : r)) });
    const notGating = result.findings.filter((f) => !f.suppressed && blockingRules.has(f.ruleId)).length;
    const gate = evaluateGate(result, ['critical', 'high']);
    expect(gate.passed).toBe(true);
    expect(gate.summary).toMatch(new RegExp(`^no gating critical/high findings in \\d+ files \\(${notGating} from rules that do not gate, ${result.metrics.findings - notGating} below the threshold`));
  });

  it('lists each unsuppressed finding in its own failure and skips suppressed ones', () => {
    const password = suites[0].testcase.filter((c) => c.name.startsWith('OWASP-A07-002'));
    expect(password).toHaveLength(2);
    expect(password.map((c) => c.name)).toEqual(expect.arrayContaining([expect.stringMatching(/ at web\/static\/page\.js:7:7$/)]));
    const page = password.find((c) => c.name.includes('page.js'))!;
    expect(page.failure![0].type).toBe('high');
    const body = page.failure![0]['#text'];
    expect(body).toContain('web/static/page.js:7:7');
    expect(body).toContain(XSS_SNIPPET); // escaped on the way out, intact after parsing
    // SCS-BUILD-001 has one active and one suppressed finding: only the active one is listed.
    const tls = suites[1].testcase.filter((c) => c.name.startsWith('SCS-BUILD-001'));
    expect(tls).toHaveLength(1);
    expect(tls[0].failure![0]['#text']).toContain('app/server.py:17:32');
    expect(JSON.stringify(doc)).not.toContain('scripts/fetch.py');
  });

  it('reports scan problems as errors', () => {
    const problems = suites[2];
    expect(problems).toMatchObject({ tests: '2', errors: '2' });
    expect(problems.testcase.every((c) => c.error?.length === 1)).toBe(true);
  });

  it('survives characters XML cannot carry', () => {
    const nasty = makeResult({
      findings: [{ ...findings[0], snippet: 'a\u0000b\u001bc\ud800d ]]> <&> "q"', message: 'tab\there\nnewline' }],
    });
    const text = renderJunit(nasty);
    expect(XMLValidator.validate(text)).toBe(true);
    const body = JSON.stringify(parser.parse(text));
    expect(body).toContain('a\\\\x00b\\\\x1bc\\\\ud800d ]]> <&> \\"q\\"');
  });
});
