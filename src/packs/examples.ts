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
  /** Pack file and line of the example (the rule's line when the example's is not known). */
  file: string;
  line?: number;
}

/** A `todo` example that the rule now gets right: it can become a bad (or good) example. */
export interface TodoPassing {
  ruleId: string;
  index: number;
  expect: 'finding' | 'clean';
  file: string;
  line?: number;
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
  const at = (kind: 'bad' | 'good', index: number): { file: string; line?: number } => ({ file: rule.source.file, line: rule.source.examples?.[kind][index] ?? rule.source.line });
  rule.def.examples.bad.forEach((ex, index) => {
    const fail = (reason: string): void => void failures.push({ ruleId: id, kind: 'bad', index, name: ex.name, reason, ...at('bad', index) });
    const hits = matchExample(rule, ex);
    const want = ex.line === undefined ? [] : Array.isArray(ex.line) ? ex.line : [ex.line];
    if (hits.length === 0) {
      fail(notSelected(rule, ex) ?? 'expected a finding, got none');
      return;
    }
    for (const l of want) {
      if (!hits.some((h) => h.line === l)) fail(`expected a finding on line ${l}, got line(s) ${hits.map((h) => h.line ?? 'file').join(', ')}`);
    }
    const extra = want.length ? hits.filter((h) => h.line !== undefined && !want.includes(h.line)) : [];
    if (extra.length) fail(`unexpected finding(s) on line(s) ${extra.map((h) => h.line).join(', ')}`);
  });
  rule.def.examples.good.forEach((ex, index) => {
    const hits = matchExample(rule, ex);
    if (hits.length) {
      failures.push({ ruleId: id, kind: 'good', index, name: ex.name, reason: `expected no finding, got line(s) ${hits.map((h) => h.line ?? 'file').join(', ')}`, ...at('good', index) });
    }
  });
  return failures;
}

/** Why a per-file rule cannot flag the example at all: its file name is outside the rule's `files` / `exclude`. */
function notSelected(rule: LoadedRule, ex: RuleExample): string | undefined {
  if (rule.scope !== 'file') return undefined;
  const names = ex.files ? Object.keys(ex.files) : [ex.file!];
  if (names.some((n) => rule.appliesTo(n))) return undefined;
  const globs = [rule.def.files?.length ? `files: [${rule.def.files.join(', ')}]` : '', rule.def.exclude?.length ? `exclude: [${rule.def.exclude.join(', ')}]` : ''].filter(Boolean).join(', ');
  return `its file ${names.join(', ')} is not selected by the rule's ${globs}: give the example a file name the rule applies to`;
}

/** `file:line: RULE fails its own bad example #2: expected a finding, got none` (the line test-pack and import-pack print). */
export function describeFailure(f: ExampleFailure, shown: (file: string) => string = (x) => x): string {
  return `${shown(f.file)}${f.line ? `:${f.line}` : ''}: ${f.ruleId} fails its own ${f.kind} example ${f.name ?? `#${f.index + 1}`}: ${f.reason}`;
}

/**
 * The rule's `todo` examples (known misses and false positives) that it now gets right: a todo expecting a
 * finding that is flagged, or one expecting none that is clean (todos are checked like the others at load).
 */
export function passingTodos(rule: LoadedRule): TodoPassing[] {
  const out: TodoPassing[] = [];
  rule.def.examples.todo.forEach((todo, index) => {
    const { expect, ...example } = todo;
    const flagged = matchExample(rule, example).length > 0;
    if (flagged === (expect === 'finding')) out.push({ ruleId: rule.def.id, index, expect, file: rule.source.file, line: rule.source.examples?.todo[index] ?? rule.source.line });
  });
  return out;
}
