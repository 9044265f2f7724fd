// SARIF: validated by Microsoft's official SARIF multitool with the SARIF and GitHub rule sets, plus the
// details GitHub code scanning relies on.
import { describe, expect, it } from 'vitest';
import { renderSarif } from '../../src/reporters/sarif.js';
import { errorsOf, validate } from '../support/sarif-validator.js';
import { emptyResult, makeResult } from './fixture.js';

describe('renderSarif', () => {
  const result = makeResult();
  const text = renderSarif(result);
  const log = JSON.parse(text);
  const run = log.runs[0];

  it('passes the official validator (SARIF + GitHub rules) with no errors', () => {
    const reported = validate('full', text);
    expect(errorsOf(reported)).toEqual([]);
  });

  it('an empty scan also validates', () => {
    expect(errorsOf(validate('empty', renderSarif(emptyResult())))).toEqual([]);
  });

  it('edge cases validate too: odd paths, whole-file findings, rules known only from findings', () => {
    const base = result.findings[0];
    const odd = makeResult({
      findings: [
        { ...base, file: 'dir with space/ünïcode #1 100%.py', fingerprint: 'e1' },
        { ...base, file: 'x/<img src=x>.js', line: 3, column: undefined, endLine: undefined, endColumn: undefined, fingerprint: 'e2' },
        { ...base, file: 'Dockerfile', line: undefined, column: undefined, endLine: undefined, endColumn: undefined, fingerprint: 'e3' },
        { ...base, line: 5, column: 9, endLine: 5, endColumn: 2, fingerprint: 'e4' }, // inconsistent end: dropped
        { ...base, ruleId: 'CUSTOM-001', packId: 'custom', title: '', cwe: ['not-a-cwe'], fingerprint: 'e5' },
      ],
      problems: [{ code: 'internal', message: 'worker crashed' }],
    });
    const sarif = JSON.parse(renderSarif(odd));
    expect(errorsOf(validate('edge', JSON.stringify(sarif)))).toEqual([]);
    const uris = sarif.runs[0].results.map((r: any) => r.locations[0].physicalLocation.artifactLocation.uri);
    expect(uris).toContain('dir%20with%20space/%C3%BCn%C3%AFcode%20%231%20100%25.py');
    expect(sarif.runs[0].results.find((r: any) => r.partialFingerprints['sentrik/v1'] === 'e4').locations[0].physicalLocation.region)
      .toEqual(expect.not.objectContaining({ endColumn: expect.anything() }));
    const custom = sarif.runs[0].tool.driver.rules.find((r: any) => r.id === 'CUSTOM-001');
    expect(custom.name).toBe('RuleCUSTOM001');
    expect(custom.properties.tags).toEqual(['security', 'custom']);
  });

  it('inside a git repository, paths are from its top (GitHub reads them so), also for a subfolder scan', () => {
    const sub = makeResult({ repository: { top: '/home/dev/projects/mono', prefix: 'services/api/' }, problems: [{ code: 'parse-error', message: 'bad', file: 'app/broken.yaml', line: 3 }] });
    const text = renderSarif(sub);
    expect(errorsOf(validate('subfolder', text))).toEqual([]);
    const r = JSON.parse(text).runs[0];
    expect(r.originalUriBaseIds['%SRCROOT%'].uri).toBe('file:///home/dev/projects/mono/');
    expect(r.originalUriBaseIds['%SRCROOT%'].description.text).toMatch(/top of the git repository \(sentrik scanned services\/api\)/);
    const uri = (fp: string) => r.results.find((x: any) => x.partialFingerprints['sentrik/v1'] === fp).locations[0].physicalLocation.artifactLocation.uri;
    expect(uri('f-tls-01')).toBe('services/api/app/server.py');
    expect(uri('f-secmd-01')).toBe('services/api/(repository)');
    expect(r.invocations[0].toolExecutionNotifications[0].locations[0].physicalLocation.artifactLocation.uri).toBe('services/api/app/broken.yaml');
    expect(text).not.toContain('"./"');
    // At the repository top: the same paths as without a repository, %SRCROOT% the top.
    const top = JSON.parse(renderSarif(makeResult({ repository: { top: '/home/dev/projects/demo api', prefix: '' } }))).runs[0];
    expect(top.results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri)).toEqual(run.results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri));
  });

  it("notifications get the same URIs as findings: the root ('.') is (repository), './' is dropped", () => {
    const problems = [
      { code: 'parse-error' as const, message: 'bad', file: '.', line: undefined },
      { code: 'parse-error' as const, message: 'bad', file: './app/broken.yaml', line: 3 },
    ];
    const text = renderSarif(makeResult({ repository: { top: '/home/dev/projects/mono', prefix: 'web/' }, problems }));
    expect(errorsOf(validate('notifications', text))).toEqual([]);
    const uris = JSON.parse(text).runs[0].invocations[0].toolExecutionNotifications.map((n: any) => n.locations[0].physicalLocation.artifactLocation.uri);
    expect(uris).toEqual(['web/(repository)', 'web/app/broken.yaml']);
    expect(text).not.toContain('web/.');
  });

  it('the validator catches a broken log, so the checks above mean something', () => {
    const broken = JSON.parse(text);
    delete broken.runs[0].tool.driver.rules[0].help;
    broken.runs[0].results[1].locations[0].physicalLocation.region.startLine = 0;
    const errors = errorsOf(validate('broken', JSON.stringify(broken)));
    expect(errors.some((e) => e.startsWith('GH2012'))).toBe(true); // rule without help
    expect(errors.some((e) => e.startsWith('JSON1008'))).toBe(true); // startLine below 1
  });

  it('has the top-level shape GitHub expects', () => {
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(run.tool.driver).toMatchObject({ name: 'sentrik', version: '0.1.0', informationUri: expect.stringMatching(/^https:/) });
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe('file:///home/dev/projects/demo%20api/');
    expect(run.invocations[0].executionSuccessful).toBe(true);
    expect(run.invocations[0].toolExecutionNotifications).toHaveLength(2);
    expect(run.properties).toMatchObject({ filesScanned: 42, filesSkipped: 3, rulesEvaluated: 8, scope: { mode: 'paths' } });
  });

  it('describes every rule with help, security-severity and CWE tags', () => {
    const rules = run.tool.driver.rules;
    expect(rules.map((r: { id: string }) => r.id)).toEqual([...result.rules.map((r) => r.id)].sort());
    const evalRule = rules.find((r: { id: string }) => r.id === 'OWASP-A03-001');
    expect(evalRule.properties.tags).toEqual(['security', 'owasp-top-10', 'external/cwe/cwe-95', 'external/cwe/cwe-94']);
    expect(evalRule.properties['security-severity']).toBe('9.5');
    expect(evalRule.defaultConfiguration.level).toBe('error');
    expect(evalRule.help.text).toContain('Never evaluate user input');
    expect(evalRule.help.text).toContain('A03:2021 Injection');
    expect(evalRule.help.markdown).toContain('[CWE-95](https://cwe.mitre.org/data/definitions/95.html)');
    expect(evalRule.name).toBe('EvalOfRequestData');
    const severities = Object.fromEntries(rules.map((r: { id: string; properties: Record<string, string> }) => [r.id, r.properties['security-severity']]));
    expect(severities).toMatchObject({ 'SCS-BUILD-001': '8.0', 'SCS-DOC-001': '5.5', 'OWASP-A05-003': '3.0', 'OWASP-A09-001': '1.0' });
  });

  it('maps findings to results with locations, levels, fingerprints and suppressions', () => {
    expect(run.results).toHaveLength(result.findings.length);
    for (const r of run.results) {
      expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
      expect(r.partialFingerprints['sentrik/v1']).toMatch(/^f-/);
    }
    const byFp = (fp: string) => run.results.find((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['sentrik/v1'] === fp);

    const tls = byFp('f-tls-01');
    expect(tls.level).toBe('error');
    expect(tls.locations[0].physicalLocation).toMatchObject({
      artifactLocation: { uri: 'app/server.py', uriBaseId: '%SRCROOT%' },
      region: { startLine: 17, startColumn: 32, endLine: 17, endColumn: 44 },
    });
    expect(tls.properties).toMatchObject({ severity: 'high', pack: 'supply-chain-security', clause: 'PW.4.1', confidence: 'medium' });

    // Repository-level: no file is at fault; a marker path, not "./" (which GitHub cannot map); no region.
    const repo = byFp('f-secmd-01');
    expect(repo.level).toBe('warning');
    expect(repo.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: '(repository)', uriBaseId: '%SRCROOT%' } });

    // Only known positions are written.
    expect(byFp('f-log-01').locations[0].physicalLocation.region).toEqual({ startLine: 60 });
    expect(byFp('f-log-01').level).toBe('note');

    // Paths are URI references: a comma and quotes get percent-encoded.
    expect(byFp('f-formula-01').locations[0].physicalLocation.artifactLocation.uri).toBe('data/import%2C%22weird%22.csv');

    const suppressed = byFp('f-tls-suppressed');
    expect(suppressed.suppressions).toEqual([
      expect.objectContaining({ kind: 'inSource', status: 'accepted', justification: 'internal mirror with a pinned certificate' }),
    ]);
    expect(run.results.filter((r: { suppressions?: unknown }) => r.suppressions)).toHaveLength(1);
  });

  it('is deterministic', () => {
    expect(renderSarif(makeResult())).toBe(text);
  });
});
