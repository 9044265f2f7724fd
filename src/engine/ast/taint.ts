// Intra-procedural taint: does data from a source reach a sink's marked argument inside one function?
//
// Sources are patterns (request.args, req.body, os.Getenv(…)); a source that matches a parameter declaration
// taints that parameter for the whole function. Taint flows through assignments in source order (a later
// clean assignment clears the variable), through string building (concatenation, template literals,
// f-strings, %/format — the tainted value is simply inside the new expression) and into receivers of
// builder calls (sb.append(x), parts.push(x)). Sanitizer matches (and type conversions such as int(x))
// stop it. Loops and branches are read top to bottom: simple and predictable, not a full data-flow analysis.
//
// Checks clean a variable too (guards): after `if (!ALLOWED.has(x)) return` — an `if` that leaves the function,
// loop or request when the check fails — and inside `if (ALLOWED.has(x)) { … }` or `ALLOWED.has(x) ? x : …`.
// Allowlist membership is such a check for every rule; a rule adds its own (a path's prefix check, `guards:`).
//
// A value looked up in a collection fixed in the code — `COLUMNS[k]`, `COLUMNS.get(k, "id")`,
// `MAP.getOrDefault(k, "id")`, with the collection only ever assigned literals and never written to in the
// file — is one of the collection's values, whatever the key: neither tainted by the key nor less constant for it.
// A variable read where a membership check holds (`ALLOWED.contains(x) ? x : "id"`) is one of the allowlist's
// members: constant too (SQL text built from it is no source).
import type { Rule, SgNode } from '@ast-grep/napi';
import type { AstLanguage } from './languages.js';
import { kindOf, LANGUAGES, type LanguageSpec } from './languages.js';

const parentKind = (n: SgNode): string => {
  const p = n.parent();
  return p ? kindOf(p) : '';
};
import { findAllOnce } from './parse.js';
import { anyRule, type PatternSpec } from './pattern.js';
import { compileRegex, escapeRegex, testRegex, type SafeRegex } from '../regex.js';

export interface TaintSpec {
  sources: PatternSpec[];
  /** The sinks as one rule, with the conditions that place them (inside, not …). */
  sinks: Rule;
  sanitizers?: PatternSpec[];
  /** The sources are fixed values themselves (a cleartext URL, a hard-coded key): constant ones taint too. */
  constantSources?: boolean;
  /** Checks of a value `$V` that make it safe for this rule's sinks where they hold (see the header). */
  guards?: PatternSpec[];
  /**
   * A rule's own guard counts only for a variable whose value was last assigned from code this matches: a
   * prefix check proves a path stays in its folder only once the path is normalised (path.resolve, realpath).
   */
  guardNeeds?: SafeRegex;
  /** Checks that count as `guards` do, whatever the variable was assigned from (guardNeeds is not theirs). */
  guardsAlone?: PatternSpec[];
}

/** Where a check cleans `name`: from `pos`, until `until` (absent: the rest of the scope); see guardMarks. */
interface GuardMark {
  name: string;
  pos: number;
  until?: number;
}

/** The checks an analysis honours: membership for every rule, the rule's own (with what they need). */
interface Guards {
  membership?: Rule;
  own?: Rule;
  ownNeeds?: SafeRegex;
  alone?: Rule;
}

/** Allowlist membership: a value found in a fixed set is one of its members, safe for any sink (`$V`: the value). */
const MEMBERSHIP: Record<AstLanguage, string[]> = {
  python: ['$V in $S'],
  javascript: ['$S.has($V)', '$S.includes($V)'],
  typescript: ['$S.has($V)', '$S.includes($V)'],
  java: ['$S.contains($V)', '$S.containsKey($V)'],
  go: ['slices.Contains($S, $V)', '$S[$V]'],
  c: [],
  php: ['in_array($V, $S $$$)', 'array_key_exists($V, $S)'],
};

