// OpenAPI checks: the contract's own weaknesses (OWASP API Security Top 10 2023), each finding at the line in
// the spec that a reviewer would change.
import { z } from 'zod';
import type { RawMatch } from '../../engine/matchers/matcher.js';
import type { SourceFile } from '../../engine/source.js';
import { hit, type SpecCheck } from '../check.js';
import { isPlainObject, type JsonObject } from '../doc.js';
import { deref, scanRefProblems } from '../refs.js';
import { perFile } from '../memo.js';
import { openApiOf } from './index.js';
import {
  arr,
  definedSchemes,
  effectiveSecurity,
  has,
  hasHeader,
  hasType,
  isLocalUrl,
  isSecured,
  undefinedSchemes,
  namedSchemas,
  obj,
  operations,
  paramSchema,
  pathParameters,
  requestSchemas,
  responseSchemas,
  responsesOf,
  securitySchemes,
  shapeError,
  walkSchemas,
  WRITE_METHODS,
  words,
  type OpenApi,
  type Operation,
  type SchemaVisit,
} from './model.js';

const KEYWORDS = ['openapi', 'swagger'];
const none = z.object({}).strict();

/** A check over an OpenAPI document. */
function oas<O>(name: string, description: string, options: z.ZodType<O>, run: (api: OpenApi, o: O, file: SourceFile) => RawMatch[]): SpecCheck<O> {
  return {
    name: `openapi-${name}`,
    reads: 'openapi',
    description,
    options,
    keywords: KEYWORDS,
    run(file, o) {
      const api = openApiOf(file);
      return api ? run(api, o, file) : [];
    },
    problems: documentProblems,
  };
}

/**
 * What leaves the checks with less to read than the document says: a mistyped top-level value (see shapeError),
 * broken, looping or external `$ref`s. Reported once per file, as problems; every finding still counts.
 */
function documentProblems(file: SourceFile): { line?: number; message: string }[] {
  const api = openApiOf(file);
  if (!api) return [];
  return perFile(file, 'openapi-problems', () => {
    const shape = shapeError(api);
    // A problem shows its message only: the hint goes in it.
    return [...(shape ? [{ line: shape.line, message: `${shape.message} (${shape.hint})` }] : []), ...scanRefProblems(api.doc)];
  });
}

// ---------- authentication (API2, API5) ----------

/** "GET /health", "/health" or "GET /internal/*": operations intentionally left public. */
function listed(list: string[], o: Operation): boolean {
  return list.some((p) => {
    const [m, path] = p.includes(' ') ? p.split(/\s+/, 2) : ['*', p];
    const methodOk = m === '*' || m.toLowerCase() === o.method;
    const pathOk = path.endsWith('*') ? o.path.startsWith(path.slice(0, -1)) : o.path === path;
    return methodOk && pathOk;
  });
}

const publicOption = z.object({ public: z.array(z.string()).default([]) }).strict();

const operationSecurity = oas('operation-security', 'operations without a security requirement', publicOption, (api, o) => {
  const out: RawMatch[] = [];
  const defined = definedSchemes(api);
  for (const op of operations(api)) {
    if (op.method === 'options' || listed(o.public, op)) continue;
    const { reqs, own } = effectiveSecurity(api, op);
    const line = own ? api.doc.keyLine(op.op, 'security') : api.doc.lineOf(op.op);
    if (isSecured(reqs)) {
      // Secured on paper; with schemes the document lists, each one it names must be among them.
      const ghosts = defined ? undefinedSchemes(reqs, defined) : [];
      if (ghosts.length) out.push(...hit(line, op.label, `${op.label} requires the security scheme ${ghosts.map((g) => `'${g}'`).join(', ')}, which the document does not define: it protects nothing`));
      continue;
    }
    const explicitEmpty = own && reqs!.length === 0;
    // An explicit `security: []` on a read is a deliberate public endpoint; on a write it is a hole.
    if (explicitEmpty && !WRITE_METHODS.has(op.method)) continue;
    const optional = reqs && reqs.length > 0;
    const why = explicitEmpty ? 'turns authentication off with `security: []`' : optional ? 'makes authentication optional (`{}` in security)' : 'has no security requirement (none on the operation, none global)';
    out.push(...hit(line, op.label, `${op.label} ${why}`));
  }
  return out;
});

