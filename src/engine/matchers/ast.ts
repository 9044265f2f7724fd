// `ast`: language-aware rules over syntax trees (ast-grep), with metavariables, context conditions and
// intra-procedural taint.
//
//   match:
//     languages: [python]
//     patterns: ['$CUR.execute($SQL $$$)']     # any of these; or `pattern:`
//     inside: ['def $F($$$): $$$']             # the match must sit inside one of these
//     not_inside: ['if __name__ == "__main__": $$$']
//     not: ['$CUR.execute("$S")']              # the match itself must not match any of these
//     where: { $SQL: '(?i)select' }            # a bound metavariable's text must match (RE2); where_not: must not
//     nonconstant: [$CMD]                       # the metavariable's value is not fixed in the code (literals,
//                                              # variables only assigned literals, int(x)… are constant)
//     constant: [$KEY]                          # … or is fixed in the code (hard-coded values). When $KEY is a
//                                              # variable, the finding stays at the use and names the line where
//                                              # the value is written (`const KEY = '…'`), which anchors it too:
//                                              # a diff-scoped scan that changed only that line reports it
//     not_under:                               # a route left out of the path-scoped filters of its file: the
//       path: $PATH                            # match is dropped when the path $PATH binds is under the path
//       filters: ['before($FILTER, $$$)']      # $FILTER binds in one of these nodes of the file ("/admin/*",
//                                              # "/admin" and "/admin/**" cover /admin and /admin/x; "/*" all)
//     file_requires: ['\bflask\b']             # the file must contain one of these (RE2)
//     file_excludes: ['\bpydantic\b']          # … and none of these
//     keywords: [execute]                      # prefilter literals (derived from the patterns when omitted)
//     severity: medium                         # this block's matches are less severe than the rule (weaker evidence)
//   or, for data flow:
//     taint:
//       sources: ['request.args', 'request.form']
//       sinks: ['$CUR.execute($SINK $$$)']     # $SINK marks the argument that must not carry taint
//       sanitizers: ['escape($X)']
//       guards: ['$V.startsWith($ROOT)']       # checks of $V that clean it where they hold: after an `if` that
//                                              # leaves when the check fails, inside one (or `?:`) when it holds;
//                                              # allowlist membership (ALLOWED.has(x), x in ALLOWED) always counts
//       guard_needs: '\bresolve\('              # … only for a variable last assigned from code matching this (RE2)
//       guards_alone: ['filepath.IsLocal($V)'] # checks that count whatever the variable was assigned from
//       constant_sources: true                 # sources are fixed values (an http:// URL, a hard-coded key)
//   Several languages with different patterns: `match: { any: [ {languages: …, …}, {languages: …, …} ] }`.
//
// Each file is parsed once per language for all rules (see ast/parse.ts); files too large, minified or too
// deeply nested for an AST are skipped with a reported reason while their regex rules still run.
import type { Rule, SgNode } from '@ast-grep/napi';
import { z } from 'zod';
import { astGrep, languageOf, parsersOf, AST_LANGUAGES, type AstLanguage } from '../ast/languages.js';
import { SentrikError } from '../../util/errors.js';
import { findAllOnce, parseSource, planSearches, type PlannedSearch } from '../ast/parse.js';
import { anyRule, metavariablesOf, patternKeywords, patternSchema, toRule, unionKeywords, validatePattern, type PatternSpec } from '../ast/pattern.js';
import { keywordTest, passes, textTest } from '../ast/text-test.js';
import { constantOrigin, isConstantValue, taintedSinks, taintSearches, type TaintSpec } from '../ast/taint.js';
import { compileRegex, escapeRegex, testRegex, type SafeRegex } from '../regex.js';
import type { SourceFile } from '../source.js';
import type { MatcherKind, RawMatch } from './matcher.js';
import { SEVERITIES } from '../model.js';

const patterns = z.array(patternSchema).min(1);
const metavariable = z.string().regex(/^\$?[A-Z_][A-Z0-9_]*$/, 'metavariables look like $NAME');

