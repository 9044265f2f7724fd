// The one outbound HTTP client. Every request sentrik makes (the OSV API for `vulns --online`, the GitHub API
// for `gate --decorate-pr/--status-check`) goes through it, so the rules hold everywhere:
//  - the network policy (`network: off | ask | on`; off by default in CI) is checked before each new host;
//  - HTTPS_PROXY / HTTP_PROXY / NO_PROXY are honoured (from the environment sentrik was given);
//  - an extra CA bundle (--ca-cert, NODE_EXTRA_CA_CERTS) is trusted on top of the built-in roots;
//  - transient failures (network errors, timeouts, 429, 5xx) are retried with exponential backoff.
// undici is loaded on the first request only: `scan` and `gate` never load networking code at all.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { NetworkPolicy } from '../config/schema.js';
import { SentrikError } from '../util/errors.js';

export interface NetClientOptions {
  policy: NetworkPolicy;
  /** Where the policy came from, for refusals (e.g. "the default in CI"). */
  policyFrom?: string;
  env: Record<string, string | undefined>;
  /** Extra CA bundle files (PEM), e.g. from --ca-cert; NODE_EXTRA_CA_CERTS is added from `env`. */
  caFiles?: { file: string; from: string }[];
  /** For `ask`: asked once per host; absent = the explicit command-line request counts as consent. */
  confirm?(host: string, purpose: string): Promise<boolean>;
  /** One line per notable event (consent assumed, retry). */
  log?(message: string): void;
  /** Per attempt; default 30 s. */
  timeoutMs?: number;
  /** Further attempts after the first; default 2. */
  retries?: number;
  /** First backoff; doubled per attempt; default 500 ms. */
  backoffMs?: number;
}

export interface NetClient {
  readonly policy: NetworkPolicy;
  /** Policy, proxy, CA, timeout and retries. `purpose` says why (shown when asking). */
  fetch(url: string, init?: RequestInit, purpose?: string): Promise<Response>;
  /** Policy, proxy, CA and timeout, no retries: for clients with their own retry logic (Octokit). */
  fetchOnce(url: string | URL | Request, init?: RequestInit): Promise<Response>;
}

/** The request was not made because the network policy forbids it. */
export class NetworkRefused extends SentrikError {
  constructor(host: string, policy: NetworkPolicy, why: string) {
    super(`network access to ${host} is not allowed (network: ${policy}${why ? `, ${why}` : ''})`, undefined, undefined, 'allow it with `network: on` in .sentrik/config.yaml, SENTRIK_NETWORK=on or --network on');
  }
}

/** Check a CA bundle before any request: a wrong path is a configuration error (exit 2), not a network failure. */
export function readCaBundle(file: string, from: string): string {
  if (!existsSync(file) || !statSync(file).isFile()) throw new SentrikError(`CA bundle not found (${from})`, file, undefined, 'give the path of a PEM file with the extra certificates');
  const text = readFileSync(file, 'utf8');
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new SentrikError(`not a PEM certificate bundle (${from})`, file, 1, 'the file must hold one or more -----BEGIN CERTIFICATE----- blocks');
  }
  return text;
}

