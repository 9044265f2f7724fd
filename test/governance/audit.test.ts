// The audit chain on real files: every kind of tampering is found and named; keys matter.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendAudit, headFile, verifyAudit, type AuditRecord } from '../../src/governance/audit.js';

const KEY = 'test-key-0123456789';
const record = (n: number): AuditRecord => ({ event: 'scan', tool: { name: 'sentrik', version: '0.0.0' }, commit: 'a'.repeat(40), outcome: { findings: n } });

function log(entries: number, key: string | undefined = KEY): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sentrik-audit-')), 'agent_audit.jsonl');
  for (let i = 1; i <= entries; i++) appendAudit(file, record(i), key, new Date(Date.UTC(2025, 0, i)));
  return file;
}
const lines = (f: string) => readFileSync(f, 'utf8').trimEnd().split('\n');
const rewrite = (f: string, l: string[]) => writeFileSync(f, `${l.join('\n')}\n`);

describe('audit log', () => {
  it('chains entries: seq, prev = previous MAC, HMAC when keyed', () => {
    const f = log(3);
    const e = lines(f).map((l) => JSON.parse(l));
    expect(e.map((x) => x.seq)).toEqual([1, 2, 3]);
    expect(e[1].prev).toBe(e[0].mac);
    expect(e[2].prev).toBe(e[1].mac);
    expect(e.every((x) => x.alg === 'hmac-sha256')).toBe(true);
    expect(verifyAudit(f, KEY)).toMatchObject({ ok: true, entries: 3, keyed: 3, problems: [] });
  });

  it('detects an edited entry and names it', () => {
    const f = log(4);
    const l = lines(f);
    l[2] = l[2].replace('"findings":3', '"findings":0');
    rewrite(f, l);
    const r = verifyAudit(f, KEY);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(['line 3: entry 3 was edited (its HMAC does not match its content, or the key differs)']);
  });

  it('detects a deleted entry', () => {
    const f = log(5);
    const l = lines(f);
    l.splice(1, 1);
    rewrite(f, l);
    expect(verifyAudit(f, KEY).problems).toEqual(['line 2: entry 2 is missing (deleted) before entry 3']);
  });

  it('detects reordered entries', () => {
    const f = log(4);
    const l = lines(f);
    [l[1], l[2]] = [l[2], l[1]];
    rewrite(f, l);
    const p = verifyAudit(f, KEY).problems;
    expect(p[0]).toBe('line 2: entries reordered: entry 3 stands where entry 2 belongs (entry 2 is on line 3)');
    expect(p.length).toBeGreaterThan(0);
  });

  it('detects entries cut off the end (against the head record) and a cut-short line', () => {
    const f = log(4);
    rewrite(f, lines(f).slice(0, 2));
    expect(verifyAudit(f, KEY).problems).toEqual(['log truncated: the head records entry 4 but the log ends at entry 2']);
    const g = log(3);
    writeFileSync(g, readFileSync(g, 'utf8').slice(0, -40));
    expect(verifyAudit(g, KEY).problems[0]).toBe('line 3: not a valid entry (damaged, edited or cut short)');
  });

  it('the head record cannot be rewritten without the key', () => {
    const f = log(3);
    rewrite(f, lines(f).slice(0, 2));
    const head = JSON.parse(readFileSync(headFile(f), 'utf8'));
    const second = JSON.parse(lines(f)[1]);
    writeFileSync(headFile(f), JSON.stringify({ ...head, seq: 2, mac: second.mac }));
    expect(verifyAudit(f, KEY).problems).toEqual([`${headFile(f)}: the head record was edited`]);
  });

  it('a wrong key fails every entry; no key at all is an error, not a pass', () => {
    const f = log(2);
    expect(verifyAudit(f, 'another-key').problems).toHaveLength(3); // 2 entries + the head
    expect(() => verifyAudit(f, undefined)).toThrow(/HMAC-signed entries but SENTRIK_AUDIT_HMAC_KEY is not set/);
  });

  it('without a key records an unkeyed SHA-256 chain, says so once, and still detects edits', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sentrik-audit-')), 'a.jsonl');
    const first = appendAudit(file, record(1), undefined);
    const second = appendAudit(file, record(2), undefined);
    expect(first.unkeyedNotice).toMatch(/no SENTRIK_AUDIT_HMAC_KEY set: .* unkeyed SHA-256/);
    expect(second.unkeyedNotice).toBeUndefined();
    expect(first.entry.alg).toBe('sha256');
    const r = verifyAudit(file, undefined);
    expect(r).toMatchObject({ ok: true, unkeyed: 2 });
    expect(r.notes.join(' ')).toMatch(/unkeyed SHA-256/);
    rewrite(file, lines(file).map((l, i) => (i === 0 ? l.replace('"findings":1', '"findings":9') : l)));
    expect(verifyAudit(file, undefined).problems).toEqual(['line 1: entry 1 was edited (its SHA-256 does not match its content)']);
  });

  it('with the key, unkeyed entries count only before the first signed one: a forger who re-chains the end, or all, unkeyed is caught', () => {
    // What a forger without the key can do: rewrite entries as an unkeyed SHA-256 chain and a matching head.
    const forge = (f: string, from: number): void => {
      const entries = lines(f).map((l) => JSON.parse(l));
      let prev = from > 0 ? entries[from - 1].mac : '';
      for (const e of entries.slice(from)) {
        const { mac: _, ...body } = { ...e, alg: 'sha256', prev, outcome: { findings: 0 } };
        e.alg = 'sha256';
        e.prev = prev;
        e.outcome = body.outcome;
        e.mac = unkeyedMac(body);
        prev = e.mac;
      }
      rewrite(f, entries.map((e) => JSON.stringify(e)));
      const last = entries[entries.length - 1];
      writeFileSync(headFile(f), JSON.stringify({ seq: last.seq, mac: last.mac, alg: 'sha256', headMac: sha(`sentrik-audit-head\0${last.seq}\0${last.mac}`) }));
    };
    const tail = log(3);
    forge(tail, 2);
    expect(verifyAudit(tail, KEY).problems).toEqual([
      'line 3: entry 3 is unkeyed after HMAC-signed entries: written without the key (a downgrade anyone can forge)',
      'the head record is unkeyed although the log is HMAC-signed: written without the key',
    ]);
    const all = log(2);
    forge(all, 0);
    expect(verifyAudit(all, KEY).problems).toEqual([expect.stringMatching(/^no entry is HMAC-signed although SENTRIK_AUDIT_HMAC_KEY is set/)]);
    // A log begun without the key and signed since: the first signed entry vouches for the ones before it.
    const begun = join(mkdtempSync(join(tmpdir(), 'sentrik-audit-')), 'a.jsonl');
    for (const [n, key] of [[1, undefined], [2, undefined], [3, KEY]] as const) appendAudit(begun, record(n), key);
    expect(verifyAudit(begun, KEY)).toMatchObject({ ok: true, keyed: 1, unkeyed: 2 });
    // And sentrik itself never writes the downgrade: without the key it refuses to extend a signed log.
    expect(() => appendAudit(begun, record(4), undefined)).toThrow(/HMAC-signed but SENTRIK_AUDIT_HMAC_KEY is not set/);
    expect(lines(begun)).toHaveLength(3);
  });
});

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
/** The unkeyed entry MAC as sentrik computes it: SHA-256 of the entry's canonical JSON (sorted keys). */
function unkeyedMac(body: object): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
  return sha(JSON.stringify(sorted(body)));
}
