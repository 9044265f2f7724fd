// No recursion, direct or indirect (MISRA C:2012 Rule 17.2, ISO 26262-6 Table 6 "no recursions"): a call
// graph per C file, over its syntax tree. Nodes are the function definitions in the file; edges are the plain
// calls `name(…)` in their bodies to functions of the same file. A name defined in several #if/#elif/#else
// branches is several nodes, and a call reaches only the definitions that can be in the same build as the
// caller, so a cycle is reported only when one build has it. Each definition on a cycle is reported on its
// name with one shortest cycle (f → g → f).
//
// What it cannot see, by design: calls through pointers or members (`(*fp)(x)`, `s->f(x)` — not a call of the
// function `f`), calls inside macro bodies (the preprocessor is not run), and cycles through other files.
// What it leaves out, because a name would not identify one C function there: C++ in headers (files with C++-only
// lines, code the parser rejects, `#ifdef __cplusplus` sections, overloads: one name defined with different
// parameters in one build) and names made by macros (`TRANS(Open)(const char *a)`).
import type { SgNode } from '@ast-grep/napi';
import { z } from 'zod';
import { kindOf } from '../ast/languages.js';
import { parseSource } from '../ast/parse.js';
import type { RawMatch } from '../matchers/matcher.js';
import type { Check } from './check.js';

