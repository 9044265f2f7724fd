// Profiles, review triggers and approval binding as functions (the CLI tests run the same through processes).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import type { Finding, ScanResult } from '../../src/engine/model.js';
import { checkApprovals, type Approval } from '../../src/governance/approvals.js';
import { PROFILE_DEFAULTS } from '../../src/governance/profiles.js';
import { sha256 } from '../../src/governance/context.js';
import { computeReview, patchPresent, type AppliedPatch } from '../../src/governance/review.js';

const root = mkdtempSync(join(tmpdir(), 'sentrik-review-'));
const finding = (over: Partial<Finding>): Finding => ({
  ruleId: 'SCS-CI-001', packId: 'supply-chain-security', title: 't', severity: 'critical', message: 'm', file: 'ci.sh', line: 1, cwe: [], fingerprint: 'fp1', confidence: 'high', kind: 'regex', ...over,
});
const result = (findings: Finding[], scope: ScanResult['metrics']['scope'] = { mode: 'paths', paths: ['.'] }): ScanResult =>
  ({ root, tool: { name: 'sentrik', version: '0' }, findings, problems: [], skipped: [], rules: [], metrics: { scope } as ScanResult['metrics'] }) as ScanResult;

describe('profiles', () => {
  it.each(['strict', 'standard', 'permissive'] as const)('%s fills what nobody set, and only that', (profile) => {
    const loaded = loadConfig({ root, env: { SENTRIK_GATE_FAIL_ON: 'low' }, overrides: { governance: { profile } } });
    const d = PROFILE_DEFAULTS[profile];
    expect(loaded.config.gate.fail_on).toEqual(['low']); // explicit (environment) wins
    expect(loaded.config.governance.human_review_required.on_auto_patch_above).toBe(d['governance.human_review_required.on_auto_patch_above']);
    expect(loaded.config.governance.suppressions_require_approval).toBe(d['governance.suppressions_require_approval']);
    expect(loaded.sources['governance.suppressions_require_approval']).toBe(`default of profile ${profile}`);
  });

  it('standard is the built-in default, so a config without a profile is unchanged', () => {
    const loaded = loadConfig({ root, env: {} });
    expect(loaded.config.gate.fail_on).toEqual(DEFAULT_CONFIG.gate.fail_on);
    expect(loaded.config.governance).toEqual(DEFAULT_CONFIG.governance);
  });
});