export function createNetClient(o: NetClientOptions): NetClient {
  const log = o.log ?? (() => {});
  const cas = [...(o.caFiles ?? [])];
  if (o.env.NODE_EXTRA_CA_CERTS) cas.push({ file: o.env.NODE_EXTRA_CA_CERTS, from: 'NODE_EXTRA_CA_CERTS' });
  const extraCa = cas.map((c) => readCaBundle(c.file, c.from)); // eagerly: a bad path fails before any work
  const decided = new Map<string, Promise<void>>();
  let dispatchers: Promise<Dispatchers> | undefined;

  const allow = (url: URL, purpose: string): Promise<void> => {
    const host = url.host;
    let d = decided.get(host);
    if (!d) {
      d = (async () => {
        if (o.policy === 'on') return;
        if (o.policy === 'off') throw new NetworkRefused(host, 'off', o.policyFrom ?? '');
        if (o.confirm) {
          if (!(await o.confirm(host, purpose))) throw new NetworkRefused(host, 'ask', 'declined');
          return;
        }
        log(`contacting ${host} for ${purpose} (network: ask; the command line asked for it)`);
      })();
      decided.set(host, d);
    }
    return d;
  };

  const once = async (input: string | URL | Request, init: RequestInit = {}, purpose = 'a request'): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    await allow(url, purpose);
    dispatchers ??= makeDispatchers(o.env, extraCa);
    const d = await dispatchers;
    const dispatcher = d.for(url);
    const timeout = AbortSignal.timeout(o.timeoutMs ?? 30_000);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return (await d.fetch(input as string, { ...(init as object), signal, dispatcher } as never)) as unknown as Response;
  };

  return {
    policy: o.policy,
    fetchOnce: (input, init) => once(input, init, 'the GitHub API'),
    async fetch(url, init, purpose = 'a request') {
      const retries = o.retries ?? 2;
      const backoff = o.backoffMs ?? 500;
      for (let attempt = 0; ; attempt++) {
        let res: Response | undefined;
        let error: unknown;
        try {
          res = await once(url, init, purpose);
          if (res.status !== 429 && res.status < 500) return res;
        } catch (err) {
          if (err instanceof NetworkRefused) throw err;
          error = err;
        }
        if (attempt >= retries) {
          if (res) return res;
          throw error;
        }
        const retryAfter = Number(res?.headers.get('retry-after'));
        const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 30_000) : backoff * 2 ** attempt;
        log(`${new URL(url).host}: ${res ? `HTTP ${res.status}` : describeNetError(error)}; retrying in ${(wait / 1000).toFixed(1)} s`);
        await res?.body?.cancel().catch(() => {});
        await new Promise((r) => setTimeout(r, wait));
      }
    },
  };
}

/** A network error in one line: the cause's code (ECONNREFUSED, ENOTFOUND, …) when there is one. */
export function describeNetError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'no answer in time (timeout)';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

interface Dispatchers {
  fetch: (input: string, init: object) => Promise<unknown>;
  for(url: URL): unknown;
}

async function makeDispatchers(env: Record<string, string | undefined>, extraCa: string[]): Promise<Dispatchers> {
  const undici = await import('undici');
  const tls = extraCa.length ? { ca: [...rootCertificates, ...extraCa] } : undefined;
  const direct = new undici.Agent(tls ? { connect: tls } : {});
  const proxies = new Map<string, unknown>();
  const viaProxy = (uri: string): unknown => {
    if (!proxies.has(uri)) proxies.set(uri, new undici.ProxyAgent({ uri, ...(tls ? { requestTls: tls, proxyTls: tls } : {}) }));
    return proxies.get(uri);
  };
  return {
    fetch: undici.fetch as unknown as Dispatchers['fetch'],
    for(url) {
      const proxy = proxyFor(url, env);
      return proxy ? viaProxy(proxy) : direct;
    },
  };
}

/** The proxy URL for a request under HTTPS_PROXY / HTTP_PROXY / NO_PROXY (lower case wins, as in curl). */
export function proxyFor(url: URL, env: Record<string, string | undefined>): string | undefined {
  const pick = (name: string): string | undefined => env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;
  const proxy = url.protocol === 'https:' ? (pick('https_proxy') ?? pick('http_proxy')) : pick('http_proxy');
  if (!proxy) return undefined;
  const noProxy = pick('no_proxy');
  if (noProxy && bypassesProxy(url, noProxy)) return undefined;
  return proxy;
}

/** NO_PROXY: `*`, host names (matching sub-domains, with or without a leading dot), optional `:port`. */
export function bypassesProxy(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/).filter(Boolean)) {
    if (raw === '*') return true;
    // host, host:port, [v6]:port, or a bare IPv6 address (several colons, no port).
    const lower = raw.toLowerCase();
    const m = lower.split(':').length > 2 && !lower.startsWith('[') ? [lower, lower, undefined] : /^\[?(.*?)\]?(?::(\d+))?$/.exec(lower)!;
    const entry = m[1]!.replace(/^\*?\./, '');
    if (m[2] && m[2] !== port) continue;
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}
