// Safe by default: who may read, who may change things, and the headers every response carries.
//  - Reads: anyone who can reach a loopback-bound server (Host checked, against DNS rebinding); elsewhere the token.
//  - Changes: a session opened with the token (cookie, SameSite=Strict) + the session's CSRF token in a header
//    + a same-origin request (Origin / Sec-Fetch-Site), or `Authorization: Bearer <token>` for scripts.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';

export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SESSION_COOKIE = 'sentrik_session';

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1';
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function sameSecret(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

interface Session {
  csrf: string;
}

export class Guard {
  private readonly sessions = new Map<string, Session>();
  readonly loopback: boolean;

  constructor(
    private readonly token: string,
    private readonly host: string,
    private port: number,
  ) {
    this.loopback = isLoopbackHost(host);
  }

  setPort(port: number): void {
    this.port = port;
  }

  /** On loopback only the names of this server are accepted, so a rebound DNS name cannot read the API. */
  hostAllowed(req: IncomingMessage): boolean {
    if (!this.loopback) return true; // every request needs the token there
    const host = (req.headers.host ?? '').toLowerCase();
    const names = ['127.0.0.1', 'localhost', '[::1]', this.host.includes(':') ? `[${this.host}]` : this.host];
    return names.some((n) => host === `${n}:${this.port}`);
  }

  private bearer(req: IncomingMessage): boolean {
    const auth = req.headers.authorization ?? '';
    return auth.startsWith('Bearer ') && sameSecret(auth.slice(7).trim(), this.token);
  }

  session(req: IncomingMessage): Session | undefined {
    const id = cookie(req, SESSION_COOKIE);
    return id ? this.sessions.get(id) : undefined;
  }

  /** Exchange `?token=` for a session cookie; returns the Set-Cookie value, or undefined when the token is wrong. */
  openSession(given: string | null): string | undefined {
    if (!given || !sameSecret(given, this.token)) return undefined;
    const id = newToken();
    this.sessions.set(id, { csrf: newToken() });
    return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/`;
  }

  canRead(req: IncomingMessage): boolean {
    return this.loopback || this.bearer(req) || this.session(req) !== undefined;
  }

  /** Why a state-changing request is refused, or undefined when it may proceed. */
  refuseChange(req: IncomingMessage): string | undefined {
    if (this.bearer(req)) return undefined;
    const s = this.session(req);
    if (!s) return 'open the dashboard with the URL printed by `sentrik dashboard` (it carries the token) to make changes';
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    if (origin !== undefined) {
      if (origin !== `http://${req.headers.host}`) return 'cross-origin request refused';
    } else if (site !== 'same-origin') {
      return 'request without Origin or Sec-Fetch-Site: same-origin refused';
    }
    if (site !== undefined && site !== 'same-origin') return 'cross-site request refused';
    if (!sameSecret(String(req.headers['x-csrf-token'] ?? ''), s.csrf)) return 'missing or wrong CSRF token';
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return 'expected a JSON body';
    return undefined;
  }
}