const httpBasic = oas('http-basic-auth', 'HTTP Basic authentication scheme', none, (api) =>
  securitySchemes(api).flatMap(([name, s]) => {
    if (api.major === 2 && s.type === 'basic') return hit(api.doc.keyLine(s, 'type'), name, `security scheme '${name}' uses HTTP Basic authentication`);
    if (s.type === 'http' && String(s.scheme).toLowerCase() === 'basic') return hit(api.doc.keyLine(s, 'scheme'), name, `security scheme '${name}' uses HTTP Basic authentication`);
    return [];
  }),
);

const INSECURE_SCHEMES = new Set(['negotiate', 'oauth', 'digest']);
const insecureScheme = oas('insecure-auth-scheme', 'deprecated or weak HTTP authentication schemes', none, (api) =>
  securitySchemes(api).flatMap(([name, s]) => {
    const scheme = String(s.scheme ?? '').toLowerCase();
    return s.type === 'http' && INSECURE_SCHEMES.has(scheme) ? hit(api.doc.keyLine(s, 'scheme'), name, `security scheme '${name}' uses the weak HTTP '${scheme}' scheme`) : [];
  }),
);

const apiKeyInUrl = oas('api-key-in-url', 'API keys sent in the query string or path', none, (api) =>
  securitySchemes(api).flatMap(([name, s]) =>
    s.type === 'apiKey' && (s.in === 'query' || s.in === 'path') ? hit(api.doc.keyLine(s, 'in'), name, `API key '${name}' is sent in the ${s.in} (URLs end up in logs and browser history)`) : [],
  ),
);

const CREDENTIAL_WORDS = /(client_?secret|access_?token|refresh_?token|id_?token|token|password|passwd|secret|api-?_?key|apikey)/i;
const NOT_A_CREDENTIAL = /(page|next|prev|continuation|sync|cursor|pagination|csrf)_?-?token/i;
const credentialsInUrl = oas('credentials-in-url', 'credentials in query or path parameters', none, (api) =>
  allParameters(api).flatMap((p) => {
    const name = typeof p.name === 'string' ? p.name : '';
    if ((p.in !== 'query' && p.in !== 'path') || !CREDENTIAL_WORDS.test(name) || NOT_A_CREDENTIAL.test(name)) return [];
    return hit(api.doc.keyLine(p, 'name'), `${p.in}:${name}`, `parameter '${name}' carries a credential in the ${p.in} (URLs end up in logs)`);
  }),
);

const jwtPractices = oas('jwt-best-practices', 'JWT / OAuth2 schemes that do not state RFC 8725 best practices', none, (api) =>
  securitySchemes(api).flatMap(([name, s]) => {
    const jwt = s.type === 'oauth2' || (s.type === 'http' && String(s.bearerFormat ?? '').toLowerCase() === 'jwt');
    if (!jwt || /RFC\s*8725/i.test(String(s.description ?? ''))) return [];
    return hit(api.doc.at(s, 'description'), name, `security scheme '${name}' issues JWTs but does not say they follow RFC 8725 (JWT best current practices)`);
  }),
);

const shortLivedTokens = oas('short-lived-tokens', 'OAuth2 flows without a refresh URL (long-lived access tokens)', none, (api) =>
  securitySchemes(api).flatMap(([name, s]) => {
    if (s.type !== 'oauth2' || api.major === 2) return [];
    const flows = obj(s.flows) ?? {};
    return ['authorizationCode', 'password'].flatMap((f) => {
      const flow = obj(flows[f]);
      return flow && !has(flow, 'refreshUrl') ? hit(api.doc.lineOf(flow), `${name}.${f}`, `OAuth2 flow '${f}' of '${name}' has no refreshUrl: access tokens cannot be short-lived`) : [];
    });
  }),
);

function requirementKey(r: unknown): string {
  if (!isPlainObject(r)) return '';
  return Object.keys(r)
    .sort()
    .map((k) => `${k}:${arr(r[k]).map(String).sort().join(',')}`)
    .join('&');
}

