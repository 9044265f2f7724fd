// Worker thread: rebuilds the rule set from the pack folders once, then scans batches of files.
import { parentPort, workerData } from 'node:worker_threads';
import { loadPack } from '../packs/load.js';
import { processFile, type FileJob } from './process-file.js';
import { buildRuleSet } from './ruleset.js';
import type { WorkerInit } from './pool.js';

const init = workerData as WorkerInit;
const packs = init.packs.map((p) => loadPack(p.dir, p.builtin)).filter((p) => init.packIds.includes(p.id));
const rules = buildRuleSet(packs, init.overrides, init.toolVersion);
if (rules.hash !== init.rulesetHash) {
  // The packs changed on disk between the main thread's load and ours: refuse rather than mix results.
  parentPort!.postMessage({ type: 'error', message: 'packs changed on disk during the scan; run it again' });
} else {
  parentPort!.on('message', (msg: { id: number; jobs: FileJob[] }) => {
    const outcomes = msg.jobs.map((job) => processFile(job, rules, init.maxFileSize));
    parentPort!.postMessage({ type: 'done', id: msg.id, outcomes });
  });
  parentPort!.postMessage({ type: 'ready' });
}