/** The last statement of a branch that leaves it: the code after the `if` runs only when its check held. */
const EXIT_STATEMENT = /^(return|throw|raise|break|continue|exit)_statement$/;
/** `abort(403)`, `sys.exit(1)`, `panic(err)`, `log.Fatal(err)`, `os.Exit(1)`, PHP's `die('…')`, Spark's `halt(400)`, SvelteKit's `error(400, …)` and `redirect(303, …)` (they throw), Koa's and Oak's `ctx.throw(404)`: calls that never return. */
const EXIT_CALL = /^([\w$]+\.)*(abort|exit|_exit|die|halt|panic|Exit|Fatal|Fatalf|Fatalln)\s*\(|^(error|redirect)\(\s*[1-5]\d\d\s*[,)]|^(ctx|context)\.throw\(/;
/** An expression statement that leaves: PHP 8's `throw` is an expression. */
const THROW_EXPRESSION = /^throw\b/;
/** `urlparse(…)`, `new URL(raw)`, `URI.create(url)`, `url.Parse(raw)`: a parsed URL; group 1, the variable parsed. */
const PARSED_URL = /^(?:new\s+)?(?:[\w$]+\.)*(?:urlparse|urlsplit|URL|URI|create|Parse|parse_url)\((?:\s*([A-Za-z_$][\w$]*)\s*[,)])?/;
/** `x`, `x.host`, `x.getHost()`, `u.Hostname()`, PHP's `$u['host']`: the variable a check is about. */
const CHECKED_VARIABLE = /^([A-Za-z_$][\w$]*)(\s*\.\s*[A-Za-z_$][\w$]*(\(\))?|\s*\[\s*(['"])\w+\4\s*\])*$/;
/** PHP's `parse_url($url, PHP_URL_HOST)`: a host parsed from the variable of group 1. */
const PARSED_HOST = /^parse_url\(\s*(\$\w+)\s*,\s*PHP_URL_HOST\s*\)$/;
/** The host of a URL parsed in place — `urlparse(url).hostname`, `new URL(raw).host`, `URI.create(u).getHost()` — group 1, the variable parsed. */
const PARSED_URL_HOST = /^(?:new\s+)?(?:[\w$]+\.)*(?:urlparse|urlsplit|URL|URI|create|Parse)\(\s*([A-Za-z_$][\w$]*)\s*\)\s*\.\s*(?:host|hostname|netloc|origin|getHost\(\)|Host|Hostname\(\))$/;

/**
 * `… ? x : '/'`, `… else DEFAULT`: the conditional falls back to a literal or a constant (an UPPER_CASE name, an
 * element of one). With an allowlist check of the very value it returns, it is one of the allowlist's or that.
 */
const FIXED_FALLBACK = /(:|\belse)\s*(["'`][^"'`$]*["'`]|[A-Z_][A-Z0-9_]*(\.[A-Za-z_]\w*|\[\d+\])*|null|undefined|None|-?\d+)\s*$/.source;
/** `ALLOWED.has(req.query.to) ? req.query.to : '/'` (the value checked in place, a property as well as a variable). */
const MEMBERSHIP_CONDITIONAL = (tests: string[]): PatternSpec[] => tests.map((t) => ({ pattern: t, regex: FIXED_FALLBACK }));

/** Conversions (and comparisons: a boolean) that leave nothing of an injected string; every taint rule treats them as sanitisers. */
const CONVERSIONS: Record<AstLanguage, PatternSpec[]> = {
  python: ['int($$$)', 'float($$$)', 'bool($$$)', 'len($$$)', 'uuid.UUID($$$)', '$A == $B', '$A != $B', '$A in $B', '$A not in $B', 'not $A', ...MEMBERSHIP_CONDITIONAL(['$X if $X in $S else $D'])],
  javascript: ['parseInt($$$)', 'parseFloat($$$)', 'Number($$$)', 'Boolean($$$)', '$X.length', '$A === $B', '$A !== $B', '$A == $B', '$A != $B', '$S.has($$$)', '$S.includes($$$)', ...MEMBERSHIP_CONDITIONAL(['$S.has($X) ? $X : $D', '$S.includes($X) ? $X : $D', '$A && $S.has($X) ? $X : $D', '$A && $S.includes($X) ? $X : $D'])],
  typescript: ['parseInt($$$)', 'parseFloat($$$)', 'Number($$$)', 'Boolean($$$)', '$X.length', '$A === $B', '$A !== $B', '$A == $B', '$A != $B', '$S.has($$$)', '$S.includes($$$)', ...MEMBERSHIP_CONDITIONAL(['$S.has($X) ? $X : $D', '$S.includes($X) ? $X : $D', '$A && $S.has($X) ? $X : $D', '$A && $S.includes($X) ? $X : $D'])],
  java: ['Integer.parseInt($$$)', 'Long.parseLong($$$)', 'Integer.valueOf($$$)', 'Long.valueOf($$$)', 'Boolean.parseBoolean($$$)', 'UUID.fromString($$$)', '$A == $B', '$A != $B', '$S.contains($$$)', '$S.containsKey($$$)', ...MEMBERSHIP_CONDITIONAL(['$S.contains($X) ? $X : $D', '$A && $S.contains($X) ? $X : $D'])],
  go: [
    'strconv.Atoi($$$)', 'strconv.ParseInt($$$)', 'strconv.ParseBool($$$)', 'strconv.ParseFloat($$$)', 'len($$$)', '$A == $B', '$A != $B', 'slices.Contains($$$)',
    // numbers and booleans written as text, and the fixed reason phrase of a status code
    'strconv.Itoa($$$)', 'strconv.FormatInt($$$)', 'strconv.FormatUint($$$)', 'strconv.FormatFloat($$$)', 'strconv.FormatBool($$$)', 'http.StatusText($$$)',
    // an empty slice or map (what is written into it later is judged where it is written)
    'make($$$)',
    // a fixed format with numeric verbs only (SQL placeholders fmt.Sprintf("$%d", i+1))
    { pattern: 'fmt.Sprintf($$$)', regex: '^fmt\\.Sprintf\\(\\s*"([^"%\\\\]|%%|%[-+# 0]*\\d*(\\.\\d+)?[dboxXcUeEfFgGt])*"\\s*[,)]' },
  ],
  c: ['strtol($$$)', 'strtoul($$$)', 'strtod($$$)', 'sizeof($$$)'],
  php: [
    'intval($$$)', 'floatval($$$)', 'boolval($$$)', 'count($$$)', 'strlen($$$)', 'isset($$$)', 'empty($$$)', 'is_numeric($$$)', 'ctype_digit($$$)', 'ctype_alnum($$$)',
    'in_array($$$)', 'array_key_exists($$$)', '$A === $B', '$A !== $B', '$A == $B', '$A != $B',
    { kind: 'cast_expression', regex: '^\\(\\s*(int|integer|float|double|bool|boolean)\\s*\\)' },
    // filters that validate a number, a boolean or an IP address leave no room for markup, quotes or paths
    { pattern: 'filter_var($$$)', regex: '\\bFILTER_VALIDATE_(INT|FLOAT|BOOL|BOOLEAN|IP)\\b' },
    { pattern: 'filter_input($$$)', regex: '\\bFILTER_VALIDATE_(INT|FLOAT|BOOL|BOOLEAN|IP)\\b' },
  ],
};

/**
 * Collections built from their arguments only: constant when the arguments are (Map.of("a", "a"), new Set([…]),
 * frozenset({…}), Object.freeze({…})). Matched against the call's text.
 */
const COLLECTION_BUILDING = /^(new\s+)?((java\.util\.)?(Map|Set|List|ImmutableMap|ImmutableSet|ImmutableList|EnumSet)\s*\.\s*(of|copyOf|ofEntries|entry)|Arrays\s*\.\s*asList|Object\s*\.\s*freeze|Map|Set|frozenset|set|dict|tuple|list|(types\s*\.\s*)?MappingProxyType)\s*(<[^>()]*>\s*)?\(/;

/** Lookup methods: `m.get(k)`, `d.get(k, default)`, `map.getOrDefault(k, default)`. */
const LOOKUP_METHOD = /^(get|getOrDefault)$/;
/** Text a lookup may contain: files without it skip the search. */
const LOOKUP_TEXT = /\[|\.\s*get(OrDefault)?\s*\(/;

/** Calls whose result is built from their arguments only (see Analysis.isStringBuilding): formatting, joining, min/max/rounding. */
const STRING_BUILDING = /(^|\.)(format|formatted|Sprintf|Sprint|Sprintln|Errorf|sprintf|vsprintf|snprintf|join|Join|implode|concat|valueOf|toString|str|String|max|min|abs|round|floor|ceil|intdiv)$/;

/** `x += y` in grammars without a separate augmented-assignment node (Go, Java): keeps x's earlier taint. */
const COMPOUND_ASSIGNMENT = /^(\+|-|\*|\/|%|&|\||\^|<<|>>|>>>|&\^)=$/;

/** Calls that store their argument in the receiver: `sb.append(x)` taints `sb`. */
const BUILDER_METHODS = new Set(['append', 'push', 'extend', 'add', 'write', 'writeString', 'WriteString', 'insert', 'unshift', 'update', 'concat']);

/** A receiver that is itself a builder call on a variable (`sb.append(a)` in `sb.append(a).append(b)`): group 1 the variable, 2 the method. */
const CHAINED_BUILDER = /^([A-Za-z_$][\w$]*)\s*\.\s*(\w+)\s*\(/;

/** The variable a chain of builder calls stores into (`sql` of `sql.append(" AND depot = '").append(depot)`), or undefined. */
function chainedBuilder(receiver: string): string | undefined {
  const m = CHAINED_BUILDER.exec(receiver);
  return m && BUILDER_METHODS.has(m[2]) ? m[1] : undefined;
}

/**
 * Go calls that decode into the variable whose address they are given: `json.NewDecoder(r.Body).Decode(&body)`,
 * `json.Unmarshal(data, &v)`, gin's `c.ShouldBindJSON(&req)`. The variable holds what the call read (the whole
 * call is its value: the reader, the data, a framework's request).
 */
const GO_DECODING_CALL = /^[\w.()*\[\]]*?\b(Decode|DecodeElement|Unmarshal|UnmarshalJSON|UnmarshalText|Bind|BindJSON|BindQuery|BindUri|BindHeader|ShouldBind|ShouldBindJSON|ShouldBindQuery|ShouldBindUri|ShouldBindHeader|ShouldBindWith|ShouldBindBodyWith|BodyParser|QueryParser|ParamsParser|ReqHeaderParser)\s*\(/;

/** A builder call (see BUILDER_METHODS) as a pattern, where `$R.$M($$$A)` is not one. */
const BUILDER_CALL: Record<string, NapiPattern> = {
  go: { context: 'func _() { $R.$M($$$A) }', selector: 'call_expression' },
  php: { context: '<?php $R->$M($$$A);', selector: 'member_call_expression' },
};
type NapiPattern = string | { context: string; selector: string };

/** Destructuring patterns (JS/TS) that may sit between a parameter list and the names it binds. */
const DESTRUCTURING = /^(object_pattern|array_pattern|pair_pattern|assignment_pattern|object_assignment_pattern|rest_pattern)$/;

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
  const searches = taintSearches(parser, spec);
  const sinks = findAllOnce(root, searches.sinks);
  if (sinks.length === 0) return [];
  const sourceNodes = findAllOnce(root, searches.sources);
  if (sourceNodes.length === 0) return [];
  const lang = LANGUAGES[language];
  // Taint never crosses functions: only sinks whose outermost function holds a source need the analysis.
  const sourceSpans = sourceNodes.map(span);
  // Module-level variables are visible in every function (const input = process.argv[2]; function f() {…}).
  const topLevelSource = sourceNodes.some((s) => !outermostFunction(root, s, lang));
  const candidates = sinks.filter((sink) => {
    const scope = outermostFunction(root, sink, lang);
    const range = scope ? span(scope) : undefined;
    return topLevelSource || sourceSpans.some((s) => !range || within(s, range));
  });
  if (candidates.length === 0) return [];
  // The built-in conversions are searched on their own, so every taint rule of the file (and the constant
  // checks) share that one search.
  const sanitizerNodes = [...(searches.sanitizers ? findAllOnce(root, searches.sanitizers) : []), ...conversionNodes(root, language, parser)];
  const guards: Guards = {
    membership: membershipRule(language, parser),
    own: spec.guards?.length ? anyRule(spec.guards, parser) : undefined,
    ownNeeds: spec.guardNeeds,
    alone: spec.guardsAlone?.length ? anyRule(spec.guardsAlone, parser) : undefined,
  };
  const analysis = new Analysis(root, lang, parser, sourceNodes, sanitizerNodes, spec.constantSources, guards);
  // A source that holds the whole sink call is built from the sink's result (Gin's `c.Query("id")` read as a
  // `$DB.Query($SINK)` sink): data flows out of that call, not into it.
  return candidates.filter((sink) => analysis.isTainted(sink.getMatch('SINK') ?? sink, span(sink)) && !analysis.checkedOnceAssigned(sink));
}

/** The searches taintedSinks makes: the sinks in every file, the rest only in files that have sinks. */
export function taintSearches(parser: string, spec: TaintSpec) {
  return {
    sinks: { rule: spec.sinks },
    sources: { rule: anyRule(spec.sources, parser) },
    sanitizers: spec.sanitizers?.length ? { rule: anyRule(spec.sanitizers, parser) } : undefined,
  };
}

/** Scopes larger than this (bundles wrapped in one function) are too coarse to be worth analysing whole. */
const MAX_SCOPE_CHARS = 50_000;

/**
 * The analysis scope of `node`: its outermost function (closures share their parent's variables), but no
 * larger than MAX_SCOPE_CHARS unless the innermost function already is; undefined at top level.
 */
function outermostFunction(root: SgNode, node: SgNode, lang: LanguageSpec): SgNode | undefined {
  let scope: SgNode | undefined;
  for (const a of enclosingFunctions(root, node, lang)) {
    const [start, end] = span(a);
    if (scope && end - start > MAX_SCOPE_CHARS) break;
    scope = a;
  }
  return scope;
}

/** The functions of a parsed file in document order, with their spans and the function each sits in. */
interface FunctionIndex {
  nodes: SgNode[];
  ids: number[];
  starts: number[];
  ends: number[];
  /** Index of the innermost enclosing function, or -1. */
  parent: number[];
}

const functionIndexes = new WeakMap<SgNode, FunctionIndex>();

/**
 * The functions around `node`, innermost first — what walking its ancestors finds, answered from one index
 * of the file's functions (walking ancestors crosses into native code at every level, for every question).
 */
function enclosingFunctions(root: SgNode, node: SgNode, lang: LanguageSpec): SgNode[] {
  let index = functionIndexes.get(root);
  if (!index) functionIndexes.set(root, (index = indexFunctions(root, lang)));
  const [s, e] = span(node);
  const id = node.id();
  // The last function starting at or before the node: any function around the node is it or encloses it.
  let lo = 0;
  let hi = index.starts.length - 1;
  let j = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (index.starts[mid] <= s) (j = mid), (lo = mid + 1);
    else hi = mid - 1;
  }
  const out: SgNode[] = [];
  for (; j !== -1; j = index.parent[j]) {
    if (index.ends[j] < e || index.ids[j] === id) continue;
    // Same span, other node: spans cannot tell which is inside which, so ask the tree itself.
    if (index.starts[j] === s && index.ends[j] === e) return node.ancestors().filter((a) => lang.functions.includes(kindOf(a)));
    out.push(index.nodes[j]);
  }
  return out;
}

function indexFunctions(root: SgNode, lang: LanguageSpec): FunctionIndex {
  const nodes = findAllOnce(root, { rule: { any: lang.functions.map((kind) => ({ kind })) } as Rule });
  const index: FunctionIndex = { nodes, ids: [], starts: [], ends: [], parent: [] };
  const open: number[] = [];
  nodes.forEach((n, i) => {
    const [start, end] = span(n);
    index.ids.push(n.id());
    index.starts.push(start);
    index.ends.push(end);
    while (open.length && index.ends[open[open.length - 1]] < end) open.pop();
    index.parent.push(open.length ? open[open.length - 1] : -1);
    open.push(i);
  });
  return index;
}

const OR = /^(\|\||or)$/;
const AND = /^(&&|and)$/;

function unwrap(n: SgNode): SgNode {
  while (kindOf(n) === 'parenthesized_expression' && n.namedChildren().length === 1) n = n.namedChildren()[0];
  return n;
}

/** `a || b || c` → [a, b, c] (`or` in Python), or [node] when it is not one. */
function operands(node: SgNode, op: RegExp): SgNode[] {
  const n = unwrap(node);
  const operator = (n.field('operator' as never) as SgNode | null)?.text();
  const left = n.field('left' as never) as SgNode | null;
  const right = n.field('right' as never) as SgNode | null;
  if (/^(binary_expression|boolean_operator)$/.test(kindOf(n)) && operator && op.test(operator) && left && right) return [...operands(left, op), ...operands(right, op)];
  return [n];
}

/** `!x` / `not x` → x. */
function negation(node: SgNode): SgNode | undefined {
  const n = unwrap(node);
  const operator = (n.field('operator' as never) as SgNode | null)?.text();
  const inner = (n.field('argument' as never) ?? n.field('operand' as never)) as SgNode | null;
  if (inner && ((/^unary(_op)?_expression$/.test(kindOf(n)) && operator === '!') || kindOf(n) === 'not_operator')) return unwrap(inner);
  return undefined;
}

/** Condition and branches of an `if` or a conditional expression (Python's `a if c else b` has no field names). */
function conditionalParts(n: SgNode): { condition: SgNode; then: SgNode; otherwise?: SgNode } | undefined {
  const condition = n.field('condition' as never) as SgNode | null;
  const then = (n.field('consequence' as never) ?? n.field('body' as never)) as SgNode | null; // PHP: `body`
  if (condition && then) return { condition, then, otherwise: (n.field('alternative' as never) as SgNode | null) ?? undefined };
  const [a, c, b] = n.namedChildren().filter((x) => kindOf(x) !== 'comment');
  return kindOf(n) === 'conditional_expression' && a && c && b ? { condition: c, then: a, otherwise: b } : undefined;
}

/** Does a branch end by leaving (return, throw, raise, break, continue, abort(…), os.Exit(…))? */
function leaves(branch: SgNode): boolean {
  let last: SgNode | undefined = branch;
  while (last && /block|statement_list|compound_statement/.test(kindOf(last))) last = last.namedChildren().filter((c) => kindOf(c) !== 'comment').at(-1);
  if (!last) return false;
  return EXIT_STATEMENT.test(kindOf(last)) || (kindOf(last) === 'expression_statement' && (EXIT_CALL.test(last.text()) || THROW_EXPRESSION.test(last.text())));
}

function conversionNodes(root: SgNode, language: AstLanguage, parser: string): SgNode[] {
  return findAllOnce(root, { rule: anyRule(CONVERSIONS[language], parser) });
}

const constantAnalyses = new WeakMap<SgNode, Analysis>();

function constantAnalysis(root: SgNode, language: AstLanguage, parser: string): Analysis {
  let analysis = constantAnalyses.get(root);
  if (!analysis) constantAnalyses.set(root, (analysis = new Analysis(root, LANGUAGES[language], parser, [], conversionNodes(root, language, parser), false, { membership: membershipRule(language, parser) })));
  return analysis;
}

function membershipRule(language: AstLanguage, parser: string): Rule | undefined {
  return MEMBERSHIP[language].length ? anyRule(MEMBERSHIP[language], parser) : undefined;
}

/**
 * Is a node's value fixed in the code — literals, variables only ever assigned literals or sanitised values,
 * type conversions — rather than data that could come from outside? Cached per parsed file.
 */
export function isConstantValue(root: SgNode, language: AstLanguage, parser: string, node: SgNode): boolean {
  return constantAnalysis(root, language, parser).isConstantNode(node);
}

/**
 * Where a constant that a variable carries is written: for a variable read (`JWT_SECRET` in
 * `jwt.sign(p, JWT_SECRET)`), the value of the assignment that gives it its value there — the last one before
 * the read in its function, else the module's — followed through variables copied from variables (at most 5
 * steps). Undefined when `node` is not a variable read, or no assignment is found.
 */
export function constantOrigin(root: SgNode, language: AstLanguage, parser: string, node: SgNode): SgNode | undefined {
  return constantAnalysis(root, language, parser).originOf(node);
}

/** Membership-check marks per parsed file and scope start (-1: module level); see Analysis.memberChecked. */
const membershipMarksByFile = new WeakMap<SgNode, Map<number, GuardMark[]>>();
/** Whether the file writes to a collection, per parsed file and name; see Analysis.written. */
const writtenByFile = new WeakMap<SgNode, { text: string; verdicts: Map<string, boolean> }>();
/** Conditionals per parsed file and scope start (-1: module level); see Analysis.conditionals. */
const conditionalsByFile = new WeakMap<SgNode, Map<number, SgNode[]>>();
/** Assignment events per parsed file and scope start (-1: module level); see Analysis.events. */
const eventsByFile = new WeakMap<SgNode, Map<number, Event[]>>();
/** Safe-variable verdicts per parsed file, sanitiser set and scope start (they depend on nothing else). */
const verdictsByFile = new WeakMap<SgNode, Map<string, Shared>>();
/** What the analyses of one file with the same sanitisers share: safe-variable verdicts, constant sources. */
interface Shared {
  verdicts: Map<number, Map<string, boolean>>;
  constant: Map<string, boolean>;
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
  /** Safe-variable verdicts per scope start; shared by the analyses of a file with the same sanitisers. */
  private readonly safeByScope: Map<number, Map<string, boolean>>;
  private readonly constantSource: Map<string, boolean>;
  /** Guard marks per scope start (see guardMarks). */
  private readonly marksByScope = new Map<number, GuardMark[]>();
  /** What a lookup in a collection looks like in this language (see constantLookups), made on first use. */
  private lookupRule?: Rule;

  constructor(
    private readonly root: SgNode,
    private readonly lang: LanguageSpec,
    private readonly parser: string,
    sourceNodes: SgNode[],
    sanitizerNodes: SgNode[],
    constantSources = false,
    private readonly guards: Guards = {},
  ) {
    this.sanitizers = sanitizerNodes.map(span);
    let perFile = verdictsByFile.get(root);
    if (!perFile) verdictsByFile.set(root, (perFile = new Map()));
    // Whether a source is constant depends on the checks too (a variable found in an allowlist is one of its values).
    const sanitizerKey = `${this.sanitizers.map(([a, b]) => `${a}-${b}`).sort().join(',')}|${guards.membership ? 'm' : ''}|${JSON.stringify(guards.own ?? null)}|${guards.ownNeeds?.source ?? ''}|${JSON.stringify(guards.alone ?? null)}`;
    let shared = perFile.get(sanitizerKey);
    if (!shared) perFile.set(sanitizerKey, (shared = { verdicts: new Map(), constant: new Map() }));
    this.safeByScope = shared.verdicts;
    this.constantSource = shared.constant;
    this.sources = [];
    this.referenceRule = { any: lang.identifiers.map((kind) => ({ kind })) } as Rule;
    this.callRule = { any: lang.calls.map(([kind]) => ({ kind })) } as Rule;
    this.safe = (ref) => this.isSafeVariable(ref);
    const functionRule = { any: lang.functions.map((kind) => ({ kind })) } as Rule;
    for (const s of sourceNodes) {
      const name = this.parameterName(s);
      if (name === undefined) {
        // An expression that holds a function (a whole module wrapped in `cond && (function () {…})()`) is code,
        // not a value: as a source it would taint everything inside it.
        if (s.find({ rule: functionRule })) continue;
        // String building from literals and safe variables only ("SELECT …" + TABLE, fmt.Sprintf("…")) is no source.
        const at = span(s);
        // A source that is called (request.get_json(), await request.json() in Starlette/FastAPI) returns the
        // request data; the constant test below would take it for the name of a function (`fmt` in fmt.Sprintf).
        if (constantSources || this.isCallee(s)) {
          this.sources.push(at);
          continue;
        }
        const key = `${at[0]}-${at[1]}`;
        let constant = this.constantSource.get(key);
        // A string built from variables that a check has limited to allowed values ("… ORDER BY $sort" after
        // in_array($sort, ALLOWED)) is no source either.
        if (constant === undefined) this.constantSource.set(key, (constant = this.isConstant(s, (r) => this.safe(r) || this.guardedAt(r))));
        if (!constant) this.sources.push(at);
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
  private isSafeVariable(ref: SgNode, name?: string): boolean {
    const scope = name === undefined ? this.scopeOf(ref) : undefined;
    const key = scope ? span(scope)[0] : -1;
    let verdict = this.safeByScope.get(key);
    if (!verdict) {
      const v = new Map<string, boolean>();
      this.safeByScope.set(key, v); // set first: a self-referencing assignment sees "unknown", i.e. unsafe
      const known = (r: SgNode): boolean => v.get(r.text()) === true;
      for (const ev of this.events(scope)) {
        const ok = ev.value.every((x) => this.isConstant(x, known));
        for (const name of ev.names) v.set(name, (v.get(name) ?? true) && ok);
      }
      verdict = v;
    }
    name ??= ref.text();
    // A name the function never assigns (nor takes as a parameter) is a module-level variable.
    if (scope && !verdict.has(name) && !this.isParameter(ref, name)) return this.isSafeVariable(ref, name);
    return verdict.get(name) === true;
  }

  /** Is `name` a parameter of a function around `ref`? */
  private isParameter(ref: SgNode, name: string): boolean {
    for (const fn of enclosingFunctions(this.root, ref, this.lang)) {
      for (const field of ['parameters', 'parameter']) {
        const params = fn.field(field as never) as SgNode | null;
        if (params && (params.text() === name || params.findAll({ rule: this.referenceRule }).some((n) => n.text() === name))) return true;
      }
    }
    return false;
  }

  isConstantNode(node: SgNode): boolean {
    return this.isConstant(node, this.safe);
  }

  originOf(node: SgNode, depth = 0): SgNode | undefined {
    if (depth > 5 || !this.lang.identifiers.includes(kindOf(node))) return undefined;
    const name = node.text();
    const at = span(node)[0];
    // Plain assignments of this one name (not destructuring, `+=` or builder calls: their value is not the name's).
    const assigns = (events: Event[]) => events.filter((ev) => ev.names.length === 1 && ev.names[0] === name && ev.value.length === 1 && !ev.keep);
    const scope = this.scopeOf(node);
    const local = scope ? assigns(this.events(scope)).filter((ev) => ev.pos <= at) : [];
    const module = assigns(this.events(undefined));
    // In a function, the module's value is set before the function runs, wherever the declaration stands.
    const ev = local.at(-1) ?? (scope ? module.at(-1) : module.filter((e) => e.pos <= at).at(-1)) ?? module[0];
    if (!ev) return undefined;
    return this.originOf(ev.value[0], depth + 1) ?? ev.value[0];
  }

  /**
   * Literals, safe variables and sanitiser calls only (the node's own call, e.g. a format call, aside), string
   * building from those ("… WHERE " . implode(' AND ', $where)), values looked up in constant collections, and
   * variables read where a membership check holds.
   */
  private isConstant(node: SgNode, safe: (ref: SgNode) => boolean): boolean {
    const own = span(node);
    const lookups = this.constantLookups(node);
    const sanitized = (s: Span): boolean => this.sanitizers.some((z) => within(s, z)) || lookups.some((k) => within(s, k));
    for (const call of node.findAll({ rule: this.callRule })) {
      const s = span(call);
      const ownFormatting = s[0] === own[0] && s[1] === own[1] && this.isStringBuilding(call);
      if (!ownFormatting && !sanitized(s) && !COLLECTION_BUILDING.test(call.text()) && !this.isStringBuilding(call)) return false;
    }
    return this.references(node).every((r) => this.isCallee(r) || safe(r) || sanitized(span(r)) || this.memberChecked(r));
  }

  /**
   * The lookups in constant collections within `node` (see the header): their value is one of the collection's,
   * whatever the key holds (the whole lookup counts as sanitised).
   */
  private constantLookups(node: SgNode): Span[] {
    const out: Span[] = [];
    if (!LOOKUP_TEXT.test(node.text())) return out;
    const index = this.lang.index;
    this.lookupRule ??= { any: [...(index ? [{ kind: index[0] }] : []), ...this.lang.calls.map(([kind]) => ({ kind, regex: '\\.\\s*get(OrDefault)?\\s*\\(' }))] } as Rule;
    for (const n of node.findAll({ rule: this.lookupRule })) {
      if (index && kindOf(n) === index[0]) {
        const collection = n.field(index[1] as never) as SgNode | null;
        const key = n.field(index[2] as never) as SgNode | null;
        if (collection && key && this.isConstantCollection(collection)) out.push(span(n));
        continue;
      }
      const call = this.lookupCall(n);
      if (!call || !this.isConstantCollection(call.collection)) continue;
      // The default (`d.get(k, "id")`) is a value the lookup may return: it must be constant itself.
      if (!call.rest.every((a) => this.isConstant(a, this.safe))) continue;
      out.push(span(n));
    }
    return out;
  }

  /** `m.get(k, …)` / `map.getOrDefault(k, …)`: the collection (a variable), the key and the other arguments. */
  private lookupCall(call: SgNode): { collection: SgNode; key: SgNode; rest: SgNode[] } | undefined {
    let collection: SgNode | null;
    let method: SgNode | null;
    if (kindOf(call) === 'method_invocation') {
      collection = call.field('object' as never) as SgNode | null;
      method = call.field('name' as never) as SgNode | null;
    } else {
      const field = this.lang.calls.find(([kind]) => kindOf(call) === kind)?.[1];
      const callee = field ? (call.field(field as never) as SgNode | null) : null;
      if (!callee || !/^(member_expression|attribute|selector_expression)$/.test(kindOf(callee))) return undefined;
      collection = (callee.field('object' as never) ?? callee.field('operand' as never)) as SgNode | null;
      method = (callee.field('property' as never) ?? callee.field('attribute' as never) ?? callee.field('field' as never)) as SgNode | null;
    }
    if (!collection || !method || !LOOKUP_METHOD.test(method.text())) return undefined;
    const args = (call.field('arguments' as never) as SgNode | null)?.namedChildren().filter((a) => kindOf(a) !== 'comment') ?? [];
    if (args.length === 0 || args.some((a) => /keyword_argument|spread|splat/.test(kindOf(a)))) return undefined;
    return { collection, key: args[0], rest: args.slice(1) };
  }

  /**
   * Is `node` a variable that only ever holds values fixed in the code (a map, dict, object or array literal of
   * literals, Map.of(…)) and that the file never writes into (`m[k] = v`, `m.put(…)`, `d.update(…)`)?
   */
  private isConstantCollection(node: SgNode): boolean {
    if (!this.lang.identifiers.includes(kindOf(node))) return false;
    return this.safe(node) && !this.written(node.text());
  }

  /** Does the file write into the collection `name` (an element, a property, or a method that adds)? */
  private written(name: string): boolean {
    let perFile = writtenByFile.get(this.root);
    if (!perFile) writtenByFile.set(this.root, (perFile = { text: this.root.text(), verdicts: new Map() }));
    let verdict = perFile.verdicts.get(name);
    if (verdict === undefined) {
      // RE2, as every pattern run over scanned text; made per name, so kept out of the shared cache.
      const n = escapeRegex(name);
      const before = '(^|[^\\w$.])';
      const re = compileRegex(
        `${before}${n}\\s*(\\[[^\\]\\n]*\\]|\\.\\s*[A-Za-z_$][\\w$]*)\\s*[-+*/|&]?=([^=]|$)` +
          `|${before}${n}\\s*\\.\\s*(put|putAll|putIfAbsent|set|add|addAll|update|setdefault|merge|compute|computeIfAbsent|computeIfPresent|replace|replaceAll|push|unshift|splice|append|extend|insert|__setitem__)\\s*\\(` +
          `|\\bObject\\s*\\.\\s*assign\\s*\\(\\s*${n}\\b`,
        { shared: false },
      );
      perFile.verdicts.set(name, (verdict = testRegex(re, perFile.text)));
    }
    return verdict;
  }

  /**
   * Is `ref` a variable read where a membership check of it holds (`ALLOWED.contains(x) ? x : "id"`, inside
   * `if x in ALLOWED:`, after `if (!ALLOWED.has(x)) return`)? It is then one of the allowlist's members.
   */
  private memberChecked(ref: SgNode): boolean {
    if (!this.guards.membership) return false;
    const scope = this.scopeOf(ref);
    const key = scope ? span(scope)[0] : -1;
    let perFile = membershipMarksByFile.get(this.root);
    if (!perFile) membershipMarksByFile.set(this.root, (perFile = new Map()));
    let marks = perFile.get(key);
    if (!marks) {
      perFile.set(key, []); // set first: the marks' own constant checks (resets) may ask about a variable here
      perFile.set(key, (marks = this.guardMarks(scope, { membership: this.guards.membership })));
    }
    return this.holdsAt(ref, scope, marks);
  }

  /**
   * Is `call` a formatting or joining call (fmt.Sprintf, "…".format, String.format, ", ".join)? Its result is
   * fixed when its arguments are; any other call (os.getenv("X"), something()) returns data from elsewhere.
   */
  private isStringBuilding(call: SgNode): boolean {
    const field = this.lang.calls.find(([kind]) => kindOf(call) === kind)?.[1];
    const callee = field ? (call.field(field as never) as SgNode | null) : null;
    return !!callee && STRING_BUILDING.test(callee.text());
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

  /**
   * Is `sink` the value of an assignment whose variable a guard then checks? A sink that builds a value
   * (`const p = path.resolve(ROOT, name)`) is reported for where the value may go; when the code checks the
   * variable before using it (`if (!p.startsWith(ROOT + path.sep)) return`), the check is the answer, and the
   * uses after it are sinks of their own.
   */
  checkedOnceAssigned(sink: SgNode): boolean {
    const scope = this.scopeOf(sink);
    const [s, e] = span(sink);
    const assigned = this.events(scope).find((ev) => !ev.keep && ev.names.length === 1 && ev.value.some((v) => span(v)[0] <= s && e <= span(v)[1]));
    if (!assigned) return false;
    const name = assigned.names[0];
    return this.guardMarks(scope).some((m) => m.name === name && m.pos > e && !this.assignedBetween(scope, name, assigned.pos, m.pos));
  }

  /** Is `expr` (a sink's argument) tainted? Sources around the whole sink call (`call`) do not count. */
  isTainted(expr: SgNode, call?: Span): boolean {
    const scope = this.scopeOf(expr);
    return this.taintedWithin(expr, (name, pos) => this.taintedAt(scope, name, pos), call);
  }

  /** Does `expr` hold a source, or a read of a variable that `lookup` says is tainted, outside sanitisers? */
  private taintedWithin(expr: SgNode, lookup: (name: string, pos: number) => boolean, call?: Span): boolean {
    const ex = span(expr);
    const lookups = this.constantLookups(expr);
    const cleaned = (s: Span): boolean => this.sanitizers.some((z) => within(s, z) && within(z, ex) && !within(ex, s)) || lookups.some((k) => within(s, k));
    if (this.sources.some((s) => (within(s, ex) || (within(ex, s) && !(call && within(call, s)))) && !cleaned(s))) return true;
    for (const ref of this.references(expr)) {
      const s = span(ref);
      if (lookup(ref.text(), s[0]) && !cleaned(s)) return true;
    }
    return false;
  }

  private references(expr: SgNode): SgNode[] {
    const found = this.lang.identifiers.includes(kindOf(expr)) ? [expr] : expr.findAll({ rule: this.referenceRule });
    const notVariables = this.lang.notVariables;
    return found.filter((n) => {
      if (notVariables?.includes(n.text())) return false;
      const parent = n.parent();
      if (!parent) return true;
      return !this.lang.notReferences.some(([kind, field]) => kindOf(parent) === kind && (parent.field(field as never) as SgNode | null)?.id() === n.id());
    });
  }

  private scopeOf(node: SgNode): SgNode | undefined {
    return outermostFunction(this.root, node, this.lang);
  }

  private taintedAt(scope: SgNode | undefined, name: string, pos: number): boolean {
    const timeline = this.timeline(scope);
    const entries = timeline.get(name);
    // Not assigned in the function: a module-level variable, tainted if the module ever taints it.
    if (!entries && scope) return (this.timeline(undefined).get(name) ?? []).some(([, t]) => t);
    let tainted = false;
    for (const [at, t] of entries ?? []) {
      if (at > pos) break;
      tainted = t;
    }
    return tainted;
  }

  private timeline(scope: SgNode | undefined): Map<string, [number, boolean][]> {
    const key = scope ? span(scope)[0] : -1;
    let timeline = this.scopes.get(key);
    if (!timeline) this.scopes.set(key, (timeline = this.buildTimeline(scope)));
    return timeline;
  }

  /**
   * Walks the scope's assignments in source order, recording when each variable becomes (un)tainted. Without a
   * scope: the module level (assignments and parameters outside every function).
   */
  private buildTimeline(scope: SgNode | undefined): Map<string, [number, boolean][]> {
    const node = scope ?? this.root;
    const timeline = new Map<string, [number, boolean][]>();
    const start = span(node)[0];
    const params = new Set<string>();
    for (const [fnStart, names] of this.params) {
      if (scope ? fnStart >= start && fnStart <= span(node)[1] : fnStart === -1) names.forEach((n) => params.add(n));
    }
    for (const p of params) timeline.set(p, [[start, true]]);

    const current = (name: string, pos: number): boolean => {
      let t = false;
      for (const [at, v] of timeline.get(name) ?? []) if (at <= pos) t = v;
      return t;
    };
    // A check's mark cleans its variable from `pos` and, when it holds only in a region, ends at `until`: both
    // are steps in position order with the assignments, so every timeline stays sorted by position.
    type Mark = GuardMark & { before?: boolean; assigned?: number };
    const assignments = new Map<string, number>();
    const marks: Mark[] = this.guardMarks(scope);
    const steps: ({ pos: number; ev: Event } | { pos: number; mark: Mark } | { pos: number; end: Mark })[] = [
      ...this.events(scope).map((ev) => ({ pos: ev.pos, ev })),
      ...marks.map((mark) => ({ pos: mark.pos, mark })),
      ...marks.filter((m) => m.until !== undefined).map((m) => ({ pos: m.until!, end: m })),
    ].sort((a, b) => a.pos - b.pos);
    for (const step of steps) {
      if ('ev' in step) {
        const ev = step.ev;
        const tainted = ev.value.some((v) => this.taintedWithin(v, current));
        for (const name of ev.names) {
          const value = tainted || (ev.keep && current(name, ev.pos));
          if (!timeline.has(name)) timeline.set(name, []);
          timeline.get(name)!.push([ev.pos, value]);
          assignments.set(name, (assignments.get(name) ?? 0) + 1);
        }
        continue;
      }
      if ('end' in step) {
        // Out of the region the check covers: the value from before it, unless the region assigned the variable.
        const m = step.end;
        if ((assignments.get(m.name) ?? 0) === m.assigned) timeline.get(m.name)!.push([step.pos, m.before!]);
        continue;
      }
      const m = step.mark;
      // A variable the function never assigns is the module's: its taint holds until the check.
      if (!timeline.has(m.name)) timeline.set(m.name, scope ? [[start, this.taintedAt(undefined, m.name, m.pos)]] : []);
      m.before = current(m.name, m.pos - 1);
      m.assigned = assignments.get(m.name) ?? 0;
      timeline.get(m.name)!.push([m.pos, false]);
    }
    return timeline;
  }

  /**
   * Where checks clean a variable in a scope (see the header): from `pos`, until `until` (the end of the branch
   * that runs when the check holds) or, without it, for the rest of the scope (the check's failure left it).
   */
  private guardMarks(scope: SgNode | undefined, guards: Guards = this.guards): GuardMark[] {
    if ((!guards.membership && !guards.own && !guards.alone) || !this.lang.conditionals.length) return [];
    // Other checks than the analysis's own (memberChecked asks for membership alone) are not the cached marks.
    if (guards !== this.guards) return this.findGuardMarks(scope, guards);
    const key = scope ? span(scope)[0] : -1;
    let marks = this.marksByScope.get(key);
    if (!marks) {
      this.marksByScope.set(key, []); // set first, as in memberChecked: finding the marks may ask for them
      this.marksByScope.set(key, (marks = this.findGuardMarks(scope, guards)));
    }
    return marks;
  }

  /** Is the variable `ref` reads cleaned there by a check (see guardMarks) that no assignment since undid? */
  private guardedAt(ref: SgNode): boolean {
    const scope = this.scopeOf(ref);
    return this.holdsAt(ref, scope, this.guardMarks(scope));
  }

  /** Does one of `marks` clean the variable `ref` reads, at `ref`, with no assignment to it since the check? */
  private holdsAt(ref: SgNode, scope: SgNode | undefined, marks: GuardMark[]): boolean {
    const name = ref.text();
    const pos = span(ref)[0];
    return marks.some((m) => m.name === name && m.pos <= pos && (m.until === undefined || pos < m.until) && !this.assignedBetween(scope, name, m.pos, pos));
  }

  /** Does the scope assign `name` strictly between two positions? */
  private assignedBetween(scope: SgNode | undefined, name: string, from: number, to: number): boolean {
    return this.events(scope).some((ev) => ev.pos > from && ev.pos < to && ev.names.includes(name));
  }

  private findGuardMarks(scope: SgNode | undefined, guards: Guards): GuardMark[] {
    const marks: GuardMark[] = [];
    for (const branch of this.conditionals(scope)) {
      const parts = conditionalParts(branch);
      if (!parts) continue;
      const leaving = !parts.otherwise && leaves(parts.then);
      const [from, to] = span(parts.then);
      if (!parts.otherwise) {
        // if (!ok(x) || !ok(y)) return;  →  both hold after it, to the end of the block that holds the `if`
        // (the rest of the function when that is its body; a loop's body for break/continue; an inner block's end).
        // if (!ok(x)) { x = 'default'; }  →  after it, x passed the check or holds a fixed value.
        const until = this.regionAfter(branch, scope);
        const resets = (name: string): boolean =>
          this.events(scope).some((ev) => !ev.keep && ev.pos > from && ev.pos <= to && ev.names.length === 1 && ev.names[0] === name && ev.value.every((v) => this.isConstant(v, this.safe)));
        for (const d of operands(parts.condition, OR)) {
          const checked = negation(d);
          const names = checked ? this.checkedNames(checked, scope, guards) : this.notInNames(d, scope);
          for (const name of names) if (leaving || resets(name)) marks.push({ name, pos: span(branch)[1], until });
        }
      }
      // if (ok(x) && …) { here }  /  ok(x) ? here : …
      for (const c of operands(parts.condition, AND)) {
        for (const name of this.checkedNames(c, scope, guards)) marks.push({ name, pos: from, until: to });
      }
    }
    return marks;
  }

  /**
   * The `if`s and conditional expressions of a scope (module level: outside every function). They depend on the
   * file alone: every taint rule of a file shares the walk (cached per parsed file, as the assignments are).
   */
  private conditionals(scope: SgNode | undefined): SgNode[] {
    let perFile = conditionalsByFile.get(this.root);
    if (!perFile) conditionalsByFile.set(this.root, (perFile = new Map()));
    const key = scope ? span(scope)[0] : -1;
    let found = perFile.get(key);
    if (!found) {
      const all = (scope ?? this.root).findAll({ rule: { any: this.lang.conditionals.map((kind) => ({ kind })) } as Rule });
      perFile.set(key, (found = scope ? all : all.filter((n) => !this.scopeOf(n))));
    }
    return found;
  }

  /** Where a leave-check's guarantee ends: undefined for the rest of the scope (the `if` is in its body). */
  private regionAfter(branch: SgNode, scope: SgNode | undefined): number | undefined {
    let holder = branch.parent();
    if (holder && kindOf(holder) === 'statement_list') holder = holder.parent(); // Go wraps a block's statements
    if (!holder) return undefined;
    const body = scope ? ((scope.field('body' as never) as SgNode | null) ?? undefined) : this.root;
    return body && holder.id() === body.id() ? undefined : span(holder)[1];
  }

  /** The variables `node` checks, when it is exactly one of the guard checks (membership, a rule's own). */
  private checkedNames(node: SgNode, scope: SgNode | undefined, guards: Guards = this.guards): string[] {
    const [s, e] = span(node);
    const checked = (rule: Rule | undefined): SgNode | undefined => {
      const match = rule && node.findAll({ rule }).find((m) => span(m)[0] === s && span(m)[1] === e);
      return match?.getMatch('V') ?? undefined;
    };
    const member = checked(guards.membership);
    if (member) return this.allowlisted(member.text(), scope, s);
    const alone = checked(guards.alone);
    const aloneName = alone && CHECKED_VARIABLE.exec(alone.text())?.[1];
    if (aloneName) return [aloneName];
    const value = checked(guards.own);
    const name = value && CHECKED_VARIABLE.exec(value.text())?.[1];
    const needs = guards.ownNeeds;
    if (!name || !needs) return name ? [name] : [];
    const last = this.lastAssignment(name, scope, s);
    return last && last.value.some((v) => testRegex(needs, v.text())) ? [name] : [];
  }

  /** Python's `x not in ALLOWED`: the variables it checks (see allowlisted). */
  private notInNames(node: SgNode, scope: SgNode | undefined): string[] {
    const n = unwrap(node);
    if (kindOf(n) !== 'comparison_operator' || !n.children().some((c) => c.text() === 'not in')) return [];
    return this.allowlisted(n.namedChildren()[0]?.text() ?? '', scope, span(n)[0]);
  }

  /**
   * The variables a value found in an allowlist makes safe: the variable itself; for a property or getter of a
   * parsed URL (`u.hostname`, `uri.getHost()`) that URL and the variable it was parsed from; the host of a URL
   * parsed in place (`urlparse(url).hostname`), the variable parsed. A property of any other object (`body.kind`)
   * says nothing of the object's other properties: nothing.
   */
  private allowlisted(text: string, scope: SgNode | undefined, pos: number): string[] {
    const inline = PARSED_URL_HOST.exec(text.trim()) ?? PARSED_HOST.exec(text.trim());
    if (inline) return [inline[1]];
    const m = CHECKED_VARIABLE.exec(text);
    if (!m) return [];
    if (m[1] === text.trim()) {
      // $host = parse_url($url, PHP_URL_HOST): an allowed host makes the URL it was parsed from safe too
      const host = PARSED_HOST.exec(this.lastAssignment(m[1], scope, pos)?.value[0]?.text() ?? '');
      return host && host[1] !== m[1] ? [m[1], host[1]] : [m[1]];
    }
    const url = this.parsedUrl(m[1], scope, pos);
    return url ? [m[1], ...(url.from ? [url.from] : [])] : [];
  }

  /** The assignment that gives `name` its value at `pos` in `scope`, if the scope has one. */
  private lastAssignment(name: string, scope: SgNode | undefined, pos: number): Event | undefined {
    return this.events(scope)
      .filter((ev) => ev.pos <= pos && ev.names.includes(name) && !ev.keep)
      .at(-1);
  }

  /**
   * Whether `name` holds a parsed URL — `urlparse(url)`, `new URL(raw)`, `URI.create(url)`, `url.Parse(raw)` —
   * and the variable it was parsed from, if it was one; undefined when it holds no parsed URL.
   */
  private parsedUrl(name: string, scope: SgNode | undefined, pos: number): { from?: string } | undefined {
    const value = this.lastAssignment(name, scope, pos)?.value[0]?.text();
    const parsed = value ? PARSED_URL.exec(value) : null;
    if (!parsed) return undefined;
    return parsed[1] && parsed[1] !== name ? { from: parsed[1] } : {};
  }

  /**
   * Assignments in a function, or (without one) those outside every function. They depend on the file alone,
   * so every taint rule of a file shares them (cached per parsed file).
   */
  private events(scope: SgNode | undefined): Event[] {
    let perFile = eventsByFile.get(this.root);
    if (!perFile) eventsByFile.set(this.root, (perFile = new Map()));
    const key = scope ? span(scope)[0] : -1;
    let events = perFile.get(key);
    if (!events) {
      const all = this.eventsWithin(scope ?? this.root);
      events = scope ? all : all.filter((ev) => !this.scopeOf(ev.node));
      perFile.set(key, events);
    }
    return events;
  }

  private eventsWithin(node: SgNode): Event[] {
    const out: Event[] = [];
    for (const [kind, left, right] of this.lang.assignments) {
      for (const a of node.findAll({ rule: { kind } as Rule })) {
        const l = a.field(left as never) as SgNode | null;
        const r = a.field(right as never) as SgNode | null;
        if (!l || !r) continue;
        // PHP's `$parts[] = $x` appends to the array, as parts.push(x) does
        const appended = kindOf(l) === 'subscript_expression' && /\[\s*\]$/.test(l.text()) ? l.namedChildren()[0] : undefined;
        if (appended && this.lang.identifiers.includes(kindOf(appended))) {
          out.push({ node: a, pos: span(a)[1], names: [appended.text()], value: [r], keep: true });
          continue;
        }
        out.push({ node: a, pos: span(a)[1], names: this.declaredNames(l), value: [r], keep: kind.startsWith('augmented') || COMPOUND_ASSIGNMENT.test((a.field('operator' as never) as SgNode | null)?.text() ?? '') });
      }
    }
    for (const call of node.findAll({ rule: { pattern: BUILDER_CALL[this.parser] ?? '$R.$M($$$A)' } as Rule })) {
      const method = call.getMatch('M')?.text();
      const receiver = call.getMatch('R');
      if (!method || !BUILDER_METHODS.has(method) || !receiver) continue;
      const name = this.lang.identifiers.includes(kindOf(receiver)) ? receiver.text() : chainedBuilder(receiver.text());
      if (!name) continue;
      out.push({ node: call, pos: span(call)[1], names: [name], value: call.getMultipleMatches('A'), keep: true });
    }
    if (this.parser === 'go') {
      for (const call of node.findAll({ rule: { kind: 'call_expression' } as Rule })) {
        if (!GO_DECODING_CALL.test(call.text())) continue;
        const args = (call.field('arguments' as never) as SgNode | null)?.namedChildren() ?? [];
        for (const a of args) {
          const target = kindOf(a) === 'unary_expression' && a.text().startsWith('&') ? a.namedChildren().at(-1) : undefined;
          if (target && this.lang.identifiers.includes(kindOf(target))) out.push({ node: call, pos: span(call)[1], names: [target.text()], value: [call], keep: false });
        }
      }
    }
    return out.sort((a, b) => a.pos - b.pos);
  }

  /** Names a left-hand side assigns: identifiers (also inside tuples and destructuring), or `obj.attr` as text. */
  private declaredNames(left: SgNode): string[] {
    if (this.lang.identifiers.includes(kindOf(left))) return [left.text()];
    const names = left
      .findAll({ rule: { any: this.lang.identifiers.map((kind) => ({ kind })) } as Rule })
      .filter((n) => !/member_expression|member_access_expression|attribute|selector_expression|field_access|subscript|index_expression/.test(parentKind(n)))
      .map((n) => n.text());
    return names;
  }

  /** If a source matched a parameter declaration, the parameter's name. */
  private parameterName(node: SgNode): string | undefined {
    const kind = kindOf(node);
    if (this.lang.identifiers.includes(kind)) {
      // A name destructured in a parameter list — ({ params, query }: Request) — is a parameter too.
      let outer = node;
      while (DESTRUCTURING.test(parentKind(outer))) outer = outer.parent()!;
      if (outer.id() !== node.id() && /parameter/.test(parentKind(outer))) return node.text();
    }
    const parentKindName = parentKind(node);
    // The name of a typed or defaulted parameter (Python `next: str`, `limit=10`, TypeScript `id: string`): the
    // source matched the name inside its parameter node, not the type or the default value.
    if (this.lang.identifiers.includes(kind) && /^(typed_parameter|default_parameter|typed_default_parameter|required_parameter|optional_parameter|simple_parameter|property_promotion_parameter|variadic_parameter)$/.test(parentKindName)) {
      const param = node.parent()!;
      const name = (param.field('name' as never) as SgNode | null) ?? (param.field('pattern' as never) as SgNode | null) ?? param.children().find((c) => c.isNamed());
      return name?.id() === node.id() ? node.text() : undefined;
    }
    if (!/parameter/.test(kind) && !/parameters|parameter_list/.test(parentKindName)) return undefined;
    if (this.lang.identifiers.includes(kind)) return node.text();
    const name = (node.field('name' as never) as SgNode | null) ?? node.find({ rule: { kind: 'identifier' } as Rule });
    return name?.text();
  }
}