const adminSecurity = oas('admin-security-shared', 'admin operations protected exactly like ordinary ones', none, (api) => {
  const isAdmin = (o: Operation): boolean => /admin/i.test(o.path);
  const ops = operations(api);
  const ordinary = new Set<string>();
  for (const o of ops) if (!isAdmin(o)) for (const r of effectiveSecurity(api, o).reqs ?? []) ordinary.add(requirementKey(r));
  const out: RawMatch[] = [];
  for (const o of ops.filter(isAdmin)) {
    const { reqs, own } = effectiveSecurity(api, o);
    if (!reqs) continue;
    reqs.forEach((r, i) => {
      const key = requirementKey(r);
      if (key && ordinary.has(key)) {
        const line = own ? api.doc.keyLine(o.op.security, i) : api.doc.lineOf(o.op);
        out.push(...hit(line, `${o.label}:${key}`, `${o.label} accepts the same credentials and scopes (${key.replace(/&/g, ', ')}) as non-admin operations`));
      }
    });
  }
  return out;
});

// ---------- error and rate-limit responses (API4, API8) ----------

/** For every operation with responses, `check` says what is missing and where. */
function perResponses(api: OpenApi, check: (o: Operation, r: NonNullable<ReturnType<typeof responsesOf>>) => RawMatch[]): RawMatch[] {
  const out: RawMatch[] = [];
  for (const o of operations(api)) {
    const r = responsesOf(api, o);
    if (r) out.push(...check(o, r));
  }
  return out;
}

function find(entries: [string, JsonObject][], codes: string[]): [string, JsonObject] | undefined {
  return entries.find(([c]) => codes.includes(c.toUpperCase()));
}

/** 3.x responses carry their body in `content`; 2.0 in `schema`. */
function hasBody(api: OpenApi, r: JsonObject): boolean {
  return api.major === 2 ? has(r, 'schema') : isPlainObject(r.content) && Object.keys(r.content).length > 0;
}

function requireResponse(api: OpenApi, codes: string[], what: string, opts: { body: boolean; skipPublic?: boolean }): RawMatch[] {
  return perResponses(api, (o, r) => {
    if (opts.skipPublic && Array.isArray(o.op.security) && o.op.security.length === 0) return [];
    const found = find(r.entries, codes);
    if (!found) return hit(api.doc.keyLine(o.op, 'responses'), `${o.label}:${codes[0]}`, `${o.label} declares no ${what} response`);
    if (opts.body && !hasBody(api, found[1])) return hit(api.doc.keyLine(r.map, found[0]), `${o.label}:${found[0]}`, `${o.label}: the ${found[0]} response has no body schema`);
    return [];
  });
}

const unauthorized = oas('unauthorized-response', 'operations without a 401 response', none, (api) => requireResponse(api, ['401', '4XX'], '401 (unauthorized)', { body: true, skipPublic: true }));
const serverError = oas('server-error-response', 'operations without a 500 response', none, (api) => requireResponse(api, ['500', '5XX', 'DEFAULT'], '500 (server error)', { body: true }));
const validationError = oas('validation-error-response', 'operations without a 400/422 response', none, (api) => requireResponse(api, ['400', '422', '4XX'], '400 or 422 (validation error)', { body: false }));
const tooManyRequests = oas('rate-limit-response', 'operations without a 429 response', none, (api) => requireResponse(api, ['429'], '429 (too many requests)', { body: true }));

const retryAfter = oas('retry-after', '429 responses without a Retry-After header', none, (api) =>
  perResponses(api, (o, r) => {
    const found = find(r.entries, ['429']);
    if (!found) return [];
    const headers = obj(found[1].headers);
    if (!headers) return hit(api.doc.keyLine(r.map, found[0]), `${o.label}:429`, `${o.label}: the 429 response has no Retry-After header`);
    return hasHeader(headers, ['Retry-After']) ? [] : hit(api.doc.keyLine(found[1], 'headers'), `${o.label}:429`, `${o.label}: the 429 response has no Retry-After header`);
  }),
);

const RATE_LIMIT_HEADERS = ['RateLimit', 'RateLimit-Limit', 'RateLimit-Policy', 'X-RateLimit-Limit', 'X-Rate-Limit-Limit'];
const rateLimitHeaders = oas('rate-limit-headers', '2xx/4xx responses without rate-limit headers', none, (api) =>
  perResponses(api, (o, r) =>
    r.entries.flatMap(([code, resp]) => {
      if (!/^[24]/.test(code)) return [];
      const headers = obj(resp.headers);
      const msg = `${o.label}: the ${code} response does not tell clients their rate limit (RateLimit or X-RateLimit-Limit headers)`;
      if (!headers) return hit(api.doc.keyLine(r.map, code), `${o.label}:${code}`, msg);
      return hasHeader(headers, RATE_LIMIT_HEADERS) ? [] : hit(api.doc.keyLine(resp, 'headers'), `${o.label}:${code}`, msg);
    }),
  ),
);

