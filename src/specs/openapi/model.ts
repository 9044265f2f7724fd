// OpenAPI 2.0 / 3.0 / 3.1 read as a model the checks share: operations with their effective security,
// parameters, responses, and a walk over schemas that follows `$ref`s and visits every schema once.
import { SentrikError } from '../../util/errors.js';
import { isObj, isPlainObject, parseSpecText, type JsonObject, type PosDoc } from '../doc.js';
import { deref } from '../refs.js';

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete']);

export interface OpenApi {
  doc: PosDoc;
  root: JsonObject;
  /** 2 for Swagger 2.0, 3 for OpenAPI 3.x. */
  major: 2 | 3;
  /** OpenAPI 3.1 (JSON Schema 2020-12: type arrays, numeric exclusive bounds). */
  is31: boolean;
  version: string;
}

export interface Operation {
  method: string;
  path: string;
  op: JsonObject;
  pathItem: JsonObject;
  /** `GET /pets/{id}` */
  label: string;
}

/** Cheap test on raw text: a top-level `openapi:` / `swagger:` key (YAML) or member (JSON). */
export function looksLikeOpenApi(text: string): boolean {
  return /^["']?(openapi|swagger)["']?\s*:/m.test(text) || /"(openapi|swagger)"\s*:\s*"[23]/.test(text);
}

/** The model, or undefined when the parsed document is not an OpenAPI description after all. */
export function asOpenApi(doc: PosDoc): OpenApi | undefined {
  const root = doc.root;
  if (!isPlainObject(root)) return undefined;
  const v = root.openapi ?? root.swagger;
  const version = typeof v === 'number' ? v.toFixed(1) : typeof v === 'string' ? v : undefined;
  if (!version) return undefined;
  if (root.swagger !== undefined && /^2(\.|$)/.test(version)) return { doc, root, major: 2, is31: false, version };
  if (root.openapi !== undefined && /^3\./.test(version)) return { doc, root, major: 3, is31: /^3\.[1-9]/.test(version), version };
  return undefined;
}

/**
 * A top-level value of the wrong type (`servers: http://…`, `servers: ['http://…']`, `paths:` as a list) would
 * read as "none" — no operations, no servers, nothing to flag — so it is an error at its line instead.
 */
export function shapeError(api: OpenApi): SentrikError | undefined {
  const root = api.root;
  const at = (key: string, index?: number): number | undefined => (index === undefined ? api.doc.at(root, key)?.line : api.doc.at(root[key], index)?.line ?? api.doc.at(root, key)?.line);
  if (api.major === 3 && root.servers !== undefined) {
    if (!Array.isArray(root.servers)) return new SentrikError('`servers` must be a list of Server Objects', api.doc.file, at('servers'), 'write it as `servers: [{ url: https://api.example.com }]`');
    const bad = root.servers.findIndex((s) => !isPlainObject(s) || typeof s.url !== 'string');
    if (bad !== -1) return new SentrikError('`servers` items must be Server Objects with a `url`', api.doc.file, at('servers', bad), `write \`- url: ${typeof root.servers[bad] === 'string' ? String(root.servers[bad]) : 'https://api.example.com'}\``);
  }
  if (root.paths !== undefined && root.paths !== null && !isPlainObject(root.paths)) return new SentrikError('`paths` must be a mapping of path → Path Item', api.doc.file, at('paths'), 'write `paths:` followed by `/pets:` entries, not a list');
  if (root.security !== undefined && !Array.isArray(root.security)) return new SentrikError('`security` must be a list of Security Requirement Objects', api.doc.file, at('security'), 'write it as `security: [{ bearer: [] }]`');
  return undefined;
}

export function parseOpenApi(text: string, file: string): OpenApi {
  const doc = parseSpecText(text, file);
  const api = asOpenApi(doc);
  if (!api) {
    const root = doc.root as JsonObject | null;
    const other = isPlainObject(root) && root.asyncapi !== undefined ? ' (it is an AsyncAPI document: use -f asyncapi)' : '';
    throw new SentrikError(`not an OpenAPI 2.0/3.x document${other}`, file, 1, 'an OpenAPI description starts with `openapi: 3.x` or `swagger: "2.0"`');
  }
  return api;
}

export function obj(v: unknown): JsonObject | undefined {
  return isPlainObject(v) ? v : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function operations(api: OpenApi): Operation[] {
  const out: Operation[] = [];
  const paths = obj(api.root.paths);
  if (!paths) return out;
  for (const [path, rawItem] of Object.entries(paths)) {
    const pathItem = obj(deref(api.doc, rawItem));
    if (!pathItem) continue;
    for (const method of METHODS) {
      const op = obj(pathItem[method]);
      if (op) out.push({ method, path, op, pathItem, label: `${method.toUpperCase()} ${path}` });
    }
  }
  return out;
}

/** The operation's security requirements (its own, else the document's), and where they come from. */
export function effectiveSecurity(api: OpenApi, o: Operation): { reqs: unknown[] | undefined; own: boolean } {
  if (Array.isArray(o.op.security)) return { reqs: o.op.security, own: true };
  if (Array.isArray(api.root.security)) return { reqs: api.root.security, own: false };
  return { reqs: undefined, own: false };
}

/**
 * Secured = at least one requirement, and none of them is `{}` (which makes authentication optional); with
 * `defined`, every scheme a requirement names must be one of them (an undefined scheme protects nothing).
 */
export function isSecured(reqs: unknown[] | undefined, defined?: ReadonlySet<string>): boolean {
  return !!reqs && reqs.length > 0 && reqs.every((r) => isPlainObject(r) && Object.keys(r).length > 0 && (!defined || Object.keys(r).every((k) => defined.has(k))));
}

/** The names of the security schemes the document defines; undefined when they live in another file ($ref). */
export function definedSchemes(api: OpenApi): Set<string> | undefined {
  const holder = api.major === 2 ? obj(api.root.securityDefinitions) : obj(obj(api.root.components)?.securitySchemes);
  return holder && '$ref' in holder ? undefined : new Set(securitySchemes(api).map(([name]) => name));
}

/** Scheme names the requirements use that the document does not define. */
export function undefinedSchemes(reqs: unknown[] | undefined, defined: ReadonlySet<string>): string[] {
  return [...new Set((reqs ?? []).flatMap((r) => (isPlainObject(r) ? Object.keys(r) : [])).filter((k) => !defined.has(k)))];
}

/** Security schemes by name (3.x components.securitySchemes, 2.0 securityDefinitions). */
export function securitySchemes(api: OpenApi): [string, JsonObject][] {
  const holder = api.major === 2 ? obj(api.root.securityDefinitions) : obj(obj(api.root.components)?.securitySchemes);
  if (!holder) return [];
  return Object.entries(holder)
    .map(([k, v]) => [k, obj(deref(api.doc, v))] as [string, JsonObject | undefined])
    .filter((e): e is [string, JsonObject] => !!e[1]);
}

/** Every parameter object under `paths` (path-level and operation-level), each once, resolved. */
export function pathParameters(api: OpenApi): { param: JsonObject; ops: Operation[] }[] {
  const byParam = new Map<JsonObject, Operation[]>();
  for (const o of operations(api)) {
    for (const raw of [...arr(o.pathItem.parameters), ...arr(o.op.parameters)]) {
      const p = obj(deref(api.doc, raw));
      if (!p) continue;
      const list = byParam.get(p) ?? [];
      list.push(o);
      byParam.set(p, list);
    }
  }
  // Path items without operations can still declare parameters.
  for (const rawItem of Object.values(obj(api.root.paths) ?? {})) {
    const item = obj(deref(api.doc, rawItem));
    for (const raw of arr(item?.parameters)) {
      const p = obj(deref(api.doc, raw));
      if (p && !byParam.has(p)) byParam.set(p, []);
    }
  }
  return [...byParam].map(([param, ops]) => ({ param, ops }));
}

/** The schema of a parameter: 3.x `schema` (or the media type's), 2.0 non-body parameters are their own schema. */
export function paramSchema(api: OpenApi, p: JsonObject): JsonObject | undefined {
  if (p.schema !== undefined) return obj(deref(api.doc, p.schema));
  const content = obj(p.content);
  if (content) for (const mt of Object.values(content)) return obj(deref(api.doc, obj(mt)?.schema));
  return api.major === 2 && p.in !== 'body' ? p : undefined;
}

/** Responses of an operation: [status code, resolved response, the responses map] . */
export function responsesOf(api: OpenApi, o: Operation): { map: JsonObject; entries: [string, JsonObject][] } | undefined {
  const map = obj(o.op.responses);
  if (!map) return undefined;
  const entries = Object.entries(map)
    .map(([code, r]) => [code, obj(deref(api.doc, r))] as [string, JsonObject | undefined])
    .filter((e): e is [string, JsonObject] => !!e[1]);
  return { map, entries };
}

/** Schemas a response returns (3.x content media types, 2.0 `schema`). */
export function responseSchemas(api: OpenApi, response: JsonObject): JsonObject[] {
  const out: JsonObject[] = [];
  if (response.schema !== undefined) {
    const s = obj(deref(api.doc, response.schema));
    if (s) out.push(s);
  }
  for (const mt of Object.values(obj(response.content) ?? {})) {
    const s = obj(deref(api.doc, obj(mt)?.schema));
    if (s) out.push(s);
  }
  return out;
}

/** Schemas requests send: parameters, request bodies (3.x), body parameters (2.0). */
export function requestSchemas(api: OpenApi): JsonObject[] {
  const out: JsonObject[] = [];
  for (const { param } of pathParameters(api)) {
    const s = paramSchema(api, param);
    if (s) out.push(s);
  }
  for (const o of operations(api)) {
    const body = obj(deref(api.doc, o.op.requestBody));
    for (const mt of Object.values(obj(body?.content) ?? {})) {
      const s = obj(deref(api.doc, obj(mt)?.schema));
      if (s) out.push(s);
    }
  }
  return out;
}

/** Shared schema definitions: components.schemas (3.x) or definitions (2.0). */
export function namedSchemas(api: OpenApi): JsonObject[] {
  const holder = api.major === 2 ? obj(api.root.definitions) : obj(obj(api.root.components)?.schemas);
  return Object.values(holder ?? {})
    .map((s) => obj(s))
    .filter((s): s is JsonObject => !!s);
}

export interface SchemaVisit {
  schema: JsonObject;
  /** Property name when the schema is a property of an object schema. */
  name?: string;
  /** The object schema holding it as a property. */
  parent?: JsonObject;
  /** Where the walk started (e.g. the operation that returns it), passed down unchanged. */
  origin?: string;
}

/** Sub-schemas of a schema, one level down, with the property name where there is one. */
function children(s: JsonObject): SchemaVisit[] {
  const out: SchemaVisit[] = [];
  for (const [name, p] of Object.entries(obj(s.properties) ?? {})) if (isObj(p)) out.push({ schema: p as JsonObject, name, parent: s });
  for (const key of ['items', 'additionalProperties', 'unevaluatedProperties', 'not', 'contains', 'additionalItems']) {
    const v = s[key];
    if (isPlainObject(v)) out.push({ schema: v });
    else if (Array.isArray(v) && key === 'items') for (const x of v) if (isPlainObject(x)) out.push({ schema: x });
  }
  for (const key of ['allOf', 'anyOf', 'oneOf', 'prefixItems']) for (const x of arr(s[key])) if (isPlainObject(x)) out.push({ schema: x });
  for (const p of Object.values(obj(s.patternProperties) ?? {})) if (isPlainObject(p)) out.push({ schema: p });
  return out;
}

/**
 * Visit every schema reachable from `roots`, following `$ref`s, each schema object once (so a schema is
 * reported where it is defined, and recursive schemas terminate). `fn` gets the resolved schema.
 */
export function walkSchemas(api: { doc: PosDoc }, roots: (JsonObject | SchemaVisit)[], fn: (v: SchemaVisit) => void): void {
  const seen = new Set<JsonObject>();
  // Roots first in, first visited: a schema is attributed to the first root that reaches it.
  const stack: SchemaVisit[] = roots.map((r) => ('schema' in r && isPlainObject(r.schema) && Object.keys(r).every((k) => k === 'schema' || k === 'origin') ? (r as SchemaVisit) : { schema: r as JsonObject })).reverse();
  while (stack.length) {
    const v = stack.pop()!;
    const s = obj(deref(api.doc, v.schema));
    if (!s || seen.has(s)) continue;
    seen.add(s);
    // A property given by `$ref` keeps its name, but the resolved schema is what gets checked.
    fn({ ...v, schema: s });
    for (const c of children(s).reverse()) stack.push({ ...c, origin: v.origin });
  }
}

/** The JSON Schema types of a schema (3.1 allows a list; 3.0 `nullable` keeps a single type). */
export function typesOf(s: JsonObject): string[] {
  if (typeof s.type === 'string') return [s.type];
  if (Array.isArray(s.type)) return s.type.filter((t): t is string => typeof t === 'string');
  return [];
}

export function hasType(s: JsonObject, t: string): boolean {
  return typesOf(s).includes(t);
}

export function has(o: JsonObject, key: string): boolean {
  return o[key] !== undefined && o[key] !== null;
}

/** `Access-Control-Allow-Origin` and friends: header names compare case-insensitively. */
export function hasHeader(headers: JsonObject, names: string[]): boolean {
  const keys = Object.keys(headers).map((k) => k.toLowerCase());
  return names.some((n) => keys.includes(n.toLowerCase()));
}

/** Lower-case words of an identifier: `callbackUrl`, `callback_url`, `callback-url` → callback, url. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export function isLocalUrl(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\]|0\.0\.0\.0|[^/:]+\.localhost|host\.docker\.internal)([:/?#]|$)/i.test(url);
}