const blockSchema = z
  .object({
    languages: z.array(z.enum(AST_LANGUAGES)).min(1),
    pattern: patternSchema.optional(),
    patterns: patterns.optional(),
    inside: patterns.optional(),
    not_inside: patterns.optional(),
    not: patterns.optional(),
    where: z.record(metavariable, z.string().min(1)).optional(),
    where_not: z.record(metavariable, z.string().min(1)).optional(),
    not_under: z.object({ path: metavariable, filters: patterns }).strict().optional(),
    nonconstant: z.array(metavariable).min(1).optional(),
    constant: z.array(metavariable).min(1).optional(),
    file_requires: z.array(z.string().min(1)).optional(),
    file_excludes: z.array(z.string().min(1)).optional(),
    /** Lower-case literals one of which a matching file must contain (derived from the patterns if omitted). */
    keywords: z.array(z.string().min(2)).optional(),
    /** A lower severity for this block's matches: e.g. "non-constant" evidence next to a taint block at the rule's severity. */
    severity: z.enum(SEVERITIES).optional(),
    taint: z
      .object({
        sources: patterns,
        sinks: patterns,
        sanitizers: patterns.optional(),
        guards: patterns.optional(),
        /** RE2: the rule's guards count for a variable last assigned from code this matches (a normalised path). */
        guard_needs: z.string().min(1).optional(),
        /** Checks of `$V` that count as `guards` do, without `guard_needs` (they prove it on their own). */
        guards_alone: patterns.optional(),
        constant_sources: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((b) => [b.pattern, b.patterns, b.taint].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of `pattern`, `patterns` or `taint`',
  });

export const astMatchSchema = z.union([
  blockSchema,
  z.object({ any: z.array(blockSchema).min(1), keywords: z.array(z.string().min(2)).optional() }).strict(),
]);

export type AstMatch = z.infer<typeof astMatchSchema>;
type Block = z.infer<typeof blockSchema>;

interface CompiledBlock {
  languages: Set<AstLanguage>;
  /** The `constant:` metavariables (without `$`): where the first one's value is written anchors a finding too. */
  constants: string[];
  severity: Block['severity'];
  keywords: string[] | undefined;
  /** False when the block cannot match in this file: checked before the file is parsed. */
  viable(file: SourceFile, parser: string): boolean;
  find(root: SgNode, language: AstLanguage, parser: string, file: SourceFile): SgNode[];
  /** The tree searches `find` will make in this file: its own first, those only some files need next. */
  searches(parser: string, file: SourceFile): PlannedSearch[][];
}

export const astKind: MatcherKind<AstMatch> = {
  kind: 'ast',
  scope: 'file',
  schema: astMatchSchema,
  domain: (m) => ({ languages: [...new Set(('any' in m ? m.any : [m]).flatMap((b) => b.languages))].sort() }),
  compile(m, ctx) {
    const blocks = ('any' in m ? m.any : [m]).map(compileBlock);
    const keywords = 'any' in m && m.keywords ? m.keywords.map((k) => k.toLowerCase()) : unionKeywords(blocks.map((b) => b.keywords));
    // Parsing is most of the cost: only files some block could match in are parsed. (Asked by prepare and
    // match, answered once per file.)
    const viable = new WeakMap<SourceFile, CompiledBlock[]>();
    const viableBlocks = (file: SourceFile): CompiledBlock[] => {
      let mine = viable.get(file);
      if (!mine) {
        const lang = languageOf(file.path)!;
        viable.set(file, (mine = blocks.filter((b) => b.languages.has(lang.language) && b.viable(file, lang.parser))));
      }
      return mine;
    };
    return {
      scope: 'file',
      keywords,
      prepare(file: SourceFile): void {
        const lang = languageOf(file.path);
        const mine = lang && viableBlocks(file);
        if (!lang || !mine?.length) return;
        const groups: PlannedSearch[][] = [[], []];
        for (const block of mine) block.searches(lang.parser, file).forEach((g, i) => groups[i].push(...g));
        planSearches(file, lang.parser, groups);
      },
      match(file: SourceFile): RawMatch[] {
        const lang = languageOf(file.path);
        if (!lang) return [];
        const mine = viableBlocks(file);
        if (mine.length === 0) return [];
        const root = parseSource(file, lang.parser);
        if (!root) return [];
        const out: RawMatch[] = [];
        const lines = new Set<number>();
        for (const block of mine) {
          for (const node of block.find(root, lang.language, lang.parser, file)) {
            const r = node.range();
            const line = r.start.line + 1;
            if (lines.has(line)) continue; // one finding per line and rule: the first block's (strongest evidence first)
            lines.add(line);
            // A hard-coded value read through a variable: where it is written anchors the finding too (`constant:`).
            const bound = block.constants.length ? node.getMatch(block.constants[0]) : null;
            const origin = bound ? constantOrigin(root, lang.language, lang.parser, bound) : undefined;
            const written = origin && origin.range().start.line + 1;
            out.push({
              ...(block.severity && { severity: block.severity }),
              line,
              column: r.start.column + 1,
              endLine: r.end.line + 1,
              endColumn: r.end.column + 1,
              matched: node.text().slice(0, 500),
              ...(written && written !== line && { anchors: [written], message: `${ctx.message ?? 'A value fixed in the code is used here.'} The value is written on line ${written}.` }),
            });
          }
        }
        return out.sort((a, b) => a.line! - b.line!);
      },
    };
  },
};

function compileBlock(b: Block): CompiledBlock {
  const where = constraints(b.where);
  const whereNot = constraints(b.where_not);
  const requires = (b.file_requires ?? []).map((p) => compileRegex(p));
  const excludes = (b.file_excludes ?? []).map((p) => compileRegex(p));
  const mainPatterns: PatternSpec[] = b.taint ? b.taint.sinks : b.patterns ?? [b.pattern!];
  const t = b.taint;
  [...mainPatterns, ...(b.inside ?? []), ...(b.not_inside ?? []), ...(b.not ?? []), ...(b.not_under?.filters ?? []), ...(t ? [...t.sources, ...(t.sanitizers ?? []), ...(t.guards ?? []), ...(t.guards_alone ?? [])] : [])].forEach(validatePattern);
  const guardNeeds = t?.guard_needs ? compileRegex(t.guard_needs, { multiline: false }) : undefined;
  if (guardNeeds && !t?.guards?.length) throw new SentrikError('`guard_needs` without `guards`: it says what the guards need', undefined, undefined, 'add the checks under `guards`, or remove `guard_needs`');
  for (const g of [...(t?.guards ?? []), ...(t?.guards_alone ?? [])]) {
    if (!metavariablesOf([g]).single.has('V')) throw new SentrikError(`taint guard ${JSON.stringify(g)} does not mark the value it checks`, undefined, undefined, 'write $V for the checked value, e.g. $V.startsWith($ROOT)');
  }
  checkConditionMetavariables(b, [...mainPatterns, ...(b.inside ?? [])]);
  // ast-grep compiles pattern strings on every search, so each file only gets the patterns whose literal
  // words it contains (a pattern cannot match otherwise). Rules are cached per parser and pattern subset.
  const mainTests = mainPatterns.map((p) => textTest(p));
  // A `where` the file cannot satisfy rules its pattern out for the block as a whole, but that pattern must
  // stay in the search: a node it matches first is dropped by the constraint, not found by a later pattern.
  const whereRegexes = Object.fromEntries(Object.entries(b.where ?? {}).map(([mv, re]) => [mv.replace(/^\$/, ''), re]));
  const viableTests = mainPatterns.map((p) => textTest(p, whereRegexes));
  const rules = new Map<string, Rule | undefined>();
  const ruleFor = (parser: string, file?: SourceFile): Rule | undefined => {
    const used = mainPatterns.filter((_, i) => !file || passes(mainTests[i], file));
    const key = `${parser}\0${used.length === mainPatterns.length ? '*' : used.map((p) => mainPatterns.indexOf(p)).join(',')}`;
    if (rules.has(key)) return rules.get(key);
    let rule: Rule | undefined;
    if (used.length) {
      const r: Record<string, unknown> = { ...(anyRule(used, parser) as object) };
      const conditions: Rule[] = [];
      if (b.inside) conditions.push({ inside: { ...(anyRule(b.inside, parser) as object), stopBy: 'end' } } as Rule);
      const nots = [...(b.not ?? []).map((p) => toRule(p, parser)), ...(b.not_inside ?? []).map((p) => ({ inside: { ...(toRule(p, parser) as object), stopBy: 'end' } }) as Rule)];
      if (nots.length) conditions.push({ not: { any: nots } } as Rule);
      rule = (conditions.length ? { all: [r as Rule, ...conditions] } : r) as Rule;
    }
    rules.set(key, rule);
    return rule;
  };
  const taintTests = t && { sources: t.sources.map((p) => textTest(p)), sanitizers: (t.sanitizers ?? []).map((p) => textTest(p)) };
  const blockKeywords = b.keywords?.map((k) => k.toLowerCase());
  const blockKeywordTest = blockKeywords && keywordTest(blockKeywords);
  // Constraints apply to the patterns that bind the metavariable; patterns without it are not constrained.
  const metavarsOk = (node: SgNode): boolean =>
    where.every(([mv, re]) => {
      const t = node.getMatch(mv)?.text();
      return t === undefined || testRegex(re, t);
    }) &&
    whereNot.every(([mv, re]) => {
      const t = node.getMatch(mv)?.text();
      return t === undefined || !testRegex(re, t);
    });

  /** The taint spec for a file: the sources, sinks and sanitisers whose words the file holds. */
  const taintSpec = (parser: string, file: SourceFile): TaintSpec | undefined => {
    if (!t || !taintTests) return undefined;
    const sources = t.sources.filter((_, i) => passes(taintTests.sources[i], file));
    if (sources.length === 0) return undefined;
    // The sink search is the block's own rule (the sinks whose words the file holds, with the block's inside /
    // not conditions): sinks out of context are never analysed.
    const sinks = ruleFor(parser, file);
    if (!sinks) return undefined;
    const sanitizers = (t.sanitizers ?? []).filter((_, i) => passes(taintTests.sanitizers[i], file));
    return { sources, sinks, sanitizers, constantSources: t.constant_sources, guards: t.guards, guardNeeds, guardsAlone: t.guards_alone };
  };

  // ast-grep checks kinds and fields only when a rule runs: run every rule once on an empty file now, so a
  // mistake is reported when the pack loads (with the rule's file and line), not as an error in every file.
  // A rule may use node kinds that only some parsers have (JSX exists in .tsx, not .ts): those parsers skip it.
  const unsupported = new Map<string, string>();
  const parsers = b.languages.flatMap(parsersOf);
  for (const parser of parsers) {
    const empty = astGrep().parse(parser, '').root();
    const specs = [...(t ? [...t.sources, ...(t.sanitizers ?? []), ...(t.guards ?? []), ...(t.guards_alone ?? [])] : []), ...(b.not_under?.filters ?? [])].map((p) => toRule(p, parser));
    for (const rule of [ruleFor(parser)!, ...specs]) {
      try {
        empty.findAll({ rule });
      } catch (err) {
        unsupported.set(parser, (err as Error).message.split('\n').map((l) => l.replace(/^\s*\|->/, '')).join('; '));
        break;
      }
    }
  }
  if (unsupported.size === parsers.length) {
    const [parser, reason] = [...unsupported][0];
    throw new SentrikError(`invalid ast pattern for ${parser}: ${reason}`);
  }

  return {
    languages: new Set(b.languages),
    constants: (b.constant ?? []).map((mv) => mv.replace(/^\$/, '')),
    severity: b.severity,
    keywords: blockKeywords ?? unionKeywords(mainPatterns.map(patternKeywords)),
    viable(file, parser) {
      if (unsupported.has(parser)) return false;
      if (!passes(blockKeywordTest, file)) return false;
      if (!viableTests.some((test) => passes(test, file))) return false;
      if (taintTests && !taintTests.sources.some((test) => passes(test, file))) return false;
      if (requires.length && !requires.some((re) => testRegex(re, file.text))) return false;
      return !excludes.some((re) => testRegex(re, file.text));
    },
    find(root, language, parser, file) {
      const fixed = (n: SgNode, mv: string, want: boolean): boolean => {
        const bound = n.getMatch(mv.replace(/^\$/, ''));
        return !bound || isConstantValue(root, language, parser, bound) === want;
      };
      const variable = (n: SgNode): boolean =>
        (b.nonconstant ?? []).every((mv) => fixed(n, mv, false)) && (b.constant ?? []).every((mv) => fixed(n, mv, true));
      const rule = ruleFor(parser, file);
      if (!rule) return [];
      if (!t) {
        const found = findAllOnce(root, { rule }).filter((n) => metavarsOk(n) && variable(n));
        return b.not_under && found.length ? outsideFilters(root, parser, b.not_under, found) : found;
      }
      const spec = taintSpec(parser, file);
      if (!spec) return [];
      return taintedSinks(root, language, parser, spec).filter(metavarsOk);
    },
    searches(parser, file) {
      const rule = ruleFor(parser, file);
      if (!rule) return [];
      if (!t) return [[{ config: { rule } }]];
      const spec = taintSpec(parser, file);
      if (!spec) return [];
      // Sources and sanitisers only in files where the sinks turn up. (The conversions and functions that some
      // analyses then need stay searches of their own: they match so many nodes that sorting them out of a
      // shared walk costs more than their own walk.)
      const { sinks, sources, sanitizers } = taintSearches(parser, spec);
      return [[{ config: sinks }], [sources, ...(sanitizers ? [sanitizers] : [])].map((config) => ({ config, after: sinks }))];
    },
  };
}

/** Longer than any route path: not one (see outsideFilters). */
const MAX_ROUTE_PATH = 1000;

/**
 * `not_under`: the matches whose path ($PATH) no filter of the file covers. A filter's path ($FILTER) covers
 * itself and what is below it: "/admin/*", "/admin/**", "/admin/" and "/admin" cover /admin and /admin/users/1;
 * a `*` inside it stands for one segment or more; "*", "/*" and "/" alone cover every path.
 * A leading HTTP method ("DELETE /admin/x", Go 1.22's ServeMux) is not part of the path.
 */
function outsideFilters(root: SgNode, parser: string, spec: { path: string; filters: PatternSpec[] }, found: SgNode[]): SgNode[] {
  const unquote = (s: string): string => s.trim().replace(/^(["'`])([\s\S]*)\1$/, '$2').replace(/^[A-Z]+\s+/, '');
  // The paths come from the scanned file: RE2 (linear time) matches them, never a backtracking RegExp (a
  // filter path of many `*` would make one take polynomial time). A "path" longer than any route is no filter.
  const covers: SafeRegex[] = [];
  for (const f of spec.filters) {
    for (const n of root.findAll({ rule: toRule(f, parser) })) {
      const bound = n.getMatch('FILTER');
      if (!bound || bound.text().length > MAX_ROUTE_PATH) continue;
      const base = unquote(bound.text()).replace(/(\/\*\*?|\*\*?|\/)$/, '');
      if (base === '' || base === '/') return [];
      const re = base.split('*').map(escapeRegex).join('.+');
      covers.push(compileRegex(`^${re.startsWith('/') ? '' : '/?'}${re}(/.*)?$`, { multiline: false, shared: false }));
    }
  }
  if (covers.length === 0) return found;
  const mv = spec.path.replace(/^\$/, '');
  return found.filter((n) => {
    const bound = n.getMatch(mv);
    if (!bound) return true;
    const path = unquote(bound.text());
    return !covers.some((re) => testRegex(re, path));
  });
}

/**
 * `where`, `nonconstant` and `constant` test what a metavariable of the block's patterns bound: one naming a
 * metavariable no pattern binds, or a `$$$` list, would be ignored without a word.
 */
function checkConditionMetavariables(b: Block, specs: PatternSpec[]): void {
  const { single, list } = metavariablesOf(specs);
  const named = [
    ...Object.keys(b.where ?? {}).map((mv) => ['where', mv] as const),
    ...Object.keys(b.where_not ?? {}).map((mv) => ['where_not', mv] as const),
    ...(b.nonconstant ?? []).map((mv) => ['nonconstant', mv] as const),
    ...(b.constant ?? []).map((mv) => ['constant', mv] as const),
  ];
  for (const [field, mv] of named) {
    const name = mv.replace(/^\$/, '');
    if (single.has(name)) continue;
    if (list.has(name)) throw new SentrikError(`\`${field}\` names $$$${name}, a list of nodes: it tests one node`, undefined, undefined, `bind the node to test with $${name} in the pattern`);
    const bound = [...single].map((n) => `$${n}`).join(', ') || 'none';
    throw new SentrikError(`\`${field}\` names $${name}, which no pattern of this block binds (they bind: ${bound})`, undefined, undefined, `use one of those, or add $${name} to the pattern`);
  }
}

function constraints(w: Record<string, string> | undefined): [string, SafeRegex][] {
  return Object.entries(w ?? {}).map(([mv, p]) => [mv.replace(/^\$/, ''), compileRegex(p, { multiline: false })]);
}
