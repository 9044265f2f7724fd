// Route extraction from code, simply and line by line: Express / Fastify (`app.get('/x', auth, handler)`),
// NestJS (`@Controller('users')` + `@Get(':id')`), FastAPI (`@router.get("/x", dependencies=[…])`) and Flask
// (`@bp.route("/x", methods=[…])`). For each route: method, path (parameters normalised to `{}`), line, and
// whether authentication is visibly attached (middleware, guard, dependency, decorator, or a file-wide
// `app.use(auth)` / hook before it). Patterns are fixed and linear (RE2); nothing from the code is executed.
//
// Routers mounted in the same file get their prefix (`app.use('/users', router)`, `APIRouter(prefix=…)`,
// `app.include_router(r, prefix=…)`, `Blueprint(…, url_prefix=…)`, `app.register_blueprint(bp, url_prefix=…)`),
// and authentication attached at the mount. A router mounted in another file, or under a prefix that is not a
// literal (`app.use(cfg.prefix + '/x', r)`, `prefix=settings.API_V1`), is `relative`: its path is only the tail
// of the real one, matched against the ends of the contract's paths.
import { compileRegex, testRegex } from '../../engine/regex.js';
import type { SourceFile } from '../../engine/source.js';

export interface CodeRoute {
  method: string; // lower-case http method, or '*' for all
  path: string; // as written, with any router prefix
  line: number;
  authed: boolean;
  /** The handler is marked public (`@Public()`, `@permission_classes([AllowAny])` …). */
  public: boolean;
  /** Served by a router mounted in another file: `path` is the tail of the real path, whose prefix is unknown. */
  relative: boolean;
}

/**
 * Names that say authentication, tested one identifier at a time (middleware, guards, dependencies, decorators):
 * `requireAuth`, `passport.authenticate`, `verifyToken`, `get_current_user`, `login_required`, `jwt_required`.
 * Not sessions, databases or handler names: `session(…)`, `passport.initialize()`, `Depends(get_db)` and a
 * handler called `getCurrentUserPets` authenticate nobody. `author` is not `auth`.
 */
const AUTH_NAME =
  /auth(?!or(?!i[sz]))|jwt|bearer|api_?key|login_?required|require_?login|logged_?in|(verify|check|validate|require|decode)_?(access_?|id_?)?token|token_?required|^current_?(active_?)?user$|^get_?current_?(active_?)?user$|require_?user|permission|roles?_?required|require_?roles?|has_?role|rbac|guard|^protect(ed)?$|^secur(e|ed|ity)$/i;
