// Rule patterns as packs write them, turned into ast-grep rule objects.
//
// A pattern is an ast-grep pattern string (`$CUR.execute($SQL $$$)`) or a node object combining ast-grep's
// relational operators: { pattern | context+selector | kind, has, inside, follows, after, before, not, any, all, field }.
// `has` and `inside` search at any depth (ast-grep's `stopBy: end`) unless a `field` names a direct child.
import type { Rule } from '@ast-grep/napi';
import { z } from 'zod';
import { SentrikError } from '../../util/errors.js';
import { compileRegex } from '../regex.js';
import { astGrep, kindOf } from './languages.js';

export interface NodeSpec {
  pattern?: string;
  context?: string;
  selector?: string;
  kind?: string;
  field?: string;
  /** The node's text must contain a match (RE2 syntax; checked by RE2 when the pack loads). */
  regex?: string;
  /** Lower-case words one of which a file must contain for this pattern to match (prefilter only). */
  keywords?: string[];
  has?: PatternSpec;
  inside?: PatternSpec;
  /** The node right before this one, among its siblings (PHP's `<?=` tag before the expression it prints). */
  follows?: PatternSpec;
  /** Any node before this one among its siblings, at any distance (a router's `r.Use(auth)` statement before a route). */
  after?: PatternSpec;
  /** Any node after this one among its siblings, at any distance (`admin.Use(auth)` after the group is made). */
  before?: PatternSpec;
  not?: PatternSpec;
  any?: PatternSpec[];
  all?: PatternSpec[];
}
export type PatternSpec = string | NodeSpec;

export const patternSchema: z.ZodType<PatternSpec> = z.lazy(() =>
  z.union([
    z.string().min(1),
    z
      .object({
        pattern: z.string().min(1).optional(),
        context: z.string().min(1).optional(),
        selector: z.string().min(1).optional(),
        kind: z.string().min(1).optional(),
        field: z.string().min(1).optional(),
        regex: z.string().min(1).optional(),
        keywords: z.array(z.string().min(2)).min(1).optional(),
        has: patternSchema.optional(),
        inside: patternSchema.optional(),
        follows: patternSchema.optional(),
        after: patternSchema.optional(),
        before: patternSchema.optional(),
        not: patternSchema.optional(),
        any: z.array(patternSchema).min(1).optional(),
        all: z.array(patternSchema).min(1).optional(),
      })
      .strict()
      .refine((n) => (n.context === undefined) === (n.selector === undefined), { message: '`context` and `selector` go together' })
      .refine((n) => n.pattern || n.context || n.kind || n.regex || n.any || n.all || n.has || n.inside || n.follows || n.after || n.before, {
        message: 'a node pattern needs `pattern`, `context`+`selector`, `kind`, `regex`, `has`, `inside`, `follows`, `after`, `before`, `any` or `all`',
      }),
  ]),
);

/** The ast-grep rule for a pattern, for files parsed with `parser`. */
export function toRule(spec: PatternSpec, parser: string): Rule {
  if (typeof spec === 'string') return patternRule(spec, parser);
  const rule: Record<string, unknown> = {};
  const all: Rule[] = [];
  if (spec.pattern) {
    const p = patternRule(spec.pattern, parser) as Record<string, unknown>;
    if (p.pattern) rule.pattern = p.pattern;
    else all.push(p as Rule);
  }
  if (spec.context) rule.pattern = { context: spec.context, selector: spec.selector };
  if (spec.kind) rule.kind = spec.kind;
  if (spec.field) rule.field = spec.field;
  if (spec.regex) rule.regex = spec.regex;
  if (spec.has) rule.has = relational(spec.has, parser);
  if (spec.inside) rule.inside = relational(spec.inside, parser);
  if (spec.follows) rule.follows = toRule(spec.follows, parser); // the next sibling only (ast-grep's default stopBy)
  if (spec.after) all.push({ follows: { ...(toRule(spec.after, parser) as object), stopBy: 'end' } } as Rule); // any earlier sibling
  if (spec.before) all.push({ precedes: { ...(toRule(spec.before, parser) as object), stopBy: 'end' } } as Rule); // any later sibling
  if (spec.not) rule.not = toRule(spec.not, parser);
  if (spec.any) rule.any = spec.any.map((s) => toRule(s, parser));
  if (spec.all) all.push(...spec.all.map((s) => toRule(s, parser)));
  if (all.length) rule.all = all;
  return rule as Rule;
}

