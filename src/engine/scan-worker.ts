// Worker thread (see pool.ts): builds the scan's rule set from the pack folders when asked (kept while the
// same rule set is asked for again), then scans batches of files.
import { parentPort } from 'node:worker_threads';
import { loadPack } from '../packs/load.js';
import { releaseSyntaxTrees } from './ast/parse.js';
import { processFile, type FileJob, type FileOutcome } from './process-file.js';
import { buildRuleSet, type RuleSet } from './ruleset.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './pool.js';
import { errorMessage } from '../util/errors.js';

let current: { init: WorkerInit; rules: RuleSet } | undefined;
/** Set by a successful init: batches are refused until then (and after a refused init). */
let ready = false;
/** Batches run one after another: the pool queues the next one here while this one runs. */
let queue: Promise<void> = Promise.resolve();

function rulesFor(init: WorkerInit): RuleSet {
  const packs = init.packs.map((p) => loadPack(p.dir, p.builtin, p.prefix)).filter((p) => init.packIds.includes(p.id));
  const enabled = init.enabled?.map((p) => loadPack(p.dir, p.builtin, p.prefix));
  return buildRuleSet(packs, init.overrides, init.toolVersion, enabled ? { enabled } : {});
}

/**
 * Scans a batch of files. Syntax trees are freed only when the event loop turns (see ast/parse.ts), so after
 * every few MB of parsed source the batch pauses for one turn instead of holding all its trees until the end.
 */
async function scanBatch(jobs: FileJob[], rules: RuleSet, maxFileSize: number): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = [];
  for (const job of jobs) {
    outcomes.push(processFile(job, rules, maxFileSize));
    if (releaseSyntaxTrees()) await new Promise((resolve) => setImmediate(resolve));
  }
  return outcomes;
}

const reply = (msg: WorkerReply): void => parentPort!.postMessage(msg);
parentPort!.on('message', (msg: WorkerRequest) => {
  const run = msg.run;
  if (msg.type === 'init') {
    ready = false;
    try {
      if (current?.init.rulesetHash !== msg.init.rulesetHash || current.init.maxFileSize !== msg.init.maxFileSize) {
        current = { init: msg.init, rules: rulesFor(msg.init) };
      }
      // The packs changed on disk between the main thread's load and ours: refuse rather than mix results.
      if (current.rules.hash !== msg.init.rulesetHash) reply({ type: 'error', run, message: 'packs changed on disk during the scan; run it again' });
      else {
        ready = true;
      }
    } catch (err) {
      reply({ type: 'error', run, message: errorMessage(err) });
    }
    return;
  }
  if (!ready || !current) return reply({ type: 'error', run, message: 'the scan worker has no rule set' });
  const { rules, init } = current;
  const jobs = msg.jobs;
  queue = queue.then(() =>
    scanBatch(jobs, rules, init.maxFileSize).then(
      (outcomes) => reply({ type: 'done', run, outcomes }),
      (err: unknown) => reply({ type: 'error', run, message: errorMessage(err) }),
    ),
  );
});
