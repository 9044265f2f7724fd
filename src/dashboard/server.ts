// `sentrik dashboard`: a node:http server for the bundled UI (src/dashboard/ui) and the JSON API (api.ts).
// No framework, no CDN: three static files and JSON. Security rules live in security.ts.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { StoreError } from '../history/db.js';
import { errorMessage, SentrikError } from '../util/errors.js';
import * as api from './api.js';
import { HttpError, type DashboardContext } from './api.js';
import { Guard, securityHeaders } from './security.js';

const MAX_BODY = 64 * 1024;
/** How much of a refused body is read and dropped before the connection is cut. */
const DRAIN_LIMIT = 16 * 1024 * 1024;

export const ASSETS: Record<string, string> = {
  '/assets/app.js': 'text/javascript; charset=utf-8',
  '/assets/style.css': 'text/css; charset=utf-8',
  '/assets/favicon.svg': 'image/svg+xml',
};

/** The UI folder: next to this module in src/, or src/dashboard/ui seen from dist/dashboard. */
export function uiDir(): string {
  for (const rel of ['./ui/', '../../src/dashboard/ui/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  throw new SentrikError('the dashboard UI files are missing (src/dashboard/ui)', undefined, undefined, 'reinstall sentrik');
}

/** Everything the UI needs, read once: a fixed set of files, so no request path ever reaches the disk. */
export function loadAssets(): Map<string, { body: Buffer; type: string }> {
  const dir = uiDir();
  const files = new Map<string, { body: Buffer; type: string }>();
  files.set('/', { body: readFileSync(`${dir}index.html`), type: 'text/html; charset=utf-8' });
  for (const [path, type] of Object.entries(ASSETS)) files.set(path, { body: readFileSync(`${dir}${path.slice('/assets/'.length)}`), type });
  return files;
}

export interface DashboardOptions {
  host: string;
  port: number;
  token: string;
  context: DashboardContext;
  /** Called for every request that failed unexpectedly (the UI gets a one-line message). */
  log?: (line: string) => void;
}

export interface RunningDashboard {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

type Handler = (ctx: DashboardContext, url: URL, body: Record<string, unknown>) => unknown;

const GET: Record<string, Handler> = {
  '/api/overview': (ctx) => api.overview(ctx),
  '/api/runs': (ctx, url) => api.runsList(ctx, url),
  '/api/findings': (ctx, url) => api.findings(ctx, url),
  '/api/finding': (ctx, url) => api.findingDetail(ctx, url),
  '/api/compare': (ctx, url) => api.compareRuns(ctx, url),
  '/api/packs': (ctx) => api.packs(ctx),
  '/api/suppressions': (ctx) => api.suppressions(ctx),
  '/api/vulns': (ctx) => api.vulns(ctx),
  '/api/sbom': (ctx) => api.sbom(ctx),
  '/api/audit': (ctx) => api.audit(ctx),
  '/api/job': (ctx, url) => api.jobStatus(ctx, url),
};

const POST: Record<string, Handler> = {
  '/api/packs': (ctx, _url, body) => api.changePack(ctx, body),
  '/api/rules': (ctx, _url, body) => api.changeRule(ctx, body),
  '/api/suppressions': (ctx, _url, body) => api.suppress(ctx, body),
  '/api/scan': (ctx) => api.startScan(ctx),
};

function send(res: ServerResponse, status: number, body: string | Buffer, type = 'application/json; charset=utf-8'): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.end(body);
}

function json(res: ServerResponse, status: number, data: unknown): void {
  send(res, status, JSON.stringify(data));
}

/**
 * The JSON object in the request body. A body over MAX_BODY is refused with 413 as soon as it is seen — by
 * its Content-Length, else when it grows past the limit — and the rest is read and dropped (up to DRAIN_LIMIT)
 * so the client, still sending, receives the answer rather than a reset connection.
 */
function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = (): void => {
      reject(new HttpError(413, `request body too large (the limit is ${MAX_BODY} bytes)`));
      req.removeListener('data', collect);
      let dropped = 0;
      req.on('data', (c: Buffer) => {
        dropped += c.length;
        if (dropped > DRAIN_LIMIT) req.destroy();
      });
    };
    const collect = (c: Buffer): void => {
      size += c.length;
      if (size > MAX_BODY) tooLarge();
      else chunks.push(c);
    };
    if (Number(req.headers['content-length']) > MAX_BODY) return tooLarge();
    req.on('data', collect);
    req.on('end', () => {
      if (size > MAX_BODY) return;
      if (!size) return resolve({});
      try {
        const v = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
        if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
        resolve(v as Record<string, unknown>);
      } catch {
        reject(new HttpError(400, 'the body is not a JSON object'));
      }
    });
    req.on('error', reject);
  });
}

