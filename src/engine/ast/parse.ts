// Parsing for AST rules: each file is parsed once per parser and shared by every rule (the scanner hands all
// rules the same SourceFile object). Files an AST is not worth building for — too large, minified, or nested
// deeper than the matchers should walk — are skipped with a reason; their regex rules still run.
//
// Syntax trees live in native memory that V8 does not see: it would collect dead trees only when its own small
// heap fills, long after thousands of them have piled up. So after every few MB of parsed source the scan
// worker forces a collection (releaseSyntaxTrees) and lets the event loop turn, which frees the native trees.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { NapiConfig, Rule, SgNode } from '@ast-grep/napi';
import { SentrikError } from '../../util/errors.js';
import type { SourceFile } from '../source.js';
import { astGrep } from './languages.js';

export const MAX_AST_BYTES = 1_000_000;
/** A line this long means generated or minified code: nobody reviews it, and it is costly to parse. */
export const MAX_AST_LINE = 5_000;
export const MAX_AST_NESTING = 400;

type Parsed = { root: SgNode } | { skipped: string; reported: boolean };

const cache = new WeakMap<SourceFile, Map<string, Parsed>>();

/**
 * The root node of `file` parsed with `parser`, or undefined when the file is skipped. The first rule to ask
 * about a skipped file gets a SentrikError (the scanner records it as a problem, once); later ones get
 * undefined.
 */
export function parseSource(file: SourceFile, parser: string): SgNode | undefined {
  let perFile = cache.get(file);
  if (!perFile) cache.set(file, (perFile = new Map()));
  let parsed = perFile.get(parser);
  if (!parsed) {
    const reason = skipReason(file.text);
    if (reason) parsed = { skipped: reason, reported: false };
    else {
      try {
        parsedSince += file.text.length;
        parsed = { root: astGrep().parse(parser, file.text).root() };
        const planned = plans.get(file)?.get(parser);
        if (planned) pendingGroups.set(parsed.root, planned.filter(Boolean));
      } catch (err) {
        parsed = { skipped: `the parser failed (${(err as Error).message})`, reported: false };
      }
    }
    perFile.set(parser, parsed);
  }
  if ('root' in parsed) return parsed.root;
  if (parsed.reported) return undefined;
  parsed.reported = true;
  throw new SentrikError(`AST rules skipped: ${parsed.skipped}; line-pattern rules still ran`, file.path);
}

const findCache = new WeakMap<SgNode, Map<string, SgNode[]>>();

/**
 * `root.findAll(config)`, remembered per parsed file: rules share sources, sinks and sanitisers (YAML anchors,
 * the built-in conversions), and each search walks the whole tree. A search planned for the file (see
 * planSearches) runs in one walk with the rest of its group. Callers must not modify the array.
 */
export function findAllOnce(root: SgNode, config: NapiConfig): SgNode[] {
  let perRoot = findCache.get(root);
  if (!perRoot) findCache.set(root, (perRoot = new Map()));
  const key = JSON.stringify(config);
  let found = perRoot.get(key);
  if (found) return found;
  const groups = pendingGroups.get(root);
  const group = groups?.find((g) => g.has(key));
  if (group) {
    groups!.splice(groups!.indexOf(group), 1);
    // What is still to search: not searched yet, and wanted (a search after another wants its results).
    const wanted = [...group].filter(([k, p]) => !perRoot.has(k) && (k === key || !p.after || [...p.after].some((a) => perRoot.get(a)?.length)));
    const results = wanted.length > 1 ? searchTogether(root, wanted.map(([, p]) => p.config.rule as Rule), wanted.map(([k]) => k).join('\0')) : undefined;
    if (results) {
      wanted.forEach(([k], i) => perRoot.set(k, results[i]));
      return perRoot.get(key)!;
    }
  }
  perRoot.set(key, (found = root.findAll(compiled(key, () => withSharedRules(config)))));
  return found;
}

// Walking the tree is most of a search's cost, and a file's rules make many searches. So before the rules of
// a file run, they plan theirs: each group of planned searches is made in one walk when the first of them is
// asked for (the rules' own searches first; the taint searches that only files with sinks need, later).
/** A search a rule will make; `after`: only if this search (of the same file) finds something. */
export interface PlannedSearch {
  config: NapiConfig;
  after?: NapiConfig;
}

