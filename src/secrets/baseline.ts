// A baseline acknowledges accepted secret findings (test fixtures, revoked keys) so they are not reported
// again. Entries are fingerprints (a hash over rule id, path and a hash of the secret), never the secret.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SentrikError } from '../util/errors.js';

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  path: string;
  /** Why the finding is accepted (e.g. "test fixture, key revoked 2024-05"). */
  reason?: string;
}

export interface Baseline {
  version: 1;
  createdAt: string;
  entries: BaselineEntry[];
}

const entrySchema = z
  .object({ fingerprint: z.string().regex(/^[0-9a-f]{16,64}$/), ruleId: z.string().min(1), path: z.string(), reason: z.string().optional() })
  .strict();
const baselineSchema = z.object({ version: z.literal(1), createdAt: z.string(), entries: z.array(entrySchema) }).strict();

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Fingerprint of a secret finding: stable across line moves, never reversible to the value by itself. */
export function secretFingerprint(ruleId: string, path: string, secret: string): string {
  return sha256(`${ruleId}\0${path}\0${sha256(secret)}`).slice(0, 32);
}

export function createBaseline(items: { ruleId: string; path: string; fingerprint: string; reason?: string }[], now = new Date()): Baseline {
  const seen = new Set<string>();
  const entries: BaselineEntry[] = [];
  for (const i of items) {
    if (seen.has(i.fingerprint)) continue;
    seen.add(i.fingerprint);
    entries.push({ fingerprint: i.fingerprint, ruleId: i.ruleId, path: i.path, ...(i.reason ? { reason: i.reason } : {}) });
  }
  entries.sort((a, b) => a.path.localeCompare(b.path) || a.ruleId.localeCompare(b.ruleId) || a.fingerprint.localeCompare(b.fingerprint));
  return { version: 1, createdAt: now.toISOString(), entries };
}

export function serializeBaseline(b: Baseline): string {
  return `${JSON.stringify(b, null, 2)}\n`;
}

/** How to write a baseline again: secrets baselines by default; scan/gate pass `sentrik baseline create`. */
const SECRETS_REGENERATE = 'regenerate it with `sentrik secrets --update-baseline`';

/** Parse a baseline file; a broken one is a one-line error naming the file and the entry. */
export function parseBaseline(text: string, file: string, regenerate = SECRETS_REGENERATE): Baseline {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : undefined;
    throw new SentrikError('baseline is not valid JSON', file, line, regenerate);
  }
  const res = baselineSchema.safeParse(raw);
  if (!res.success) {
    const issue = res.error.issues[0];
    throw new SentrikError(`invalid baseline: ${issue.path.join('.') || '(top level)'}: ${issue.message}`, file, undefined, `each entry needs fingerprint, ruleId and path; ${regenerate}`);
  }
  return res.data as Baseline;
}

export function loadBaseline(file: string, regenerate = SECRETS_REGENERATE): Baseline {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SentrikError(`cannot read baseline: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`, file, undefined, 'check the path given to --baseline');
  }
  return parseBaseline(text, file, regenerate);
}

/** Index for repeated lookups. */
export function baselineIndex(b: Baseline): Set<string> {
  return new Set(b.entries.map((e) => e.fingerprint));
}

export function isBaselined(b: Baseline | Set<string>, finding: { fingerprint: string }): boolean {
  const set = b instanceof Set ? b : baselineIndex(b);
  return set.has(finding.fingerprint);
}
