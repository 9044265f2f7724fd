// import-spec: read a contract strictly (every $ref resolved, every import found), then write it as a pack a
// reviewer can read: the built-in api-security rules for that kind of contract, scoped to the spec file, plus
// the contract itself (operations, which are secured, request/response messages) as data for the drift and
// protobuf rules. Same spec in → byte-identical pack out, so re-importing is idempotent.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { Document, isMap, parse as parseYaml, parseDocument } from 'yaml';
import { SourceFile } from '../engine/source.js';
import { builtinPacksDir, customPacksDir, loadPack, packDirs, type LoadedRule } from '../packs/load.js';
import { SentrikError } from '../util/errors.js';
import { toPosix } from '../util/paths.js';
import { asAsyncApi, looksLikeAsyncApi } from './asyncapi/index.js';
import { isCodeFile } from './drift/routes.js';
import type { SpecKind } from './check.js';
import { isPlainObject, parseSpecText, type PosDoc } from './doc.js';
import { getSpecCheck } from './index.js';
import { asOpenApi, definedSchemes, effectiveSecurity, isSecured, looksLikeOpenApi, obj, operations, shapeError, type OpenApi } from './openapi/model.js';
import { loadProtoTree, messageRoles } from './protobuf/index.js';
import { resolveRefs, type RefReport } from './refs.js';
import { perFile } from './memo.js';

/** Bigger documents are refused (GitHub's full REST description is 13 MB). */
export const MAX_SPEC_BYTES = 64 * 1024 * 1024;

export interface ImportRequest {
  root: string;
  /** Absolute path of the spec, inside root. */
  specAbs: string;
  format?: SpecKind;
  externalRefs?: boolean;
}

export interface ImportedSpec {
  kind: SpecKind;
  /** Project root (absolute). */
  root: string;
  /** Spec path relative to the root (posix). */
  specRel: string;
  title: string;
  version: string;
  hash: string;
  text: string;
  /** OpenAPI: operations as `GET /path`, the secured ones, and base paths from servers. */
  contract?: { operations: string[]; secured: string[]; basePaths: string[] };
  /** Protobuf: every file of the import tree and the request/response message names. */
  proto?: { files: string[]; requests: string[]; responses: string[] };
  refs?: RefReport;
  /** The parsed spec (OpenAPI/AsyncAPI), joined to the files its references reach when they were followed. */
  doc?: PosDoc;
}

export function readSpec(req: ImportRequest): ImportedSpec {
  const specRel = toPosix(relative(req.root, req.specAbs));
  let size: number;
  try {
    size = statSync(req.specAbs).size;
  } catch {
    throw new SentrikError('no such file', specRel, undefined, 'check the path');
  }
  if (size > MAX_SPEC_BYTES) throw new SentrikError(`spec is too large (${Math.round(size / 1048576)} MiB > ${MAX_SPEC_BYTES / 1048576} MiB)`, specRel, undefined, 'split the description into files joined by $ref');
  const buf = readFileSync(req.specAbs);
  const text = buf.toString('utf8');
  const hash = createHash('sha256').update(buf).digest('hex');
  const isProto = req.format === 'protobuf' || (!req.format && specRel.endsWith('.proto'));

  if (isProto) {
    if (looksLikeOpenApi(text) || looksLikeAsyncApi(text)) throw new SentrikError('-f protobuf, but the file is an OpenAPI/AsyncAPI document', specRel, 1, 'drop -f, or give a .proto file');
    const files = loadProtoTree(req.specAbs, req.root);
    const roles = messageRoles(files);
    const first = files[0];
    return {
      kind: 'protobuf',
      root: req.root,
      specRel,
      title: first.pkg || basename(specRel, '.proto'),
      version: first.syntax,
      hash,
      text,
      proto: { files: files.map((f) => f.file), requests: [...roles.requests].sort(), responses: [...roles.responses].sort() },
    };
  }

  const doc = parseSpecText(text, specRel);
  const api = asOpenApi(doc);
  const async = api ? undefined : asAsyncApi(doc);
  const kind: SpecKind | undefined = api ? 'openapi' : async ? 'asyncapi' : undefined;
  if (!kind) throw new SentrikError('not an API description (no top-level openapi, swagger or asyncapi version)', specRel, 1, 'give an OpenAPI 2.0/3.x, AsyncAPI 2.x/3.x or .proto file');
  if (req.format && req.format !== kind) throw new SentrikError(`-f ${req.format}, but the file is an ${kind === 'openapi' ? 'OpenAPI' : 'AsyncAPI'} document`, specRel, 1, `use -f ${kind} (or leave -f out)`);
  const mistyped = api && shapeError(api);
  if (mistyped) throw mistyped;
  const { report: refs, problems, files } = resolveRefs(doc, { external: !!req.externalRefs, absPath: req.specAbs, root: req.root });
  if (problems.length) throw problems[0];
  // Path items and schemas in the files read count for the contract and the checks, at their own lines.
  if (files.docs.length > 1) doc.files = files;
  const info = obj((doc.root as Record<string, unknown>).info) ?? {};
  const title = typeof info.title === 'string' ? info.title : basename(specRel).replace(/\.[^.]+$/, '');
  const version = info.version === undefined ? '' : String(info.version);
  return { kind, root: req.root, specRel, title, version, hash, text, refs, doc, contract: api ? openApiContract(api) : undefined };
}

