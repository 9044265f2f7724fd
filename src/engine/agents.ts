// agent_scan: every enabled pack runs as its own unit of work — loaded alone into a worker thread that scans
// every file with it — so one pack that crashes or runs past its time limit is stopped and reported while the
// others' findings still count. Results are merged per file; per-pack wall times go to scan_metrics.json.
// The workers are the pool's long-lived ones: RE2 crashes a process that loads it into a new worker after
// another worker that loaded it has exited, so agents of their own segfaulted the second agent scan of a watch.
import type { Worker } from 'node:worker_threads';
import type { ScanProblem } from './model.js';
import type { FileJob, FileOutcome } from './process-file.js';
import { borrowWorkers, driveWorker, nextRun, workerInit, WorkerGone, WorkerTimeout, type WorkerSettings } from './pool.js';
import { buildRuleSet, type RuleSet } from './ruleset.js';

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
  /** File rules of the packs that failed, timed out or never ran: they judged no file. */
  unfinished: string[];
}

export async function runPackAgents(jobs: FileJob[], rules: RuleSet, settings: WorkerSettings, opts: { concurrency: number; timeoutMs: number }): Promise<AgentRun> {
  // Each agent scans every file itself: the content-hash shortcut belongs to the whole rule set, not one pack.
  const plain = jobs.map(({ knownHash: _k, ...j }) => j);
  // A mapped rule of an enabled pack runs in that pack's agent only (see RuleSetOptions.enabled).
  const enabled = rules.packs.map((p) => ({ dir: p.dir, builtin: p.builtin, prefix: p.prefix }));
  const units = rules.packs
    .map((pack) => ({ pack, sub: buildRuleSet([pack], settings.overrides, settings.toolVersion, { enabled: rules.packs }) }))
    .filter((u) => u.sub.fileRules.length > 0);
  const perPackMs: Record<string, number> = {};
  const problems: ScanProblem[] = [];
  const byPack = new Map<string, FileOutcome[]>();
  // A few workers take the packs one after another; one stopped for a timeout is not replaced (see above).
  const { workers, release } = borrowWorkers(Math.max(1, Math.min(opts.concurrency, units.length)));
  let next = 0;
  const drive = async (w: Worker): Promise<void> => {
    while (next < units.length) {
      const { pack, sub } = units[next++];
      const t = Date.now();
      try {
        const out: FileOutcome[] = [];
        let sent = 0;
        const take = (): FileJob[] | undefined => (sent < plain.length ? plain.slice(sent, (sent += BATCH)) : undefined);
        await driveWorker(w, nextRun(), { ...workerInit([pack], sub.hash, settings), enabled }, take, (o) => out.push(o), opts.timeoutMs);
        byPack.set(pack.id, out);
      } catch (err) {
        const timedOut = err instanceof WorkerTimeout;
        problems.push({
          code: timedOut ? 'pack-timeout' : 'pack-error',
          message: timedOut
            ? `pack ${pack.id} did not finish within ${opts.timeoutMs / 1000} s and was stopped; its findings are missing (agent_timeout)`
            : `pack ${pack.id} failed: ${(err as Error).message}; its findings are missing`,
        });
        if (err instanceof WorkerGone) return; // this worker is gone; the others take the remaining packs
      } finally {
        perPackMs[pack.id] = Date.now() - t;
      }
    }
  };
  try {
    await Promise.all(workers.map(drive));
  } finally {
    release();
  }
  for (const u of units.slice(next)) problems.push({ code: 'pack-error', message: `pack ${u.pack.id} was not run: every agent was stopped; its findings are missing` });
  const unfinished = units.filter((u) => !byPack.has(u.pack.id)).flatMap((u) => u.sub.fileRules.map((r) => r.rule.def.id));
  return { outcomes: merge(plain, [...byPack.values()]), perPackMs, problems, complete: byPack.size === units.length, unfinished };
}

/** One outcome per file: hits, problems and kinds of every pack together; snippets of one line made equally safe. */
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
    // Each agent works out only the file kinds its own pack's rules judge by: together they are the file's.
    const kinds = [...new Set(scanned.flatMap((o) => o.result.kinds ?? []))].sort();
    const { kinds: _one, ...rest } = first.result;
    out.push({ ...first, result: { ...rest, hits, problems: scanned.flatMap((o) => o.result.problems), ...(kinds.length ? { kinds } : {}) }, problems: first.problems });
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
