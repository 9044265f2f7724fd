// Contract drift: code routes the spec does not declare, and handlers of secured operations with no visible
// authentication. The contract (operations, which are secured, base paths) is data in the generated pack,
// so a reviewer sees exactly what the code is held to.
import { z } from 'zod';
import type { RawMatch } from '../../engine/matchers/matcher.js';
import type { SpecCheck } from '../check.js';
import { perFile } from '../memo.js';
import { extractRoutes, OperationIndex, pathSegments, type CodeRoute } from './routes.js';

const KEYWORDS = ['express', 'fastify', 'nestjs', 'fastapi', 'flask', 'router', 'blueprint', '@controller'];

/** `GET /pets/{id}` → { method, path }. */
export function parseOperation(s: string): { method: string; path: string } {
  const [method, path] = s.trim().split(/\s+/, 2);
  return { method: method.toLowerCase(), path: path ?? '/' };
}

const operationList = z.array(z.string().regex(/^[A-Za-z]+ \/\S*$/, 'operations look like "GET /pets/{id}"'));

const undeclaredOptions = z
  .object({
    spec: z.string(),
    base_paths: z.array(z.string()).default([]),
    operations: operationList,
    /** Code routes that may exist without being in the spec (health checks, metrics). */
    ignore: z.array(z.string()).default([]),
    /** Operations other imported specs declare (with their base paths): served in this spec's folder, but not shadow. */
    also_declared: operationList.default([]),
    /** The folder whose code the rule checks (its `files:` say so too); read by later imports to see overlaps. */
    scope: z.string().optional(),
  })
  .strict();

const unauthOptions = z
  .object({
    spec: z.string(),
    base_paths: z.array(z.string()).default([]),
    secured: operationList,
    scope: z.string().optional(),
  })
  .strict();

function routesOf(file: Parameters<SpecCheck['run']>[0]): CodeRoute[] {
  return perFile(file, 'routes', () => extractRoutes(file));
}

/** The root of a router mounted in another file could be any operation: too little to hold it to one. */
function unknowable(route: CodeRoute): boolean {
  return route.relative && pathSegments(route.path).length === 0;
}

/**
 * A rule's operations, parsed and indexed once per rule: its options object is its own (compiled once) while
 * the checks run for every code file. Keyed by the options and the list's name.
 */
const indexed = new WeakMap<object, Map<string, OperationIndex>>();
function indexOnce(options: object, name: string, lists: readonly (readonly string[])[], basePaths: string[]): OperationIndex {
  let byName = indexed.get(options);
  if (!byName) indexed.set(options, (byName = new Map()));
  let index = byName.get(name);
  if (!index) byName.set(name, (index = new OperationIndex(lists.flat().map(parseOperation), basePaths)));
  return index;
}

export const DRIFT_CHECKS: SpecCheck[] = [
  {
    name: 'drift-undeclared-route',
    reads: 'code',
    description: 'routes in code that the API contract does not declare',
    options: undeclaredOptions,
    keywords: KEYWORDS,
    run(file, o: z.infer<typeof undeclaredOptions>): RawMatch[] {
      const ops = indexOnce(o, 'operations', [o.operations], o.base_paths);
      const ignore = indexOnce(o, 'ignore', [o.ignore, o.also_declared], []);
      return routesOf(file)
        .filter((r) => !ops.matches(r) && !ignore.matches(r))
        .map((r) => ({ line: r.line, matched: `${r.method} ${r.path}`, message: `${r.method === '*' ? 'ALL' : r.method.toUpperCase()} ${r.path} is served by the code but not declared in ${o.spec}` }));
    },
  },
  {
    name: 'drift-unauthenticated-handler',
    reads: 'code',
    description: 'handlers of operations the contract secures that carry no authentication',
    options: unauthOptions,
    keywords: KEYWORDS,
    run(file, o: z.infer<typeof unauthOptions>): RawMatch[] {
      const secured = indexOnce(o, 'secured', [o.secured], o.base_paths);
      return routesOf(file)
        .filter((r) => !r.authed && !r.public && r.method !== '*' && !unknowable(r) && secured.matches(r))
        .map((r) => ({ line: r.line, matched: `${r.method} ${r.path}`, message: `${r.method.toUpperCase()} ${r.path} is secured in ${o.spec} but its handler has no authentication middleware, guard or dependency` }));
    },
  },
];
