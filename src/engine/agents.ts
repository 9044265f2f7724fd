// agent_scan: every enabled pack runs as its own unit of work — loaded alone into a worker thread that scans
// every file with it — so one pack that crashes or runs past its time limit is stopped and reported while the
// others' findings still count. Results are merged per file; per-pack wall times go to scan_metrics.json.
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ScanProblem } from './model.js';
import type { FileJob, FileOutcome } from './process-file.js';
import type { AgentMessage } from './agent-worker.js';
import { buildRuleSet, type RuleOverride, type RuleSet } from './ruleset.js';

const BATCH = 48;
/** How a masked credential looks in a snippet (util/mask.ts): `ghp_…(40 chars)`. */
const MASK = /…\(\d+ chars\)/;

export interface AgentRun {
  /** One outcome per file, merged over the packs that finished. */
  outcomes: FileOutcome[];
  perPackMs: Record<string, number>;
  problems: ScanProblem[];
  /** False when a pack failed or timed out: the results must not be cached as a full scan. */
  complete: boolean;
}

export async function runPackAgents(
  jobs: FileJob[],
  rules: RuleSet,
  init: { overrides: Record<string, Record<string, RuleOverride>>; toolVersion: string; maxFileSize: number },
  opts: { concurrency: number; timeoutMs: number },
): Promise<AgentRun> {
  // Each agent scans every file itself: the content-hash shortcut belongs to the whole rule set, not one pack.
  const plain = jobs.map(({ knownHash: _k, ...j }) => j);
  const units = rules.packs
    .map((pack) => ({ pack, sub: buildRuleSet([pack], init.overrides, init.toolVersion) }))
    .filter((u) => u.sub.fileRules.length > 0);
  const perPackMs: Record<string, number> = {};
  const problems: ScanProblem[] = [];
  const byPack = new Map<string, FileOutcome[]>();
  // A few long-lived workers take the packs one after another. They are all started up front and stopped
  // together at the end: the RE2 addon crashes the process when it is loaded into a new worker after another
  // worker that loaded it has exited. A worker stopped for a timeout is therefore not replaced.
  const script = fileURLToPath(new URL('./agent-worker.js', import.meta.url));
  const slots = Array.from({ length: Math.max(1, Math.min(opts.concurrency, units.length)) }, () => new Worker(script));
  let next = 0;
  const drive = async (w: Worker): Promise<void> => {
    while (next < units.length) {
      const { pack, sub } = units[next++];
      const t = Date.now();
      try {
        byPack.set(pack.id, await runPack(w, plain, { type: 'pack', dir: pack.dir, builtin: pack.builtin, overrides: init.overrides, toolVersion: init.toolVersion, rulesetHash: sub.hash }, init.maxFileSize, opts.timeoutMs));
      } catch (err) {
        const timedOut = err instanceof AgentTimeout;
        problems.push({
          code: timedOut ? 'pack-timeout' : 'pack-error',
          message: timedOut
            ? `pack ${pack.id} did not finish within ${opts.timeoutMs / 1000} s and was stopped; its findings are missing (agent_timeout)`
            : `pack ${pack.id} failed: ${(err as Error).message}; its findings are missing`,
        });
        if (err instanceof AgentDead) return; // this worker is gone; the others take the remaining packs
      } finally {
        perPackMs[pack.id] = Date.now() - t;
      }
    }
  };
  try {
    await Promise.all(slots.map(drive));
  } finally {
    await Promise.all(slots.map((w) => w.terminate()));
  }
  for (const u of units.slice(next)) problems.push({ code: 'pack-error', message: `pack ${u.pack.id} was not run: every agent was stopped; its findings are missing` });
  return { outcomes: merge(plain, [...byPack.values()]), perPackMs, problems, complete: byPack.size === units.length };
}

class AgentDead extends Error {}
class AgentTimeout extends AgentDead {}

/** Load one pack into the worker and scan every job with it, in batches, within the time limit. */
function runPack(w: Worker, jobs: FileJob[], load: AgentMessage, maxFileSize: number, timeoutMs: number): Promise<FileOutcome[]> {
  return new Promise((resolve, reject) => {
    const out: FileOutcome[] = [];
    let sent = 0;
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
      if (err instanceof AgentDead) void w.terminate();
      if (err) reject(err);
      else resolve(out);
    };
    const send = (): void => {
      if (sent >= jobs.length) return finish();
      const slice = jobs.slice(sent, sent + BATCH);
      sent += slice.length;
      w.postMessage({ type: 'batch', jobs: slice, maxFileSize } satisfies AgentMessage);
    };
    const onMessage = (msg: { type: string; outcomes?: FileOutcome[]; message?: string }): void => {
      if (msg.type === 'error') finish(new Error(msg.message));
      else if (msg.type === 'ready') send();
      else if (msg.type === 'done') {
        out.push(...msg.outcomes!);
        send();
      }
    };
    const onError = (err: Error): void => finish(new AgentDead(err.message));
    const onExit = (code: number): void => finish(new AgentDead(`agent stopped with code ${code}`));
    const timer = setTimeout(() => finish(new AgentTimeout()), timeoutMs);
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    w.postMessage(load);
  });
}

/** One outcome per file: hits and problems of every pack together; snippets of one line made equally safe. */
function merge(jobs: FileJob[], perPack: FileOutcome[][]): FileOutcome[] {
  const maps = perPack.map((list) => new Map(list.map((o) => [o.path, o])));
  const out: FileOutcome[] = [];
  for (const job of jobs) {
    const all = maps.map((m) => m.get(job.path)).filter((o): o is FileOutcome => o !== undefined);
    if (!all.length) continue;
    const scanned = all.filter((o): o is Extract<FileOutcome, { status: 'scanned' }> => o.status === 'scanned');
    if (scanned.length < all.length) {
      out.push(all.find((o) => o.status !== 'scanned')!);
      continue;
    }
    const first = scanned[0];
    const hits = scanned.flatMap((o) => o.result.hits);
    maskAcrossPacks(hits);
    out.push({ ...first, result: { ...first.result, hits, problems: scanned.flatMap((o) => o.result.problems) }, problems: first.problems });
  }
  return out;
}

/**
 * In one thread, a secret found by any rule is masked in every snippet of its line. Agents see only their
 * own pack, so a line's snippets may differ: use the masked one for all; if packs masked different secrets,
 * show none rather than leak one.
 */
function maskAcrossPacks(hits: { line?: number; snippet?: string }[]): void {
  const byLine = new Map<number, { line?: number; snippet?: string }[]>();
  for (const h of hits) if (h.line !== undefined && h.snippet !== undefined) byLine.set(h.line, [...(byLine.get(h.line) ?? []), h]);
  for (const list of byLine.values()) {
    const distinct = new Set(list.map((h) => h.snippet));
    if (distinct.size < 2) continue;
    const masked = [...distinct].filter((s): s is string => s !== undefined && MASK.test(s));
    const safe = masked.length === 1 ? masked[0] : masked.length > 1 ? '[snippet withheld: several credentials on this line]' : undefined;
    if (safe !== undefined) for (const h of list) h.snippet = safe;
  }
}
