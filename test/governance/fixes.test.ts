// Rule fixes: every built-in fix turns its bad example into its `fixed` code (and the rule stops flagging it);
// the fix primitives keep bytes, line endings and unrelated lines exactly.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEdits, fixLine, fixRange } from '../../src/fixes/apply.js';
import { checkFixExample } from '../../src/fixes/examples.js';
import { applyPatch, parsePatch, unifiedDiff } from '../../src/fixes/patch.js';
import { unmetRequirement } from '../../src/fixes/plan.js';
import { builtinPacksDir, loadPacksFrom } from '../../src/packs/load.js';
import { fixSchema } from '../../src/packs/schema.js';

const rules = loadPacksFrom(builtinPacksDir(), true).flatMap((p) => p.rules);
const withFix = rules.filter((r) => r.def.fix);

describe('built-in rule fixes', () => {
  it('cover the mechanical cases the product promises', () => {
    expect(withFix.map((r) => r.def.id)).toEqual(expect.arrayContaining(['SCS-BUILD-002', 'OWASP-A02-002', 'OWASP-A05-001', 'OWASP-A08-001', 'SCS-DEP-002']));
  });
  for (const rule of withFix) {
    it(`${rule.def.id}: its fix turns the bad example into the fixed one`, () => {
      expect(checkFixExample(rule)).toEqual([]);
    });
  }
});

describe('fix primitives', () => {
  const parse = (f: unknown) => fixSchema.parse(f);

  it('replacements expand $1, ${name}, $& and $$', () => {
    expect(fixLine(parse({ replace: '(\\w+)=False', with: '$1=True', fixed: { code: '' } }), 'a(verify=False)')).toBe('a(verify=True)');
    expect(fixLine(parse({ replace: '(?P<k>\\w+)=False', with: '${k}=True [$&] $$', fixed: { code: '' } }), 'x=False')).toBe('x=True [x=False] $');
    expect(fixLine(parse({ replace: 'nothing', with: 'x', fixed: { code: '' } }), 'a line')).toBeUndefined();
  });

  it('templates rewrite the whole line, keeping its indentation', () => {
    const fix = parse({ replace: 'DEBUG = (\\w+)', template: '{{indent}}DEBUG = False  # was {{1}}', fixed: { code: '' } });
    expect(fixLine(fix, '    DEBUG = True')).toBe('    DEBUG = False  # was True');
  });

  it('a fix that requires a file applies only where one is in the flagged file\'s folder or above', () => {
    const root = mkdtempSync(join(tmpdir(), 'sentrik-requires-'));
    const fix = parse({ replace: 'npm install', with: 'npm ci', requires: { any_file: ['package-lock.json', 'npm-shrinkwrap.json'], hint: 'commit a lockfile, then use npm ci' }, fixed: { code: '' } });
    expect(unmetRequirement(root, '.gitlab-ci.yml', fix)).toBe('no package-lock.json or npm-shrinkwrap.json at the root; commit a lockfile, then use npm ci');
    expect(unmetRequirement(root, 'web/Dockerfile', fix)).toMatch(/^no package-lock\.json or npm-shrinkwrap\.json in web\/ or a folder above it;/);
    mkdirSync(join(root, 'web'));
    writeFileSync(join(root, 'web', 'npm-shrinkwrap.json'), '{}');
    expect(unmetRequirement(root, 'web/Dockerfile', fix)).toBeUndefined();
    expect(unmetRequirement(root, '.gitlab-ci.yml', fix)).toMatch(/^no package-lock/); // a lockfile in a subfolder is not the root's
    writeFileSync(join(root, 'package-lock.json'), '{}');
    expect(unmetRequirement(root, '.github/workflows/ci.yml', fix)).toBeUndefined();
    expect(unmetRequirement(root, '.gitlab-ci.yml', parse({ replace: 'a', with: 'b', fixed: { code: '' } }))).toBeUndefined();
    // Only file names: a requirement cannot look outside the folders above the flagged file.
    expect(fixSchema.safeParse({ replace: 'a', with: 'b', requires: { any_file: ['../x.json'], hint: 'h' }, fixed: { code: '' } }).success).toBe(false);
    expect(fixSchema.safeParse({ replace: 'a', with: 'b', requires: { any_file: ['..'], hint: 'h' }, fixed: { code: '' } }).success).toBe(false);
  });

  it('rejects fixes that would add lines or use patterns RE2 cannot run', () => {
    expect(fixSchema.safeParse({ replace: 'a', with: 'b\nc', fixed: { code: '' } }).success).toBe(false);
    expect(fixSchema.safeParse({ replace: '(?=a)', with: 'b', fixed: { code: '' } }).success).toBe(false);
    expect(fixSchema.safeParse({ replace: 'a', with: 'b', template: 'c', fixed: { code: '' } }).success).toBe(false);
  });

  it('keeps CRLF line endings and a missing final newline byte for byte', () => {
    const text = 'import requests\r\nrequests.get(u, verify=False)\r\nprint(1)';
    const r = fixRange(parse({ replace: 'verify=False', with: 'verify=True', fixed: { code: '' } }), text, 2, 2);
    if ('error' in r) throw new Error(r.error);
    expect(applyEdits(text, r.edits)).toBe('import requests\r\nrequests.get(u, verify=True)\r\nprint(1)');
  });

  it('reports, rather than guesses, when the pattern is not on the flagged line', () => {
    const r = fixRange(parse({ replace: 'verify=False', with: 'verify=True', fixed: { code: '' } }), 'a\nb\n', 2, 2);
    expect(r).toEqual({ error: "the fix's pattern is not on line 2" });
  });

  it('withheld lines (secrets) never appear in a patch: hunks stop short of them or split around them', () => {
    const text = ['a', 'SECRET1', 'b', 'fix-me', 'c', 'SECRET2', 'd', 'fix-me-too', 'e', ''].join('\n');
    const edits = [
      { line: 4, before: 'fix-me', after: 'fixed' },
      { line: 8, before: 'fix-me-too', after: 'fixed-too' },
    ];
    const patch = unifiedDiff('f.txt', text, edits, new Set([2, 6]));
    expect(patch).not.toMatch(/SECRET/);
    expect(patch).toBe('--- a/f.txt\n+++ b/f.txt\n@@ -3,3 +3,3 @@\n b\n-fix-me\n+fixed\n c\n@@ -7,3 +7,3 @@\n d\n-fix-me-too\n+fixed-too\n e\n');
    const parsed = parsePatch(patch);
    expect('hunks' in parsed && applyPatch(text, parsed)).toEqual({ text: text.replace('fix-me\n', 'fixed\n').replace('fix-me-too', 'fixed-too') });
  });

  it('a written patch applies back exactly, and refuses a file that changed since', () => {
    const text = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const patch = unifiedDiff('src/a.py', text, [{ line: 6, before: 'line 6', after: 'LINE 6' }]);
    expect(patch).toContain('@@ -3,7 +3,7 @@');
    const parsed = parsePatch(patch);
    if ('error' in parsed) throw new Error(parsed.error);
    expect(parsed.path).toBe('src/a.py');
    expect(applyPatch(text, parsed)).toEqual({ text: text.replace('line 6', 'LINE 6') });
    expect(applyPatch(text.replace('line 4', 'line four'), parsed)).toEqual({ mismatchAt: 4, expected: 'line 4' });
  });
});
