// Every rule of every built-in pack passes its own examples (the pack is its own test suite).
import { describe, expect, it } from 'vitest';
import { builtinPacksDir, loadPacksFrom } from '../src/packs/load.js';
import { checkRuleExamples } from '../src/packs/examples.js';

const packs = loadPacksFrom(builtinPacksDir(), true);

describe('built-in packs', () => {
  it('exist', () => {
    expect(packs.length).toBeGreaterThan(0);
  });
  for (const pack of packs) {
    describe(pack.id, () => {
      for (const rule of pack.rules) {
        it(`${rule.def.id} passes its examples`, () => {
          expect(rule.def.examples.bad.length, 'a rule needs at least one bad example').toBeGreaterThan(0);
          expect(checkRuleExamples(rule)).toEqual([]);
        });
      }
    });
  }
});
