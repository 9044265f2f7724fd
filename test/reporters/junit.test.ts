// JUnit XML: well-formed (parsed with fast-xml-parser), one suite per pack, one case per rule.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/reporters/junit.js';
import { XSS_SNIPPET, emptyResult, findings, makeResult } from './fixture.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'failure', 'error'].includes(name) });

interface Case { name: string; classname: string; failure?: { '#text': string; message: string; type: string }[]; error?: unknown[] }
interface Suite { name: string; tests: string; failures: string; errors: string; testcase: Case[] }

describe('renderJunit', () => {
  const xml = renderJunit(makeResult());
  const doc = parser.parse(xml);
  const suites: Suite[] = doc.testsuites.testsuite;

  it('is well-formed XML', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(XMLValidator.validate(renderJunit(emptyResult()))).toBe(true);
  });

  it('has one testsuite per pack, one testcase per rule, and a failure per rule with findings', () => {
    expect(suites.map((s) => s.name)).toEqual(['owasp-top-10', 'supply-chain-security', 'sentrik.problems']);
    const owasp = suites[0];
    expect(owasp).toMatchObject({ tests: '4', failures: '4', errors: '0' });
    const scs = suites[1];
    expect(scs).toMatchObject({ tests: '4', failures: '3' }); // SCS-CI-003 passes
    expect(scs.testcase.find((c) => c.name.startsWith('SCS-CI-003'))!.failure).toBeUndefined();
    expect(doc.testsuites).toMatchObject({ tests: '10', failures: '7', errors: '2' });
  });

  it('lists every unsuppressed finding in its rule failure and skips suppressed ones', () => {
    const password = suites[0].testcase.find((c) => c.name.startsWith('OWASP-A07-002'))!;
    expect(password.failure).toHaveLength(1);
    expect(password.failure![0].type).toBe('high');
    expect(password.failure![0].message).toMatch(/^2 findings: /);
    const body = password.failure![0]['#text'];
    expect(body).toContain('web/static/page.js:7:7');
    expect(body).toContain(XSS_SNIPPET); // escaped on the way out, intact after parsing
    // SCS-BUILD-001 has one active and one suppressed finding: only the active one is listed.
    const tls = suites[1].testcase.find((c) => c.name.startsWith('SCS-BUILD-001'))!;
    expect(tls.failure![0]['#text']).toContain('app/server.py:17:32');
    expect(tls.failure![0]['#text']).not.toContain('scripts/fetch.py');
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