/** Per search key: the config, and the keys of the searches it waits for (undefined: none, always made). */
type Group = Map<string, { config: NapiConfig; after?: Set<string> }>;
const plans = new WeakMap<SourceFile, Map<string, Group[]>>();
const pendingGroups = new WeakMap<SgNode, Group[]>();

/**
 * Plans searches of `file` parsed with `parser`: each group is made in one walk when the first of its searches
 * is asked for (see findAllOnce). Order the groups as the rules need them.
 */
export function planSearches(file: SourceFile, parser: string, groups: PlannedSearch[][]): void {
  let perFile = plans.get(file);
  if (!perFile) plans.set(file, (perFile = new Map()));
  let planned = perFile.get(parser);
  if (!planned) perFile.set(parser, (planned = []));
  groups.forEach((searches, i) => {
    const group = (planned[i] ??= new Map());
    for (const { config, after } of searches) {
      if (Object.keys(config).length !== 1 || !config.rule) continue; // only a rule alone can share a walk
      const key = JSON.stringify(config);
      const entry = group.get(key);
      if (!entry) group.set(key, { config, after: after && new Set([JSON.stringify(after)]) });
      else if (!after) entry.after = undefined;
      else entry.after?.add(JSON.stringify(after));
    }
  });
}

/**
 * Every rule's matches in one walk of the tree. The rules get their own metavariable names (`$X` of the
 * third rule becomes `$X_Q2`, so rules cannot clash over a name), and a label metavariable bound only when
 * the rule matched the node. Each rule's nodes come back in the order its own search gives (document order),
 * and answer getMatch with the rule's own names. Undefined if the walk fails. `key`: the searches' keys joined
 * by NUL (no JSON holds one, so it never equals a single search's key in compiledSearches).
 */
function searchTogether(root: SgNode, rules: Rule[], key: string): SgNode[][] | undefined {
  const config = compiled(key, () => {
    // Each rule is a utility rule (`matches`), so it is compiled once although the search names it twice.
    const utils: Record<string, Rule> = {};
    rules.forEach((r, i) => (utils[`q${i}`] = renameMetavariables(r, `_Q${i}`)));
    // Each label is optional (`regex: ''` matches any node); the first `any` keeps only nodes some rule matched.
    // `$$` binds unnamed nodes (an operator token) too.
    const labelled = rules.map((_, i) => ({ any: [{ all: [{ matches: `q${i}` }, { pattern: `$$QLABEL${i}` }] }, { regex: '' }] }));
    return withSharedRules({ rule: { all: [{ any: rules.map((_, i) => ({ matches: `q${i}` })) }, ...labelled] } as Rule, utils });
  });
  const results: SgNode[][] = rules.map(() => []);
  let found: SgNode[];
  try {
    found = root.findAll(config);
  } catch {
    return undefined; // a rule fails on this tree: each search on its own, so the failure is its rule's alone
  }
  for (const node of found) {
    for (let i = 0; i < rules.length; i++) if (node.getMatch(`QLABEL${i}`)) results[i].push(withMetavariableSuffix(node, `_Q${i}`));
  }
  return results;
}

// ast-grep compiles a search's rule on every call: each pattern is parsed, each regex built (a case-insensitive
// one takes about a millisecond), as often as it is written. On small files that was most of the cost of AST
// rules. So a sub-rule written more than once in a search (rules share sources, sinks and sanitisers) becomes a
// utility rule, compiled once per call, and each search's final form is built once per scan.

/** Searches as sent to ast-grep, by the key of what was asked; bounded (the keys come from the packs). */
const compiledSearches = new Map<string, NapiConfig>();
const MAX_COMPILED_SEARCHES = 4096;

function compiled(key: string, build: () => NapiConfig): NapiConfig {
  let config = compiledSearches.get(key);
  if (!config) {
    if (compiledSearches.size >= MAX_COMPILED_SEARCHES) compiledSearches.clear();
    compiledSearches.set(key, (config = build()));
  }
  return config;
}