function openApiContract(api: OpenApi): ImportedSpec['contract'] {
  const ops = operations(api);
  const basePaths = new Set<string>();
  if (api.major === 2 && typeof api.root.basePath === 'string' && api.root.basePath !== '/') basePaths.add(api.root.basePath);
  for (const s of Array.isArray(api.root.servers) ? api.root.servers : []) {
    const url = obj(s)?.url;
    if (typeof url !== 'string') continue;
    const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/\{[^}]*\}/g, '').replace(/\/+$/, '');
    if (path && path.startsWith('/')) basePaths.add(path);
  }
  const defined = definedSchemes(api);
  return {
    operations: ops.map((o) => o.label),
    secured: ops.filter((o) => isSecured(effectiveSecurity(api, o).reqs, defined)).map((o) => o.label),
    basePaths: [...basePaths].sort(),
  };
}

/** `Swagger Petstore` → `spec-swagger-petstore`. */
export function defaultPackId(spec: ImportedSpec): string {
  const slug = spec.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `spec-${slug || 'api'}`;
}

const CODE_GLOB = '**/*.{js,jsx,ts,tsx,mjs,cjs,py}';
const CODE_EXCLUDE = ['**/node_modules/**', '**/{test,tests,__tests__,spec}/**', '**/*.{test,spec}.*', '**/test_*.py'];
const NOT_CODE_DIRS = /^(node_modules|test|tests|__tests__|spec|vendor|third_party)$|^\./;

/**
 * How the drift rules of one spec sit among the repository's other imported specs: the folder of code they
 * check, their rule ids (`SPEC-DRIFT-001`, or `SPEC-DRIFT-<PACK>-001` when another imported spec already has
 * those), and the operations other imported specs declare (not "undeclared" here).
 */
export interface DriftScope {
  /** Folder (posix, relative to the root; '.' for all) whose code the drift rules check. */
  scope: string;
  /** Rule id infix, when the plain ids are another pack's. */
  tag?: string;
  alsoDeclared: string[];
  /** Other imported specs whose drift rules check this one's code and do not know its operations yet. */
  staleOthers: { packId: string; spec: string }[];
}

/** Folders that keep a contract or its documentation, never the service itself. */
const SPEC_DIRS = /^(docs?|apis?|specs?|openapi|swagger|contracts?|schemas?)$/i;
/** Code files of tools rather than of the service (Sphinx `conf.py`, packaging, task runners, bundler configs). */
const TOOL_FILES = /^(conf|setup|noxfile|fabfile)\.py$|\.config\.(m|c)?(j|t)s$|^\.[\w-]+rc\.(m|c)?js$/;

/**
 * The code a spec describes: the folder that holds it, or the nearest folder above it that holds code (a spec
 * kept in `api/` or `docs/` describes the code beside that folder), up to the root. A folder named for specs
 * or documentation (`docs/`, `api/`, `openapi/`, `contracts/` …) is never the service.
 */
export function serviceFolder(root: string, specRel: string): string {
  for (let dir = dirname(specRel); dir !== '.' && dir !== '/'; dir = dirname(dir)) if (!SPEC_DIRS.test(basename(dir)) && holdsCode(join(root, dir))) return dir;
  return '.';
}

