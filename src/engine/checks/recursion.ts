// No recursion, direct or indirect (MISRA C:2012 Rule 17.2, ISO 26262-6 Table 6 "no recursions"): a call
// graph per C file, over its syntax tree. Nodes are the functions defined in the file; edges are the plain
// calls `name(…)` in their bodies to functions of the same file. Each function on a cycle is reported on its
// name with one shortest cycle (f → g → f).
//
// What it cannot see, by design: calls through pointers or members (`(*fp)(x)`, `s->f(x)` — not a call of the
// function `f`), calls inside macro bodies (the preprocessor is not run), and cycles through other files.
// What it leaves out, because a name would not identify one C function there: C++ in headers (files with C++-only
// lines, code the parser rejects, `#ifdef __cplusplus` sections, overloads: one name defined with different
// parameters) and names made by macros (`TRANS(Open)(const char *a)`).
import type { SgNode } from '@ast-grep/napi';
import { z } from 'zod';
import { kindOf } from '../ast/languages.js';
import { parseSource } from '../ast/parse.js';
import type { RawMatch } from '../matchers/matcher.js';
import type { Check } from './check.js';

/** Lines only C++ has: `namespace x {`, `template <`, `public:`, `class X`. */
const CPP_MARKER = /^[ \t]*(?:namespace[ \t]+\w+[ \t]*\{|template[ \t]*<|(?:public|private|protected)[ \t]*:|class[ \t]+\w+)/m;

interface Definition {
  name: string;
  /** The identifier naming the function in its definition (where the finding points). */
  nameNode: SgNode;
  /** The parameter list as written (overloads differ here). */
  parameters: string;
  /** Functions of this file called in the body. */
  calls: Set<string>;
}

export const recursion: Check<Record<string, never>> = {
  name: 'recursion',
  description: 'C function that calls itself, directly or through other functions defined in the same file',
  formats: ['c'],
  options: z.object({}).strict(),
  run(file) {
    if (CPP_MARKER.test(file.text)) return []; // a C++ header named .h: overloads and methods share names
    const root = parseSource(file, 'c');
    if (!root) return [];
    const definitions = definitionsOf(root);
    const defined = new Set(definitions.map((d) => d.name));
    const graph = new Map<string, Set<string>>();
    for (const d of definitions) {
      const callees = graph.get(d.name) ?? new Set<string>();
      for (const c of d.calls) if (defined.has(c)) callees.add(c);
      graph.set(d.name, callees);
    }
    const out: RawMatch[] = [];
    for (const component of cycles(graph)) {
      // a name defined in several #if branches: only the variants whose own calls lead back are on the cycle
      for (const d of definitions.filter((x) => component.has(x.name) && [...x.calls].some((c) => component.has(c)))) {
        const cycle = shortestCycle(graph, d, component);
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
    out.push({ name: nameNode.text(), nameNode, parameters: parameterText(nameNode), calls });
  }
  // C has no overloading: one name with different parameter lists is C++ (or variants no call can tell apart)
  const signatures = new Map<string, Set<string>>();
  for (const d of out) signatures.set(d.name, (signatures.get(d.name) ?? new Set()).add(d.parameters));
  return out.filter((d) => signatures.get(d.name)!.size === 1);
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

/** The sets of functions that lie on a cycle: strongly connected components with a cycle (Tarjan, iterative). */
function cycles(graph: Map<string, Set<string>>): Set<string>[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: Set<string>[] = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { v: string; edges: Iterator<string> }[] = [];
    const open = (v: string): void => {
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
      const component = new Set<string>();
      let w: string;
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

/** One shortest call path from a definition back to its name, inside its component: [name, …, name]. */
function shortestCycle(graph: Map<string, Set<string>>, def: Definition, component: Set<string>): string[] {
  const from = def.name;
  const cameFrom = new Map<string, string>();
  const queue: string[] = [];
  for (const w of def.calls) {
    if (w === from) return [from, from];
    if (component.has(w) && !cameFrom.has(w)) {
      cameFrom.set(w, from);
      queue.push(w);
    }
  }
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i];
    for (const w of graph.get(v)!) {
      if (w === from) {
        const path: string[] = [];
        for (let u = v; u !== from; u = cameFrom.get(u)!) path.unshift(u);
        return [from, ...path, from];
      }
      if (component.has(w) && !cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return [from, from]; // not reached: every member of a component lies on a cycle
}
