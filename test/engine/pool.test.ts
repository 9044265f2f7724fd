// Worker threads are reused across scans in one process (watch, MCP server): a second parallel scan must
// work and must not crash the process (RE2 crashes when loaded into a worker after another one exited).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { project, REPO } from '../cli/helpers.js';

describe('worker pool', () => {
  it('runs several parallel scans in one process with the same findings, and scans on after the workers stop', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`src/m${i}.js`] = i % 50 === 0 ? 'eval(req.body.x);\n' : `export const v${i} = ${i};\n`;
    const root = project(files);
    const script = `
      const { runScan } = await import(${JSON.stringify(join(REPO, 'dist/run/scan.js'))});
      const { loadConfig } = await import(${JSON.stringify(join(REPO, 'dist/config/load.js'))});
      const { config } = loadConfig({ root: ${JSON.stringify(root)}, env: {} });
      const counts = [];
      const { stopWorkers } = await import(${JSON.stringify(join(REPO, 'dist/engine/pool.js'))});
      for (let i = 0; i < 4; i++) {
        // The last scan runs after the workers were stopped: on this thread, with the same findings.
        if (i === 3) await stopWorkers();
        const r = await runScan({ root: ${JSON.stringify(root)}, config, scope: { mode: 'paths', paths: [] }, packs: ['owasp-top-10'], noCache: true, jobs: 2 });
        counts.push([r.metrics.jobs, r.findings.filter((f) => f.ruleId === 'OWASP-A03-001').length]);
      }
      console.log(JSON.stringify(counts));`;
    const file = join(root, 'run-scans.mjs');
    writeFileSync(file, script);
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual([[2, 6], [2, 6], [2, 6], [2, 6]]);
  });
});

describe('agent_scan on the pool', () => {
  it('runs agent scans and parallel scans one after another in one process, with the same findings each time', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 250; i++) files[`src/m${i}.py`] = i % 50 === 0 ? `import requests\nr = requests.get("https://x", verify=False)\ntoken = "ghp_${'a1B2c3D4e5'.repeat(3)}abcdef"\n` : `v${i} = ${i}\n`;
    // A Dockerfile: rules that judge by file kind (each agent works out only its own pack's kinds).
    files.Dockerfile = 'FROM node:latest\n';
    const root = project(files);
    // The second agent scan segfaulted when agents had workers of their own (RE2 in a new worker after one exited).
    const script = `
      const { runScan } = await import(${JSON.stringify(join(REPO, 'dist/run/scan.js'))});
      const { loadConfig } = await import(${JSON.stringify(join(REPO, 'dist/config/load.js'))});
      const { config } = loadConfig({ root: ${JSON.stringify(root)}, env: {} });
      const runs = [];
      for (const agentScan of [true, true, false, true]) {
        const r = await runScan({ root: ${JSON.stringify(root)}, config: { ...config, agent_scan: agentScan }, scope: { mode: 'paths', paths: [] }, packs: ['secrets', 'supply-chain-security'], noCache: true, jobs: 2 });
        runs.push([r.findings.length, r.problems.length, r.metrics.rulesNotApplied]);
      }
      // Last: agents stopped at once judged no file (a stopped worker is not replaced in this process).
      const stopped = await runScan({ root: ${JSON.stringify(root)}, config: { ...config, agent_scan: true, agent_timeout: 0.001 }, scope: { mode: 'paths', paths: [] }, packs: ['secrets', 'supply-chain-security'], noCache: true, jobs: 2 });
      console.log(JSON.stringify({ runs, stopped: { notApplied: stopped.metrics.rulesNotApplied, packProblems: stopped.problems.filter((p) => p.code.startsWith('pack-')).length } }));`;
    const file = join(root, 'run-agents.mjs');
    writeFileSync(file, script);
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const { runs, stopped } = JSON.parse(r.stdout.trim()) as { runs: [number, number, string[]][]; stopped: { notApplied: string[]; packProblems: number } };
    expect(runs[0][0]).toBeGreaterThan(10);
    // The same rules had files to judge whether packs ran as agents, on the pool or on this thread.
    expect(runs[0][2]).toContain('SCS-CI-003'); // workflows only: there is none
    expect(runs[0][2]).not.toContain('SCS-DEP-005'); // the Dockerfile's image pin
    expect(runs).toEqual([runs[0], runs[0], runs[0], runs[0]]);
    expect(stopped.packProblems).toBeGreaterThan(0);
    // SCS-BUILD-002 (TLS verification off in Python) judged the .py files above, unless its agent was stopped.
    expect(runs[0][2]).not.toContain('SCS-BUILD-002');
    expect(stopped.notApplied).toEqual(expect.arrayContaining([...runs[0][2], 'SCS-BUILD-002']));
  });
});

describe('threads per scan', () => {
  it('uses one thread per 50 files, at most jobs — so a runner with many cores starts few workers for a small repo', async () => {
    const { threadsFor } = await import('../../src/engine/pool.js');
    expect(threadsFor(10, 8)).toBe(1);
    expect(threadsFor(200, 64)).toBe(4); // what discovery starts early, whatever the core count
    expect(threadsFor(14_300, 2)).toBe(2);
  });
});
