// Governance through the real CLI: profiles, review + approvals bound to commits, fixes and patches, the
// audit trail, attestations, doctor and pack integrity, and packs run as parallel agents.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { expectNoStack, git, project, REPO, sentrik } from './helpers.js';

const PACKS = ['--packs', 'supply-chain-security,secrets'];
const commit = (root: string, msg = 'change') => {
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', msg);
};
const repo = (files: Record<string, string>) => {
  const root = project({ '.gitignore': 'out/\n.sentrik/cache/\n.sentrik/history.db*\n', ...files });
  git(root, 'init', '-q');
  commit(root, 'init');
  return root;
};

describe('profiles', () => {
  it('fill unset settings; explicit ones win; validate-config says where each came from', () => {
    const root = project({ '.sentrik/config.yaml': 'governance:\n  profile: strict\n  human_review_required:\n    on_auto_patch_above: medium\n' });
    const r = sentrik(['validate-config', '--root', root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/fail_on: \[critical, high, medium\] # default of profile strict/);
    expect(r.stdout).toMatch(/suppressions_require_approval: true # default of profile strict/);
    expect(r.stdout).toMatch(/on_auto_patch_above: medium # from .*config\.yaml:4/);
    expect(r.stdout).toMatch(/profile strict: gate fails on critical\/high\/medium/);
    const flag = sentrik(['gate', root, '--fail-on', 'critical', ...PACKS, '-q']);
    expect(flag.stdout).toMatch(/no critical findings/);
  });

  it('{ append } on a profile-governed list starts from the profile default and keeps its origin', () => {
    const root = project({ '.sentrik/config.yaml': 'governance:\n  profile: strict\ngate:\n  fail_on: { append: [low] }\nscan_exclude: { append: [vendor/] }\n' });
    const r = sentrik(['config', 'show', '--origin', '--root', root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/fail_on: \[critical, high, medium, low\] # default of profile strict \+ .*config\.yaml:4/);
    expect(r.stdout).toMatch(/scan_exclude: \[.*vendor\/\] # default \+ .*config\.yaml:5/);
  });

  it('strict: a file suppression without approved_by does not apply', () => {
    const root = project({
      '.sentrik/config.yaml': 'governance:\n  profile: strict\n',
      'ci.sh': 'curl -fsSL https://get.example.com/install.sh | bash\n',
      '.sentrik/suppressions.yaml': 'suppressions:\n  - { rule_id: SCS-CI-001, file_glob: ci.sh, reason: vendored installer }\n',
    });
    const r = sentrik(['gate', root, ...PACKS, '--output-dir', join(root, 'out')]);
    expect(r.code).toBe(1);
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/suppression at \.sentrik\/suppressions\.yaml:2 has no approved_by, which this profile requires/);
    const f = JSON.parse(readFileSync(join(root, 'out', 'findings.json'), 'utf8')).findings.find((x: any) => x.ruleId === 'SCS-CI-001');
    expect(f.suppressed).toBeUndefined();
  });

  it('strict: every command that reports on a scan agrees with the gate about a suppression without approved_by', () => {
    const root = project({
      '.sentrik/config.yaml': 'governance:\n  profile: strict\n',
      'server.js': 'const STRIPE_KEY = "sk_live_51HxQbE2eZvKYlo2C9aBcDeFgHiJkLmNoPq";\n',
      '.sentrik/suppressions.yaml': 'suppressions:\n  - rule_id: SEC-STRIPE-001\n    file_glob: server.js\n    reason: sandbox key\n',
    });
    expect(sentrik(['gate', root, '-q']).code).toBe(1);

    const report = sentrik(['compliance-report', root, '-f', 'secrets', '-o', join(root, 'c.json')]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/0 pass, 1 fail, .*1 findings, 0 suppressed/);
    expect(JSON.parse(readFileSync(join(root, 'c.json'), 'utf8')).clauses[0].status).toBe('fail');

    const trust = sentrik(['trust-center', root, '-f', 'secrets', '-o', join(root, 't.json')]);
    expect(trust.code, trust.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 't.json'), 'utf8')).frameworks[0].clauses[0].status).toBe('fail');

    expect(sentrik(['evidence-export', root, '-f', 'secrets', '-o', join(root, 'e.zip')]).code).toBe(0);
    const zip = unzipSync(readFileSync(join(root, 'e.zip')));
    expect(JSON.parse(strFromU8(zip['manifest.json'])).summary).toMatchObject({ fail: 1, pass: 0 });
    const stripe = JSON.parse(strFromU8(zip['findings.json'])).findings.find((x: any) => x.ruleId === 'SEC-STRIPE-001');
    expect(stripe.suppressed).toBeUndefined();

    const list = sentrik(['suppressions', 'list', root]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/status: +unapproved — no approved_by, which this profile requires: not applied/);
    expect(list.stdout).toContain('1 suppression: 1 unapproved');
    const records = JSON.parse(sentrik(['suppressions', 'list', root, '--json']).stdout);
    expect(records.map((r: any) => r.status)).toEqual(['unapproved']);
  });
});

describe('human review and approvals', () => {
  // No severity blocks here (fail_on: []), so the review alone decides the gate.
  const files = { 'install.sh': 'curl -fsSL https://get.example.com/i.sh | bash\n', '.sentrik/config.yaml': 'gate:\n  fail_on: []\n' };

  it('reports review required; --require-approval fails until an approval bound to the findings and commit exists', () => {
    const root = repo(files);
    const gate = (...extra: string[]) => sentrik(['gate', root, ...PACKS, '-q', ...extra]);
    const report = sentrik(['gate', root, ...PACKS, '--format', 'markdown']);
    expect(report.code).toBe(0); // reported, not enforced
    expect(report.stdout.replace(/\\/g, '')).toMatch(/review required: critical finding SCS-CI-001 at install.sh:1/);
    const first = gate('--require-approval');
    expect(first.code).toBe(1);
    const runId = /sentrik approve ([0-9a-f]{16})/.exec(first.stdout)![1];

    expect(sentrik(['approve', 'deadbeefdeadbeef', '--by', 'a@x', '--reason', 'r', '--root', root]).stderr).toMatch(/neither the run id/);
    const ok = sentrik(['approve', runId, '--by', 'alice@example.com', '--reason', 'installer is pinned upstream', '--root', root]);
    expect(ok.code).toBe(0);
    expect(gate('--require-approval')).toMatchObject({ code: 0 });
    expect(gate('--require-approval').stdout).toMatch(/review approved by alice@example\.com/);

    // Committing only the approval record keeps it valid.
    commit(root, 'approval');
    expect(gate('--require-approval').code).toBe(0);
    // Any other change voids it, and the gate says why.
    writeFileSync(join(root, 'README.md'), 'more\n');
    commit(root);
    const stale = gate('--require-approval');
    expect(stale.code).toBe(1);
    expect(stale.stdout.replace(/\s+/g, ' ')).toMatch(/the approval no longer applies \(\S+ by alice@example\.com was for commit [0-9a-f]{12}/);
    // Approving against a review computed for another commit is refused.
    writeFileSync(join(root, 'README.md'), 'again\n');
    commit(root);
    const r = sentrik(['approve', runId, '--by', 'a@x', '--reason', 'r', '--root', root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the review was computed for commit [0-9a-f]{12}, but HEAD is [0-9a-f]{12}/);
    expectNoStack(r.stderr);
  });

  it('approve refuses control characters in --by and --reason, shown escaped, and records nothing', () => {
    const root = repo(files);
    const runId = /sentrik approve ([0-9a-f]{16})/.exec(sentrik(['gate', root, ...PACKS, '-q', '--require-approval']).stdout)![1];
    const by = sentrik(['approve', runId, '--by', 'evil\n{"id":"x"}', '--reason', 'r', '--root', root]);
    expect(by.code).toBe(2);
    expect(by.stderr).toBe('sentrik: --by holds a control character: \'evil\\x0a{"id":"x"}\' — name who approves in plain text, e.g. --by alice@example.com\n');
    const reason = sentrik(['approve', runId, '--by', 'a@x', '--reason', 'fine\u001b[2J', '--root', root]);
    expect(reason.code).toBe(2);
    expect(reason.stderr).toMatch(/^sentrik: --reason holds a control character: 'fine\\x1b\[2J' — /);
    const id = sentrik(['approve', 'x\u001b[31m', '--by', 'a@x', '--reason', 'r', '--root', root]);
    expect(id.stderr).toContain("'x\\x1b[31m' is neither the run id");
    const separator = sentrik(['approve', runId, '--by', 'a@x\u2028ok', '--reason', 'r', '--root', root]);
    expect(separator.code).toBe(2);
    expect(separator.stderr).toMatch(/^sentrik: --by holds a control character: 'a@x<U\+2028>ok' — /);
    for (const r of [by, reason, id, separator]) expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u2028\u2029]/);
    expect(sentrik(['gate', root, ...PACKS, '-q', '--require-approval']).code).toBe(1);
  });

  it('a changed requirement file needs a review on a diff-scoped gate', () => {
    const root = repo({ 'api/openapi.yaml': 'openapi: 3.0.3\n', 'a.txt': 'x\n' });
    git(root, 'checkout', '-qb', 'feature');
    writeFileSync(join(root, 'api/openapi.yaml'), 'openapi: 3.0.3\ninfo: { title: t, version: "2" }\n');
    commit(root);
    const r = sentrik(['gate', '--root', root, '--git-range', 'main...HEAD', ...PACKS, '--require-approval', '-q'], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/requirement\/spec file changed: api\/openapi\.yaml/);
  });
});

describe('sentrik fix', () => {
  const files = {
    '.gitlab-ci.yml': 'test:\n  stage: test\n  script:\n    - npm install\n    - npm test\n',
    'deploy.py': 'import requests\r\nr = requests.get("https://x", verify=False)\r\n',
    'package.json': '{ "name": "demo", "version": "1.0.0" }\n',
    'package-lock.json': '{ "name": "demo", "lockfileVersion": 3, "packages": {} }\n',
  };

  it('--dry-run writes patches and changes no byte', () => {
    const root = project(files);
    const r = sentrik(['fix', root, '--dry-run', ...PACKS]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/would fix +\.gitlab-ci\.yml:4 +SCS-DEP-002 \(low\)/);
    expect(r.stdout).toMatch(/review +deploy\.py:2 +SCS-BUILD-002 \(high\)/);
    expect(readFileSync(join(root, '.gitlab-ci.yml'), 'utf8')).toBe(files['.gitlab-ci.yml']);
    expect(readFileSync(join(root, 'deploy.py'), 'utf8')).toBe(files['deploy.py']);
    expect(readFileSync(join(root, 'out/patches/.gitlab-ci.yml.patch'), 'utf8')).toContain('-    - npm install\n+    - npm ci\n');
  });

  it('npm install → npm ci only where a lockfile is committed: without one the finding stays, with what to do first', () => {
    const { 'package-lock.json': _lock, ...noLock } = files;
    const root = project(noLock);
    const scan = sentrik(['scan', root, ...PACKS, '--format', 'json', '--no-cache']);
    expect(JSON.parse(scan.stdout).findings.some((f: any) => f.ruleId === 'SCS-DEP-002' && f.line === 4)).toBe(true);
    const r = sentrik(['fix', root, ...PACKS]);
    expect(r.code).toBe(0);
    // Not applied on purpose (a requirement unmet), not a failure: its own outcome, in the terminal and fixes.json.
    expect(r.stdout).toMatch(/not applied +\.gitlab-ci\.yml:4 +SCS-DEP-002 \(low\)\n +no package-lock\.json or npm-shrinkwrap\.json at the root; npm ci would fail without one: commit a lockfile/);
    expect(r.stdout).not.toMatch(/^failed/m);
    expect(r.stdout).toMatch(/1 not applied \(a requirement unmet\), 0 did not apply/);
    const outcomes = JSON.parse(readFileSync(join(root, 'out/patches/fixes.json'), 'utf8')).outcomes as { ruleId: string; status: string }[];
    expect(outcomes.find((o) => o.ruleId === 'SCS-DEP-002')!.status).toBe('not-applied');
    expect(readFileSync(join(root, '.gitlab-ci.yml'), 'utf8')).toBe(files['.gitlab-ci.yml']);
    expect(existsSync(join(root, 'out/patches/.gitlab-ci.yml.patch'))).toBe(false);
    const explain = sentrik(['explain', 'SCS-DEP-002']);
    expect(explain.stdout.replace(/\s+/g, ' ')).toMatch(/commit one first .*then use `npm ci`/);
  });

  it('never writes a secret into a patch: context stops short of its line; a fix on its line is applied without a patch, or not proposed', () => {
    const key = 'sk_live_51HxQbE2eZvKYlo2C9aBcDeFgHiJkLmNoPq';
    const root = project({
      // The review fix (line 3) has the key two lines above it; the second one is on the key's own line.
      'a.py': `import requests\nAPI_KEY = "${key}"\nr = requests.get("https://x", verify=False)\nok = 1\nrequests.get("https://y", headers={"k": "${key}"}, verify=False)\n`,
    });
    const r = sentrik(['fix', root, '--dry-run', ...PACKS]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/failed +a\.py:3 +SCS-BUILD-002 \(high\)\n +not proposed: line 5 holds a secret/);
    const written = JSON.parse(readFileSync(join(root, 'out/patches/fixes.json'), 'utf8'));
    expect(JSON.stringify(written)).not.toContain(key);
    expect(existsSync(join(root, 'out/patches/review/a.py.patch'))).toBe(false);
    // Without the line that carries the key in the code, the patch is proposed, its context cut before line 2.
    writeFileSync(join(root, 'a.py'), `import requests\nAPI_KEY = "${key}"\nr = requests.get("https://x", verify=False)\nok = 1\n`);
    expect(sentrik(['fix', root, '--dry-run', ...PACKS]).code).toBe(0);
    const patch = readFileSync(join(root, 'out/patches/review/a.py.patch'), 'utf8');
    expect(patch).not.toContain(key);
    expect(patch).toContain('@@ -3,2 +3,2 @@\n-r = requests.get("https://x", verify=False)\n+r = requests.get("https://x", verify=True)\n ok = 1\n');
    expect(sentrik(['fix', root, '--patch', join(root, 'out/patches/review/a.py.patch')]).code).toBe(0);
    expect(readFileSync(join(root, 'a.py'), 'utf8')).toContain('verify=True');
  });

  it('applies fixes up to the profile severity; a reviewed patch applies later, a stale one changes nothing', () => {
    const root = project(files);
    expect(sentrik(['fix', root, ...PACKS]).stdout).toMatch(/1 fixes applied in 1 files \(up to medium\), 1 need review/);
    expect(readFileSync(join(root, '.gitlab-ci.yml'), 'utf8')).toContain('    - npm ci\n');
    expect(readFileSync(join(root, 'deploy.py'), 'utf8')).toBe(files['deploy.py']); // high: not without review
    const patch = join(root, 'out/patches/review/deploy.py.patch');

    const stale = 'import requests\r\nr = requests.get("https://y", verify=False)\r\n';
    writeFileSync(join(root, 'deploy.py'), stale);
    const r = sentrik(['fix', root, '--patch', patch]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/patch no longer applies: deploy\.py:2 has changed since the patch was written \(nothing was modified\)/);
    expect(readFileSync(join(root, 'deploy.py'), 'utf8')).toBe(stale);

    writeFileSync(join(root, 'deploy.py'), files['deploy.py']);
    expect(sentrik(['fix', root, '--patch', patch]).code).toBe(0);
    expect(readFileSync(join(root, 'deploy.py'), 'utf8')).toBe('import requests\r\nr = requests.get("https://x", verify=True)\r\n'); // CRLF kept
    // The applied high-severity patch is now a review trigger for the gate.
    const gate = sentrik(['gate', root, ...PACKS, '-q']);
    expect(gate.stdout.replace(/\s+/g, ' ')).toMatch(/review required: auto-patch above medium applied \(SCS-BUILD-002 high in deploy\.py:2\)/);
  });

  it('an applied patch asks for review only while its change is in the tree (reverted, or another branch: no)', () => {
    const root = repo({ 'deploy.py': files['deploy.py'] });
    sentrik(['fix', root, '--dry-run', ...PACKS]);
    const patch = join(root, 'out/patches/review/deploy.py.patch');
    const gate = () => sentrik(['gate', root, ...PACKS, '--require-approval', '--fail-on', 'critical', '-q']);
    const REVIEW = /review required: auto-patch above medium applied/;
    expect(sentrik(['fix', root, '--patch', patch]).code).toBe(0);
    const record = JSON.parse(readFileSync(join(root, 'out/patches/applied.json'), 'utf8'));
    expect(record).toHaveLength(1);
    expect(record[0]).toMatchObject({ file: 'deploy.py', contentHash: expect.stringMatching(/^[0-9a-f]{64}$/), changes: [{ line: 2 }], branch: expect.any(String), commit: expect.stringMatching(/^[0-9a-f]{40}/) });
    let g = gate();
    expect(g.code).toBe(1);
    expect(g.stdout.replace(/\s+/g, ' ')).toMatch(REVIEW);

    // Reverted: no review, the gate passes, and the attestation does not carry the stale reason.
    git(root, 'checkout', '.');
    g = gate();
    expect(g.stdout.replace(/\s+/g, ' ')).not.toMatch(REVIEW);
    expect(g.code).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'out/review.json'), 'utf8'))).toMatchObject({ required: false, items: [] });
    const att = sentrik(['attest', root], { env: { SENTRIK_ATTEST_HMAC_KEY: 'k' } });
    expect(att.code).toBe(0);
    expect(readFileSync(join(root, 'out/attestation.intoto.json'), 'utf8')).not.toMatch(/auto-patch above/);

    // Applied and committed on a branch: reviewed there; back on the main branch, without the change, not.
    const main = git(root, 'symbolic-ref', '--short', 'HEAD').trim();
    git(root, 'checkout', '-qb', 'hardening');
    expect(sentrik(['fix', root, '--patch', patch]).code).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'out/patches/applied.json'), 'utf8'))).toHaveLength(1); // the same patch, recorded once
    commit(root, 'verify TLS');
    expect(gate().stdout.replace(/\s+/g, ' ')).toMatch(REVIEW);
    git(root, 'checkout', '-q', main);
    g = gate();
    expect(g.code).toBe(0);
    expect(g.stdout.replace(/\s+/g, ' ')).not.toMatch(REVIEW);
  });

  it('leaves a file byte-identical when one of its fixes does not apply cleanly', () => {
    const rule = [
      'id: fixdemo', 'name: Fix demo', 'version: "1"', 'standard: Demo', 'description: A fix that cannot apply.', 'rules:',
      '  - id: DEMO-FIX-001', '    title: Danger call', '    severity: low', '    kind: regex', '    message: a dangerous call', '    remediation: do not',
      "    match: { any: ['danger\\(\\)'] }",
      "    fix: { replace: 'no-such-text', with: 'safe', fixed: { code: \"safe()\\n\" } }",
      "    examples: { bad: [{ file: a.txt, code: \"danger()\\n\", line: 1 }], good: [{ file: a.txt, code: \"safe()\\n\" }] }",
      '',
    ].join('\n');
    const root = project({ '.sentrik/rules/fixdemo/pack.yaml': rule, 'a.txt': 'danger()\n', 'ci/.gitlab-ci.yml': files['.gitlab-ci.yml'] });
    const r = sentrik(['fix', root, '--packs', 'fixdemo']);
    expect(r.stdout).toMatch(/failed +a\.txt:1 +DEMO-FIX-001 \(low\)\n +does not apply cleanly: the fix's pattern is not on line 1/);
    expect(readFileSync(join(root, 'a.txt'), 'utf8')).toBe('danger()\n');
  });

  it("fixes a detection two rules saw once, with the duplicate's fix when the rule that stands has none", () => {
    const rule = (id: string, severity: string, fix: string) => [
      `  - id: ${id}`, '    title: Danger call', `    severity: ${severity}`, '    kind: regex', '    cwe: [CWE-676]', '    message: a dangerous call', '    remediation: do not',
      "    match: { any: ['danger\\(\\)'] }",
      ...(fix ? [fix] : []),
      "    examples: { bad: [{ file: a.txt, code: \"danger()\\n\", line: 1 }], good: [{ file: a.txt, code: \"safe()\\n\" }] }",
    ];
    const pack = [
      'id: dupfix', 'name: Dup fix', 'version: "1"', 'standard: Demo', 'description: Two rules, one detection.', 'rules:',
      ...rule('DEMO-DUP-001', 'high', ''),
      ...rule('DEMO-DUP-002', 'low', "    fix: { replace: 'danger', with: 'safe', fixed: { code: \"safe()\\n\" } }"),
      '',
    ].join('\n');
    const root = project({ '.sentrik/rules/dupfix/pack.yaml': pack, 'a.txt': 'danger()\n' });
    sentrik(['scan', root, '--packs', 'dupfix', '--format', 'json', '--output', join(root, 'f.json')]);
    const found = JSON.parse(readFileSync(join(root, 'f.json'), 'utf8')).findings.filter((f: { file: string }) => f.file === 'a.txt').map((f: { ruleId: string; suppressed?: { kind: string } }) => [f.ruleId, f.suppressed?.kind]);
    expect(found).toEqual([['DEMO-DUP-001', undefined], ['DEMO-DUP-002', 'duplicate']]);
    const r = sentrik(['fix', root, '--packs', 'dupfix', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/would fix +a\.txt:1 +DEMO-DUP-002 \(low\)/);
  });

  it('never writes through a symlink that leaves the scan root', () => {
    const outside = project({ 'victim.py': 'requests.get(u, verify=False)\n' });
    const root = project({ 'ok.txt': 'x\n' });
    symlinkSync(join(outside, 'victim.py'), join(root, 'link.py'));
    sentrik(['fix', root, ...PACKS]);
    expect(readFileSync(join(outside, 'victim.py'), 'utf8')).toBe('requests.get(u, verify=False)\n');
  });
});

