// recordEvent reads the end of the audit log once per append, under the lock, even when a configuration
// change is recorded first; the two entries land together and the chain verifies. (The file system is the
// real one: node:fs is only wrapped to count how often the log is opened for reading.)
import * as fs from 'node:fs';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG, type SentrikConfig } from '../../src/config/schema.js';
import { verifyAudit } from '../../src/governance/audit.js';
import { auditLogPath, recordEvent } from '../../src/governance/record.js';

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return { ...real, openSync: vi.fn(real.openSync) };
});

describe('recordEvent', () => {
  it('reads the log once per append, also when a configuration change is recorded first', () => {
    const root = mkdtempSync(join(tmpdir(), 'sentrik-audit-record-'));
    const config = (fail: SentrikConfig['gate']['fail_on']): SentrikConfig => ({ ...structuredClone(DEFAULT_CONFIG), gate: { ...DEFAULT_CONFIG.gate, fail_on: fail } });
    const log = auditLogPath(root, DEFAULT_CONFIG);
    const readsOfLog = () => vi.mocked(fs.openSync).mock.calls.filter(([path, flags]) => path === log && flags === 'r').length;

    recordEvent({ root, config: config(['critical']), env: {} }, 'scan', { findings: 1 });
    const afterFirst = readsOfLog();
    expect(afterFirst).toBe(0); // the first append finds no log to read
    recordEvent({ root, config: config(['critical', 'high']), env: {} }, 'gate', { findings: 2 });
    expect(readsOfLog() - afterFirst).toBe(1);

    const entries = readFileSync(log, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(entries.map((e) => [e.seq, e.event])).toEqual([[1, 'scan'], [2, 'config-change'], [3, 'gate']]);
    expect(entries[1].outcome.from).toBe(entries[0].config);
    expect(verifyAudit(log, undefined)).toMatchObject({ ok: true, entries: 3 });
  });
});
