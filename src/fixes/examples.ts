// A rule's fix is tested like its matcher: applied to the bad example it names, it must produce the `fixed`
// code exactly, and the rule must not flag the fixed code.
import { matchExample } from '../packs/examples.js';
import type { LoadedRule } from '../packs/load.js';
import { applyEdits, fixRange } from './apply.js';

/** Problems with the rule's fix example (empty = the fix does what its example says). */
export function checkFixExample(rule: LoadedRule): string[] {
  const fix = rule.def.fix;
  if (!fix) return [];
  const ex = rule.def.examples.bad[fix.fixed.bad];
  if (!ex || ex.code === undefined || ex.file === undefined) return [`fix.fixed.bad: bad example ${fix.fixed.bad} is not a single-file example`];
  const lines = [...new Set(matchExample(rule, ex).map((h) => h.line).filter((l): l is number => l !== undefined))].sort((a, b) => a - b);
  if (!lines.length) return ['the bad example has no flagged line to fix'];
  let text = ex.code;
  for (const l of lines) {
    const r = fixRange(fix, text, l, l);
    if ('error' in r) return [`line ${l}: ${r.error}`];
    text = applyEdits(text, r.edits);
  }
  const problems: string[] = [];
  if (text !== fix.fixed.code) problems.push(`fixing bad example ${fix.fixed.bad} gives:\n${text}\nbut fix.fixed.code says:\n${fix.fixed.code}`);
  if (matchExample(rule, { file: ex.file, code: fix.fixed.code }).length) problems.push('the rule still flags fix.fixed.code');
  return problems;
}