const corsOrigin = oas('cors-origin', 'response headers without Access-Control-Allow-Origin', none, (api) =>
  perResponses(api, (o, r) =>
    r.entries.flatMap(([code, resp]) => {
      const headers = obj(resp.headers);
      if (!headers || hasHeader(headers, ['Access-Control-Allow-Origin'])) return [];
      return hit(api.doc.keyLine(resp, 'headers'), `${o.label}:${code}`, `${o.label}: the ${code} response headers do not define Access-Control-Allow-Origin (CORS policy unstated)`);
    }),
  ),
);

// ---------- sensitive data in responses (API3) ----------

const SENSITIVE = /(password|passwd|passphrase|pwd$|^pin$|ssn$|^ssn|socialsecurity|secret|token|apikey|privatekey|cardnumber|creditcard|cardno$|^pan$|cvv|cvc|securitycode|accountnumber|iban$)/;
const NOT_SENSITIVE = /(type|count|expiry|expires|expiresat|expiresin|ttl|url|uri|hint|prefix|last4|lastfour|masked|length|policy|format|present|set|enabled|required|changed|changedat|updatedat|createdat|id|endpoint|scopes?|strength|reset|resetat|issuer|name)$|^(next|prev|page|continuation|sync|cursor|has|is|requires?|needs?)/;
/**
 * Operations whose purpose is to hand out credentials (a token endpoint, a login, API key creation): a token,
 * secret or key in their response is the point, not a leak. Passwords, SSNs and card data never are.
 */
