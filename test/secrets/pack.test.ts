// The secrets pack: loads, has the promised breadth, every detector has a literal prefilter, and every rule
// passes its own examples (good ones include placeholders, env lookups and checksum-invalid tokens).
import { describe, expect, it } from 'vitest';
import { builtinPacksDir, loadPack } from '../../src/packs/load.js';
import { checkRuleExamples } from '../../src/packs/examples.js';
import { join } from 'node:path';

const pack = loadPack(join(builtinPacksDir(), 'secrets'), true);

describe('secrets pack', () => {
  it('covers at least 60 credential types', () => {
    expect(pack.rules.length).toBeGreaterThanOrEqual(60);
  });

  it('gives every detector lower-case keywords except the generic one', () => {
    const withoutKeywords = pack.rules
      .filter((r) => r.def.kind === 'secret' && r.matcher.scope === 'file' && !r.matcher.keywords)
      .map((r) => r.def.id);
    expect(withoutKeywords).toEqual(['SEC-GEN-001']);
    for (const r of pack.rules) {
      if (r.matcher.scope === 'file') for (const k of r.matcher.keywords ?? []) expect(k).toBe(k.toLowerCase());
    }
  });

  it('maps every rule to CWE-798 or CWE-321', () => {
    for (const r of pack.rules) expect(r.def.cwe.some((c) => c === 'CWE-798' || c === 'CWE-321'), r.def.id).toBe(true);
  });

  for (const rule of pack.rules) {
    it(`${rule.def.id} passes its examples`, () => {
      expect(checkRuleExamples(rule)).toEqual([]);
    });
  }
});
