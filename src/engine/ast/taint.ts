// Intra-procedural taint: does data from a source reach a sink's marked argument inside one function?
//
// Sources are patterns (request.args, req.body, os.Getenv(…)); a source that matches a parameter declaration
// taints that parameter for the whole function. Taint flows through assignments in source order (a later
// clean assignment clears the variable), through string building (concatenation, template literals,
// f-strings, %/format — the tainted value is simply inside the new expression) and into receivers of
// builder calls (sb.append(x), parts.push(x)). Sanitizer matches (and type conversions such as int(x))
// stop it. Loops and branches are read top to bottom: simple and predictable, not a full data-flow analysis.
import type { Rule, SgNode } from '@ast-grep/napi';
import type { AstLanguage } from './languages.js';
import { kindOf, LANGUAGES, type LanguageSpec } from './languages.js';

const parentKind = (n: SgNode): string => {
  const p = n.parent();
  return p ? kindOf(p) : '';
};
import { findAllOnce } from './parse.js';
import { anyRule, type PatternSpec } from './pattern.js';

export interface TaintSpec {
  sources: PatternSpec[];
  sinks: PatternSpec[];
  sanitizers?: PatternSpec[];
}

/** Conversions that leave nothing of an injected string; every taint rule treats them as sanitisers. */
const CONVERSIONS: Record<AstLanguage, string[]> = {
  python: ['int($$$)', 'float($$$)', 'bool($$$)', 'len($$$)', 'uuid.UUID($$$)'],
  javascript: ['parseInt($$$)', 'parseFloat($$$)', 'Number($$$)', 'Boolean($$$)', '$X.length'],
  typescript: ['parseInt($$$)', 'parseFloat($$$)', 'Number($$$)', 'Boolean($$$)', '$X.length'],
  java: ['Integer.parseInt($$$)', 'Long.parseLong($$$)', 'Integer.valueOf($$$)', 'Long.valueOf($$$)', 'Boolean.parseBoolean($$$)', 'UUID.fromString($$$)'],
  go: ['strconv.Atoi($$$)', 'strconv.ParseInt($$$)', 'strconv.ParseBool($$$)', 'strconv.ParseFloat($$$)', 'len($$$)'],
  c: ['strtol($$$)', 'strtoul($$$)', 'strtod($$$)', 'sizeof($$$)'],
};

/** Calls that store their argument in the receiver: `sb.append(x)` taints `sb`. */
const BUILDER_METHODS = new Set(['append', 'push', 'extend', 'add', 'write', 'writeString', 'WriteString', 'insert', 'unshift', 'update', 'concat']);

type Span = [start: number, end: number];
const span = (n: SgNode): Span => {
  const r = n.range();
  return [r.start.index, r.end.index];
};
const within = (inner: Span, outer: Span): boolean => inner[0] >= outer[0] && inner[1] <= outer[1];

interface Event {
  node: SgNode;
  pos: number;
  names: string[];
  value: SgNode[];
  /** `x += …` and builder calls keep earlier taint. */
  keep: boolean;
}

/** Sink matches whose marked argument ($SINK, else the whole match) carries tainted data. */
export function taintedSinks(root: SgNode, language: AstLanguage, parser: string, spec: TaintSpec): SgNode[] {
  const sinks = findAllOnce(root, { rule: anyRule(spec.sinks, parser) });
  if (sinks.length === 0) return [];
  const sourceNodes = findAllOnce(root, { rule: anyRule(spec.sources, parser) });
  if (sourceNodes.length === 0) return [];
  const lang = LANGUAGES[language];
  // Taint never crosses functions: only sinks whose outermost function holds a source need the analysis.
  const sourceSpans = sourceNodes.map(span);
  const candidates = sinks.filter((sink) => {
    const scope = outermostFunction(sink, lang);
    const range = scope ? span(scope) : undefined;
    return sourceSpans.some((s) => !range || within(s, range));
  });
  if (candidates.length === 0) return [];
  // The built-in conversions are searched on their own, so every taint rule of the file (and the constant
  // checks) share that one search.
  const sanitizerNodes = [...(spec.sanitizers?.length ? findAllOnce(root, { rule: anyRule(spec.sanitizers, parser) }) : []), ...conversionNodes(root, language, parser)];
  const analysis = new Analysis(root, lang, parser, sourceNodes, sanitizerNodes);
  return candidates.filter((sink) => analysis.isTainted(sink.getMatch('SINK') ?? sink));
}

/** Scopes larger than this (bundles wrapped in one function) are too coarse to be worth analysing whole. */
const MAX_SCOPE_CHARS = 50_000;

/**
 * The analysis scope of `node`: its outermost function (closures share their parent's variables), but no
 * larger than MAX_SCOPE_CHARS unless the innermost function already is; undefined at top level.
 */
function outermostFunction(node: SgNode, lang: LanguageSpec): SgNode | undefined {
  let scope: SgNode | undefined;
  for (const a of node.ancestors()) {
    if (!lang.functions.includes(kindOf(a))) continue;
    const [start, end] = span(a);
    if (scope && end - start > MAX_SCOPE_CHARS) break;
    scope = a;
  }
  return scope;
}