/** Routers and controllers passed to `use()` are mounted, not middleware: `app.use(authRouter)` authenticates nothing. */
const MOUNTED_NAME = /(router|routes|controller)$/i;
const PUBLIC = compileRegex('(?i)(@Public\\(|AllowAny|skip_?auth|public_route)');
const JS_ROUTE = compileRegex('\\b([A-Za-z_$][\\w$]*)\\s*\\.\\s*(get|post|put|patch|delete|head|options|all)\\s*\\(\\s*([\'"`])(/[^\'"`]*)[\'"`]', {});
/** Receivers that serve routes by convention when the file does not say what they are (`api` is as often a client). */
const JS_RECEIVER = /^(app|router|server|fastify|instance|routes|\w*(Router|App|Server|Routes))$/;
const JS_ASSIGN = /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::\s*[\w.<>]+\s*)?=\s*([^;\n]*)/;
const JS_APP_FACTORY = /\b(express|fastify|Fastify|koa|polka|restify\.createServer)\s*\(|require\(\s*['"](express|fastify|koa|polka)['"]\s*\)\s*\(|\bnew\s+(Koa|Hono|Elysia)\b/;
const JS_ROUTER_FACTORY = /\bRouter\s*\(|\bnew\s+(Router|KoaRouter)\b/;
const JS_CLIENT = /\b(axios|got|ky|superagent|supertest|request|ofetch|wretch|HttpClient|fetch)\b/;
const JS_ROUTE_CHAIN = compileRegex('\\b([A-Za-z_$][\\w$]*)\\s*\\.\\s*route\\s*\\(\\s*[\'"`](/[^\'"`]*)[\'"`]\\s*\\)', {});
const CHAINED_METHOD = /(?:^|\))[\s})]*\.\s*(get|post|put|patch|delete|head|options|all)\s*\(/g;
const JS_USE_AUTH = compileRegex('\\b[A-Za-z_$][\\w$]*\\s*\\.\\s*(use|addHook|register)\\s*\\(([^)]*)');
const JS_APP = /^(app|server|fastify|instance|api|\w*(App|Server))$/;
const JS_USE = compileRegex('\\b([A-Za-z_$][\\w$]*)\\s*\\.\\s*use\\s*\\(');
const JS_LITERAL_PREFIX = compileRegex('^\\s*([\'"`])(/[^\'"`$]*)[\'"`]\\s*,');
const NEST_CONTROLLER = compileRegex('@Controller\\(\\s*(?:[\'"`]([^\'"`]*)[\'"`]|\\{[^}]*\\bpath\\s*:\\s*[\'"`]([^\'"`]*)[\'"`])?');
const NEST_ROUTE = compileRegex('@(Get|Post|Put|Patch|Delete|Head|Options|All)\\(\\s*(?:[\'"`]([^\'"`]*)[\'"`])?');
const PY_ROUTE = compileRegex('^\\s*@\\s*([A-Za-z_][\\w]*)\\s*\\.\\s*(get|post|put|patch|delete|head|options|route|api_route)\\s*\\(\\s*[rfu]?([\'"])(/[^\'"]*|)[\'"]([^\\n]*)');
const PY_PREFIX = compileRegex('^\\s*([A-Za-z_][\\w]*)\\s*=\\s*(?:APIRouter|Blueprint)\\(([^\\n]*)');
const PY_METHODS = compileRegex('methods\\s*=\\s*\\[([^\\]]*)\\]');
const PY_PREFIX_ARG = compileRegex('(?:prefix|url_prefix)\\s*=\\s*[\'"]([^\'"]*)[\'"]');
const PY_PREFIX_KW = compileRegex('\\b(?:prefix|url_prefix)\\s*=');
const PY_INCLUDE = compileRegex('^\\s*([A-Za-z_][\\w]*)\\s*\\.\\s*(include_router|register_blueprint)\\s*\\(\\s*([A-Za-z_][\\w.]*)([^\\n]*)');
const PY_APP = compileRegex('^\\s*([A-Za-z_][\\w]*)\\s*=\\s*(?:fastapi\\.)?(?:flask\\.)?(?:FastAPI|Flask)\\(');

function first(re: ReturnType<typeof compileRegex>, text: string): RegExpExecArray | null {
  re.lastIndex = 0;
  const m = re.exec(text);
  re.lastIndex = 0;
  return m;
}

export function isCodeFile(path: string): 'js' | 'py' | undefined {
  if (/\.(m|c)?(j|t)sx?$/.test(path) && !/\.d\.ts$/.test(path)) return 'js';
  if (/\.py$/.test(path)) return 'py';
  return undefined;
}

export function extractRoutes(file: SourceFile): CodeRoute[] {
  const lang = isCodeFile(file.path);
  if (lang === 'js') return [...expressRoutes(file), ...nestRoutes(file)];
  if (lang === 'py') return pythonRoutes(file);
  return [];
}

/** The text of a call starting at `line`, up to a few lines (until the handler's body starts). */
function callText(file: SourceFile, line: number): string {
  let text = '';
  for (let l = line; l <= Math.min(file.lineCount, line + 4); l++) {
    text += `${file.lineText(l)}\n`;
    if (/=>|\bfunction\b|\)\s*;?\s*$|:\s*$/.test(file.lineText(l))) break;
  }
  return text;
}

/**
 * Where routers are mounted in one file: child → mounts under a parent at a prefix (undefined: not a literal,
 * so unknown). `own` gives a receiver's own prefix (`APIRouter(prefix=…)`; undefined: not a literal) and
 * whether it is the application itself (its paths are absolute) rather than a router mounted elsewhere.
 */
interface Mounts {
  mounts: Map<string, { parent: string; prefix: string | undefined; authed: boolean; replaces: boolean }[]>;
  own(name: string): { prefix: string | undefined; authed: boolean; app: boolean };
}

type Chain = { prefix: string; authed: boolean; relative: boolean } | null;

/** A router mounted more often than this is unusual; the cap keeps a generated file from multiplying routes. */
const MAX_CHAINS = 16;

/** Every prefix a receiver is served under, through the file's mounts (relative where not all of it is known); null in a cycle. */
function chainsOf(name: string, g: Mounts, memo = new Map<string, Chain[]>()): Chain[] {
  const known = memo.get(name);
  if (known) return known;
  memo.set(name, [null]); // a cycle of mounts has no knowable prefix
  const own = g.own(name);
  const mounts = g.mounts.get(name) ?? [];
  const out: Chain[] = [];
  // A prefix that is not a literal hides what comes before the routes: they are matched by their tail, as for a
  // router mounted from another file.
  if (!mounts.length) out.push({ prefix: own.prefix ?? '', authed: own.authed, relative: own.prefix === undefined || !own.app });
  for (const m of mounts) {
    const tail = m.replaces ? '' : own.prefix;
    for (const p of chainsOf(m.parent, g, memo)) {
      if (out.length >= MAX_CHAINS) break;
      if (!p) out.push(null);
      else if (m.prefix === undefined || tail === undefined) out.push({ prefix: tail ?? '', authed: p.authed || m.authed || own.authed, relative: true });
      else out.push({ prefix: joinPath(joinPath(p.prefix, m.prefix), tail), authed: p.authed || m.authed || own.authed, relative: p.relative });
    }
  }
  memo.set(name, out);
  return out;
}

/** One route per prefix its receiver is served under (none in a cycle of mounts). */
function mounted(route: Omit<CodeRoute, 'relative'>, receiver: string, g: Mounts, memo: Map<string, Chain[]>): CodeRoute[] {
  return chainsOf(receiver, g, memo).flatMap((c) => (c ? [{ ...route, path: joinPath(c.prefix, route.path), authed: route.authed || c.authed, relative: c.relative }] : []));
}

/** Does any name in this code say authentication (see AUTH_NAME)? Strings are not names: `register(require('@fastify/jwt'))` is not. */
function namesAuth(code: string): boolean {
  const names = code.replace(/'[^'\n]*'|"[^"\n]*"|`[^`\n]*`/g, ' ').match(/[A-Za-z_$][\w$]*/g) ?? [];
  return names.some((n) => AUTH_NAME.test(n) && !MOUNTED_NAME.test(n));
}

/**
 * The middleware of a route call: the arguments after the path (`rest` starts after it), less the last one, the
 * handler (`createPetFromSession`, or the start of an inline `(req, res) =>`), whose name says nothing of auth.
 */
function middlewareOf(rest: string): string {
  const head = rest.replace(/^\s*,/, '').split(/=>|\bfunction\b|\basync\b/)[0];
  const args: string[] = [''];
  let depth = 0;
  for (const ch of head) {
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch) && --depth < 0) break; // the call's own closing parenthesis
    if (ch === ',' && depth === 0) args.push('');
    else args[args.length - 1] += ch;
  }
  return args.slice(0, -1).join(',');
}

