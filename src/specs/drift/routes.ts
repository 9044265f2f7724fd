// Route extraction from code, simply and line by line: Express / Fastify (`app.get('/x', auth, handler)`),
// NestJS (`@Controller('users')` + `@Get(':id')`), FastAPI (`@router.get("/x", dependencies=[…])`) and Flask
// (`@bp.route("/x", methods=[…])`). For each route: method, path (parameters normalised to `{}`), line, and
// whether authentication is visibly attached (middleware, guard, dependency, decorator, or a file-wide
// `app.use(auth)` / hook before it). Patterns are fixed and linear (RE2); nothing from the code is executed.
import { compileRegex, testRegex } from '../../engine/regex.js';
import type { SourceFile } from '../../engine/source.js';

export interface CodeRoute {
  method: string; // lower-case http method, or '*' for all
  path: string; // as written, with any router prefix
  line: number;
  authed: boolean;
  /** The handler is marked public (`@Public()`, `@permission_classes([AllowAny])` …). */
  public: boolean;
}

const AUTH = compileRegex('(?i)(auth|jwt|passport|login_required|logged|session|token|guard|protect|verify|require_?user|current_?user|permission|acl|rbac|secured|bearer|api_?key|roles?_required)');
const PUBLIC = compileRegex('(?i)(@Public\\(|AllowAny|skip_?auth|public_route)');
const JS_ROUTE = compileRegex('\\b([A-Za-z_$][\\w$]*)\\s*\\.\\s*(get|post|put|patch|delete|head|options|all)\\s*\\(\\s*([\'"`])(/[^\'"`]*)[\'"`]', {});
const JS_RECEIVER = /^(app|router|server|fastify|instance|api|routes|\w*(Router|App|Server|Routes))$/;
const JS_USE_AUTH = compileRegex('\\b[A-Za-z_$][\\w$]*\\s*\\.\\s*(use|addHook|register)\\s*\\(([^)]*)');
const NEST_CONTROLLER = compileRegex('@Controller\\(\\s*(?:[\'"`]([^\'"`]*)[\'"`])?');
const NEST_ROUTE = compileRegex('@(Get|Post|Put|Patch|Delete|Head|Options|All)\\(\\s*(?:[\'"`]([^\'"`]*)[\'"`])?');
const PY_ROUTE = compileRegex('^\\s*@\\s*([A-Za-z_][\\w]*)\\s*\\.\\s*(get|post|put|patch|delete|head|options|route|api_route)\\s*\\(\\s*[rfu]?([\'"])(/[^\'"]*)[\'"]([^\\n]*)');
const PY_PREFIX = compileRegex('^\\s*([A-Za-z_][\\w]*)\\s*=\\s*(?:APIRouter|Blueprint)\\(([^\\n]*)');
const PY_METHODS = compileRegex('methods\\s*=\\s*\\[([^\\]]*)\\]');
const PY_PREFIX_ARG = compileRegex('(?:prefix|url_prefix)\\s*=\\s*[\'"]([^\'"]*)[\'"]');

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

function expressRoutes(file: SourceFile): CodeRoute[] {
  if (!/express|fastify|Router\(|koa/i.test(file.text)) return [];
  const out: CodeRoute[] = [];
  // Lines after which every route is authenticated: `app.use(authenticate)`, `fastify.addHook('onRequest', …auth…)`.
  let authFrom = Infinity;
  for (let l = 1; l <= file.lineCount; l++) {
    const m = first(JS_USE_AUTH, file.lineText(l));
    if (m && testRegex(AUTH, m[2]) && !/['"`]\//.test(m[2])) {
      authFrom = l;
      break;
    }
  }
  for (let l = 1; l <= file.lineCount; l++) {
    const text = file.lineText(l);
    if (!text.includes('(')) continue;
    const m = first(JS_ROUTE, text);
    if (!m || !JS_RECEIVER.test(m[1])) continue;
    const call = callText(file, l).slice(text.indexOf(m[0]) + m[0].length);
    // Only what sits between the path and the handler counts as middleware.
    const middle = call.split(/=>|\bfunction\b|\basync\b/)[0];
    out.push({ method: m[2] === 'all' ? '*' : m[2], path: m[4], line: l, authed: l > authFrom || testRegex(AUTH, middle), public: testRegex(PUBLIC, middle) });
  }
  return out;
}

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
      prefix = c[1] ?? '';
      classGuarded = pendingGuard;
      pendingGuard = false;
      continue;
    }
    if (/@UseGuards\(/.test(text)) pendingGuard = true;
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
        if (/@UseGuards\(/.test(t)) guarded = true;
        if (testRegex(PUBLIC, t)) isPublic = true;
      }
      out.push({ method: r[1].toLowerCase() === 'all' ? '*' : r[1].toLowerCase(), path: joinPath(prefix, r[2] ?? ''), line: l, authed: classGuarded || guarded, public: isPublic });
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
  const prefixes = new Map<string, { prefix: string; authed: boolean }>();
  for (let l = 1; l <= file.lineCount; l++) {
    const m = first(PY_PREFIX, file.lineText(l));
    if (m) prefixes.set(m[1], { prefix: first(PY_PREFIX_ARG, m[2])?.[1] ?? '', authed: /Depends|Security/.test(m[2]) && testRegex(AUTH, m[2]) });
  }
  const out: CodeRoute[] = [];
  for (let l = 1; l <= file.lineCount; l++) {
    const m = first(PY_ROUTE, file.lineText(l));
    if (!m) continue;
    const router = prefixes.get(m[1]);
    const methods = m[2] === 'route' || m[2] === 'api_route' ? pyMethods(m[5]) : [m[2]];
    // Decorators below the route and the function signature (FastAPI dependencies) carry the auth.
    let context = m[5];
    for (let k = l + 1; k <= Math.min(file.lineCount, l + 12); k++) {
      const t = file.lineText(k);
      context += `\n${t}`;
      if (/^\s*(async\s+)?def\s/.test(t) && /\)\s*(->[^:]*)?:\s*$/.test(t)) break;
      if (/\)\s*(->[^:]*)?:\s*$/.test(t) && !/^\s*@/.test(t)) break;
    }
    const authed = !!router?.authed || (testRegex(AUTH, context) && /(Depends|Security|@|dependencies)/.test(context));
    for (const method of methods) out.push({ method, path: joinPath(router?.prefix ?? '', m[4]), line: l, authed, public: testRegex(PUBLIC, context) });
  }
  return out;
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

/** `/users/:id`, `/users/<int:id>`, `/users/{id}` → `users/{}` segments. */
export function pathSegments(path: string): string[] {
  return path
    .split('?')[0]
    .split('/')
    .filter(Boolean)
    .map((s) => (/^(:|\{|<)/.test(s) ? '{}' : s.toLowerCase()));
}

function suffixOf(a: string[], b: string[]): boolean {
  if (a.length > b.length) return false;
  const off = b.length - a.length;
  return a.every((s, i) => s === b[off + i]);
}

/**
 * Does a code route correspond to a spec path? Equal after normalising parameters, or one is a suffix of the
 * other (a router mounted under a prefix elsewhere, or a base path from `servers`).
 */
export function routeMatches(codePath: string, specPath: string, basePaths: string[]): boolean {
  const code = pathSegments(codePath);
  const candidates = [specPath, ...basePaths.map((b) => joinPath(b, specPath))].map(pathSegments);
  return candidates.some((spec) => (code.length === 0 ? spec.length === 0 : suffixOf(code, spec) || suffixOf(spec, code)));
}
