// The one GitHub API client: @octokit/rest with a request timeout, retries for transient failures (5xx,
// network errors, timeouts) and rate-limit handling (Retry-After / X-RateLimit-Reset, bounded waits).
import { Octokit } from '@octokit/rest';
import { TOOL } from '../../version.js';

export interface ClientOptions {
  token: string;
  apiUrl: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** Further attempts after the first for transient failures and rate limits. */
  retries?: number;
  /** First backoff; doubled per attempt. */
  backoffMs?: number;
  /** Longest rate-limit wait worth doing; beyond it the call fails with a clear message. */
  maxRateLimitWaitMs?: number;
  log?(message: string): void;
  /** The outbound client's fetch (src/net/client.ts: network policy, proxy, CA). Required: no request may skip the policy. */
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
}

export const API_VERSION = '2022-11-28';

export function createGitHubClient(o: ClientOptions): Octokit {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const retries = o.retries ?? 2;
  const backoffMs = o.backoffMs ?? 1_000;
  const maxWait = o.maxRateLimitWaitMs ?? 60_000;
  const log = o.log ?? (() => {});
  const octokit = new Octokit({
    auth: o.token,
    baseUrl: o.apiUrl,
    userAgent: `${TOOL.name}/${TOOL.version}`,
    request: { fetch: o.fetch },
    // Failures are reported once, by the caller, as a warning; octokit itself stays quiet.
    log: { debug: () => {}, info: () => {}, warn: (m: string) => log(m), error: () => {} },
  });

  octokit.hook.wrap('request', async (request, options) => {
    for (let attempt = 0; ; attempt++) {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), timeoutMs);
      try {
        // Set in place: inner hooks (the token auth) are bound to this same options object, not to what we pass.
        options.headers['x-github-api-version'] = API_VERSION;
        options.request = Object.assign(options.request ?? {}, { signal: abort.signal });
        return await request(options);
      } catch (err) {
        const e = err as HttpError;
        if (abort.signal.aborted) e.timedOut = timeoutMs;
        const wait = attempt < retries ? retryDelay(e, backoffMs * 2 ** attempt, maxWait) : undefined;
        if (wait === undefined) throw err;
        log(`${options.method} ${options.url}: ${describeHttpError(e)}; retrying in ${Math.round(wait / 1000)} s`);
        await new Promise((r) => setTimeout(r, wait));
      } finally {
        clearTimeout(timer);
      }
    }
  });
  return octokit;
}

export interface HttpError extends Error {
  status?: number;
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
  timedOut?: number;
}

/** How long to wait before retrying, or undefined when retrying cannot help (401, 404, 422, a long rate limit). */
function retryDelay(e: HttpError, backoff: number, maxWait: number): number | undefined {
  const limited = rateLimitWait(e);
  if (limited !== undefined) return limited <= maxWait ? limited : undefined;
  if (e.timedOut || e.status === undefined || e.status >= 500) return backoff;
  return undefined;
}

/** A rate-limit answer (primary: remaining 0; secondary: Retry-After) → milliseconds to wait. */
export function rateLimitWait(e: HttpError): number | undefined {
  if (e.status !== 403 && e.status !== 429) return undefined;
  const h = e.response?.headers ?? {};
  if (h['retry-after'] && /^\d+$/.test(h['retry-after'])) return Number(h['retry-after']) * 1000;
  if (h['x-ratelimit-remaining'] === '0' && h['x-ratelimit-reset'] && /^\d+$/.test(h['x-ratelimit-reset'])) {
    return Math.max(0, Number(h['x-ratelimit-reset']) * 1000 - Date.now()) + 1000;
  }
  return e.status === 429 ? 60_000 : undefined;
}

/** One line for a failed call: status, GitHub's message, and what it usually means. */
export function describeHttpError(e: HttpError): string {
  if (e.timedOut) return `no answer within ${e.timedOut / 1000} s (timeout)`;
  if (e.status === undefined || (e.status === 500 && !e.response)) return `cannot reach the API (${e.cause instanceof Error ? e.cause.message : e.message})`;
  const data = e.response?.data as { message?: unknown } | undefined;
  const message = typeof data?.message === 'string' ? data.message : e.message;
  const meaning: Record<number, string> = {
    401: 'the token is invalid or expired',
    403: rateLimitWait(e) !== undefined ? 'rate limit exceeded' : 'the token lacks a permission (see docs/ci.md for the workflow permissions)',
    404: 'repository, pull request or commit not found, or not visible to the token',
    422: 'GitHub rejected the request content',
  };
  return `HTTP ${e.status}${message ? ` ${JSON.stringify(message.slice(0, 200))}` : ''}${meaning[e.status] ? ` — ${meaning[e.status]}` : ''}`;
}
