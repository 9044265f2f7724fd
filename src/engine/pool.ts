// Spreads file jobs over worker threads in small batches — a few files or a few hundred KB each — taken in the
// order given (the scanner puts the largest files first), so at the end only small batches are left and the
// threads finish together. The calling thread takes batches too, so `threads` threads use threads - 1
// workers: each worker holds its own copy of the modules and compiled rules, and a scan's memory is mostly that.
//
// The workers live as long as the process and are reused by every scan it runs (watch, MCP server), agent_scan's
// per-pack runs included (agents.ts borrows them and has each load one pack): the RE2
// addon crashes the process when it is loaded into a new worker after another worker that loaded it has
// exited, so a worker is stopped only when the process will scan no more (stopWorkers) and a dead one is
// never replaced. Idle workers are unref'd so they never keep the process alive.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { releaseSyntaxTrees } from './ast/parse.js';
import { processFile, type FileJob, type FileOutcome } from './process-file.js';
import type { RuleOverride, RuleSet } from './ruleset.js';

export interface WorkerInit {
  packs: { dir: string; builtin: boolean; prefix: string }[];
  packIds: string[];
  /** agent_scan: every pack enabled in the scan (see RuleSetOptions.enabled). */
  enabled?: { dir: string; builtin: boolean; prefix: string }[];
  overrides: Record<string, Record<string, RuleOverride>>;
  toolVersion: string;
  rulesetHash: string;
  maxFileSize: number;
}

/** What a scan tells its workers besides the rule set. */
export type WorkerSettings = Omit<WorkerInit, 'packs' | 'packIds' | 'rulesetHash'>;

/** `run` numbers a runInWorkers call: a worker's late reply to an earlier, failed run is told apart. */
export type WorkerRequest = { type: 'init'; run: number; init: WorkerInit } | { type: 'batch'; run: number; jobs: FileJob[] };
export type WorkerReply = { type: 'done'; run: number; outcomes: FileOutcome[] } | { type: 'error'; run: number; message: string };

/** A batch ends at this many files or once it holds this many bytes (one large file is a batch of its own). */
const BATCH_FILES = 48;
const BATCH_BYTES = 256 * 1024;
/** Batches queued at each worker: one to work on, one waiting. */
const PREFETCH = 2;
/**
 * A worker's young generation (MB). V8 lets it grow to 48 MB, which a worker keeps for the whole scan although
 * a file's garbage is a few MB (and syntax trees are collected by a forced full collection anyway, see
 * releaseSyntaxTrees): 8 MB cut the scan's peak by some 20 MB at no measurable CPU cost.
 */
const WORKER_YOUNG_GENERATION_MB = 8;

/** The compiled worker script; absent when running from TypeScript sources (tests), then we stay in-process. */
export function workerScript(): string | undefined {
  const path = fileURLToPath(new URL('./scan-worker.js', import.meta.url));
  return existsSync(path) ? path : undefined;
}

const live: Worker[] = [];
let lost = false;
let busy = false;
let runs = 0;

/** Threads a scan of `files` files uses: at most `jobs`, and one per 50 files (a thread costs its start-up). */
export function threadsFor(files: number, jobs: number): number {
  return Math.max(1, Math.min(jobs, Math.ceil(files / 50)));
}

/**
 * Start the workers a parallel scan of `threads` threads will use, before it knows its files: their module
 * loading then overlaps the caller's discovery. Unused, they cost nothing but memory (idle workers are unref'd).
 */
export function startWorkers(threads: number): void {
  if (threads > 1 && !busy && workerScript()) for (const w of acquire(threads - 1)) w.unref();
}

/** Whether a parallel scan can get a worker (none has died or been stopped in this process, or one is left). */
export function workersAvailable(): boolean {
  return live.length > 0 || !lost;
}

/**
 * For a process that will scan no more (a CLI scan before its reports): stop the workers, so the memory they
 * hold (their heaps, syntax trees and compiled regexes) is returned before the reports are built. Later scans
 * in this process run on the calling thread.
 */
export async function stopWorkers(): Promise<void> {
  if (busy) return;
  lost = true;
  await Promise.all(live.splice(0).map((w) => w.terminate()));
}

/** Up to `n` workers: existing ones first; new ones only while no worker has ever died in this process. */
function acquire(n: number): Worker[] {
  const script = workerScript()!;
  while (live.length < n && !lost) {
    const w = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    w.on('exit', () => {
      lost = true;
      const i = live.indexOf(w);
      if (i !== -1) live.splice(i, 1);
    });
    w.on('error', () => undefined); // reported to the scan that uses it (see runBatches)
    live.push(w);
  }
  return live.slice(0, n);
}

