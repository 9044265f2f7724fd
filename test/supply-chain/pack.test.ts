// The supply-chain pack: loads cleanly and every rule passes its own examples.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinPacksDir, loadPack } from '../../src/packs/load.js';
import { checkRuleExamples } from '../../src/packs/examples.js';

const pack = loadPack(join(builtinPacksDir(), 'supply-chain-security'), true);

describe('supply-chain-security pack', () => {
  it('has the reference ids, ≥ 20 code rules and 4 documentation obligations', () => {
    const ids = pack.rules.map((r) => r.def.id);
    for (const id of ['SCS-CI-001', 'SCS-CI-003', 'SCS-CI-005', 'SCS-DEP-001', 'SCS-DEP-005', 'SCS-BUILD-001', 'SCS-SEC-001']) expect(ids).toContain(id);
    expect(pack.rules.filter((r) => r.def.kind !== 'documentation_obligation').length).toBeGreaterThanOrEqual(20);
    const docs = pack.rules.filter((r) => r.def.kind === 'documentation_obligation');
    expect(docs.map((r) => r.def.id).sort()).toEqual(['SCS-DOC-001', 'SCS-DOC-002', 'SCS-DOC-003', 'SCS-DOC-004']);
    expect(docs.every((r) => r.def.gate === false)).toBe(true);
  });
  it('every rule names a standard, clause and (for code rules) a CWE', () => {
    for (const r of pack.rules) {
      expect(r.standard, r.def.id).toMatch(/SSDF|SLSA/);
      expect(r.def.clause, r.def.id).toBeTruthy();
      if (r.def.kind !== 'documentation_obligation') expect(r.def.cwe.length, r.def.id).toBeGreaterThan(0);
    }
  });
  for (const rule of pack.rules) {
    it(`${rule.def.id} passes its examples`, () => {
      expect(rule.def.examples.bad.length).toBeGreaterThan(0);
      expect(rule.def.examples.good.length).toBeGreaterThan(0);
      expect(checkRuleExamples(rule)).toEqual([]);
    });
  }
});