/**
 * A pattern string as a rule. In PHP an argument is a node of its own, so `f($X $$$)` (the first argument, then
 * any others: how rules write it in every language) is no PHP and `f($X, $$$)` needs a second argument: it
 * becomes either form, `f($X)` or `f($X, $$$)`.
 */
function patternRule(p: string, parser: string): Rule {
  if (parser !== 'php' || !PHP_REST.test(p)) return { pattern: patternFor(p, parser) } as Rule;
  const alone = p.replace(PHP_REST, '$1)');
  const more = p.replace(PHP_REST, '$1, $$$$$$)');
  return { any: [alone, more].map((v) => ({ pattern: patternFor(v, parser) })) } as Rule;
}

/** `$X $$$)` in a PHP pattern: an argument followed by the rest of the list. */
const PHP_REST = /(\$[A-Z_][A-Z0-9_]*)\s+\$\$\$\s*\)/;


function relational(spec: PatternSpec, parser: string): Rule {
  const rule = toRule(spec, parser) as Record<string, unknown>;
  return (typeof spec === 'object' && spec.field ? rule : { ...rule, stopBy: 'end' }) as Rule;
}

/**
 * Checks a pattern's regexes with RE2 when the pack loads: ast-grep runs them with Rust's regex crate, which is
 * linear-time too, but pack authors get RE2's syntax and error messages like everywhere else.
 */
export function validatePattern(spec: PatternSpec): void {
  // ast-grep reads a pattern cut short (`eval($X`) as a partial tree that quietly matches nothing.
  for (const text of typeof spec === 'string' ? [spec] : [spec.pattern, spec.context]) {
    const problem = text && unbalanced(text);
    if (problem) throw new SentrikError(`ast pattern ${JSON.stringify(text)} ${problem}`, undefined, undefined, 'close every bracket the pattern opens');
  }
  if (typeof spec === 'string') return;
  if (spec.regex) compileRegex(spec.regex);
  nestedSpecs(spec).forEach(validatePattern);
}

/** The patterns nested in a node spec, whatever their relation to it. */
function nestedSpecs(spec: NodeSpec): PatternSpec[] {
  return [spec.has, spec.inside, spec.follows, spec.after, spec.before, spec.not, ...(spec.any ?? []), ...(spec.all ?? [])].filter((s): s is PatternSpec => s !== undefined);
}

const CLOSING: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Why a pattern's brackets do not pair up, or undefined. Quoted strings are skipped with their contents. */
function unbalanced(text: string): string | undefined {
  const open: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      // An unpaired quote may be a character in a regex literal (`/'/g`): no verdict on such a pattern.
      if (j >= text.length) return undefined;
      i = j;
    } else if (CLOSING[c]) open.push(CLOSING[c]);
    else if (c === ')' || c === ']' || c === '}') {
      if (open.pop() !== c) return `has an unmatched '${c}'`;
    }
  }
  return open.length ? `is missing '${open.reverse().join('')}'` : undefined;
}

/** The metavariables a pattern binds: single nodes (`$X`) and lists (`$$$ARGS`). */
export function metavariablesOf(specs: PatternSpec[]): { single: Set<string>; list: Set<string> } {
  const out = { single: new Set<string>(), list: new Set<string>() };
  const visit = (spec: PatternSpec | undefined): void => {
    if (!spec) return;
    for (const text of typeof spec === 'string' ? [spec] : [spec.pattern, spec.context]) {
      for (const m of text?.matchAll(/(\$\$\$|\$)([A-Z_][A-Z0-9_]*)/g) ?? []) (m[1] === '$' ? out.single : out.list).add(m[2]);
    }
    if (typeof spec === 'string') return;
    nestedSpecs(spec).forEach(visit);
  };
  specs.forEach(visit);
  return out;
}

/** `any` of several patterns. */
export function anyRule(specs: PatternSpec[], parser: string): Rule {
  return specs.length === 1 ? toRule(specs[0], parser) : ({ any: specs.map((s) => toRule(s, parser)) } as Rule);
}

const goPatterns = new Map<string, string | { context: string; selector: string }>();

/**
 * Go's grammar reads a bare `pkg.Func($X)` as something other than a call, so Go patterns that parse as one
 * statement inside a function body are matched in that context, selecting the statement's node kind.
 */