export async function runInWorkers(
  jobs: FileJob[],
  threads: number,
  rules: RuleSet,
  init: WorkerSettings,
  onOutcome: (o: FileOutcome) => void,
  /** Work for this thread before its first batch (the workers start on theirs meanwhile). */
  first?: () => void,
): Promise<void> {
  const { workers, release } = borrowWorkers(threads - 1);
  const run = nextRun();
  const data = workerInit(rules.packs, rules.hash, init);
  let next = 0;
  const nextBatch = (): FileJob[] | undefined => {
    if (next >= jobs.length || stopped) return undefined;
    const start = next;
    let bytes = 0;
    while (next < jobs.length && next - start < BATCH_FILES && bytes < BATCH_BYTES) bytes += jobs[next++].size ?? 0;
    return jobs.slice(start, next);
  };
  // Set on the first failure (and at the end): no worker gets another batch, and this thread stops its own.
  let stopped = false;
  try {
    await Promise.all([
      ...workers.map((w) =>
        driveWorker(w, run, data, nextBatch, onOutcome).catch((err: unknown) => {
          stopped = true;
          throw err;
        }),
      ),
      driveHere(),
    ]);
  } finally {
    stopped = true;
    release();
  }

  /** This thread's share: a batch at a time, one file per turn of the event loop so workers are answered. */
  async function driveHere(): Promise<void> {
    first?.();
    for (let slice = nextBatch(); slice; slice = nextBatch()) {
      for (const job of slice) {
        if (stopped) return;
        onOutcome(processFile(job, rules, init.maxFileSize));
        releaseSyntaxTrees();
        await new Promise(setImmediate); // also what frees the syntax trees (see ast/parse.ts)
      }
    }
  }
}

/**
 * Up to `n` of the long-lived workers, for one parallel scan or agent run at a time; `release` lets the process
 * exit while they idle. Throws when none can be had (one died or was stopped earlier in this process).
 */
export function borrowWorkers(n: number): { workers: Worker[]; release: () => void } {
  if (busy) throw new Error('another parallel scan is running in this process');
  const workers = acquire(n);
  if (workers.length === 0) throw new Error('no scan worker is available (one stopped earlier in this process)');
  busy = true;
  for (const w of workers) w.ref();
  return {
    workers,
    release: () => {
      for (const w of workers) w.unref();
      busy = false;
    },
  };
}

/** The message that has a worker build a rule set: the packs' folders, not the compiled rules. */
export function workerInit(packs: RuleSet['packs'], rulesetHash: string, settings: WorkerSettings): WorkerInit {
  return { ...settings, packs: packs.map((p) => ({ dir: p.dir, builtin: p.builtin, prefix: p.prefix })), packIds: packs.map((p) => p.id), rulesetHash };
}

/** The worker died or was stopped (its run outlived the time limit): it is out of the pool for good. */
export class WorkerGone extends Error {}
export class WorkerTimeout extends WorkerGone {}

/**
 * Take a worker out of the pool at once — not when its 'exit' event comes, which a worker busy in native code
 * (a parse) sends late — so no later scan borrows it; no new worker replaces it (see the top of this file).
 */
function retire(w: Worker): void {
  lost = true;
  const i = live.indexOf(w);
  if (i !== -1) live.splice(i, 1);
  void w.terminate();
}

/**
 * Have worker `w` build the rule set `init` describes, then scan what `take` hands out, a batch at a time with
 * PREFETCH batches queued ahead (so it never waits while the caller is busy), until `take` returns nothing.
 * Past `timeoutMs` the worker is stopped (a runaway rule cannot be interrupted otherwise) and the promise
 * rejects with WorkerTimeout; a worker that dies rejects it with WorkerGone (both retire the worker); the
 * worker's own error reply rejects with a plain Error. `run` tells this run's replies from late ones.
 */
export function driveWorker(
  w: Worker,
  run: number,
  init: WorkerInit,
  take: () => FileJob[] | undefined,
  onOutcome: (o: FileOutcome) => void,
  timeoutMs?: number,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let inFlight = 0;
    let taken = true;
    const done = (err?: Error): void => {
      clearTimeout(timer);
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
      if (err instanceof WorkerGone) retire(w);
      if (err) reject(err);
      else resolve();
    };
    const send = (): void => {
      const jobs = taken ? take() : undefined;
      if (jobs) {
        w.postMessage({ type: 'batch', run, jobs } satisfies WorkerRequest);
        inFlight++;
      } else {
        taken = false;
        if (inFlight === 0) done();
      }
    };
    const onMessage = (msg: WorkerReply): void => {
      if (msg.run !== run) return;
      if (msg.type === 'error') done(new Error(msg.message));
      else if (msg.type === 'done') {
        inFlight--;
        for (const o of msg.outcomes) onOutcome(o);
        send();
      }
    };
    const onError = (err: Error): void => done(new WorkerGone(err.message));
    const onExit = (code: number): void => done(new WorkerGone(`scan worker stopped with code ${code}`));
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => done(new WorkerTimeout(`no result within ${timeoutMs / 1000} s`)), timeoutMs);
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    w.postMessage({ type: 'init', run, init } satisfies WorkerRequest);
    for (let i = 0; i < PREFETCH; i++) send();
  });
}

/** A new run number (see WorkerRequest). */
export function nextRun(): number {
  return ++runs;
}