/**
 * What each receiver of the file is, from its assignment: an application (`express()`, `fastify()`, `new Koa()`),
 * a router (`Router()`), or something else (a client: `axios.create()`). Receivers not assigned here (a plugin's
 * `fastify` parameter, an imported `app`) are judged by name.
 */
function jsReceivers(file: SourceFile): Map<string, 'app' | 'router' | 'other'> {
  const kinds = new Map<string, 'app' | 'router' | 'other'>();
  for (let l = 1; l <= file.lineCount; l++) {
    const text = file.lineText(l);
    if (!text.includes('=')) continue;
    const m = JS_ASSIGN.exec(text);
    if (!m) continue;
    const value = m[2];
    if (JS_ROUTER_FACTORY.test(value)) kinds.set(m[1], 'router');
    else if (JS_APP_FACTORY.test(value)) kinds.set(m[1], 'app');
    else if (JS_CLIENT.test(value)) kinds.set(m[1], 'other');
    else kinds.delete(m[1]); // `const app = require('./app')`: judged by name
  }
  return kinds;
}

/** `app.route('/orders').get(auth, list).post(create)`: the chained methods, on this line or continuing lines below. */
function chainedRoutes(file: SourceFile, line: number, rest: string): { method: string; line: number; middleware: string }[] {
  const out: { method: string; line: number; middleware: string }[] = [];
  const indent = (t: string): number => t.length - t.trimStart().length;
  const base = indent(file.lineText(line));
  for (let l = line; l <= Math.min(file.lineCount, line + 200); l++) {
    const text = l === line ? rest : file.lineText(l);
    const trimmed = text.trim();
    if (l > line && trimmed && indent(text) <= base && !/^[.)}\]]/.test(trimmed)) break;
    CHAINED_METHOD.lastIndex = 0;
    for (let m = CHAINED_METHOD.exec(text); m; m = CHAINED_METHOD.exec(text)) {
      // Below the first line, only a call that starts its line continues the chain (not `res.get()` in a body).
      if (l > line && m.index !== 0) break;
      const after = text.slice(m.index + m[0].length) + (l < file.lineCount ? `\n${callText(file, l + 1)}` : '');
      out.push({ method: m[1], line: l, middleware: middlewareOf(`,${after}`) });
    }
  }
  return out;
}