describe('review triggers', () => {
  it('critical findings need review; suppressed ones and lower severities do not', () => {
    const r = computeReview(result([finding({}), finding({ fingerprint: 'fp2', severity: 'high' }), finding({ fingerprint: 'fp3', suppressed: { kind: 'inline', reason: 'x' } })]), DEFAULT_CONFIG, { commit: 'c1', applied: [] });
    expect(r.items.map((i) => i.id)).toEqual(['finding:fp1']);
    expect(r.reasons).toEqual(['critical finding SCS-CI-001 at ci.sh:1']);
  });

  it('the run id depends on the items and the commit only', () => {
    const a = computeReview(result([finding({})]), DEFAULT_CONFIG, { commit: 'c1', applied: [] });
    expect(computeReview(result([finding({ line: 9 })]), DEFAULT_CONFIG, { commit: 'c1', applied: [] }).runId).toBe(a.runId);
    expect(computeReview(result([finding({})]), DEFAULT_CONFIG, { commit: 'c2', applied: [] }).runId).not.toBe(a.runId);
  });

  it('suppressions added and requirement changes count on diff-scoped runs only', () => {
    const cfg = structuredClone(DEFAULT_CONFIG);
    cfg.governance.human_review_required.on_suppression_added = true;
    const sup = finding({ severity: 'low', suppressed: { kind: 'inline', reason: 'ok' } });
    const diff = { mode: 'git-range' as const, paths: ['api/openapi.yaml', 'ci.sh'] };
    const onDiff = computeReview(result([sup], diff), cfg, { applied: [] });
    expect(onDiff.items.map((i) => i.trigger)).toEqual(['on_requirement_change', 'on_suppression_added']);
    expect(computeReview(result([sup]), cfg, { applied: [] }).required).toBe(false);
  });

  it('an applied patch above the threshold needs review', () => {
    const r = computeReview(result([]), DEFAULT_CONFIG, { applied: [{ patch: 'p', hash: 'h1', at: '', fixes: [{ ruleId: 'R-1', severity: 'high', file: 'a.py', line: 2 }, { ruleId: 'R-2', severity: 'low', file: 'a.py', line: 3 }] }] });
    expect(r.items).toEqual([{ id: 'patch:h1', trigger: 'on_auto_patch_above', reason: 'auto-patch above medium applied (R-1 high in a.py:2)' }]);
  });

  it('an applied patch counts only while its change is in the tree', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentrik-applied-'));
    const patched = 'import requests\nr = requests.get(u, verify=True)\n';
    const p: AppliedPatch = {
      patch: 'out/patches/review/a.py.patch', hash: 'h1', at: '', fixes: [{ ruleId: 'R-1', severity: 'high', file: 'a.py', line: 2 }],
      file: 'a.py', contentHash: sha256(patched), changes: [{ line: 2, after: 'r = requests.get(u, verify=True)' }],
    };
    writeFileSync(join(dir, 'a.py'), patched);
    expect(patchPresent(dir, p)).toBe(true);
    // An unrelated edit (a line added above) keeps the patched line: still present, still reviewed.
    writeFileSync(join(dir, 'a.py'), `# note\n${patched}`);
    expect(patchPresent(dir, p)).toBe(true);
    // Re-indented (a formatter ran): still the change.
    writeFileSync(join(dir, 'a.py'), 'import requests\nif True:\n    r = requests.get(u, verify=True)\n');
    expect(patchPresent(dir, p)).toBe(true);
    // Reverted, with the same line far away in another part of the file: that line is not this change.
    writeFileSync(join(dir, 'a.py'), `import requests\nr = requests.get(u, verify=False)\n${'pass\n'.repeat(40)}r = requests.get(u, verify=True)\n`);
    expect(patchPresent(dir, p)).toBe(false);
    // Reverted (git checkout .), or deleted: the change is gone.
    writeFileSync(join(dir, 'a.py'), 'import requests\nr = requests.get(u, verify=False)\n');
    expect(patchPresent(dir, p)).toBe(false);
    rmSync(join(dir, 'a.py'));
    expect(patchPresent(dir, p)).toBe(false);
    // A record naming a path outside the root is not trusted to clear anything.
    expect(patchPresent(dir, { ...p, file: '../elsewhere.py' })).toBe(true);
    // An old record (no file/changes) is read from its patch file; with the patch gone it counts (fail closed).
    const old: AppliedPatch = { patch: 'p.patch', hash: 'h2', at: '', fixes: p.fixes };
    expect(patchPresent(dir, old)).toBe(true);
    writeFileSync(join(dir, 'p.patch'), '--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,2 @@\n import requests\n-r = requests.get(u, verify=False)\n+r = requests.get(u, verify=True)\n');
    expect(patchPresent(dir, old)).toBe(false);
    writeFileSync(join(dir, 'a.py'), patched);
    expect(patchPresent(dir, old)).toBe(true);
  });
});

describe('approval binding', () => {
  const approval: Approval = { id: 'run', items: ['finding:fp1', 'finding:fp2'], commit: 'c1', by: 'alice', reason: 'ok', at: '' };
  it('covers the exact items at the exact commit', () => {
    expect(checkApprovals(['finding:fp1'], [approval], 'c1', root, join(root, 'a.jsonl'))).toMatchObject({ approved: true, by: ['alice'] });
    expect(checkApprovals(['finding:fp1', 'finding:fp9'], [approval], 'c1', root, join(root, 'a.jsonl'))).toMatchObject({ approved: false, missing: ['finding:fp9'] });
  });
  it('a different commit (not a git repository here) or no commit voids it', () => {
    expect(checkApprovals(['finding:fp1'], [approval], 'c2', root, join(root, 'a.jsonl'))).toMatchObject({ approved: false, stale: ['run by alice was for commit c1'] });
    expect(checkApprovals(['finding:fp1'], [approval], undefined, root, join(root, 'a.jsonl')).approved).toBe(false);
  });
});