describe('audit trail', () => {
  it('records scans, gates and fixes in a chain that `audit verify` checks, naming a tampered entry', () => {
    const root = project({ 'install.sh': 'curl https://x.sh | sh\n' });
    const env = { SENTRIK_AUDIT_HMAC_KEY: 'k3y-for-tests' };
    sentrik(['scan', root, ...PACKS, '-q'], { env });
    sentrik(['gate', root, ...PACKS, '-q'], { env });
    const log = join(root, 'out/agent_audit.jsonl');
    const entries = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(entries.map((e) => e.event)).toEqual(['scan', 'gate']);
    expect(entries[1]).toMatchObject({ alg: 'hmac-sha256', tool: { name: 'sentrik' }, outcome: { passed: false } });
    expect(entries[1].packs.map((p: any) => p.id)).toEqual(['supply-chain-security', 'secrets']);
    expect(entries[1].packs[0].hash).toMatch(/^[0-9a-f]{64}$/);

    expect(sentrik(['audit', 'verify', '--root', root], { env })).toMatchObject({ code: 0 });
    const noKey = sentrik(['audit', 'verify', '--root', root]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/HMAC-signed entries but SENTRIK_AUDIT_HMAC_KEY is not set/);

    writeFileSync(log, readFileSync(log, 'utf8').replace('"passed":false', '"passed":true'));
    const bad = sentrik(['audit', 'verify', '--root', root], { env });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/TAMPERED +line 2: entry 2 was edited/);
  });

  it('a configuration change between runs is its own entry; without a key the chain is unkeyed, which audit verify and doctor say (a scan stays quiet)', () => {
    const root = project({ 'a.txt': 'x\n' });
    const first = sentrik(['scan', root, ...PACKS, '-q']);
    expect(first.stderr).not.toMatch(/HMAC|audit/);
    expect(sentrik(['doctor', '--root', root]).stdout).toMatch(/SENTRIK_AUDIT_HMAC_KEY/);
    mkdirSync(join(root, '.sentrik'), { recursive: true });
    writeFileSync(join(root, '.sentrik/config.yaml'), 'gate:\n  fail_on: [critical]\n');
    sentrik(['scan', root, ...PACKS, '-q']);
    const events = readFileSync(join(root, 'out/agent_audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).event);
    expect(events).toEqual(['scan', 'config-change', 'scan']);
    expect(sentrik(['audit', 'verify', '--root', root]).stdout).toMatch(/Audit log intact: 3 entries \(0 HMAC-signed, 3 unkeyed\)/);
  });
});

describe('attestations', () => {
  it('HMAC: writes an in-toto Statement about the commit and verifies it; a changed byte or key fails', () => {
    const root = repo({ 'a.txt': 'x\n' });
    const env = { SENTRIK_ATTEST_HMAC_KEY: 'attest-key' };
    const out = join(root, 'att.json');
    const r = sentrik(['attest', root, '-o', out], { env });
    expect(r.code).toBe(0);
    const env1 = JSON.parse(readFileSync(out, 'utf8'));
    const statement = JSON.parse(Buffer.from(env1.payload, 'base64').toString());
    expect(statement._type).toBe('https://in-toto.io/Statement/v1');
    expect(statement.subject[0].digest.gitCommit).toBe(git(root, 'rev-parse', 'HEAD').trim());
    expect(statement.predicate.gate).toHaveProperty('passed');
    expect(statement.predicate.packs[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(sentrik(['attest', '--verify', out], { env }).stdout).toMatch(/^VALID/);
    expect(sentrik(['attest', '--verify', out], { env: { SENTRIK_ATTEST_HMAC_KEY: 'other' } })).toMatchObject({ code: 1 });

    statement.predicate.gate.passed = !statement.predicate.gate.passed;
    writeFileSync(out, JSON.stringify({ ...env1, payload: Buffer.from(JSON.stringify(statement)).toString('base64') }));
    const bad = sentrik(['attest', '--verify', out], { env });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/INVALID .*no signature verifies/);
  });

  it('ed25519: signs with a private key, verifies with the public one; a missing key is a clear error', () => {
    const root = repo({ 'a.txt': 'x\n' });
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(root, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(root, 'pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    const out = join(root, 'att.json');
    expect(sentrik(['attest', root, '--key', join(root, 'key.pem'), '-o', out]).code).toBe(0);
    expect(sentrik(['attest', '--verify', out, '--key', join(root, 'pub.pem')]).code).toBe(0);
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' });
    writeFileSync(join(root, 'other.pem'), other);
    expect(sentrik(['attest', '--verify', out, '--key', join(root, 'other.pem')]).code).toBe(1);
    const none = sentrik(['attest', root]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no signing key: SENTRIK_ATTEST_HMAC_KEY is not set/);
  });
});

describe('doctor and built-in pack integrity', () => {
  it('doctor passes on this build', () => {
    const r = sentrik(['doctor', '--root', project({})]);
    expect(r.stdout).toMatch(/ok +packs +\d+ built-in packs match the manifest/);
    expect(r.code).toBe(0);
  });

  it('scan refuses a corrupted built-in pack, naming the file; doctor fails', () => {
    // A copy of the installation (bin, dist with its manifest, packs) whose pack file is then corrupted.
    const inst = mkdtempSync(join(tmpdir(), 'sentrik-install-'));
    for (const d of ['bin', 'dist', 'packs']) cpSync(join(REPO, d), join(inst, d), { recursive: true });
    cpSync(join(REPO, 'package.json'), join(inst, 'package.json'));
    symlinkSync(join(REPO, 'node_modules'), join(inst, 'node_modules'));
    const file = join(inst, 'packs/supply-chain-security/rules/ci.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('severity: critical', 'severity: info'));
    const bin = join(inst, 'bin/sentrik.js');
    const r = sentrikWith(bin, ['scan', '.', '--packs', 'supply-chain-security']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/built-in pack 'supply-chain-security' does not match its manifest \(changed: rules\/ci\.yaml\); refusing to run it/);
    expectNoStack(r.stderr);
    const d = sentrikWith(bin, ['doctor']);
    expect(d.code).toBe(1);
    expect(d.stdout).toMatch(/FAIL +packs +supply-chain-security: changed: rules\/ci\.yaml/);
  });
});

describe('agent_scan', () => {
  const many = () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 220; i++) files[`src/f${i}.py`] = `import requests\nr = requests.get("https://x", verify=False)\ntoken = "ghp_${'a1B2c3D4e5'.repeat(3)}abcdef"\n`;
    return project(files);
  };

  it('runs each pack as its own worker with per-pack timings, with the same findings as a plain scan', () => {
    const root = many();
    const out = (n: string) => join(root, n);
    sentrik(['scan', root, ...PACKS, '--no-cache', '-q', '--output-dir', out('a')], { env: { SENTRIK_AGENT_SCAN: 'true', SENTRIK_JOBS: '2' } });
    sentrik(['scan', root, ...PACKS, '--no-cache', '-q', '--output-dir', out('b')], { env: { SENTRIK_AGENT_SCAN: 'false', SENTRIK_JOBS: '2' } });
    const metrics = JSON.parse(readFileSync(out('a/scan_metrics.json'), 'utf8'));
    expect(Object.keys(metrics.perPackMs).sort()).toEqual(['secrets', 'supply-chain-security']);
    const key = (f: any) => `${f.fingerprint}|${f.snippet}`;
    const a = JSON.parse(readFileSync(out('a/findings.json'), 'utf8')).findings.map(key).sort();
    const b = JSON.parse(readFileSync(out('b/findings.json'), 'utf8')).findings.map(key).sort();
    expect(a.length).toBeGreaterThan(400);
    expect(a).toEqual(b);
    expect(a.join('\n')).not.toContain('a1B2c3D4e5a1B2'); // the token stays masked in every snippet
  });

  it('a pack that runs past agent_timeout is stopped and reported; the scan still completes', () => {
    const root = many();
    writeFileSync(join(root, 'cfg.yaml'), 'agent_scan: true\nagent_timeout: 0.001\n');
    const r = sentrik(['scan', root, ...PACKS, '--no-cache', '--config', join(root, 'cfg.yaml'), '--output-dir', join(root, 'o')]);
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/pack (secrets|supply-chain-security) did not finish within 0\.001 s and was stopped/);
    expect(existsSync(join(root, 'o/findings.json'))).toBe(true);
  });
});

/** Run another installation's CLI (a copy with a corrupted pack). */
function sentrikWith(bin: string, args: string[]) {
  const cwd = project({ 'a.sh': 'echo\n' });
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: '/tmp', NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
