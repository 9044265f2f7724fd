// The audit trail: an append-only JSONL log in which every entry carries a MAC over its own content and the
// previous entry's MAC, so editing, deleting, reordering or truncating entries breaks the chain.
//
// With SENTRIK_AUDIT_HMAC_KEY the MAC is HMAC-SHA256 (only key holders can forge a chain); without it the
// chain is plain SHA-256, which catches accidents and naive edits but not someone who recomputes it. A
// separate head record (<log>.head) remembers the last entry, so cutting entries off the end is noticed.
import { makeGeneratedDir } from '../util/generated-dir.js';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { SentrikError } from '../util/errors.js';
import { canonicalJson, sha256 } from './context.js';

export const AUDIT_KEY_ENV = 'SENTRIK_AUDIT_HMAC_KEY';

export type AuditEvent = 'scan' | 'gate' | 'approval' | 'fix' | 'config-change' | 'attest';
export type MacAlg = 'hmac-sha256' | 'sha256';

/** What a caller records; seq, time, chain and MAC are added by `appendAudit`. */
export interface AuditRecord {
  event: AuditEvent;
  tool: { name: string; version: string };
  commit?: string;
  ci?: Record<string, string>;
  /** Packs that ran, with their content hashes (built-in and custom alike). */
  packs?: { id: string; hash: string; builtin: boolean }[];
  /** Fingerprint of the effective configuration. */
  config?: string;
  outcome: Record<string, unknown>;
}

export interface AuditEntry extends AuditRecord {
  seq: number;
  ts: string;
  alg: MacAlg;
  /** MAC of the previous entry ('' for the first). */
  prev: string;
  mac: string;
}

interface Head {
  seq: number;
  mac: string;
  alg: MacAlg;
  /** MAC over seq and mac, so the head itself cannot be rewritten without the key. */
  headMac: string;
}

/** The key from the environment; an empty variable counts as unset. */
export function auditKey(env: Record<string, string | undefined>): string | undefined {
  const k = env[AUDIT_KEY_ENV];
  return k && k.length > 0 ? k : undefined;
}

function mac(alg: MacAlg, key: string | undefined, text: string): string {
  if (alg === 'sha256') return sha256(text);
  return createHmac('sha256', key!).update(text).digest('hex');
}

function entryMac(e: Omit<AuditEntry, 'mac'>, key: string | undefined): string {
  return mac(e.alg, key, canonicalJson(e));
}

function headMac(alg: MacAlg, key: string | undefined, seq: number, last: string): string {
  return mac(alg, key, `sentrik-audit-head\0${seq}\0${last}`);
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export const headFile = (log: string): string => `${log}.head`;

/** The last complete line of the log (read from the end: logs grow without bound). */
export function lastAuditEntry(log: string): AuditEntry | undefined {
  if (!existsSync(log)) return undefined;
  const fd = openSync(log, 'r');
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, 1024 * 1024);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const lines = buf.toString('utf8').split('\n').filter((l) => l.trim());
    if (!lines.length) return undefined;
    try {
      return JSON.parse(lines[lines.length - 1]) as AuditEntry;
    } catch {
      throw new SentrikError('the audit log ends in a damaged entry; nothing was appended', log, undefined, 'run `sentrik audit verify` to see what changed');
    }
  } finally {
    closeSync(fd);
  }
}

export interface AppendResult {
  entry: AuditEntry;
  /** Set when this append started an unkeyed chain (say so to the user once). */
  unkeyedNotice?: string;
}

/**
 * Append records to the log, extending the chain. One writer at a time (a lock file beside the log), and the
 * log's end is read once, under the lock: `records` may be a function of the last entry (e.g. to record a
 * configuration change first), so that decision cannot race another writer. The entries are written together.
 */