function expressRoutes(file: SourceFile): CodeRoute[] {
  if (!/express|fastify|Router\(|koa/i.test(file.text)) return [];
  const kinds = jsReceivers(file);
  const serves = (name: string): boolean => (kinds.has(name) ? kinds.get(name) !== 'other' : JS_RECEIVER.test(name));
  // Lines after which every route is authenticated: `app.use(authenticate)`, `fastify.addHook('onRequest', …auth…)`.
  let authFrom = Infinity;
  for (let l = 1; l <= file.lineCount; l++) {
    const m = first(JS_USE_AUTH, file.lineText(l));
    if (m && namesAuth(m[2]) && !/['"`]\//.test(m[2])) {
      authFrom = l;
      break;
    }
  }
  const found: { route: Omit<CodeRoute, 'relative'>; receiver: string }[] = [];
  const useLines: number[] = [];
  const add = (receiver: string, method: string, path: string, line: number, middleware: string): void => {
    found.push({ receiver, route: { method: method === 'all' ? '*' : method, path, line, authed: line > authFrom || namesAuth(middleware), public: testRegex(PUBLIC, middleware) } });
  };
  for (let l = 1; l <= file.lineCount; l++) {
    const text = file.lineText(l);
    if (!text.includes('(')) continue;
    if (text.includes('.use')) useLines.push(l);
    const chain = first(JS_ROUTE_CHAIN, text);
    if (chain && serves(chain[1])) {
      for (const c of chainedRoutes(file, l, text.slice(text.indexOf(chain[0]) + chain[0].length))) add(chain[1], c.method, chain[2], c.line, c.middleware);
      continue;
    }
    const m = first(JS_ROUTE, text);
    if (!m || !serves(m[1])) continue;
    add(m[1], m[2], m[4], l, middlewareOf(callText(file, l).slice(text.indexOf(m[0]) + m[0].length)));
  }
  const g = expressMounts(file, useLines, new Set(found.map((f) => f.receiver)), authFrom, kinds);
  const memo = new Map<string, Chain[]>();
  return found.flatMap((f) => mounted(f.route, f.receiver, g, memo));
}

/** `parent.use('/prefix', auth, router)` for the routers that serve routes in this file. */
function expressMounts(file: SourceFile, lines: number[], receivers: Set<string>, authFrom: number, kinds: Map<string, 'app' | 'router' | 'other'>): Mounts {
  const mounts: Mounts['mounts'] = new Map();
  for (const l of lines) {
    const m = first(JS_USE, file.lineText(l));
    if (!m) continue;
    const args = callText(file, l).slice(file.lineText(l).indexOf(m[0]) + m[0].length).split(/\)\s*;|\n\s*\n/)[0];
    // Names inside strings (`require('./routes')`) are not routers.
    const idents = args.replace(/'[^'\n]*'|"[^"\n]*"|`[^`\n]*`/g, '""').match(/[A-Za-z_$][\w$]*/g) ?? [];
    const children = [...new Set(idents.filter((i) => i !== m[1] && receivers.has(i)))];
    if (!children.length) continue;
    const literal = first(JS_LITERAL_PREFIX, args);
    // `app.use(router)` mounts at the root; `app.use(base + '/x', router)`, `app.use(cfg.prefix, router)`: unknown.
    const prefix = literal ? literal[2] : children.includes(args.match(/^\s*([A-Za-z_$][\w$]*)/)?.[1] ?? '') ? '' : undefined;
    const middleware = children.reduce((t, c) => t.split(c).join(' '), literal ? args.slice(literal[0].length) : args);
    const authed = l > authFrom || namesAuth(middleware);
    for (const child of children) mounts.set(child, [...(mounts.get(child) ?? []), { parent: m[1], prefix, authed, replaces: false }]);
  }
  return { mounts, own: (name) => ({ prefix: '', authed: false, app: kinds.has(name) ? kinds.get(name) === 'app' : JS_APP.test(name) }) };
}

/** `@UseGuards(AuthGuard('jwt'))`, `@UseGuards(RolesGuard)`; a rate limiter (`ThrottlerGuard`) alone guards nothing of identity. */
function guards(text: string): boolean {
  const m = /@UseGuards\(([^)]*)/.exec(text);
  return !!m && !/^\s*ThrottlerGuard\s*$/.test(m[1]);
}

// Nest controllers are served under the application's global prefix and version (`setGlobalPrefix('api')`,
// `enableVersioning()`), set in main.ts: their paths are tails, like a router mounted from another file.
function nestRoutes(file: SourceFile): CodeRoute[] {
  if (!file.text.includes('@nestjs') && !file.text.includes('@Controller')) return [];
  const out: CodeRoute[] = [];
  let prefix = '';
  let classGuarded = false;
  let pendingGuard = false;
  let pendingPublic = false;
  for (let l = 1; l <= file.lineCount; l++) {
    const text = file.lineText(l);
    const c = first(NEST_CONTROLLER, text);
    if (c) {
      prefix = c[1] ?? c[2] ?? '';
      classGuarded = pendingGuard;
      pendingGuard = false;
      continue;
    }
    if (guards(text)) pendingGuard = true;
    if (testRegex(PUBLIC, text)) pendingPublic = true;
    if (/^\s*(export\s+)?(abstract\s+)?class\s/.test(text)) {
      classGuarded = classGuarded || pendingGuard;
      pendingGuard = false;
      continue;
    }
    const r = first(NEST_ROUTE, text);
    if (r) {
      // Decorators of one method may come before or after the route decorator: look at the neighbours.
      let guarded = pendingGuard;
      let isPublic = pendingPublic;
      for (let k = l + 1; k <= Math.min(file.lineCount, l + 4); k++) {
        const t = file.lineText(k);
        if (!/^\s*@/.test(t)) break;
        if (guards(t)) guarded = true;
        if (testRegex(PUBLIC, t)) isPublic = true;
      }
      out.push({ method: r[1].toLowerCase() === 'all' ? '*' : r[1].toLowerCase(), path: joinPath(prefix, r[2] ?? ''), line: l, authed: classGuarded || guarded, public: isPublic, relative: true });
      pendingGuard = false;
      pendingPublic = false;
    } else if (!/^\s*@/.test(text) && text.trim()) {
      pendingGuard = false;
      pendingPublic = false;
    }
  }
  return out;
}

function pythonRoutes(file: SourceFile): CodeRoute[] {
  if (!/fastapi|flask|APIRouter|Blueprint/i.test(file.text)) return [];
  const routers = new Map<string, { prefix: string | undefined; authed: boolean }>();
  const apps = new Set<string>(['app']);
  const mounts: Mounts['mounts'] = new Map();
  for (let l = 1; l <= file.lineCount; l++) {
    const text = file.lineText(l);
    const m = first(PY_PREFIX, text);
    if (m) routers.set(m[1], { prefix: pyPrefix(m[2]), authed: pyAuthed(m[2]) });
    const a = first(PY_APP, text);
    if (a) apps.add(a[1]);
    const inc = first(PY_INCLUDE, text);
    if (inc) {
      const args = callText(file, l).slice(text.indexOf(inc[0]) + inc[0].length - inc[4].length);
      // Flask: `url_prefix` given at registration replaces the blueprint's own; FastAPI's `prefix` goes before it.
      const flask = inc[2] === 'register_blueprint';
      const prefix = pyPrefix(args);
      const mount = { parent: inc[1], prefix, authed: pyAuthed(args), replaces: flask && prefix !== '' };
      mounts.set(inc[3], [...(mounts.get(inc[3]) ?? []), mount]);
    }
  }
  const g: Mounts = {
    mounts,
    own: (name) => {
      const r = routers.get(name);
      return { prefix: r ? r.prefix : '', authed: !!r?.authed, app: !r && apps.has(name) };
    },
  };
  const memo = new Map<string, Chain[]>();
  const out: CodeRoute[] = [];
  for (let l = 1; l <= file.lineCount; l++) {
    const m = first(PY_ROUTE, file.lineText(l));
    if (!m) continue;
    const methods = m[2] === 'route' || m[2] === 'api_route' ? pyMethods(m[5]) : [m[2]];
    // Decorators below the route and the function signature (FastAPI dependencies) carry the auth.
    let context = m[5];
    for (let k = l + 1; k <= Math.min(file.lineCount, l + 12); k++) {
      const t = file.lineText(k);
      context += `\n${t}`;
      if (/^\s*(async\s+)?def\s/.test(t) && /\)\s*(->[^:]*)?:\s*$/.test(t)) break;
      if (/\)\s*(->[^:]*)?:\s*$/.test(t) && !/^\s*@/.test(t)) break;
    }
    const authed = pyAuthed(context);
    for (const method of methods) out.push(...mounted({ method, path: m[4], line: l, authed, public: testRegex(PUBLIC, context) }, m[1], g, memo));
  }
  return out;
}

