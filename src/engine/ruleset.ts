// The rules a scan runs: packs selected by configuration, with overrides applied, and one keyword index
// so each file is searched once for every rule's prefilter literals.
import { createHash } from 'node:crypto';
import RE2 from 're2';
import { builtinPacksDir, loadPack, type LoadedPack, type LoadedRule } from '../packs/load.js';
import { SentrikError } from '../util/errors.js';
import type { Severity } from './model.js';
import { escapeRegex } from './regex.js';
import { INLINE_IGNORE } from './file-scan.js';
import type { CompiledFileMatcher } from './matchers/matcher.js';
import { BUILD_ID } from '../util/package.js';

export interface RuleOverride {
  severity?: Severity;
  enabled?: boolean;
}

export interface ActiveRule {
  rule: LoadedRule;
  severity: Severity;
  /** `severity` comes from pack_overrides: final, never rescored. */
  severityOverridden?: boolean;
}

export interface RuleSet {
  packs: LoadedPack[];
  fileRules: ActiveRule[];
  repoRules: ActiveRule[];
  /** Identity of everything that decides findings (tool version, pack hashes, overrides): the cache key. */
  hash: string;
  /** Some file rule judges only files of a format or contract kind: a scanned file's kinds must be known. */
  judgesKinds: boolean;
  /**
   * Which rules to run on a text (those whose keywords occur, or that have none), and whether the text may
   * hold an inline `sentrik-ignore` (found case-insensitively, or the pass gave up: confirm it), in one pass.
   */
  search(input: string | Buffer): { rules: ActiveRule[]; mayIgnore: boolean };
}

/** The inline suppression marker, searched with the rules' keywords (see file-scan.ts). */
const IGNORE_MARKER = { keyword: INLINE_IGNORE };

export interface RuleSetOptions {
  /**
   * Every pack enabled in the scan, when `packs` is one agent's share of it (agent_scan): a mapped rule of an
   * enabled pack then runs in that pack's agent, and a rule several framework packs map runs in the first one's.
   */
  enabled?: LoadedPack[];
}

export function buildRuleSet(
  packs: LoadedPack[],
  overrides: Record<string, Record<string, RuleOverride>>,
  toolVersion: string,
  options: RuleSetOptions = {},
): RuleSet {
  const fileRules: ActiveRule[] = [];
  const repoRules: ActiveRule[] = [];
  // The compiled code too: a rebuilt engine must not serve cached results of the code before it.
  const h = createHash('sha256').update(toolVersion).update(`\0${BUILD_ID}`);
  const byId = new Map<string, ActiveRule>();
  for (const { pack, only } of [...packs.map((pack) => ({ pack, only: undefined })), ...mappedPacks(packs, options.enabled ?? packs)]) {
    h.update(`\0${pack.id}\0${pack.hash}\0${pack.prefix}`);
    const packOverrides = overrides[pack.id] ?? {};
    for (const rule of pack.rules) {
      if (only && !only.has(rule.def.id)) continue;
      const o = packOverrides[rule.def.id] ?? {};
      if (!(o.enabled ?? rule.def.enabled)) continue;
      const active: ActiveRule = o.severity ? { rule, severity: o.severity, severityOverridden: true } : { rule, severity: rule.def.severity };
      checkUniqueId(active, byId);
      h.update(`\0${rule.def.id}:${active.severity}`);
      (rule.scope === 'file' ? fileRules : repoRules).push(active);
    }
  }
  // Built lazily: the index compiles every file rule, and a scan whose files all come from the cache needs none.
  let index: ((input: string | Buffer) => (ActiveRule | typeof IGNORE_MARKER)[]) | undefined;
  const search = (input: string | Buffer): { rules: ActiveRule[]; mayIgnore: boolean } => {
    index ??= keywordIndex<ActiveRule | typeof IGNORE_MARKER>([...fileRules, IGNORE_MARKER], (r) =>
      'keyword' in r ? { keywords: [r.keyword] } : r.rule.matcher.scope === 'file' ? r.rule.matcher : undefined,
    );
    const found = index(input);
    const rules = found.filter((r): r is ActiveRule => r !== IGNORE_MARKER);
    return { rules, mayIgnore: rules.length < found.length };
  };
  return {
    packs,
    fileRules,
    repoRules,
    hash: h.digest('hex').slice(0, 24),
    judgesKinds: fileRules.some((r) => r.rule.domain?.kinds?.length),
    search,
  };
}

/**
 * A finding names its rule by id alone (and suppressions, baselines and the cache do too): two active rules
 * with one id would report each other's matches under one severity and message. A copy that reports exactly
 * what the original does (an imported contract's api-security rules scoped to its spec, a fork left unchanged)
 * is the same rule and may run beside it; any other shared id stops the scan, naming both definitions.
 */
