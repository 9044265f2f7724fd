// `--online`: ask the OSV API which advisories affect each package (POST /v1/querybatch), then fetch each
// advisory record (GET /v1/vulns/{id}). Only used when the user asks; the base URL can point at a mirror
// (SENTRIK_OSV_API_URL), which is how the tests use a server on 127.0.0.1. Requests go through the one
// outbound client (src/net/client.ts: policy, proxy, CA, retries) when the CLI passes it in.
import type { Ecosystem, Package } from '../ecosystems/types.js';
import { describeNetError } from '../net/client.js';
import { SentrikError } from '../util/errors.js';
import { convertRecord, type Advisory } from './osv.js';

export const DEFAULT_OSV_API = 'https://api.osv.dev';
const BATCH = 1000;

export type FetchFn = (url: string, init?: RequestInit) => Promise<Response>;

async function post(url: string, body: unknown, fetchFn: FetchFn): Promise<unknown> {
  const res = await fetchFn(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new SentrikError(`OSV API answered ${res.status}`, url, undefined, 'retry later, or scan offline with an imported database');
  return res.json();
}

async function get(url: string, fetchFn: FetchFn): Promise<unknown> {
  const res = await fetchFn(url);
  if (!res.ok) throw new SentrikError(`OSV API answered ${res.status}`, url);
  return res.json();
}

/** Advisories for the given packages, per ecosystem, fetched from the OSV API. */
export async function queryOsv(base: string, packages: { pkg: Package; eco: Ecosystem }[], fetchFn: FetchFn): Promise<Map<Ecosystem, Advisory[]>> {
  const ids = new Set<string>();
  try {
    for (let i = 0; i < packages.length; i += BATCH) {
      const chunk = packages.slice(i, i + BATCH);
      const answer = (await post(`${base}/v1/querybatch`, { queries: chunk.map(({ pkg, eco }) => ({ package: { name: pkg.name, ecosystem: eco.osv }, version: pkg.version })) }, fetchFn)) as { results?: { vulns?: { id?: string }[] }[] };
      for (const r of answer.results ?? []) for (const v of r.vulns ?? []) if (typeof v.id === 'string') ids.add(v.id);
    }
    const out = new Map<Ecosystem, Advisory[]>();
    const ecosystems = [...new Set(packages.map((p) => p.eco))];
    for (const id of ids) {
      const record = await get(`${base}/v1/vulns/${encodeURIComponent(id)}`, fetchFn);
      for (const eco of ecosystems) {
        const adv = convertRecord(record, eco.osv, eco.normalizeName, { skippedRanges: [] });
        if (adv) out.set(eco, [...(out.get(eco) ?? []), adv]);
      }
    }
    return out;
  } catch (err) {
    if (err instanceof SentrikError) throw err;
    throw new SentrikError(`cannot reach the OSV API (${describeNetError(err)})`, base, undefined, 'check the network, or drop --online to use the offline database');
  }
}
