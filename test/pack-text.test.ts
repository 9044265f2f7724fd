// Pack prose (titles, messages, remediation, descriptions) is trimmed when a pack loads: a folded YAML scalar
// (`>`) keeps its final newline, which the terminal report printed as a visible `\x0a`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinPacksDir, loadPack, loadPacksFrom } from '../src/packs/load.js';

const tmp = mkdtempSync(join(tmpdir(), 'sentrik-pack-text-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CUSTOM = `id: acme
name: >
  Acme rules
version: 1.0.0
standard: Acme policy
description: >
  Folded text keeps its final newline.
mappings:
  - clause: P-1
    title: >
      No eval
    note: >
      ACME-001 shows it.
    rules: [ACME-001]
rules:
  - id: ACME-001
    title: >
      eval of input
    severity: high
    kind: regex
    clause: >
      P-1
    message: >
      Do not eval.
    remediation: >
      Parse the data instead.
    match: { any: ['eval\\('] }
    examples:
      bad: [{ file: a.js, line: 1, code: "eval(x)\\n" }]
      good: [{ file: a.js, code: "JSON.parse(x)\\n" }]
`;

describe('pack text fields', () => {
  it('a custom pack loads with its folded text trimmed', () => {
    const dir = join(tmp, 'acme');
    mkdirSync(dir);
    writeFileSync(join(dir, 'pack.yaml'), CUSTOM);
    const pack = loadPack(dir, false);
    const { def } = pack.rules[0];
    expect([def.title, def.message, def.remediation, def.clause]).toEqual(['eval of input', 'Do not eval.', 'Parse the data instead.', 'P-1']);
    expect([pack.name, pack.description]).toEqual(['Acme rules', 'Folded text keeps its final newline.']);
    expect([pack.mappings[0].title, pack.mappings[0].note]).toEqual(['No eval', 'ACME-001 shows it.']);
  });

  it('no built-in rule text ends in whitespace', () => {
    const untrimmed: string[] = [];
    for (const pack of loadPacksFrom(builtinPacksDir(), true)) {
      for (const r of pack.rules) {
        for (const [field, value] of Object.entries({ title: r.def.title, message: r.def.message, remediation: r.def.remediation })) {
          if (/\s$/.test(value)) untrimmed.push(`${r.def.id}.${field}`);
        }
      }
    }
    expect(untrimmed).toEqual([]);
  });
});