/**
 * Authentication in Python route code: `Security(…)`, a dependency whose name says auth (`Depends(get_current_user)`,
 * not `Depends(get_db)`), a parameter typed as such (`user: CurrentUser`), or a decorator (`@login_required`,
 * `@jwt_required()`). A parameter `db: Session` or a function named `get_current_user_pets` is none of these.
 */
function pyAuthed(code: string): boolean {
  if (/\bSecurity\s*\(/.test(code)) return true;
  const named = (re: RegExp): boolean => [...code.matchAll(re)].some((m) => m[1].split('.').some((n) => AUTH_NAME.test(n)));
  return named(/\bDepends\s*\(\s*([\w.]+)/g) || named(/^\s*@\s*([\w.]+)/gm) || named(/(?:^|[(,])\s*\w+\s*:\s*([A-Z]\w*)/gm);
}

/**
 * The `prefix=` / `url_prefix=` of a call: the literal, '' when there is none, undefined when it is not a plain
 * literal (a name, an f-string). `{tenant}` in a literal is a path parameter, as in any route.
 */
function pyPrefix(args: string): string | undefined {
  const lit = first(PY_PREFIX_ARG, args);
  if (lit) return lit[1];
  return first(PY_PREFIX_KW, args) ? undefined : '';
}

function pyMethods(args: string): string[] {
  const m = first(PY_METHODS, args);
  if (!m) return ['get'];
  return m[1]
    .split(',')
    .map((s) => s.replace(/['"\s]/g, '').toLowerCase())
    .filter(Boolean);
}

function joinPath(prefix: string, path: string): string {
  const a = prefix.replace(/^\/*/, '/').replace(/\/+$/, '');
  const b = path.replace(/^\/*/, '');
  const joined = `${a === '/' ? '' : a}/${b}`.replace(/\/+$/, '');
  return joined || '/';
}

/**
 * `/users/:id`, `/users/:id?`, `/users/<int:id>`, `/users/{id}`, `` /users/${id} `` → `users/{}` segments; a
 * wildcard (`*`, `*splat`, `{*splat}`, `(.*)`) → `{*}`, which matches the rest of a path when it ends the route.
 */
export function pathSegments(path: string): string[] {
  return path
    .split('/')
    .filter(Boolean)
    .map((s) => (/^(\*|\{\*|\(\.\*\))/.test(s) ? '{*}' : /^(:|\{|<|\$\{)/.test(s) ? '{}' : s.toLowerCase()));
}

/** Do the code's segments name exactly the spec's (a parameter only a parameter; a final wildcard the rest)? */
function sameSegments(code: string[], spec: string[]): boolean {
  if (code.at(-1) === '{*}' && spec.length >= code.length) return sameSegments(code.slice(0, -1), spec.slice(0, code.length - 1));
  return code.length === spec.length && code.every((s, i) => s === spec[i] || (s === '{*}' && spec[i] === '{}'));
}

/**
 * Does a code route correspond to a spec path (or to it under one of the spec's base paths)? Where the code
 * knows the full path, the two must be the same after normalising parameters: `/admin/pets`, `/v2/pets` and
 * `/:slug` are not `/pets`. Only a route whose prefix is unknown (`relative`: a router mounted from another
 * file, a computed prefix) is matched by its tail, and the root of such a router is the end of any path.
 */
export function routeMatches(codePath: string, specPath: string, basePaths: string[], relative = false): boolean {
  const code = pathSegments(codePath);
  const candidates = [specPath, ...basePaths.map((b) => joinPath(b, specPath))].map(pathSegments);
  if (!relative) return candidates.some((spec) => sameSegments(code, spec));
  if (code.length === 0) return true;
  return candidates.some((spec) => spec.some((_, start) => sameSegments(code, spec.slice(start))));
}

/**
 * A contract's operations indexed for route lookup, so matching every route of a codebase against every
 * operation stays near-linear (5,000 routes × 5,000 operations compared pairwise took most of a minute):
 * methods by normalised path (each spec path and its base-path forms), and by every tail of those paths
 * for routes matched by their tail. A route with a wildcard (`{*}`) is compared pairwise, as routeMatches does.
 */
export class OperationIndex {
  private readonly exact = new Map<string, Set<string>>();
  private readonly tails = new Map<string, Set<string>>();
  private readonly ops: { method: string; path: string }[];

  constructor(
    ops: { method: string; path: string }[],
    private readonly basePaths: string[],
  ) {
    this.ops = ops;
    const add = (map: Map<string, Set<string>>, key: string, method: string): void => {
      let set = map.get(key);
      if (!set) map.set(key, (set = new Set()));
      set.add(method);
    };
    for (const o of ops) {
      for (const spec of [o.path, ...basePaths.map((b) => joinPath(b, o.path))].map(pathSegments)) {
        add(this.exact, spec.join('/'), o.method);
        for (let start = 0; start < spec.length; start++) add(this.tails, spec.slice(start).join('/'), o.method);
      }
    }
  }

  /** Is the route one of the operations (same method, or any for `*`; see routeMatches for the paths)? */
  matches(route: { method: string; path: string; relative: boolean }): boolean {
    const code = pathSegments(route.path);
    const methodOk = (m: string): boolean => route.method === '*' || m === route.method;
    if (code.includes('{*}')) return this.ops.some((o) => methodOk(o.method) && routeMatches(route.path, o.path, this.basePaths, route.relative));
    if (route.relative && code.length === 0) return this.ops.some((o) => methodOk(o.method));
    const methods = (route.relative ? this.tails : this.exact).get(code.join('/'));
    return !!methods && (route.method === '*' ? methods.size > 0 : methods.has(route.method));
  }
}