const ISSUES_CREDENTIALS = /\/(oauth2?|tokens?|login|log-?in|sign-?in|sign-?up|register|auth|authenticate|authori[sz]e|sessions?|refresh|api-?keys|keys|credentials|access-tokens)(?=\/|$|\.|\{|:)/i;
const ISSUED = /(token|secret|apikey|key)/;
const NEVER_ISSUED = /(password|passwd|passphrase|pwd|pin|ssn|socialsecurity|card|pan|cvv|cvc|securitycode|accountnumber|iban)/;

function sensitiveName(name: string): boolean {
  const n = words(name).join('');
  return SENSITIVE.test(n) && !NOT_SENSITIVE.test(n);
}

const sensitiveFieldsOpts = z.object({ allow: z.array(z.string()).default([]) }).strict();
const sensitiveFields = oas('sensitive-response-field', 'response fields that expose passwords, tokens, secrets, SSNs or card numbers', sensitiveFieldsOpts, (api, o) => {
  const out: RawMatch[] = [];
  const allow = new Set(o.allow.map((a) => a.toLowerCase()));
  const roots: SchemaVisit[] = [];
  const elsewhere: SchemaVisit[] = [];
  for (const op of operations(api)) {
    for (const [code, resp] of responsesOf(api, op)?.entries ?? []) {
      if (!/^2/.test(code)) continue;
      for (const schema of responseSchemas(api, resp)) {
        roots.push({ schema, origin: op.label });
        if (!ISSUES_CREDENTIALS.test(op.path)) elsewhere.push({ schema, origin: op.label });
      }
    }
  }
  // What operations other than credential-issuing ones return: an issued token there is exposed.
  const returnedElsewhere = new Set<JsonObject>();
  walkSchemas(api, elsewhere, ({ schema }) => returnedElsewhere.add(schema));
  const issued = (name: string, schema: JsonObject): boolean => {
    const n = words(name).join('');
    return ISSUED.test(n) && !NEVER_ISSUED.test(n) && !returnedElsewhere.has(schema);
  };
  // One walk over everything the API returns: each schema is checked once, where it is defined.
  walkSchemas(api, roots, ({ schema, name, parent, origin }) => {
    if (!name || !parent || schema.writeOnly === true || allow.has(name.toLowerCase()) || !sensitiveName(name)) return;
    // A flag (has_password, mfa_secret_set: true) holds no secret; a token endpoint returns tokens by design.
    if (hasType(schema, 'boolean') && !hasType(schema, 'string')) return;
    if (issued(name, schema)) return;
    out.push(...hit(api.doc.keyLine(parent.properties, name), name, `response field '${name}' (returned by ${origin}) exposes sensitive data`));
  });
  return out;
});

// ---------- input bounds (API4, API3) ----------

/**
 * Schemas that describe input: parameters, request bodies, and the shared definitions — except read-only ones
 * and those only responses use (what the server returns is not input). A definition no operation uses counts
 * as input: it may be meant for one, or used from another file.
 */
const inputCache = new WeakMap<OpenApi, JsonObject[]>();
function inputSchemas(api: OpenApi, fn: (s: JsonObject) => RawMatch[]): RawMatch[] {
  let list = inputCache.get(api);
  if (!list) {
    const reach = (roots: JsonObject[]): Set<JsonObject> => {
      const seen = new Set<JsonObject>();
      walkSchemas(api, roots, ({ schema }) => seen.add(schema));
      return seen;
    };
    const requests = requestSchemas(api);
    const sent = reach(requests);
    const returned = reach(operations(api).flatMap((op) => (responsesOf(api, op)?.entries ?? []).flatMap(([, resp]) => responseSchemas(api, resp))));
    const found: JsonObject[] = [];
    walkSchemas(api, [...namedSchemas(api), ...requests], ({ schema }) => {
      if (schema.readOnly !== true && (sent.has(schema) || !returned.has(schema))) found.push(schema);
    });
    inputCache.set(api, (list = found));
  }
  return list.flatMap(fn);
}

const BOUNDED_STRING = ['maxLength', 'enum', 'const', 'pattern', 'format'];
const unboundedString = oas('unbounded-string', 'string inputs without maxLength, enum, pattern or format', none, (api) =>
  inputSchemas(api, (s) => (hasType(s, 'string') && !BOUNDED_STRING.some((k) => has(s, k)) ? hit(api.doc.lineOf(s), 'string', 'string input has no maxLength, enum, pattern or format: any size and content is accepted') : [])),
);

const unboundedArray = oas('unbounded-array', 'array inputs without maxItems', none, (api) =>
  inputSchemas(api, (s) => (hasType(s, 'array') && !has(s, 'maxItems') ? hit(api.doc.lineOf(s), 'array', 'array input has no maxItems: clients can send any number of items') : [])),
);

const unboundedInteger = oas('unbounded-integer', 'integer inputs without minimum and maximum', none, (api) =>
  inputSchemas(api, (s) => {
    if (!hasType(s, 'integer')) return [];
    // 3.1: exclusiveMinimum/Maximum are numbers; 2.0/3.0: booleans that modify minimum/maximum.
    const num = (k: string): boolean => typeof s[k] === 'number';
    const lower = api.is31 ? [num('minimum'), num('exclusiveMinimum')] : [num('minimum')];
    const upper = api.is31 ? [num('maximum'), num('exclusiveMaximum')] : [num('maximum')];
    const count = (b: boolean[]): number => b.filter(Boolean).length;
    if (count(lower) === 1 && count(upper) === 1) return [];
    const msg = count(lower) > 1 || count(upper) > 1 ? 'integer input sets both an inclusive and an exclusive bound on one side: state one' : `integer input has no ${count(lower) ? 'maximum' : count(upper) ? 'minimum' : 'minimum or maximum'}`;
    return hit(api.doc.lineOf(s), 'integer', msg);
  }),
);

const integerFormat = oas('integer-format', 'integer inputs without a format (int32/int64)', none, (api) =>
  inputSchemas(api, (s) => (hasType(s, 'integer') && !has(s, 'format') ? hit(api.doc.lineOf(s), 'integer', 'integer input has no format (int32 or int64): its range is undefined') : [])),
);

const openProperties = oas('open-additional-properties', 'object inputs that accept any additional properties', none, (api) =>
  inputSchemas(api, (s) =>
    ['additionalProperties', 'unevaluatedProperties'].flatMap((k) => (s[k] === true ? hit(api.doc.keyLine(s, k), k, `\`${k}: true\` lets clients send fields the API never declared (mass assignment)`) : [])),
  ),
);

const unconstrainedProperties = oas('unconstrained-additional-properties', 'additional properties allowed without maxProperties', none, (api) =>
  inputSchemas(api, (s) =>
    ['additionalProperties', 'unevaluatedProperties'].flatMap((k) =>
      isPlainObject(s[k]) && !has(s, 'maxProperties') ? hit(api.doc.lineOf(s), k, `object input allows ${k} without maxProperties: any number of extra fields`) : [],
    ),
  ),
);

// ---------- parameters (API1, API7) ----------

function allParameters(api: OpenApi): JsonObject[] {
  const params = new Set(pathParameters(api).map((p) => p.param));
  for (const p of Object.values(obj(obj(api.root.components)?.parameters) ?? obj(api.root.parameters) ?? {})) {
    const d = obj(deref(api.doc, p));
    if (d) params.add(d);
  }
  return [...params];
}

const pathParamFormat = oas('path-param-format', 'path parameters without format or pattern', none, (api) =>
  pathParameters(api).flatMap(({ param }) => {
    if (param.in !== 'path') return [];
    const s = paramSchema(api, param);
    if (s && ['format', 'pattern', 'enum', 'const'].some((k) => has(s, k))) return [];
    if (s && hasType(s, 'boolean')) return [];
    const name = String(param.name ?? '');
    return hit(api.doc.lineOf(param), `path:${name}`, `path parameter '${name}' has no format or pattern: any value reaches the handler`);
  }),
);

function idName(name: string): boolean {
  return /^id$/i.test(name) || /(_id|-id|Id|ID)$/.test(name);
}

const numericIds = oas('numeric-id', 'identifiers in the URL that are sequential integers', none, (api) =>
  pathParameters(api).flatMap(({ param }) => {
    const name = String(param.name ?? '');
    if (!idName(name) || (param.in !== 'path' && param.in !== 'query')) return [];
    const s = paramSchema(api, param);
    if (!s || !hasType(s, 'integer')) return [];
    const line = s === param ? api.doc.keyLine(param, 'type') : api.doc.keyLine(param, 'schema') ?? api.doc.lineOf(s);
    return hit(line, `${param.in}:${name}`, `parameter '${name}' is a numeric identifier: guessable ids invite object-level authorization attacks`);
  }),
);

const URL_WORDS = new Set(['callback', 'redirect', 'webhook', 'url', 'uri', 'returnto', 'redirectto']);
const urlParameters = oas('url-parameter', 'parameters that take a URL the server may fetch or redirect to', none, (api) =>
  pathParameters(api).flatMap(({ param }) => {
    const name = String(param.name ?? '');
    const w = words(name);
    if (!w.some((x) => URL_WORDS.has(x)) && !URL_WORDS.has(w.join(''))) return [];
    return hit(api.doc.keyLine(param, 'name'), `${param.in}:${name}`, `parameter '${name}' takes a URL: validate it against an allow-list (SSRF, open redirect)`);
  }),
);

// ---------- transport and inventory (API8, API9) ----------

function serverLists(api: OpenApi): unknown[][] {
  const lists = [arr(api.root.servers)];
  for (const o of operations(api)) lists.push(arr(o.pathItem.servers), arr(o.op.servers));
  return lists.filter((l) => l.length);
}

/** Variables and enum values looked at per server: a spec is scanned content, and may list thousands. */
const MAX_SERVER_VARIABLES = 20;
const MAX_ENUM_VALUES = 10;

/**
 * The first plain-HTTP (or WS) URL a server can be, with its variables filled in (the defaults, then each
 * variable with each of its enum values), that is not local; undefined if none. Only the URL's start (scheme
 * and host) decides that, so only its first 256 characters are filled (which also bounds the regex).
 */
function plainServerUrl(server: JsonObject): string | undefined {
  const head = String(server.url).slice(0, 256);
  const vars = Object.entries(obj(server.variables) ?? {}).slice(0, MAX_SERVER_VARIABLES);
  const defaults = Object.fromEntries(vars.map(([name, v]) => [name, String(obj(v)?.default ?? `{${name}}`)]));
  const fill = (chosen: Record<string, string>): string => head.replace(/\{([^{}]+)\}/g, (m, name: string) => chosen[name] ?? defaults[name] ?? m);
  const plain = (url: string): boolean => /^(http|ws):\/\//i.test(url) && !isLocalUrl(url);
  const first = fill({});
  if (plain(first)) return first;
  for (const [name, v] of vars) {
    for (const e of arr(obj(v)?.enum).slice(0, MAX_ENUM_VALUES)) {
      const url = fill({ [name]: String(e) });
      if (plain(url)) return url;
    }
  }
  return undefined;
}

const plainHttp = oas('plain-http-server', 'server URLs over plain HTTP (other than localhost)', none, (api) => {
  const out: RawMatch[] = [];
  const seen = new Set<unknown>();
  for (const list of serverLists(api)) {
    for (const s of list) {
      const server = obj(s);
      if (!server || seen.has(server) || typeof server.url !== 'string') continue;
      seen.add(server);
      // `{scheme}://api.example.com` with `variables: { scheme: { default: http } }`: every URL it can be.
      const plain = plainServerUrl(server);
      if (plain) {
        const clip = (s: string): string => (s.length > 200 ? `${s.slice(0, 200)}…` : s);
        const url = clip(server.url);
        const shown = server.url.startsWith(plain) ? url : `${url} (${clip(plain)})`;
        out.push(...hit(api.doc.keyLine(server, 'url'), url, `server ${shown} is plain ${plain.split(':')[0].toUpperCase()}: traffic and credentials travel unencrypted`));
      }
    }
  }
  // Where clients send credentials to get tokens (OAuth2 flows, OpenID Connect discovery): plain HTTP there
  // leaks the client secret, the user's password (password flow) or the tokens themselves.
  for (const [name, scheme] of securitySchemes(api)) {
    const urls: [JsonObject, string][] = [[scheme, 'authorizationUrl'], [scheme, 'tokenUrl'], [scheme, 'openIdConnectUrl']];
    for (const flow of Object.values(obj(scheme.flows) ?? {})) {
      const f = obj(flow);
      if (f) for (const key of ['authorizationUrl', 'tokenUrl', 'refreshUrl']) urls.push([f, key]);
    }
    for (const [holder, key] of urls) {
      const url = holder[key];
      if (typeof url !== 'string' || !/^http:\/\//i.test(url) || isLocalUrl(url)) continue;
      const shown = url.length > 200 ? `${url.slice(0, 200)}…` : url;
      out.push(...hit(api.doc.keyLine(holder, key), shown, `${key} ${shown} of security scheme '${name}' is plain HTTP: credentials and tokens travel unencrypted`));
    }
  }
  if (api.major === 2 && !/^(localhost|127\.|\[::1\])/.test(String(api.root.host ?? ''))) {
    arr(api.root.schemes).forEach((scheme, i) => {
      if (typeof scheme === 'string' && !['https', 'wss'].includes(scheme.toLowerCase())) out.push(...hit(api.doc.keyLine(api.root.schemes, i), scheme, `scheme '${scheme}' is not encrypted: use https (or wss)`));
    });
  }
  return out;
});

const serverInternal = oas('server-internal-flag', 'servers that do not declare x-internal (public or internal)', none, (api) =>
  arr(api.root.servers).flatMap((s) => {
    const server = obj(s);
    return server && !has(server, 'x-internal') ? hit(api.doc.lineOf(server), String(server.url ?? ''), `server ${String(server.url ?? '')} does not declare x-internal: true/false, so nobody knows whether it is meant to be public`) : [];
  }),
);

const ENVIRONMENTS = /(local|dev|test|qa|uat|stag|sandbox|prod|preview|demo|beta|alpha|live|mock|integration)/i;
const serverEnvironment = oas('server-environment', 'server descriptions that do not name their environment', none, (api) =>
  arr(api.root.servers).flatMap((s) => {
    const server = obj(s);
    if (!server || typeof server.description !== 'string' || ENVIRONMENTS.test(server.description)) return [];
    return hit(api.doc.keyLine(server, 'description'), server.description, `server ${String(server.url ?? '')} is described as '${server.description}': say which environment it is (production, staging, test …)`);
  }),
);

export const OPENAPI_CHECKS: SpecCheck[] = [
  operationSecurity,
  httpBasic,
  insecureScheme,
  apiKeyInUrl,
  credentialsInUrl,
  jwtPractices,
  shortLivedTokens,
  adminSecurity,
  unauthorized,
  sensitiveFields,
  serverError,
  corsOrigin,
  serverInternal,
  serverEnvironment,
  unboundedString,
  unboundedArray,
  unboundedInteger,
  integerFormat,
  openProperties,
  unconstrainedProperties,
  validationError,
  pathParamFormat,
  numericIds,
  urlParameters,
  tooManyRequests,
  retryAfter,
  rateLimitHeaders,
  plainHttp,
];
