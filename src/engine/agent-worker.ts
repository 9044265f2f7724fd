// Worker thread for agent_scan: runs one pack at a time, as the main thread asks — load a pack, then scan
// batches of files with it — so a few long-lived workers serve every pack (see agents.ts).
import { parentPort } from 'node:worker_threads';
import { loadPack } from '../packs/load.js';
import { processFile, type FileJob } from './process-file.js';
import { buildRuleSet, type RuleOverride, type RuleSet } from './ruleset.js';

export type AgentMessage =
  | { type: 'pack'; dir: string; builtin: boolean; overrides: Record<string, Record<string, RuleOverride>>; toolVersion: string; rulesetHash: string }
  | { type: 'batch'; jobs: FileJob[]; maxFileSize: number };

let rules: RuleSet | undefined;
parentPort!.on('message', (msg: AgentMessage) => {
  try {
    if (msg.type === 'pack') {
      rules = buildRuleSet([loadPack(msg.dir, msg.builtin)], msg.overrides, msg.toolVersion);
      // The pack changed on disk since the main thread loaded it: refuse rather than mix results.
      if (rules.hash !== msg.rulesetHash) parentPort!.postMessage({ type: 'error', message: 'the pack changed on disk during the scan; run it again' });
      else parentPort!.postMessage({ type: 'ready' });
    } else {
      parentPort!.postMessage({ type: 'done', outcomes: msg.jobs.map((job) => processFile(job, rules!, msg.maxFileSize)) });
    }
  } catch (err) {
    parentPort!.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