/** Lines only C++ has: `namespace x {`, `template <`, `public:`, `class X` (in code, not comments: see cppLine). */
const CPP_MARKER = /^[ \t]*(?:namespace[ \t]+\w+[ \t]*\{|template[ \t]*<|(?:public|private|protected)[ \t]*:|class[ \t]+\w+)/gm;

/**
 * Which branch of each enclosing conditional group (`#if … #elif … #else … #endif`) a definition sits in: the
 * group's `#if` node → 0 for the `#if` part, 1 for the first `#elif`/`#else`, and so on.
 */
type Branches = Map<number, number>;

interface Definition {
  name: string;
  /** The identifier naming the function in its definition (where the finding points). */
  nameNode: SgNode;
  /** The parameter list as written (overloads differ here). */
  parameters: string;
  branches: Branches;
  /** Functions of this file called in the body. */
  calls: Set<string>;
}

export const recursion: Check<Record<string, never>> = {
  name: 'recursion',
  description: 'C function that calls itself, directly or through other functions defined in the same file',
  formats: ['c'],
  options: z.object({}).strict(),
  run(file) {
    const root = parseSource(file, 'c');
    if (!root || cppLine(file.text, root)) return []; // a C++ header named .h: overloads and methods share names
    const definitions = definitionsOf(root);
    // nodes are definitions, not names: a name defined in several #if branches is several nodes, and a call
    // goes only to the definitions that can be in the same build as the caller
    const byName = new Map<string, number[]>();
    definitions.forEach((d, i) => byName.set(d.name, [...(byName.get(d.name) ?? []), i]));
    const graph = new Map<number, Set<number>>();
    definitions.forEach((d, i) => {
      const callees = new Set<number>();
      for (const c of d.calls) for (const j of byName.get(c) ?? []) if (compatible(d.branches, definitions[j].branches)) callees.add(j);
      graph.set(i, callees);
    });
    const out: RawMatch[] = [];
    for (const component of cycles(graph)) {
      for (const i of component) {
        // edges are pairwise compatible; the whole cycle must also fit in one build
        const cycle = shortestCycle(graph, definitions, i, component)?.map((j) => definitions[j].name);
        if (!cycle) continue;
        const d = definitions[i];
        const r = d.nameNode.range();
        const how = cycle.length === 2 ? 'calls itself' : 'calls itself indirectly';
        out.push({
          line: r.start.line + 1,
          column: r.start.column + 1,
          endLine: r.end.line + 1,
          endColumn: r.end.column + 1,
          matched: cycle.join(' → '),
          message: `Function '${d.name}' ${how} (${cycle.join(' → ')}); recursion makes stack use unbounded and unverifiable (MISRA C:2012 Rule 17.2)`,
        });
      }
    }
    return out.sort((a, b) => a.line! - b.line!);
  },
};

/**
 * Whether a line of code (not of a comment or string) starts the way only C++ does. A goto label named
 * `private:` is C; the same word heading a line inside a comment or string is not code.
 */
function cppLine(text: string, root: SgNode): boolean {
  let notCode: Set<number> | undefined;
  let line = 0;
  let from = 0;
  for (const m of text.matchAll(CPP_MARKER)) {
    for (let nl = text.indexOf('\n', from); nl !== -1 && nl < m.index; nl = text.indexOf('\n', nl + 1)) line++;
    from = m.index;
    notCode ??= nonCodeLines(root);
    if (!notCode.has(line)) return true;
  }
  return false;
}

/** The (0-based) lines that begin inside a comment or string literal, or with a statement label. */
function nonCodeLines(root: SgNode): Set<number> {
  const lines = new Set<number>();
  for (const n of root.findAll({ rule: { any: [{ kind: 'comment' }, { kind: 'string_literal' }, { kind: 'char_literal' }] } })) {
    const r = n.range();
    for (let line = r.start.line + 1; line <= r.end.line; line++) lines.add(line);
  }
  for (const n of root.findAll({ rule: { kind: 'labeled_statement' } })) lines.add(n.range().start.line);
  return lines;
}

/** The branches of conditional groups a definition lies in. */
function branchesOf(def: SgNode): Branches {
  const out: Branches = new Map();
  let branch = 0;
  // `#elif`/`#else` nodes nest: the else of `#if A #elif B #else` is inside the elif, inside the if
  for (const a of def.ancestors()) {
    const kind = kindOf(a);
    if (kind === 'preproc_elif' || kind === 'preproc_elifdef' || kind === 'preproc_else') branch++;
    else if (kind === 'preproc_if' || kind === 'preproc_ifdef') {
      out.set(a.id(), branch);
      branch = 0;
    }
  }
  return out;
}

/** Whether code in both places can be in one build: no conditional group where they take different branches. */
function compatible(a: Branches, b: Branches): boolean {
  for (const [group, branch] of a) if (b.has(group) && b.get(group) !== branch) return false;
  return true;
}

/** Every function definition with the same-file candidates it calls by plain name. */
function definitionsOf(root: SgNode): Definition[] {
  const out: Definition[] = [];
  for (const def of root.findAll({ rule: { kind: 'function_definition' } })) {
    const nameNode = functionName(def);
    const body = def.field('body');
    if (!nameNode || !body || notC(def)) continue;
    const locals = localNames(def);
    const calls = new Set<string>();
    for (const call of body.findAll({ rule: { kind: 'call_expression' } })) {
      const callee = call.field('function');
      // `s->f(x)`, `(*fp)(x)`: not the function named f; a local or parameter of that name shadows it
      if (callee && kindOf(callee) === 'identifier' && !locals.has(callee.text())) calls.add(callee.text());
    }
    out.push({ name: nameNode.text(), nameNode, parameters: parameterText(nameNode), branches: branchesOf(def), calls });
  }
  // C has no overloading: one name with different parameter lists in one build is C++ (#if variants are C)
  return out.filter((d) => !out.some((e) => e.name === d.name && e.parameters !== d.parameters && compatible(d.branches, e.branches)));
}

/** The name a function definition declares, or undefined when a macro makes it (`TRANS(Open)(…)`). */
function functionName(def: SgNode): SgNode | undefined {
  let d: SgNode | null = def.field('declarator');
  while (d && kindOf(d) !== 'identifier') {
    const inner: SgNode | null = kindOf(d) === 'parenthesized_declarator' ? (d.children().find((c) => c.isNamed()) ?? null) : d.field('declarator');
    // a function returning a function is not C: the inner "call" is a macro that makes the name
    if (kindOf(d) === 'function_declarator' && inner && kindOf(inner) === 'function_declarator') return undefined;
    d = inner;
  }
  return d ?? undefined;
}

/** Code the C parser rejected, or code for C++ compilers only. */
function notC(def: SgNode): boolean {
  for (const a of def.ancestors()) {
    const kind = kindOf(a);
    if (kind === 'ERROR') return true;
    // `#ifdef __cplusplus extern "C" { #endif` wraps C code: inside the extern "C" block it is C
    if (kind === 'linkage_specification') return false;
    const guard = a.field('condition') ?? a.field('name');
    if ((kind === 'preproc_if' || kind === 'preproc_ifdef' || kind === 'preproc_elif') && guard && /__cplusplus/.test(guard.text())) return true;
  }
  return false;
}

/** The parameter list of the declarator that names a function, with spacing normalised. */
function parameterText(name: SgNode): string {
  return (name.parent()?.field('parameters')?.text() ?? '').replace(/\s+/g, ' ');
}

const DECLARATORS = new Set(['pointer_declarator', 'function_declarator', 'array_declarator', 'parenthesized_declarator', 'init_declarator', 'attributed_declarator']);

/** The identifier a declarator declares: `*(*name)(int)[3]` → name. */
function declaredName(declarator: SgNode | null): SgNode | undefined {
  let d: SgNode | null | undefined = declarator;
  while (d && kindOf(d) !== 'identifier') {
    d = d.field('declarator') ?? d.children().find((c) => c.isNamed() && (kindOf(c) === 'identifier' || DECLARATORS.has(kindOf(c))));
  }
  return d ?? undefined;
}

/**
 * Names of parameters and local variables (including function pointers) declared in a definition. A local
 * prototype `int g(int);` declares no variable: a call `g(…)` after it still calls the function g.
 */
function localNames(def: SgNode): Set<string> {
  const names = new Set<string>();
  for (const decl of def.findAll({ rule: { any: [{ kind: 'parameter_declaration' }, { kind: 'declaration' }] } })) {
    const parameter = kindOf(decl) === 'parameter_declaration'; // `int cmp(int, int)` as a parameter is a pointer
    for (const child of decl.children()) {
      const kind = kindOf(child);
      if (kind !== 'identifier' && !(DECLARATORS.has(kind) && (parameter || !isPrototype(child)))) continue;
      const id = declaredName(child);
      if (id) names.add(id.text());
    }
  }
  return names;
}

/** A declarator of a function (not of a pointer to one). */
function isPrototype(d: SgNode): boolean {
  let n: SgNode | null = d;
  while (n && kindOf(n) === 'parenthesized_declarator') n = n.children().find((c) => c.isNamed()) ?? null;
  return !!n && kindOf(n) === 'function_declarator' && kindOf(n.field('declarator') ?? n) === 'identifier';
}

/** The sets of definitions that lie on a cycle: strongly connected components with a cycle (Tarjan, iterative). */
function cycles(graph: Map<number, Set<number>>): Set<number>[] {
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const out: Set<number>[] = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { v: number; edges: Iterator<number> }[] = [];
    const open = (v: number): void => {
      index.set(v, next);
      low.set(v, next++);
      stack.push(v);
      onStack.add(v);
      work.push({ v, edges: graph.get(v)!.values() });
    };
    open(start);
    while (work.length) {
      const top = work[work.length - 1];
      const step = top.edges.next();
      if (!step.done) {
        const w = step.value;
        if (!index.has(w)) open(w);
        else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].v;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.v)!));
      }
      if (low.get(top.v) !== index.get(top.v)) continue;
      const component = new Set<number>();
      let w: number;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.add(w);
      } while (w !== top.v);
      if (component.size > 1 || graph.get(top.v)!.has(top.v)) out.push(component);
    }
  }
  return out;
}