function conversionNodes(root: SgNode, language: AstLanguage, parser: string): SgNode[] {
  return findAllOnce(root, { rule: anyRule(CONVERSIONS[language], parser) });
}

const constantCheckers = new WeakMap<SgNode, (node: SgNode) => boolean>();

/**
 * Is a node's value fixed in the code — literals, variables only ever assigned literals or sanitised values,
 * type conversions — rather than data that could come from outside? Cached per parsed file.
 */
export function isConstantValue(root: SgNode, language: AstLanguage, parser: string, node: SgNode): boolean {
  let check = constantCheckers.get(root);
  if (!check) {
    const analysis = new Analysis(root, LANGUAGES[language], parser, [], conversionNodes(root, language, parser));
    check = (n) => analysis.isConstantNode(n);
    constantCheckers.set(root, check);
  }
  return check(node);
}

class Analysis {
  private readonly sources: Span[];
  private readonly sanitizers: Span[];
  /** Tainted parameter names per function (start offset of the function). */
  private readonly params = new Map<number, Set<string>>();
  /** Variable timelines per scope: name → [(position, tainted)], in source order. */
  private readonly scopes = new Map<number, Map<string, [number, boolean][]>>();
  private readonly referenceRule: Rule;
  private readonly callRule: Rule;
  private safe: (ref: SgNode) => boolean = () => false;
  private readonly safeByScope = new Map<number, Map<string, boolean>>();

  constructor(
    private readonly root: SgNode,
    private readonly lang: LanguageSpec,
    private readonly parser: string,
    sourceNodes: SgNode[],
    sanitizerNodes: SgNode[],
  ) {
    this.sanitizers = sanitizerNodes.map(span);
    this.sources = [];
    this.referenceRule = { any: lang.identifiers.map((kind) => ({ kind })) } as Rule;
    this.callRule = { any: lang.calls.map(([kind]) => ({ kind })) } as Rule;
    this.safe = (ref) => this.isSafeVariable(ref);
    for (const s of sourceNodes) {
      const name = this.parameterName(s);
      if (name === undefined) {
        // String building from literals and safe variables only ("SELECT …" + TABLE, fmt.Sprintf("…")) is no source.
        if (!this.isConstant(s, this.safe)) this.sources.push(span(s));
        continue;
      }
      const fn = this.scopeOf(s);
      const key = fn ? span(fn)[0] : -1;
      if (!this.params.has(key)) this.params.set(key, new Set());
      this.params.get(key)!.add(name);
    }
  }

  /**
   * Does `ref` name a variable that only ever holds literals or sanitised values in its function (x = "a",
   * id = strconv.Atoi(s))? String building from such variables is not attacker-controlled. Computed per
   * function on first use.
   */
  private isSafeVariable(ref: SgNode): boolean {
    const scope = this.scopeOf(ref);
    const key = scope ? span(scope)[0] : -1;
    let verdict = this.safeByScope.get(key);
    if (!verdict) {
      const v = new Map<string, boolean>();
      this.safeByScope.set(key, v); // set first: a self-referencing assignment sees "unknown", i.e. unsafe
      const known = (r: SgNode): boolean => v.get(r.text()) === true;
      for (const ev of this.events(scope ?? this.root)) {
        const ok = ev.value.every((x) => this.isConstant(x, known));
        for (const name of ev.names) v.set(name, (v.get(name) ?? true) && ok);
      }
      verdict = v;
    }
    return verdict.get(ref.text()) === true;
  }

  isConstantNode(node: SgNode): boolean {
    return this.isConstant(node, this.safe);
  }

  /** Literals, safe variables and sanitiser calls only (the node's own call, e.g. a format call, aside). */
  private isConstant(node: SgNode, safe: (ref: SgNode) => boolean): boolean {
    const own = span(node);
    const sanitized = (s: Span): boolean => this.sanitizers.some((z) => within(s, z));
    for (const call of node.findAll({ rule: this.callRule })) {
      const s = span(call);
      if ((s[0] !== own[0] || s[1] !== own[1]) && !sanitized(s)) return false;
    }
    return this.references(node).every((r) => this.isCallee(r) || safe(r) || sanitized(span(r)));
  }

  /** The function part of a call: `f` in f(x), `fmt` in fmt.Sprintf(x), `String` in String.format(x). */
  private isCallee(n: SgNode): boolean {
    const parent = n.parent();
    if (!parent) return false;
    const calleeOf = (node: SgNode, p: SgNode): boolean =>
      this.lang.calls.some(([kind, field]) => kindOf(p) === kind && (p.field(field as never) as SgNode | null)?.id() === node.id());
    if (calleeOf(n, parent)) return true;
    if (kindOf(parent) === 'method_invocation') return /^[A-Z]/.test(n.text()); // Java: Class.method(…)
    const grand = parent.parent();
    return !!grand && /attribute|member_expression|selector_expression/.test(kindOf(parent)) && calleeOf(parent, grand);
  }

