// Spreads file jobs over worker threads in small batches (so a few large files don't leave a core idle).
// The calling thread takes batches too, so `threads` threads use threads - 1 workers: each worker holds its
// own copy of the modules and compiled rules, and a scan's memory is mostly that.
//
// The workers live as long as the process and are reused by every scan it runs (watch, MCP server): the RE2
// addon crashes the process when it is loaded into a new worker after another worker that loaded it has
// exited, so a worker is never stopped and a dead one is never replaced. Idle workers are unref'd so they
// never keep the process alive.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { releaseSyntaxTrees } from './ast/parse.js';
import { processFile, type FileJob, type FileOutcome } from './process-file.js';
import type { RuleOverride, RuleSet } from './ruleset.js';

export interface WorkerInit {
  packs: { dir: string; builtin: boolean }[];
  packIds: string[];
  /** agent_scan: every pack enabled in the scan (see RuleSetOptions.enabled). */
  enabled?: { dir: string; builtin: boolean }[];
  overrides: Record<string, Record<string, RuleOverride>>;
  toolVersion: string;
  rulesetHash: string;
  maxFileSize: number;
}

export type WorkerRequest = { type: 'init'; init: WorkerInit } | { type: 'batch'; jobs: FileJob[] };
export type WorkerReply = { type: 'ready' } | { type: 'done'; outcomes: FileOutcome[] } | { type: 'error'; message: string };

const BATCH = 48;

/** The compiled worker script; absent when running from TypeScript sources (tests), then we stay in-process. */
export function workerScript(): string | undefined {
  const path = fileURLToPath(new URL('./scan-worker.js', import.meta.url));
  return existsSync(path) ? path : undefined;
}

const live: Worker[] = [];
let lost = false;
let busy = false;

/** Up to `n` workers: existing ones first; new ones only while no worker has ever died in this process. */
function acquire(n: number): Worker[] {
  const script = workerScript()!;
  while (live.length < n && !lost) {
    const w = new Worker(script);
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
  init: Omit<WorkerInit, 'packs' | 'packIds' | 'rulesetHash'>,
  onOutcome: (o: FileOutcome) => void,
): Promise<void> {
  if (busy) throw new Error('another parallel scan is running in this process');
  busy = true;
  const data: WorkerInit = {
    ...init,
    packs: rules.packs.map((p) => ({ dir: p.dir, builtin: p.builtin })),
    packIds: rules.packs.map((p) => p.id),
    rulesetHash: rules.hash,
  };
  const workers = acquire(threads - 1);
  if (workers.length === 0) {
    busy = false;
    throw new Error('no scan worker is available (one stopped earlier in this process)');
  }
  let next = 0;
  // Set on the first failure (and at the end): no worker gets another batch, and this thread stops its own.
  let stopped = false;
  try {
    await Promise.all([...workers.map((w) => drive(w)), driveHere()]);
  } finally {
    stopped = true;
    for (const w of workers) w.unref();
    busy = false;
  }

  /** This thread's share: a batch at a time, one file per turn of the event loop so workers are answered. */
  async function driveHere(): Promise<void> {
    while (next < jobs.length && !stopped) {
      const slice = jobs.slice(next, next + BATCH);
      next += slice.length;
      for (const job of slice) {
        if (stopped) return;
        onOutcome(processFile(job, rules, init.maxFileSize));
        releaseSyntaxTrees();
        await new Promise(setImmediate); // also what frees the syntax trees (see ast/parse.ts)
      }
    }
  }

  function drive(w: Worker): Promise<void> {
    w.ref();
    return new Promise<void>((resolve, reject) => {
      const done = (err?: Error): void => {
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        if (err) {
          stopped = true;
          reject(err);
        } else resolve();
      };
      const send = (): void => {
        if (next >= jobs.length || stopped) return done();
        const slice = jobs.slice(next, next + BATCH);
        next += slice.length;
        w.postMessage({ type: 'batch', jobs: slice } satisfies WorkerRequest);
      };
      const onMessage = (msg: WorkerReply): void => {
        if (msg.type === 'error') done(new Error(msg.message));
        else if (msg.type === 'ready') send();
        else {
          for (const o of msg.outcomes) onOutcome(o);
          send();
        }
      };
      const onError = (err: Error): void => done(err);
      const onExit = (code: number): void => done(new Error(`scan worker stopped with code ${code}`));
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage({ type: 'init', init: data } satisfies WorkerRequest);
    });
  }
}