export function appendAudit(log: string, records: AuditRecord | ((last: AuditEntry | undefined) => [AuditRecord, ...AuditRecord[]]), key: string | undefined, now = new Date()): AppendResult {
  try {
    makeGeneratedDir(dirname(log));
  } catch (err) {
    throw new SentrikError(`cannot create the audit log folder: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, log);
  }
  return withLock(log, () => {
    const before = lastAuditEntry(log);
    // An unkeyed entry after signed ones is what a forger would write (verifyAudit rejects it): refuse to.
    if (!key && before?.alg === 'hmac-sha256') {
      throw new SentrikError(`the audit log is HMAC-signed but ${AUDIT_KEY_ENV} is not set: an unkeyed entry would break its proof`, log, undefined, `set ${AUDIT_KEY_ENV} to the log's key, or point governance.audit.log_file at another file`);
    }
    const alg: MacAlg = key ? 'hmac-sha256' : 'sha256';
    const entries: AuditEntry[] = [];
    for (const record of typeof records === 'function' ? records(before) : [records]) {
      const prev = entries[entries.length - 1] ?? before;
      const body: Omit<AuditEntry, 'mac'> = { seq: (prev?.seq ?? 0) + 1, ts: now.toISOString(), alg, prev: prev?.mac ?? '', ...record };
      entries.push({ ...body, mac: entryMac(body, key) });
    }
    const entry = entries[entries.length - 1];
    const fd = openSync(log, 'a', 0o600);
    try {
      writeSync(fd, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    } finally {
      closeSync(fd);
    }
    const head: Head = { seq: entry.seq, mac: entry.mac, alg, headMac: headMac(alg, key, entry.seq, entry.mac) };
    writeFileAtomic(headFile(log), `${JSON.stringify(head)}\n`, { mode: 0o600 });
    const unkeyedNotice =
      !key && (!before || before.alg !== 'sha256')
        ? `no ${AUDIT_KEY_ENV} set: ${log} is chained with unkeyed SHA-256 (detects accidental edits, not a forger); set the key to sign entries`
        : undefined;
    return { entry, unkeyedNotice };
  });
}

function withLock<T>(log: string, fn: () => T): T {
  const lock = `${log}.lock`;
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new SentrikError(`cannot lock the audit log: ${(err as NodeJS.ErrnoException).code}`, log);
      // A lock older than 30 s belongs to a process that died while appending.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 30_000) rmSync(lock, { force: true });
      } catch {
        /* removed meanwhile */
      }
      if (Date.now() > deadline) throw new SentrikError('the audit log is locked by another sentrik process', lock, undefined, 'wait for it, or remove the lock file if no sentrik is running');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  keyed: number;
  unkeyed: number;
  /** One line per problem, naming the line and entry. */
  problems: string[];
  notes: string[];
}

/**
 * Check the whole chain. Reports, per line: damaged JSON, entries deleted (a gap in seq), entries out of order,
 * a broken link (prev ≠ the previous entry's MAC) and edited content (MAC mismatch); and against the head
 * record, entries cut off the end. Throws (exit 2) when HMAC entries exist and no key is given.
 */