/** Search states a cycle search may visit: #if branches multiply paths, and a pathological file must not hang. */
const MAX_CYCLE_STATES = 20_000;

/**
 * One shortest cycle from a definition back to itself, inside its component, whose definitions can all be in
 * one build: [from, …, from]; undefined when every cycle mixes branches of one #if (or the search gives up).
 */
function shortestCycle(graph: Map<number, Set<number>>, definitions: Definition[], from: number, component: Set<number>): number[] | undefined {
  interface State {
    at: number;
    branches: Branches;
    prev?: State;
  }
  const seen = new Set<string>();
  const queue: State[] = [{ at: from, branches: definitions[from].branches }];
  for (let i = 0; i < queue.length && queue.length < MAX_CYCLE_STATES; i++) {
    const s = queue[i];
    for (const w of graph.get(s.at)!) {
      if (w === from) {
        const path: number[] = [from];
        for (let u: State | undefined = s; u; u = u.prev) path.unshift(u.at);
        return path;
      }
      const wb = definitions[w].branches;
      if (!component.has(w) || !compatible(s.branches, wb)) continue;
      const branches = new Map([...s.branches, ...wb]);
      const key = `${w}|${[...branches].sort((x, y) => x[0] - y[0]).join(';')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      queue.push({ at: w, branches, prev: s });
    }
  }
  return undefined;
}
