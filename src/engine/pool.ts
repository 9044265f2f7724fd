// Spreads file jobs over worker threads in small batches (so a few large files don't leave a core idle).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FileJob, FileOutcome } from './process-file.js';
import type { RuleOverride, RuleSet } from './ruleset.js';

export interface WorkerInit {
  packs: { dir: string; builtin: boolean }[];
  packIds: string[];
  overrides: Record<string, Record<string, RuleOverride>>;
  toolVersion: string;
  rulesetHash: string;
  maxFileSize: number;
}

const BATCH = 48;

/** The compiled worker script; absent when running from TypeScript sources (tests), then we stay in-process. */
export function workerScript(): string | undefined {
  const path = fileURLToPath(new URL('./scan-worker.js', import.meta.url));
  return existsSync(path) ? path : undefined;
}

export async function runInWorkers(
  jobs: FileJob[],
  threads: number,
  rules: RuleSet,
  init: Omit<WorkerInit, 'packs' | 'packIds' | 'rulesetHash'>,
  onOutcome: (o: FileOutcome) => void,
): Promise<void> {
  const script = workerScript()!;
  const data: WorkerInit = {
    ...init,
    packs: rules.packs.map((p) => ({ dir: p.dir, builtin: p.builtin })),
    packIds: rules.packs.map((p) => p.id),
    rulesetHash: rules.hash,
  };
  let next = 0;
  let batchId = 0;
  const workers: Worker[] = [];
  try {
    await Promise.all(
      Array.from({ length: threads }, () =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(script, { workerData: data });
          workers.push(w);
          const send = (): void => {
            if (next >= jobs.length) {
              resolve();
              return;
            }
            const slice = jobs.slice(next, next + BATCH);
            next += slice.length;
            w.postMessage({ id: batchId++, jobs: slice });
          };
          w.on('message', (msg: { type: string; outcomes?: FileOutcome[]; message?: string }) => {
            if (msg.type === 'error') reject(new Error(msg.message));
            else if (msg.type === 'ready') send();
            else if (msg.type === 'done') {
              for (const o of msg.outcomes!) onOutcome(o);
              send();
            }
          });
          w.on('error', reject);
          w.on('exit', (code) => {
            if (code !== 0) reject(new Error(`scan worker stopped with code ${code}`));
          });
        }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