function patternFor(p: string, parser: string): string | { context: string; selector: string } {
  if (parser === 'php') return phpPattern(p);
  if (parser !== 'go') return p;
  let out = goPatterns.get(p);
  if (out === undefined) {
    out = p;
    const context = `func _() {\n${p}\n}`;
    // Probe with metavariables as plain identifiers (and `$X $$$` as `$X, $$$`) to learn the node kind.
    const plain = context.replace(/([\w)])\s+\$\$\$/g, '$1, $$$$$$').replace(/\$/g, 'µ');
    const probe = astGrep().parse('go', `package _\n${plain}`).root();
    const body = probe.find({ rule: { kind: 'block' } });
    const stmts = body?.namedChildren().filter((n) => kindOf(n) !== 'comment') ?? [];
    const lists = stmts[0] && kindOf(stmts[0]) === 'statement_list' ? stmts[0].namedChildren() : stmts;
    if (lists.length === 1 && !probe.find({ rule: { kind: 'ERROR' } })) {
      const stmt = lists[0];
      const target = kindOf(stmt) === 'expression_statement' ? stmt.namedChildren()[0] : stmt;
      if (target) out = { context, selector: kindOf(target) };
    }
    goPatterns.set(p, out);
  }
  return out;
}

const phpPatterns = new Map<string, string | { context: string; selector: string }>();

/**
 * PHP code is code only after `<?php` (before it, the grammar reads text to output), so a PHP pattern is
 * matched as the one statement it makes after the tag, selecting that statement's node kind (the expression's,
 * for an expression statement). A pattern that makes no single statement is left as written.
 */
function phpPattern(p: string): string | { context: string; selector: string } {
  let out = phpPatterns.get(p);
  if (out === undefined) {
    out = p;
    const context = `<?php\n${p.replace(/;\s*$/, '')};`;
    const probe = astGrep().parse('php', context).root();
    const stmts = probe.children().filter((n) => n.isNamed() && !/^(php_tag|comment)$/.test(kindOf(n)));
    if (stmts.length === 1 && !probe.find({ rule: { kind: 'ERROR' } })) {
      const stmt = stmts[0];
      const target = kindOf(stmt) === 'expression_statement' ? stmt.namedChildren()[0] : stmt;
      if (target) out = { context, selector: kindOf(target) };
    }
    phpPatterns.set(p, out);
  }
  return out;
}

/**
 * Lower-case words of which at least one must occur in any file a pattern matches (the scanner's prefilter),
 * or undefined when the pattern does not require a literal word (a bare `kind`, or only metavariables).
 */
export function patternKeywords(spec: PatternSpec): string[] | undefined {
  if (typeof spec === 'string') return longestWord(spec);
  if (spec.keywords) return spec.keywords.map((k) => k.toLowerCase());
  if (spec.pattern && longestWord(spec.pattern)) return longestWord(spec.pattern);
  if (spec.context) return undefined; // the context's words need not occur in the file
  if (spec.any) return unionKeywords(spec.any.map(patternKeywords));
  for (const s of [...(spec.all ?? []), ...(spec.has ? [spec.has] : [])]) {
    const k = patternKeywords(s);
    if (k) return k;
  }
  return undefined;
}

export function unionKeywords(sets: (string[] | undefined)[]): string[] | undefined {
  if (sets.length === 0 || sets.some((s) => s === undefined)) return undefined;
  return [...new Set(sets.flat() as string[])];
}

/**
 * The literal name in a pattern token such as `exec`, `$queryRawUnsafe` (a JS name: ast-grep's metavariables
 * are upper case, `$X`, `$$$ARGS`), or undefined for a metavariable.
 */
export function literalName(token: string): string | undefined {
  const name = token.replace(/^\$+/, '');
  return token.startsWith('$') && /^[A-Z_][A-Z0-9_]*$/.test(name) ? undefined : name;
}

/** The longest identifier-like word (≥ 3 characters) in a pattern that is not a metavariable. */
function longestWord(p: string): string[] | undefined {
  let best = '';
  for (const m of p.matchAll(/\$*[A-Za-z_][A-Za-z0-9_]*/g)) {
    const w = literalName(m[0]);
    if (w === undefined || w.length < 3) continue;
    if (w.length > best.length) best = w;
  }
  return best ? [best.toLowerCase()] : undefined;
}