function checkUniqueId(active: ActiveRule, byId: Map<string, ActiveRule>): void {
  const id = active.rule.def.id;
  const first = byId.get(id);
  if (!first) return void byId.set(id, active);
  if (first.rule === active.rule || reportedAs(first) === reportedAs(active)) return;
  // Point at the definition the user can rename: a custom pack's, not a built-in one's.
  const builtin = (r: LoadedRule): boolean => r.source.file.startsWith(builtinPacksDir());
  const [here, other] = builtin(active.rule) && !builtin(first.rule) ? [first.rule, active.rule] : [active.rule, first.rule];
  const at = (r: LoadedRule): string => `${r.source.file}${r.source.line ? `:${r.source.line}` : ''}`;
  throw new SentrikError(
    `rule id ${id} is defined by two enabled packs: ${here.packId} here and ${other.packId} (${at(other)})`,
    here.source.file,
    here.source.line,
    `rename the rule in ${here.packId} (rule ids must be unique among enabled packs), or disable one of the packs`,
  );
}

/**
 * What a finding of the rule reports: two rules that agree on it cannot be told apart, and need not be. The
 * pack's own severity: a pack_overrides entry for one copy (import-spec's scoped api-security rules) must not
 * turn identical copies into a clash.
 */
function reportedAs({ rule }: ActiveRule): string {
  const d = rule.def;
  return JSON.stringify([d.severity, d.title, d.message, d.remediation, rule.standard, d.clause, d.cwe, d.owasp, d.kind, d.confidence, d.gate, d.help_uri]);
}

/**
 * Rules that enabled packs map their clauses onto but that sit in packs not enabled: a framework pack
 * (pci-dss) runs the checks of other packs (owasp-top-10) it relies on, and only those.
 */
function mappedPacks(packs: LoadedPack[], enabledPacks: LoadedPack[]): { pack: LoadedPack; only: Set<string> }[] {
  const enabled = new Set(enabledPacks.map((p) => p.id));
  const owner = new Map<string, string>();
  for (const p of enabledPacks) for (const m of p.mappings ?? []) for (const r of m.rules) if (!owner.has(r.id)) owner.set(r.id, p.id);
  const wanted = new Map<string, { dir: string; builtin: boolean; prefix: string; ids: Set<string> }>();
  for (const p of packs) {
    for (const m of p.mappings ?? []) {
      for (const r of m.rules) {
        if (enabled.has(r.packId) || owner.get(r.id) !== p.id) continue;
        // A custom pack's mapped rules live beside it: they see the root as it does.
        const entry = wanted.get(r.dir) ?? { dir: r.dir, builtin: r.builtin, prefix: r.builtin ? '' : p.prefix, ids: new Set<string>() };
        entry.ids.add(r.id);
        wanted.set(r.dir, entry);
      }
    }
  }
  return [...wanted.values()].sort((a, b) => a.dir.localeCompare(b.dir)).map((w) => ({ pack: loadPack(w.dir, w.builtin, w.prefix), only: w.ids }));
}

/** What selects an item in the one pass: its keywords, or prefilter patterns instead (see CompiledFileMatcher). */
export type Selector = Pick<CompiledFileMatcher, 'keywords' | 'prefilter'>;

/**
 * One pass over the text finds which prefilter keywords occur (an RE2.Set answers "which of these literals
 * occur" in a single scan); items without keywords are always picked. The cost of a file barely grows with
 * the number of rules. An item's prefilter patterns (RE2, case-insensitive) are searched in the same pass
 * instead of its keywords.
 */
export function keywordIndex<T>(items: T[], selectorOf: (item: T) => Selector | undefined): (input: string | Buffer) => T[] {
  const always: T[] = [];
  const bySource = new Map<string, T[]>();
  for (const item of items) {
    const selector = selectorOf(item);
    const sources = selector?.prefilter?.length ? selector.prefilter : selector?.keywords?.map(escapeRegex);
    if (!sources || sources.length === 0) {
      always.push(item);
      continue;
    }
    for (const k of sources) {
      const list = bySource.get(k) ?? [];
      list.push(item);
      bySource.set(k, list);
    }
  }
  if (bySource.size === 0) return () => always;
  const sources = [...bySource.keys()];
  const set = new RE2.Set(sources, 'i');
  return (input) => {
    let found: number[];
    try {
      found = set.match(input);
    } catch {
      return items; // RE2 gave up on this input (its automaton outgrew the memory budget): every rule runs
    }
    if (found.length === 0) return always;
    const picked = new Set<T>(always);
    for (const i of found) for (const item of bySource.get(sources[i])!) picked.add(item);
    return [...picked];
  };
}

