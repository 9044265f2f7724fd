// The secrets pack: loads, has the promised breadth, every detector has a prefilter (keywords or patterns), and every rule
// passes its own examples (good ones include placeholders, env lookups and checksum-invalid tokens).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allMatches, compileRegex, testRegex } from '../../src/engine/regex.js';
import { scanText } from '../../src/engine/file-scan.js';
import { buildRuleSet } from '../../src/engine/ruleset.js';
import type { SecretMatch } from '../../src/engine/matchers/secret.js';
import { builtinPacksDir, loadPack } from '../../src/packs/load.js';
import { checkRuleExamples } from '../../src/packs/examples.js';

const pack = loadPack(join(builtinPacksDir(), 'secrets'), true);

describe('secrets pack', () => {
  it('covers at least 60 credential types', () => {
    expect(pack.rules.length).toBeGreaterThanOrEqual(60);
  });

  it('gives every detector lower-case keywords or prefilter patterns, the generic one too', () => {
    const withoutKeywords = pack.rules
      .filter((r) => r.def.kind === 'secret' && r.matcher.scope === 'file' && !r.matcher.keywords && !r.matcher.prefilter)
      .map((r) => r.def.id);
    expect(withoutKeywords).toEqual([]);
    for (const r of pack.rules) {
      if (r.matcher.scope === 'file') for (const k of r.matcher.keywords ?? []) expect(k).toBe(k.toLowerCase());
    }
  });

  // RE2 takes the first alternative that matches and does not come back when the boundary check then rejects it:
  // in `([a-f0-9]{32}|[a-f0-9]{40})` the 40-character key is never found. Write the longer one as an optional tail.
  it('has no alternation whose first branch is a shorter run of the same characters as the next', () => {
    const sameClassTwice = /(\[[^\]]+\])\{(\d+)(?:,\d*)?\}\|\1\{(\d+)/g;
    const shorterFirst = (pattern: string): boolean => [...pattern.matchAll(sameClassTwice)].some((m) => Number(m[2]) < Number(m[3]));
    const offenders = pack.rules.filter((r) => shorterFirst((r.def.match as SecretMatch).pattern ?? '')).map((r) => r.def.id);
    expect(offenders).toEqual([]);
  });

  it('finds every bad example through the keyword prefilter (the full per-file path)', () => {
    const rules = buildRuleSet([pack], {}, 'test');
    for (const r of pack.rules) {
      if (r.def.kind !== 'secret') continue;
      for (const ex of r.def.examples.bad) {
        const hits = scanText(ex.file!, ex.code!, rules).hits.filter((h) => h.ruleId === r.def.id);
        expect(hits.length, `${r.def.id} ${ex.file}`).toBeGreaterThan(0);
      }
    }
  });

  // Keywords and prefilters are a promise: every match contains one (or, for a detector gated on nearby context,
  // the context it requires does). Checked on secretlint's third-party fixtures, every raw match before any
  // screening; prefilter patterns are searched case-insensitively, as the scan does. (A rule's own examples go
  // through the prefilter in the full per-file path above.)
  const corpus = join(__dirname, '../../../shared/corpora/secretlint/files');
  it.skipIf(!existsSync(corpus))('keeps its prefilter promise on every raw match in the secretlint corpus', () => {
    const detectors = pack.rules
      .filter((r) => r.def.kind === 'secret')
      .map((r) => {
        const m = r.def.match as SecretMatch;
        const prefilter = (m.prefilter ?? []).map((p) => compileRegex(p, { ignoreCase: true }));
        const requires = (m.context?.requires ?? []).map((p) => compileRegex(p));
        const within = (s: string): boolean =>
          m.keywords ? m.keywords.some((k) => s.toLowerCase().includes(k)) : prefilter.some((re) => testRegex(re, s));
        // Gated on context: the rule reports only near a match of a required pattern, so it suffices that every
        // such match in the file keeps the promise.
        const carried = (text: string): boolean => requires.length > 0 && requires.every((re) => allMatches(re, text).every((h) => within(h.text)));
        return { id: r.def.id, within, carried, re: compileRegex(m.pattern, { ignoreCase: m.ignore_case }) };
      });
    const broken: string[] = [];
    let matches = 0;
    for (const f of readdirSync(corpus, { recursive: true, withFileTypes: true })) {
      if (!f.isFile()) continue;
      const buf = readFileSync(join(f.parentPath, f.name));
      if (buf.subarray(0, 8192).includes(0)) continue;
      const text = buf.toString('utf8');
      for (const d of detectors) {
        for (const hit of allMatches(d.re, text)) {
          matches++;
          if (!d.within(hit.text) && !d.carried(text)) broken.push(`${d.id}: ${f.name}`);
        }
      }
    }
    expect(matches).toBeGreaterThan(100);
    expect(broken).toEqual([]);
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