const SEE_TERMINAL = 'the details are in the terminal running `sentrik dashboard`';

/**
 * What an API error tells the client. A request error (HttpError) or a problem the user can fix in the
 * project (a SentrikError: a broken config.yaml line, a refused edit) says what it is, its file relative to
 * the project; a failure of the server — the history store, a bug — only that it failed: its text can hold
 * internal paths and driver messages, which go to the terminal (the caller logs every 5xx).
 */
function publicError(err: unknown, ctx: DashboardContext): { status: number; message: string } {
  if (err instanceof HttpError) return { status: err.status, message: err.message };
  if (err instanceof StoreError) return { status: 500, message: `the run history could not be read; ${SEE_TERMINAL}` };
  if (err instanceof SentrikError) {
    const file = err.file && (isAbsolute(err.file) ? relative(ctx.root, err.file) : err.file);
    const shown = file && !file.startsWith('..') && !isAbsolute(file) ? file : undefined;
    const text = new SentrikError(err.message, shown, shown ? err.line : undefined, err.hint).format();
    return { status: 400, message: text.split(`${ctx.root}${sep}`).join('') };
  }
  return { status: 500, message: `internal error; ${SEE_TERMINAL}` };
}

export async function startDashboard(o: DashboardOptions): Promise<RunningDashboard> {
  const assets = loadAssets();
  const guard = new Guard(o.token, o.host, o.port);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    securityHeaders(res);
    if (!guard.hostAllowed(req)) return send(res, 421, 'unknown host name\n', 'text/plain; charset=utf-8');
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    const method = req.method ?? 'GET';

    if (method === 'GET' && url.pathname === '/' && url.searchParams.has('token')) {
      // Trade the token in the URL for a session cookie, and drop it from the address bar.
      const cookie = guard.openSession(url.searchParams.get('token'));
      if (!cookie) return send(res, 403, 'wrong token\n', 'text/plain; charset=utf-8');
      res.setHeader('Set-Cookie', cookie);
      res.setHeader('Location', '/');
      return send(res, 303, '', 'text/plain; charset=utf-8');
    }
    if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') return send(res, 405, 'method not allowed\n', 'text/plain; charset=utf-8');
    if (!guard.canRead(req)) return send(res, 401, 'this dashboard needs its token: open the URL with ?token=<SENTRIK_DASHBOARD_TOKEN>\n', 'text/plain; charset=utf-8');

    if (method !== 'POST') {
      const asset = assets.get(url.pathname);
      if (asset) {
        if (url.pathname !== '/') res.setHeader('Cache-Control', 'no-cache');
        return send(res, 200, asset.body, asset.type);
      }
      if (url.pathname === '/api/session') {
        const s = guard.session(req);
        const ctx = o.context;
        return json(res, 200, { canChange: Boolean(s), csrf: s?.csrf ?? null, project: ctx.project, root: ctx.root, store: ctx.store.label, scanning: Boolean(ctx.jobs), runningJob: ctx.jobs?.running()?.id ?? null });
      }
      const handler = GET[url.pathname];
      if (!handler) return json(res, 404, { error: 'not found' });
      return json(res, 200, await handler(o.context, url, {}));
    }

    const handler = POST[url.pathname];
    if (!handler) return json(res, 404, { error: 'not found' });
    const refused = guard.refuseChange(req);
    if (refused) return json(res, 403, { error: refused });
    const body = await readBody(req);
    return json(res, 200, await handler(o.context, url, body));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const { status, message } = publicError(err, o.context);
      if (status >= 500) o.log?.(`dashboard: ${req.method} ${req.url}: ${errorMessage(err)}`);
      // The connection cannot carry another request after a body that was not read in full.
      if (status === 413 && !res.headersSent) res.setHeader('Connection', 'close');
      if (!res.headersSent) json(res, status, { error: message });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new SentrikError(`port ${o.port} is already in use`, undefined, undefined, 'choose another with --port (0 picks a free one)') : new SentrikError(`cannot listen on ${o.host}:${o.port}: ${err.message}`)),
    );
    server.listen(o.port, o.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  guard.setPort(port);
  const shownHost = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    server,
    port,
    url: `http://${shownHost}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
