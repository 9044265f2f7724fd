// Runs a rule over its own examples: bad ones must be flagged (on the marked lines), good ones must not.
// Used by the pack test suite. Each example goes through what a scan does: the keyword / prefilter pass first
// (a prefilter that misses its own bad example is a dead rule), then the rule.
import type { RawMatch } from '../engine/matchers/matcher.js';
import { keywordIndex } from '../engine/ruleset.js';
import { memoryRepoView } from '../engine/scanner.js';
import { decodeSource } from '../engine/read.js';
import { ruleView, SourceFile } from '../engine/source.js';
import type { LoadedRule } from './load.js';
import type { RuleExample } from './schema.js';

export interface ExampleFailure {
  ruleId: string;
  kind: 'bad' | 'good';
  index: number;
  name?: string;
  reason: string;
}

/** An example as text to show (explain, MCP): its code, its files one after another, or what a binary file is. */
export function exampleText(e: RuleExample): string {
  if (e.code_base64 !== undefined) return `(binary file, ${Buffer.from(e.code_base64, 'base64').length} bytes)`;
  return e.code ?? Object.entries(e.files ?? {}).map(([f, c]) => `# ${f}\n${c}`).join('\n');
}

/** Matches of one rule on one example (a single file or a small tree). */
export function matchExample(rule: LoadedRule, ex: RuleExample): RawMatch[] {
  const files: Record<string, string | Buffer> = ex.files ?? { [ex.file!]: ex.code ?? Buffer.from(ex.code_base64!, 'base64') };
  const m = rule.matcher;
  if (m.scope === 'repo') return m.match(ruleView(memoryRepoView(new Map(Object.keys(files).sort().map((p) => [p, files[p]]))), rule));
  const out: RawMatch[] = [];
  for (const [path, content] of Object.entries(files)) {
    if (!rule.appliesTo(path)) continue;
    // A scan skips binary files before per-file rules; so does an example.
    const decoded = Buffer.isBuffer(content) ? decodeSource(content, Infinity) : { text: content };
    if (!('text' in decoded)) continue;
    const text = decoded.text;
    // As a scan runs it: selected by its keywords / prefilter, planned (AST rules then share their tree walks),
    // then matched.
    const file = new SourceFile(path, text);
    if (keywordIndex([m], (x) => x)(file.utf8).length === 0) continue;
    m.prepare?.(file);
    out.push(...m.match(file).map((r) => ({ file: path, ...r })));
  }
  return out;
}

export function checkRuleExamples(rule: LoadedRule): ExampleFailure[] {
  const failures: ExampleFailure[] = [];
  const id = rule.def.id;
  rule.def.examples.bad.forEach((ex, index) => {
    const hits = matchExample(rule, ex);
    const want = ex.line === undefined ? [] : Array.isArray(ex.line) ? ex.line : [ex.line];
    if (hits.length === 0) {
      failures.push({ ruleId: id, kind: 'bad', index, name: ex.name, reason: 'expected a finding, got none' });
      return;
    }
    for (const l of want) {
      if (!hits.some((h) => h.line === l)) {
        const got = hits.map((h) => h.line ?? 'file').join(', ');
        failures.push({ ruleId: id, kind: 'bad', index, name: ex.name, reason: `expected a finding on line ${l}, got line(s) ${got}` });
      }
    }
    const extra = want.length ? hits.filter((h) => h.line !== undefined && !want.includes(h.line)) : [];
    if (extra.length) {
      failures.push({ ruleId: id, kind: 'bad', index, name: ex.name, reason: `unexpected finding(s) on line(s) ${extra.map((h) => h.line).join(', ')}` });
    }
  });
  rule.def.examples.good.forEach((ex, index) => {
    const hits = matchExample(rule, ex);
    if (hits.length) {
      failures.push({ ruleId: id, kind: 'good', index, name: ex.name, reason: `expected no finding, got line(s) ${hits.map((h) => h.line ?? 'file').join(', ')}` });
    }
  });
  return failures;
}