/**
 * Does the folder hold a code file drift reads (not a test, not vendored, not documentation, not a tool's
 * configuration)? Looks at no more than 5,000 entries.
 */
function holdsCode(dir: string): boolean {
  const queue = [dir];
  let budget = 5000;
  while (queue.length && budget > 0) {
    const current = queue.shift()!;
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (--budget <= 0) break;
      // Symbolic links are neither followed nor counted: the search stays inside the folder.
      if (e.isDirectory() && !NOT_CODE_DIRS.test(e.name) && !/^docs?$/i.test(e.name)) queue.push(join(current, e.name));
      else if (e.isFile() && isCodeFile(e.name) && !/\.(test|spec)\.|^test_/.test(e.name) && !TOOL_FILES.test(e.name)) return true;
    }
  }
  return false;
}

interface InstalledDrift {
  packId: string;
  ruleId: string;
  spec: string;
  scope: string;
  operations: string[];
  alsoDeclared: string[];
}

/** The drift-undeclared rules of the generated packs installed in the repository, other than `exceptId`'s. */
function installedDrift(root: string, exceptId: string): InstalledDrift[] {
  const out: InstalledDrift[] = [];
  for (const dir of packDirs(customPacksDir(root))) {
    if (basename(dir) === exceptId) continue;
    let pack: unknown;
    try {
      pack = parseYaml(readFileSync(join(dir, 'pack.yaml'), 'utf8'));
    } catch {
      continue; // a broken pack is reported when it loads, not here
    }
    const rules = isPlainObject(pack) && Array.isArray(pack.rules) ? pack.rules : [];
    for (const r of rules) {
      const match = isPlainObject(r) && isPlainObject(r.match) ? r.match : undefined;
      const o = match?.check === 'drift-undeclared-route' && isPlainObject(match.options) ? match.options : undefined;
      if (!o || typeof r.id !== 'string' || typeof o.spec !== 'string') continue;
      const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
      const bases = strings(o.base_paths);
      out.push({ packId: basename(dir), ruleId: r.id, spec: o.spec, scope: typeof o.scope === 'string' ? o.scope : '.', operations: withBasePaths(strings(o.operations), bases), alsoDeclared: strings(o.also_declared) });
    }
  }
  return out;
}

/** `GET /pets` with base path `/v1` → `GET /pets`, `GET /v1/pets`: the forms a route may take. */
function withBasePaths(ops: string[], bases: string[]): string[] {
  return ops.flatMap((op) => {
    const [m, p] = op.split(' ', 2);
    return [op, ...bases.map((b) => `${m} ${b.replace(/\/+$/, '')}${p}`)];
  });
}

function within(folder: string, scope: string): boolean {
  return scope === '.' || folder === scope || folder.startsWith(`${scope}/`);
}