  isTainted(expr: SgNode): boolean {
    const scope = this.scopeOf(expr);
    return this.taintedWithin(expr, (name, pos) => this.taintedAt(scope, name, pos));
  }

  /** Does `expr` hold a source, or a read of a variable that `lookup` says is tainted, outside sanitisers? */
  private taintedWithin(expr: SgNode, lookup: (name: string, pos: number) => boolean): boolean {
    const ex = span(expr);
    const cleaned = (s: Span): boolean => this.sanitizers.some((z) => within(s, z) && within(z, ex) && !within(ex, s));
    if (this.sources.some((s) => (within(s, ex) || within(ex, s)) && !cleaned(s))) return true;
    for (const ref of this.references(expr)) {
      const s = span(ref);
      if (lookup(ref.text(), s[0]) && !cleaned(s)) return true;
    }
    return false;
  }

  private references(expr: SgNode): SgNode[] {
    const found = this.lang.identifiers.includes(kindOf(expr)) ? [expr] : expr.findAll({ rule: this.referenceRule });
    return found.filter((n) => {
      const parent = n.parent();
      if (!parent) return true;
      return !this.lang.notReferences.some(([kind, field]) => kindOf(parent) === kind && (parent.field(field as never) as SgNode | null)?.id() === n.id());
    });
  }

  private scopeOf(node: SgNode): SgNode | undefined {
    return outermostFunction(node, this.lang);
  }

  private taintedAt(scope: SgNode | undefined, name: string, pos: number): boolean {
    const key = scope ? span(scope)[0] : -1;
    let timeline = this.scopes.get(key);
    if (!timeline) this.scopes.set(key, (timeline = this.buildTimeline(scope)));
    let tainted = false;
    for (const [at, t] of timeline.get(name) ?? []) {
      if (at > pos) break;
      tainted = t;
    }
    return tainted;
  }

  /** Walks the scope's assignments in source order, recording when each variable becomes (un)tainted. */
  private buildTimeline(scope: SgNode | undefined): Map<string, [number, boolean][]> {
    const node = scope ?? this.root;
    const timeline = new Map<string, [number, boolean][]>();
    const start = span(node)[0];
    const params = new Set<string>();
    for (const [fnStart, names] of this.params) if (fnStart >= start && fnStart <= span(node)[1]) names.forEach((n) => params.add(n));
    for (const p of params) timeline.set(p, [[start, true]]);

    const current = (name: string, pos: number): boolean => {
      let t = false;
      for (const [at, v] of timeline.get(name) ?? []) if (at <= pos) t = v;
      return t;
    };
    for (const ev of this.events(node)) {
      const tainted = ev.value.some((v) => this.taintedWithin(v, current));
      for (const name of ev.names) {
        const value = tainted || (ev.keep && current(name, ev.pos));
        if (!timeline.has(name)) timeline.set(name, []);
        timeline.get(name)!.push([ev.pos, value]);
      }
    }
    return timeline;
  }

  private events(node: SgNode): Event[] {
    const out: Event[] = [];
    for (const [kind, left, right] of this.lang.assignments) {
      for (const a of node.findAll({ rule: { kind } as Rule })) {
        const l = a.field(left as never) as SgNode | null;
        const r = a.field(right as never) as SgNode | null;
        if (!l || !r) continue;
        out.push({ node: a, pos: span(a)[1], names: this.declaredNames(l), value: [r], keep: kind.startsWith('augmented') });
      }
    }
    for (const call of node.findAll({ rule: { pattern: this.parser === 'go' ? { context: 'func _() { $R.$M($$$A) }', selector: 'call_expression' } : '$R.$M($$$A)' } as Rule })) {
      const method = call.getMatch('M')?.text();
      const receiver = call.getMatch('R');
      if (!method || !BUILDER_METHODS.has(method) || !receiver || !this.lang.identifiers.includes(kindOf(receiver))) continue;
      out.push({ node: call, pos: span(call)[1], names: [receiver.text()], value: call.getMultipleMatches('A'), keep: true });
    }
    return out.sort((a, b) => a.pos - b.pos);
  }

  /** Names a left-hand side assigns: identifiers (also inside tuples and destructuring), or `obj.attr` as text. */
  private declaredNames(left: SgNode): string[] {
    if (this.lang.identifiers.includes(kindOf(left))) return [left.text()];
    const names = left
      .findAll({ rule: { any: this.lang.identifiers.map((kind) => ({ kind })) } as Rule })
      .filter((n) => !/member_expression|attribute|selector_expression|field_access|subscript|index_expression/.test(parentKind(n)))
      .map((n) => n.text());
    return names;
  }

  /** If a source matched a parameter declaration, the parameter's name. */
  private parameterName(node: SgNode): string | undefined {
    const kind = kindOf(node);
    const parentKindName = parentKind(node);
    if (!/parameter/.test(kind) && !/parameters|parameter_list/.test(parentKindName)) return undefined;
    if (this.lang.identifiers.includes(kind)) return node.text();
    const name = (node.field('name' as never) as SgNode | null) ?? node.find({ rule: { kind: 'identifier' } as Rule });
    return name?.text();
  }
}
