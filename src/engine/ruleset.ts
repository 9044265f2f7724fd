// The rules a scan runs: packs selected by configuration, with overrides applied, and one keyword index
// so each file is searched once for every rule's prefilter literals.
import { createHash } from 'node:crypto';
import RE2 from 're2';
import type { LoadedPack, LoadedRule } from '../packs/load.js';
import type { Severity } from './model.js';

export interface RuleOverride {
  severity?: Severity;
  enabled?: boolean;
}

export interface ActiveRule {
  rule: LoadedRule;
  severity: Severity;
}

export interface RuleSet {
  packs: LoadedPack[];
  fileRules: ActiveRule[];
  repoRules: ActiveRule[];
  /** Identity of everything that decides findings (tool version, pack hashes, overrides): the cache key. */
  hash: string;
  /** Which rules to run on a text: those whose keywords occur (or that have none). */
  candidates(text: string): ActiveRule[];
}

export function buildRuleSet(
  packs: LoadedPack[],
  overrides: Record<string, Record<string, RuleOverride>>,
  toolVersion: string,
): RuleSet {
  const fileRules: ActiveRule[] = [];
  const repoRules: ActiveRule[] = [];
  const h = createHash('sha256').update(toolVersion);
  for (const pack of packs) {
    h.update(`\0${pack.id}\0${pack.hash}`);
    const packOverrides = overrides[pack.id] ?? {};
    for (const rule of pack.rules) {
      const o = packOverrides[rule.def.id] ?? {};
      if (!(o.enabled ?? rule.def.enabled)) continue;
      const active = { rule, severity: o.severity ?? rule.def.severity };
      h.update(`\0${rule.def.id}:${active.severity}`);
      (rule.matcher.scope === 'file' ? fileRules : repoRules).push(active);
    }
  }
  return { packs, fileRules, repoRules, hash: h.digest('hex').slice(0, 24), candidates: keywordIndex(fileRules) };
}

/**
 * One RE2 pass over the text finds which prefilter keywords occur; rules without keywords always run.
 * This keeps the cost of a file nearly independent of the number of rules.
 */
function keywordIndex(rules: ActiveRule[]): (text: string) => ActiveRule[] {
  const always: ActiveRule[] = [];
  const byKeyword = new Map<string, ActiveRule[]>();
  for (const r of rules) {
    const m = r.rule.matcher;
    const kws = m.scope === 'file' ? m.keywords : undefined;
    if (!kws || kws.length === 0) {
      always.push(r);
      continue;
    }
    for (const k of kws) {
      const list = byKeyword.get(k) ?? [];
      list.push(r);
      byKeyword.set(k, list);
    }
  }
  if (byKeyword.size === 0) return () => always;
  // Longest first, so a keyword that contains another is still recorded when both start at one place.
  const words = [...byKeyword.keys()].sort((a, b) => b.length - a.length);
  const re = new RE2(words.map(escapeRe2).join('|'), 'gi');
  return (text: string) => {
    const seen = new Set<string>();
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while (seen.size < byKeyword.size && (m = re.exec(text)) !== null) {
      seen.add(m[0].toLowerCase());
      // Step one character, not past the match, so keywords that overlap it are found too.
      re.lastIndex = m.index + 1;
    }
    re.lastIndex = 0;
    const picked = new Set<ActiveRule>(always);
    for (const [w, list] of byKeyword) {
      if (seen.has(w) || containsWithin(seen, w)) for (const r of list) picked.add(r);
    }
    return [...picked];
  };
}

/** A keyword that starts where a longer one does is reported only as the longer one. */
function containsWithin(seen: Set<string>, w: string): boolean {
  for (const s of seen) if (s.length > w.length && s.includes(w)) return true;
  return false;
}

function escapeRe2(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