/** Where the drift rules of `spec`, imported as pack `id`, stand (see DriftScope). `scope` overrides the folder. */
export function driftScope(spec: ImportedSpec, id: string, scope?: string): DriftScope {
  const folder = scope ?? serviceFolder(spec.root, spec.specRel);
  const others = installedDrift(spec.root, id);
  const mine = withBasePaths(spec.contract?.operations ?? [], spec.contract?.basePaths ?? []);
  const slug = id.replace(/^spec-/, '').toUpperCase().replace(/[^A-Z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'API';
  return {
    scope: folder,
    tag: others.some((o) => o.ruleId === 'SPEC-DRIFT-001') ? slug : undefined,
    // Only specs whose code lies in this one's folder matter to it, and only those that check this one's code to them.
    alsoDeclared: [...new Set(others.filter((o) => within(o.scope, folder)).flatMap((o) => o.operations))].filter((op) => !mine.includes(op)).sort(),
    staleOthers: others.filter((o) => within(folder, o.scope) && mine.some((op) => !o.operations.includes(op) && !o.alsoDeclared.includes(op))).map((o) => ({ packId: o.packId, spec: o.spec })),
  };
}

/** The pack (YAML text) for an imported spec. */
export function buildPackYaml(spec: ImportedSpec, id: string, drift: DriftScope = { scope: '.', alsoDeclared: [], staleOthers: [] }): string {
  const builtin = loadPack(join(builtinPacksDir(), 'api-security'), true);
  const rules: Record<string, unknown>[] = [];
  const target = spec.kind === 'protobuf' ? spec.proto!.files : [spec.specRel];
  for (const r of builtin.rules) {
    const check = getSpecCheck((r.def.match as { check: string }).check);
    if (check?.reads !== spec.kind) continue;
    rules.push(scopedRule(r, target, spec));
  }
  if (spec.contract) rules.push(...driftRules(spec, drift));
  const pack = {
    id,
    name: `${spec.title}${spec.version ? ` ${spec.version}` : ''} (${spec.kind} contract)`,
    version: '1.0.0',
    standard: `API contract ${spec.specRel}`,
    description: `Generated by \`sentrik import-spec\` from ${spec.specRel} (${spec.kind}). Rules check the contract itself${spec.contract ? ' and code that drifts from it' : ''}. Review it like code; re-import with --overwrite when the spec changes.`,
    rules,
  };
  const doc = new Document(pack, { aliasDuplicateObjects: false });
  doc.commentBefore = ` Generated by sentrik import-spec from ${spec.specRel}\n spec sha256: ${spec.hash}`;
  return doc.toString({ lineWidth: 0 });
}

function scopedRule(r: LoadedRule, files: string[], spec: ImportedSpec): Record<string, unknown> {
  const d = r.def;
  const match = { ...(d.match as Record<string, unknown>) };
  if (spec.proto && /^protobuf-(sensitive-response-field|unvalidated-string)$/.test(String(match.check))) {
    match.options = { requests: spec.proto.requests, responses: spec.proto.responses };
  }
  // Examples keep their code but take the spec's path, so they pass the rule's `files:` scope.
  const ex = (list: typeof d.examples.bad): Record<string, unknown>[] => list.map((e) => ({ ...(e.name ? { name: e.name } : {}), file: files[0], ...(e.line !== undefined ? { line: e.line } : {}), code: e.code }));
  return {
    id: d.id,
    title: d.title,
    severity: d.severity,
    kind: d.kind,
    standard: r.standard,
    ...(d.clause ? { clause: d.clause } : {}),
    ...(d.cwe.length ? { cwe: d.cwe } : {}),
    ...(d.confidence !== 'high' ? { confidence: d.confidence } : {}),
    message: d.message,
    remediation: d.remediation,
    files,
    match,
    // One example of each kind keeps the pack short; the full set lives in the built-in pack.
    examples: { bad: ex(d.examples.bad.slice(0, 1)), good: ex(d.examples.good.slice(0, 1)) },
  };
}

/** Express-style route text for an operation: `/pets/{id}` → `/pets/:id`. */
function expressPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

/** picomatch reads these characters in a folder name as glob syntax. */
function globEscape(path: string): string {
  return path.replace(/[\\*?[\]{}()!+@]/g, '\\$&');
}

function driftRules(spec: ImportedSpec, drift: DriftScope): Record<string, unknown>[] {
  const c = spec.contract!;
  const ruleId = (n: string): string => (drift.tag ? `SPEC-DRIFT-${drift.tag}-${n}` : `SPEC-DRIFT-${n}`);
  const under = (p: string): string => (drift.scope === '.' ? p : `${globEscape(drift.scope)}/${p}`);
  const file = drift.scope === '.' ? 'app.js' : `${drift.scope}/app.js`;
  // Only what differs from a single spec over the whole repository is written, so such packs stay as they were.
  const scoping = { ...(drift.scope === '.' ? {} : { scope: drift.scope }), ...(drift.alsoDeclared.length ? { also_declared: drift.alsoDeclared } : {}) };
  const route = (label: string, middleware: string): string => {
    const [m, p] = label.split(' ', 2);
    return `app.${m.toLowerCase()}('${expressPath((c.basePaths[0] ?? '') + p)}', ${middleware}(req, res) => res.json({}));`;
  };
  const header = "const express = require('express');\nconst app = express();\n";
  const out: Record<string, unknown>[] = [
    {
      id: ruleId('001'),
      title: 'Route not declared in the API contract',
      severity: 'medium',
      kind: 'spec',
      standard: `API contract ${spec.specRel}`,
      clause: 'API9:2023',
      cwe: ['CWE-1059'],
      confidence: 'medium',
      message: `The code serves a route that ${spec.specRel} does not declare: an undocumented (shadow) endpoint escapes review, gateways and tests.`,
      remediation: 'Declare the route in the spec (and re-import), remove it, or list it under `ignore` in this rule.',
      files: [under(CODE_GLOB)],
      exclude: CODE_EXCLUDE,
      match: { check: 'drift-undeclared-route', options: { spec: spec.specRel, base_paths: c.basePaths, operations: c.operations, ignore: [], ...scoping } },
      examples: {
        bad: [{ file, line: 3, code: `${header}app.get('/sentrik-undeclared-example', (req, res) => res.send('hi'));\n` }],
        good: [{ file, code: c.operations.length ? `${header}${route(c.operations[0], '')}\n` : header }],
      },
    },
  ];
  if (c.secured.length) {
    out.push({
      id: ruleId('002'),
      title: 'Handler of a secured operation has no authentication',
      severity: 'high',
      kind: 'spec',
      standard: `API contract ${spec.specRel}`,
      clause: 'API2:2023',
      cwe: ['CWE-306'],
      confidence: 'medium',
      message: `${spec.specRel} requires authentication for this operation, but its handler has no visible authentication middleware, guard or dependency.`,
      remediation: 'Attach the authentication middleware / guard / dependency to the route (or to its router), as the contract promises.',
      files: [under(CODE_GLOB)],
      exclude: CODE_EXCLUDE,
      match: { check: 'drift-unauthenticated-handler', options: { spec: spec.specRel, base_paths: c.basePaths, secured: c.secured, ...(drift.scope === '.' ? {} : { scope: drift.scope }) } },
      examples: {
        bad: [{ file, line: 3, code: `${header}${route(c.secured[0], '')}\n` }],
        good: [{ file, code: `${header}${route(c.secured[0], 'authenticate, ')}\n` }],
      },
    });
  }
  return out;
}

/** What the current spec violates, per rule (run through the same checks a scan runs). */
export function currentFindings(spec: ImportedSpec, packYaml: string): { ruleId: string; count: number; first?: string }[] {
  const pack = parseYaml(packYaml) as { rules: { id: string; match: { check: string; options?: unknown }; files: string[] }[] };
  const files = spec.kind === 'protobuf' ? spec.proto!.files : [spec.specRel];
  const out: { ruleId: string; count: number; first?: string }[] = [];
  const sources = new Map<string, SourceFile>();
  for (const r of pack.rules) {
    const check = getSpecCheck(r.match.check);
    if (!check || check.reads === 'code') continue;
    const options = check.options.parse(r.match.options ?? {});
    let count = 0;
    let first: string | undefined;
    for (const f of files) {
      let src = sources.get(f);
      if (!src) sources.set(f, (src = specSource(spec, f)));
      const hits = check.run(src, options);
      count += hits.length;
      if (hits.length) first ??= `${hits[0].file ?? f}:${hits[0].line ?? '?'}`;
    }
    if (count) out.push({ ruleId: r.id, count, first });
  }
  return out;
}

/** The spec as the checks see it: the document already read (with the files it reaches), not a second parse. */
function specSource(spec: ImportedSpec, f: string): SourceFile {
  if (f !== spec.specRel) return new SourceFile(f, readFileSync(join(spec.root, f), 'utf8'));
  const src = new SourceFile(f, spec.text);
  if (spec.doc && spec.kind === 'openapi') perFile(src, 'openapi', () => asOpenApi(spec.doc!));
  if (spec.doc && spec.kind === 'asyncapi') perFile(src, 'asyncapi', () => asAsyncApi(spec.doc!));
  return src;
}

/** Human-readable differences between an installed generated pack and a new one. */
export function packChanges(oldYaml: string, newYaml: string): string[] {
  const parse = (t: string): { rules?: { id: string; match?: { check?: string; options?: Record<string, unknown> } }[] } => {
    try {
      const v = parseYaml(t);
      return isPlainObject(v) ? (v as never) : {};
    } catch {
      return {};
    }
  };
  const a = parse(oldYaml);
  const b = parse(newYaml);
  const out: string[] = [];
  const hashOf = (t: string): string | undefined => /spec sha256: ([0-9a-f]+)/.exec(t)?.[1];
  if (hashOf(oldYaml) !== hashOf(newYaml)) out.push('spec content changed');
  const ids = (p: typeof a): Set<string> => new Set((p.rules ?? []).map((r) => r.id));
  for (const id of ids(b)) if (!ids(a).has(id)) out.push(`rule added: ${id}`);
  for (const id of ids(a)) if (!ids(b).has(id)) out.push(`rule removed: ${id}`);
  const list = (p: typeof a, check: string, key: string): string[] => {
    const v = (p.rules ?? []).find((r) => r.match?.check === check)?.match?.options?.[key];
    return Array.isArray(v) ? v.map(String) : [];
  };
  const diff = (check: string, key: string, what: string): void => {
    const before = new Set(list(a, check, key));
    const after = new Set(list(b, check, key));
    for (const x of after) if (!before.has(x)) out.push(`${what} added: ${x}`);
    for (const x of before) if (!after.has(x)) out.push(`${what} removed: ${x}`);
  };
  diff('drift-undeclared-route', 'operations', 'operation');
  diff('drift-unauthenticated-handler', 'secured', 'secured operation');
  diff('drift-undeclared-route', 'base_paths', 'base path');
  diff('drift-undeclared-route', 'also_declared', 'operation of another imported spec');
  const scopeOf = (p: typeof a): string => String((p.rules ?? []).find((r) => r.match?.check === 'drift-undeclared-route')?.match?.options?.scope ?? '.');
  if (scopeOf(a) !== scopeOf(b)) out.push(`drift scope: ${scopeOf(a)} → ${scopeOf(b)}`);
  diff('protobuf-sensitive-response-field', 'responses', 'response message');
  diff('protobuf-sensitive-response-field', 'requests', 'request message');
  if (!out.length && oldYaml !== newYaml) out.push('rule definitions updated (new sentrik version)');
  return out;
}


/** Options import-spec derives from the spec on every import; any other option of a generated rule is the user's. */
const DERIVED_OPTIONS = new Set(['spec', 'base_paths', 'operations', 'secured', 'also_declared', 'scope', 'requests', 'responses']);

/**
 * Carry the options a user edited in an installed pack (the drift rule's `ignore:`, SPEC-AUTH-001's `public:` —
 * which the rules' remediation tells them to edit) into the re-generated pack, rule by rule (same id, same
 * check). Returns the new pack text and what was kept, as `RULE-ID key`.
 */
export function keepUserOptions(oldYaml: string, newYaml: string): { yaml: string; kept: string[] } {
  const oldDoc = parseDocument(oldYaml);
  if (oldDoc.errors.length) return { yaml: newYaml, kept: [] }; // a broken pack has nothing to keep
  const old: unknown = oldDoc.toJSON();
  const oldRules = isPlainObject(old) && Array.isArray(old.rules) ? old.rules : [];
  const doc = parseDocument(newYaml);
  const kept: string[] = [];
  const rules = doc.get('rules');
  if (!rules || !('items' in (rules as object))) return { yaml: newYaml, kept };
  for (const rule of (rules as { items: unknown[] }).items) {
    if (!isMap(rule)) continue;
    const id = rule.get('id');
    const check = rule.getIn(['match', 'check']);
    const at = oldRules.findIndex((r) => isPlainObject(r) && r.id === id && isPlainObject(r.match) && r.match.check === check);
    const before = oldRules[at] as Record<string, unknown> | undefined;
    const options = before && isPlainObject(before.match) && isPlainObject(before.match.options) ? before.match.options : undefined;
    for (const [key, value] of Object.entries(options ?? {})) {
      if (DERIVED_OPTIONS.has(key)) continue;
      const generated = rule.getIn(['match', 'options', key]);
      const current = generated && typeof generated === 'object' && 'toJSON' in generated ? (generated as { toJSON(): unknown }).toJSON() : generated;
      if (JSON.stringify(current) === JSON.stringify(value)) continue;
      // The user's own node, comments and all.
      rule.setIn(['match', 'options', key], oldDoc.getIn(['rules', at, 'match', 'options', key], true));
      kept.push(`${String(id)} ${key}`);
    }
  }
  return kept.length ? { yaml: doc.toString({ lineWidth: 0 }), kept } : { yaml: newYaml, kept };
}

/** The same pack, whatever the formatting (a hand-edited list written `[a, b]` or as lines). */
export function samePack(a: string, b: string): boolean {
  try {
    return a === b || (/spec sha256: (\w+)/.exec(a)?.[1] === /spec sha256: (\w+)/.exec(b)?.[1] && JSON.stringify(parseYaml(a)) === JSON.stringify(parseYaml(b)));
  } catch {
    return false;
  }
}