export function verifyAudit(log: string, key: string | undefined): VerifyReport {
  if (!existsSync(log)) throw new SentrikError('no audit log', log, undefined, 'it is written by scan/gate/approve/fix when governance.audit.enabled is true');
  const text = readFileSync(log, 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const report: VerifyReport = { ok: true, entries: 0, keyed: 0, unkeyed: 0, problems: [], notes: [] };
  const problem = (m: string): void => {
    report.ok = false;
    report.problems.push(m);
  };

  const parsed: (AuditEntry | undefined)[] = lines.map((l) => {
    try {
      const e = JSON.parse(l) as AuditEntry;
      return typeof e === 'object' && e !== null && typeof e.seq === 'number' && typeof e.mac === 'string' ? e : undefined;
    } catch {
      return undefined;
    }
  });
  if (parsed.some((e) => e?.alg === 'hmac-sha256') && !key) {
    throw new SentrikError(`the audit log has HMAC-signed entries but ${AUDIT_KEY_ENV} is not set`, log, undefined, `set ${AUDIT_KEY_ENV} to the key the entries were written with`);
  }
  const lineOfSeq = new Map<number, number>();
  parsed.forEach((e, i) => e && !lineOfSeq.has(e.seq) && lineOfSeq.set(e.seq, i + 1));

  let expected = 1;
  let prevMac = '';
  let last: AuditEntry | undefined;
  parsed.forEach((e, i) => {
    const ln = i + 1;
    if (!e) {
      problem(`line ${ln}: not a valid entry (damaged, edited or cut short)`);
      return;
    }
    report.entries++;
    if (e.alg === 'hmac-sha256') report.keyed++;
    else report.unkeyed++;
    if (e.seq !== expected) {
      const at = lineOfSeq.get(expected);
      if (e.seq < expected) problem(`line ${ln}: entry ${e.seq} appears again or out of order (expected entry ${expected})`);
      else if (at !== undefined && at > ln) problem(`line ${ln}: entries reordered: entry ${e.seq} stands where entry ${expected} belongs (entry ${expected} is on line ${at})`);
      else problem(`line ${ln}: entr${e.seq - expected === 1 ? `y ${expected} is` : `ies ${expected}–${e.seq - 1} are`} missing (deleted) before entry ${e.seq}`);
    } else if (e.prev !== prevMac) {
      problem(`line ${ln}: entry ${e.seq} does not follow entry ${e.seq - 1} (chain link broken: an entry before it was replaced)`);
    }
    const { mac: stored, ...body } = e;
    if (e.alg !== 'sha256' && e.alg !== 'hmac-sha256') problem(`line ${ln}: entry ${e.seq} has an unknown MAC algorithm '${String(e.alg)}'`);
    else if (!sameHex(entryMac(body, key), stored)) problem(`line ${ln}: entry ${e.seq} was edited (its ${e.alg === 'sha256' ? 'SHA-256' : 'HMAC'} does not match its content${e.alg === 'sha256' ? '' : ', or the key differs'})`);
    expected = Math.max(expected, e.seq) + 1;
    prevMac = e.mac;
    last = e;
  });

  const hf = headFile(log);
  let head: Head | undefined;
  if (!existsSync(hf)) {
    report.notes.push(`no head record (${hf}): entries cut off the end cannot be detected`);
  } else {
    try {
      head = JSON.parse(readFileSync(hf, 'utf8')) as Head;
    } catch {
      problem(`${hf}: the head record is damaged`);
    }
    if (head) {
      if (head.alg === 'hmac-sha256' && !key) throw new SentrikError(`the audit head is HMAC-signed but ${AUDIT_KEY_ENV} is not set`, hf);
      if (!sameHex(headMac(head.alg, key, head.seq, head.mac), String(head.headMac))) problem(`${hf}: the head record was edited`);
      else if (!last || last.seq < head.seq) problem(`log truncated: the head records entry ${head.seq} but the log ends at ${last ? `entry ${last.seq}` : 'no entry'}`);
      else if (last.seq > head.seq) problem(`entries after ${head.seq} were appended without updating the head (not written by sentrik)`);
      else if (!sameHex(last.mac, String(head.mac))) problem(`the last entry (${last.seq}) differs from the one the head records (replaced)`);
    }
  }
  if (key) keyedChainProblems(parsed, head, problem);
  if (report.unkeyed) report.notes.push(`${report.unkeyed} entr${report.unkeyed === 1 ? 'y is' : 'ies are'} chained with unkeyed SHA-256 (no ${AUDIT_KEY_ENV} when written): proof against accidents, not against forgery`);
  return report;
}

/**
 * With the key, only a keyed MAC proves an entry: anyone can write unkeyed SHA-256 entries, so a forger would
 * re-chain the entries after the last one they keep (or all of them) unkeyed. An unkeyed run is accepted only
 * at the start, where the first keyed entry vouches for it (its MAC covers the previous entry's), never after a
 * keyed entry, never at the end; the head record must be keyed too.
 */
function keyedChainProblems(entries: (AuditEntry | undefined)[], head: Head | undefined, problem: (m: string) => void): void {
  const firstKeyed = entries.findIndex((e) => e?.alg === 'hmac-sha256');
  if (firstKeyed === -1) {
    if (entries.some(Boolean)) problem(`no entry is HMAC-signed although ${AUDIT_KEY_ENV} is set: anyone could have rewritten this unkeyed log (the next gate run with the key signs the log and vouches for it from then on)`);
    return;
  }
  entries.forEach((e, i) => {
    if (e && i > firstKeyed && e.alg === 'sha256') problem(`line ${i + 1}: entry ${e.seq} is unkeyed after HMAC-signed entries: written without the key (a downgrade anyone can forge)`);
  });
  if (head && head.alg !== 'hmac-sha256') problem(`the head record is unkeyed although the log is HMAC-signed: written without the key`);
}

/** The head record (last seq and MAC), for attestations. */
export function auditHead(log: string): { seq: number; mac: string } | undefined {
  try {
    const h = JSON.parse(readFileSync(headFile(log), 'utf8')) as Head;
    return { seq: h.seq, mac: h.mac };
  } catch {
    return undefined;
  }
}