/** A sub-rule that is costly to compile: it holds a pattern or a non-empty regex. */
const COSTLY = /"(pattern|context)":|"regex":"[^"]/;

/**
 * `config` with every costly sub-rule that occurs more than once replaced by `{ matches: name }` and defined once
 * in `utils` (which ast-grep compiles once per search). Metavariables bind through `matches` as they do inline.
 * Only whole rules move: the value of `has`/`inside` also carries `field`/`stopBy`, so it stays, and is searched.
 */
export function withSharedRules(config: NapiConfig): NapiConfig {
  const counts = new Map<string, number>();
  const count = (r: unknown, isRule: boolean): void => {
    if (!isObject(r)) return;
    if (isRule) {
      const key = JSON.stringify(r);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    forEachSubrule(r, count);
  };
  count(config.rule, true);
  for (const u of Object.values(config.utils ?? {})) count(u, true);
  const shared = [...counts].filter(([key, n]) => n > 1 && COSTLY.test(key));
  const names = new Map(shared.map(([key], i) => [key, `shared${i}`]));
  const utils: Record<string, Rule> = {};
  const rewrite = (r: unknown, isRule: boolean): unknown => {
    if (!isObject(r)) return r;
    const name = isRule ? names.get(JSON.stringify(r)) : undefined;
    if (name) {
      if (!utils[name]) {
        utils[name] = {} as Rule; // claimed before its body is rewritten (a body never holds itself)
        utils[name] = rewriteSubrules(r, rewrite) as Rule;
      }
      return { matches: name };
    }
    return rewriteSubrules(r, rewrite);
  };
  const rule = rewriteSubrules(config.rule, rewrite) as Rule;
  for (const [name, u] of Object.entries(config.utils ?? {})) utils[name] = rewriteSubrules(u, rewrite) as Rule;
  const regexes = shareRegexes([rule, ...Object.values(utils)], utils);
  return shared.length || regexes ? { ...config, rule, utils } : config;
}

/**
 * A regex written on several different rules (`kind: template_string` and `kind: binary_expression` with the same
 * SQL regex) is compiled once too: `regex: R` becomes `matches: <a utility rule { regex: R }>` — a rule's keys
 * all apply to the same node, so that is the same test. Rules that already use `matches` keep their regex.
 */
function shareRegexes(rules: unknown[], utils: Record<string, Rule>): number {
  const withRegex: Record<string, unknown>[] = [];
  const visit = (r: unknown): void => {
    if (!isObject(r)) return;
    if (typeof r.regex === 'string' && r.regex !== '' && r.matches === undefined) withRegex.push(r);
    forEachSubrule(r, visit);
  };
  rules.forEach(visit);
  const counts = new Map<string, number>();
  for (const r of withRegex) counts.set(r.regex as string, (counts.get(r.regex as string) ?? 0) + 1);
  const names = new Map<string, string>();
  for (const r of withRegex) {
    const regex = r.regex as string;
    if (counts.get(regex)! < 2) continue;
    let name = names.get(regex);
    if (!name) {
      names.set(regex, (name = `regex${names.size}`));
      utils[name] = { regex } as Rule;
    }
    delete r.regex;
    r.matches = name;
  }
  return names.size;
}

const RULE_LISTS = ['any', 'all'] as const;
const RELATIONS = ['has', 'inside', 'follows', 'precedes'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Calls `visit` on each sub-rule of `r`: `isRule` for whole rules (any/all items, not), false for relations. */
function forEachSubrule(r: Record<string, unknown>, visit: (sub: unknown, isRule: boolean) => void): void {
  for (const list of RULE_LISTS) if (Array.isArray(r[list])) for (const sub of r[list] as unknown[]) visit(sub, true);
  if (r.not !== undefined) visit(r.not, true);
  for (const rel of RELATIONS) if (r[rel] !== undefined) visit(r[rel], false);
}

/** A copy of `r` with its sub-rules replaced by `map`'s results. */
function rewriteSubrules(r: unknown, map: (sub: unknown, isRule: boolean) => unknown): unknown {
  if (!isObject(r)) return r;
  const out: Record<string, unknown> = { ...r };
  for (const list of RULE_LISTS) if (Array.isArray(r[list])) out[list] = (r[list] as unknown[]).map((sub) => map(sub, true));
  if (r.not !== undefined) out.not = map(r.not, true);
  for (const rel of RELATIONS) if (r[rel] !== undefined) out[rel] = map(r[rel], false);
  return out;
}

/** `$X`, `$$X`, `$$$X` — ast-grep's metavariables: upper-case names only (`$Foo` is a JavaScript name). */
const METAVARIABLE = /(\$+)([A-Z_][A-Z0-9_]*)(?![A-Za-z0-9_])/g;

function renameMetavariables(rule: Rule, suffix: string): Rule {
  return JSON.parse(JSON.stringify(rule), (key, value) =>
    (key === 'pattern' || key === 'context') && typeof value === 'string' ? value.replace(METAVARIABLE, `$1$2${suffix}`) : value,
  ) as Rule;
}

/** `node`, answering getMatch/getMultipleMatches for `$X` with its `$X<suffix>` binding. */
function withMetavariableSuffix(node: SgNode, suffix: string): SgNode {
  return new Proxy(node, {
    get(target, prop) {
      if (prop === 'getMatch') return (mv: string) => target.getMatch(`${mv}${suffix}`);
      if (prop === 'getMultipleMatches') return (mv: string) => target.getMultipleMatches(`${mv}${suffix}`);
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Source characters parsed since the last forced collection. */
let parsedSince = 0;
/**
 * Parsed text after which dead trees are collected (native trees take some 20 bytes per source character). A
 * trade of memory for time: on the bench corpus (2 threads, 415 rules) every 1 M characters peaked at 402–414 MB
 * in 16.0–16.6 s, every 500 k at 360–375 MB in 17.5–18.2 s.
 */
const COLLECT_EVERY_CHARS = 500_000;
let forceGc: (() => void) | null | undefined;
/** The next call collects again, whatever was parsed: see releaseSyntaxTrees. */
let secondPass = false;

/**
 * Runs a full garbage collection when enough source has been parsed since the last one, so dead syntax trees
 * are freed; returns true if it did. Their native memory is freed by finalisers that run on the next turn of
 * the event loop, so a caller that processes many files in one go should `await` a setImmediate then.
 *
 * A tree lives as long as its root's wrapper, and every node wrapper holds a reference to the root that only
 * the node's finaliser drops. So one collection frees the nodes, and the trees only at the next one: with one
 * collection per interval, two intervals of trees were alive at once (measured: some 60 MB more at the peak
 * of a scan). Hence the call after a collection (after the caller's turn of the event loop) collects again.
 */
export function releaseSyntaxTrees(): boolean {
  if (!secondPass && parsedSince < COLLECT_EVERY_CHARS) return false;
  if (forceGc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      forceGc = runInNewContext('gc') as () => void;
    } catch {
      forceGc = null; // the runtime refuses: V8 collects on its own schedule
    }
  }
  if (forceGc === null) return false;
  secondPass = !secondPass;
  if (secondPass) parsedSince = 0;
  forceGc();
  return true;
}

/** Why a text should not be parsed, or undefined. Linear scans only. */
export function skipReason(text: string): string | undefined {
  if (text.length > MAX_AST_BYTES) return `larger than ${MAX_AST_BYTES / 1_000_000} MB`;
  let lineStart = 0;
  let depth = 0;
  let maxDepth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      if (i - lineStart > MAX_AST_LINE) return `a line longer than ${MAX_AST_LINE} characters (minified or generated code)`;
      lineStart = i + 1;
    } else if (c === 40 || c === 91 || c === 123) {
      if (++depth > maxDepth) maxDepth = depth;
    } else if (c === 41 || c === 93 || c === 125) {
      if (depth > 0) depth--;
    }
  }
  if (text.length - lineStart > MAX_AST_LINE) return `a line longer than ${MAX_AST_LINE} characters (minified or generated code)`;
  if (maxDepth > MAX_AST_NESTING) return `brackets nested more than ${MAX_AST_NESTING} deep`;
  return undefined;
}
