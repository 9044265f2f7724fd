// What every history backend must do, run against SQLite and against a real PostgreSQL server.
import { expect, it } from 'vitest';
import type { Finding } from '../../src/engine/model.js';
import type { RunInput } from '../../src/history/model.js';
import type { HistoryStore } from '../../src/history/store.js';
import { finding, findings, runInput } from './fixtures.js';

export function storeContract(open: () => Promise<HistoryStore>, project: () => string): void {
  it('records a run with its findings and reads it back', async () => {
    const store = await open();
    try {
      const p = project();
      const list = findings(40);
      list[3] = { ...list[3], suppressed: { kind: 'file', reason: 'reviewed', approvedBy: 'alice', source: '.sentrik/suppressions.yaml:2' } };
      // A duplicate is kept as a row but counted neither as a finding nor as suppressed.
      list.push(finding(40, { suppressed: { kind: 'duplicate', reason: 'the same code and weakness as TST-R00-001 (CWE-79)' }, duplicateOf: list[0].fingerprint }));
      const id = await store.recordRun(runInput({ project: p, git: { commit: 'a'.repeat(40), branch: 'main' } }), list);
      const run = (await store.getRun(id))!;
      expect(run).toMatchObject({ id, project: p, command: 'scan', findings: 40, suppressed: 1, filesScanned: 10, gate: { passed: false, blocking: 2, failOn: ['critical', 'high'] }, git: { branch: 'main' } });
      expect(run.facets.severity).toEqual({ critical: 8, high: 8, medium: 8, low: 7, info: 8 }); // index 3 (low) is suppressed
      expect((await store.latestRun(p))!.id).toBe(id);

      const detail = (await store.finding(id, 5))!;
      expect(detail).toMatchObject({ ruleId: 'TST-R05-001', severity: 'critical', file: 'src/dir5/file5.ts', line: 6, snippet: 'const value5 = call(5);', clause: 'C-5', cwe: ['CWE-79'], remediation: 'Fix rule 5 by doing the right thing.' });
      expect((await store.finding(id, 3))!.suppressed).toMatchObject({ kind: 'file', reason: 'reviewed', approvedBy: 'alice' });
    } finally {
      await store.close();
    }
  });

  it('pages, filters, searches and groups findings', async () => {
    const store = await open();
    try {
      const p = project();
      const id = await store.recordRun(runInput({ project: p }), [...findings(250), finding(999, { snippet: 'x = "<script>alert(1)</script>"', file: 'web/100%_sure.html', fingerprint: 'fp-special' })]);
      const page1 = await store.findings({ runId: id, pageSize: 100 });
      expect(page1.total).toBe(251);
      expect(page1.items).toHaveLength(100);
      expect(page1.items[0].severity).toBe('critical'); // worst first
      const page3 = await store.findings({ runId: id, pageSize: 100, page: 3 });
      expect(page3.items).toHaveLength(51);
      const seen = new Set([...page1.items, ...(await store.findings({ runId: id, pageSize: 100, page: 2 })).items, ...page3.items].map((f) => f.seq));
      expect(seen.size).toBe(251); // pages neither overlap nor skip

      expect((await store.findings({ runId: id, severity: ['high'] })).total).toBe(50);
      expect((await store.findings({ runId: id, rule: 'TST-R03-001', pack: 'pack-a' })).items.every((f) => f.ruleId === 'TST-R03-001' && f.packId === 'pack-a')).toBe(true);
      expect((await store.findings({ runId: id, file: 'DIR12/' })).total).toBe(19); // case-insensitive substring
      expect((await store.findings({ runId: id, q: '<script>' })).items.map((f) => f.fingerprint)).toEqual(['fp-special']);
      expect((await store.findings({ runId: id, file: '100%_' })).total).toBe(1); // LIKE wildcards are literal
      expect((await store.findings({ runId: id, file: '%' })).total).toBe(1);
      expect((await store.findings({ runId: id, q: 'explains what' })).total).toBe(251); // message text
      expect((await store.findings({ runId: id, pageSize: 100000 })).pageSize).toBe(200);

      const groups = await store.groups({ runId: id }, 'rule');
      expect(groups.reduce((n, g) => n + g.count, 0)).toBe(251);
      expect(groups[0].worst).toBe('critical');
      const bySev = await store.groups({ runId: id, severity: ['low', 'info'] }, 'severity');
      expect(bySev.map((g) => g.key).sort()).toEqual(['info', 'low']);
    } finally {
      await store.close();
    }
  });

  it('compares runs by fingerprint: new, resolved, unchanged', async () => {
    const store = await open();
    try {
      const p = project();
      const a = await store.recordRun(runInput({ project: p }), findings(10));
      // Same findings moved by some lines (fingerprints stable), two fixed, three new, one suppressed since.
      const moved = findings(10).slice(2).map((f) => ({ ...f, line: (f.line ?? 0) + 5 }));
      moved[0] = { ...moved[0], suppressed: { kind: 'inline', reason: 'test data' } };
      const b = await store.recordRun(runInput({ project: p, command: 'gate' }), [...moved, ...findings(3, 100)]);
      const prev = await store.previousRun((await store.getRun(b))!);
      expect(prev!.id).toBe(a);
      const c = (await store.compare(a, b))!;
      expect(c.new.map((f) => f.fingerprint).sort()).toEqual(['fp-100', 'fp-101', 'fp-102']);
      expect(c.resolved.map((f) => f.fingerprint).sort()).toEqual(['fp-0', 'fp-1', 'fp-2']);
      expect(c.unchanged).toHaveLength(7);
      const cut = (await store.compare(a, b, 1))!;
      expect(cut.counts).toEqual({ new: 3, resolved: 3, unchanged: 7, notRescanned: 0 });
      expect(c.scopesDiffer).toBe(false);
      expect([cut.new.length, cut.resolved.length, cut.unchanged.length]).toEqual([1, 1, 1]);
      expect(cut.new[0]).toEqual(c.new[0]); // worst first, as listed in full
      // A dependency scan is never "the previous run" of a code scan.
      const v = await store.recordRun(runInput({ project: p, command: 'vulns' }), findings(2, 500));
      const next = await store.recordRun(runInput({ project: p }), findings(1));
      expect((await store.previousRun((await store.getRun(next))!))!.id).toBe(b);
      expect((await store.latestRun(p, 'vulns'))!.id).toBe(v);
    } finally {
      await store.close();
    }
  });

  it('calls a finding resolved only where the newer run looked: its file, its rule, its lines', async () => {
    const store = await open();
    try {
      const p = project();
      const all = findings(20);
      const base = await store.recordRun(runInput({ project: p }), all);
      const gone = async (over: Partial<RunInput>, kept: Finding[] = []) => {
        const head = await store.recordRun(runInput({ project: p, ...over }), kept);
        return (await store.compare(base, head))!;
      };
      const fps = (rows: { fingerprint: string }[]) => rows.map((f) => f.fingerprint).sort();
      const inDir = (d: string) => all.filter((f) => f.file.startsWith(`${d}/`));
      // A scan of one folder resolves only what was in that folder.
      const folder = await gone({ scope: { mode: 'paths', paths: ['src/dir1'] } });
      expect(fps(folder.resolved)).toEqual(fps(inDir('src/dir1')));
      expect(folder.counts.notRescanned).toBe(20 - inDir('src/dir1').length);
      expect(folder.scopesDiffer).toBe(true);
      // A change scope resolves only in its files; a file it skipped is not rescanned.
      const file = all[3].file;
      const change = await gone({ scope: { mode: 'git-range', range: 'a...b', paths: [file, all[4].file] }, metrics: { ...runInput().metrics, skipped: [all[4].file] } });
      expect(fps(change.resolved)).toEqual(fps(all.filter((f) => f.file === file)));
      // A skipped folder (excluded since) covers the files under it.
      const excluded = await gone({ metrics: { ...runInput().metrics, skipped: ['src/dir1'] } });
      expect(fps(excluded.notRescanned)).toEqual(fps(inDir('src/dir1')));
      // A rule that did not run (its pack not selected, or disabled) resolves nothing.
      const packA = await gone({ packs: ['pack-a'] });
      expect(packA.resolved.every((f) => f.packId === 'pack-a')).toBe(true);
      expect(packA.counts.notRescanned).toBe(all.filter((f) => f.packId === 'pack-b').length);
      const rules = await gone({ metrics: { ...runInput().metrics, rules: ['TST-R00-001'] } });
      expect(rules.resolved.every((f) => f.ruleId === 'TST-R00-001')).toBe(true);
      expect(rules.counts.resolved).toBe(all.filter((f) => f.ruleId === 'TST-R00-001').length);
      // Only changed lines seen, after a whole-file run: the other lines were not looked at again.
      const lines = await gone({ scope: { mode: 'git-range', range: 'a...b', paths: all.map((f) => f.file), changedLinesOnly: true } });
      expect(lines.counts).toMatchObject({ resolved: 0, notRescanned: 20 });
      // Changed lines only, after a run of the same kind: resolved only at the lines the newer run recorded.
      const staged = { mode: 'staged' as const, paths: all.map((f) => f.file), changedLinesOnly: true };
      const stagedBase = await store.recordRun(runInput({ project: p, scope: staged, metrics: { ...runInput().metrics, changedLines: { [all[0].file]: `${all[0].line}` } } }), all);
      const stagedHead = async (changedLines?: Record<string, string>) =>
        (await store.compare(stagedBase, await store.recordRun(runInput({ project: p, scope: staged, metrics: { ...runInput().metrics, changedLines } }), [])))!;
      const other = await stagedHead({ [all[0].file]: `${all[0].line + 1}-${all[0].line + 3}` });
      expect(other.counts).toMatchObject({ resolved: 0, notRescanned: 20 });
      const same = await stagedHead({ [all[0].file]: `1,${all[0].line - 1}-${all[0].line}`, [all[1].file]: `${all[1].line}` });
      expect(fps(same.resolved)).toEqual(fps([all[0], all[1]]));
      expect((await stagedHead(undefined)).counts).toMatchObject({ resolved: 0, notRescanned: 20 });
      // Skipped files not recorded (too many, or an older version): only files the newer run reported in are known scanned.
      const unknown = await gone({ metrics: { ...runInput().metrics, skipped: undefined } }, [finding(20, { file: all[2].file })]);
      expect(fps(unknown.resolved)).toEqual(fps([all[2]]));
      expect(unknown.counts.notRescanned).toBe(19);
      // Only the files skipped for a hiding reason recorded: the others are judged as usual.
      const partial = await gone({ metrics: { ...runInput().metrics, skipped: [all[5].file], skippedPartial: true } });
      expect(fps(partial.notRescanned)).toEqual(fps(all.filter((f) => f.file === all[5].file)));
      // The same scope: everything gone is resolved.
      const whole = await gone({});
      expect(whole.counts).toMatchObject({ resolved: 20, notRescanned: 0 });
      expect(whole.scopesDiffer).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('keeps only the newest runs of a project (retention) and the others untouched', async () => {
    const store = await open();
    try {
      const p = project();
      const other = `${p}-other`;
      const keep = await store.recordRun(runInput({ project: other }), findings(5));
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) ids.push(await store.recordRun(runInput({ project: p }), findings(20, i * 3), { retainRuns: 3 }));
      const { total, runs } = await store.listRuns(p);
      expect(total).toBe(3);
      expect(runs.map((r) => r.id)).toEqual(ids.slice(2).reverse());
      expect((await store.findings({ runId: ids[0] })).total).toBe(0);
      expect((await store.finding(ids[4], 0))!.remediation).toBeTruthy(); // shared rule text survived the pruning
      expect((await store.getRun(keep))!.findings).toBe(5);
    } finally {
      await store.close();
    }
  });
}
