#!/usr/bin/env node
// MCP server latency, measured from the client side with the SDK's own Client over a real stdio child:
// start-up (spawn → initialize answered), check_code_snippet on a 200-line Python file and scan_file on the
// same file on disk, N calls each (after one warm-up call). Target: p95 < 50 ms after start-up.
//
//   node bench/mcp.mjs [--calls N] [--starts N] [--packs a,b] [--settle MS]      (run `npm run build` first)
//   --settle waits MS after start-up before the first call, as an agent's first call comes some time after
//   the server starts (the server prepares its rules meanwhile); default 0: the first call comes at once
//   --packs writes .sentrik/config.yaml with those standards_packs (default: zero-config detection)
//   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" passes node options to the server (profiling);
//   BENCH_STDERR=1 shows the server's stderr (per-call timings)
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const BIN = fileURLToPath(new URL('../bin/sentrik.js', import.meta.url));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const CALLS = arg('--calls', 100);
const PACKS = process.argv.includes('--packs') ? process.argv[process.argv.indexOf('--packs') + 1].split(',') : undefined;
const STARTS = arg('--starts', 10);
const SETTLE = arg('--settle', 0);
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** 200 lines of ordinary service code with a few of the mistakes agents make (so rules do real work). */
function twoHundredLines() {
  const lines = ['import os', 'import json', 'import requests', 'from flask import Flask, request', '', 'app = Flask(__name__)', ''];
  for (let i = 0; lines.length < 190; i++) {
    lines.push(
      `@app.route("/items/${i}")`,
      `def item_${i}():`,
      `    data = request.args.get("q", "")`,
      `    resp = requests.get("https://api.example.com/items/${i}", timeout=5)`,
      `    return json.dumps({"id": ${i}, "q": data, "n": len(resp.text)})`,
      '',
    );
  }
  lines.push('DB_PASSWORD = "hunter2-prod-7731"', 'requests.get("https://internal", verify=False)', 'result = eval(request.args["expr"])');
  while (lines.length < 200) lines.push('# end');
  return `${lines.slice(0, 200).join('\n')}\n`;
}

async function connect(root) {
  const transport = new StdioClientTransport({ command: process.execPath, args: [...NODE_ARGS, BIN, 'mcp-server', '--root', root], stderr: process.env.BENCH_STDERR ? 'inherit' : 'ignore' });
  const client = new Client({ name: 'bench', version: '1' });
  const t0 = performance.now();
  await client.connect(transport);
  return { client, pid: transport.pid, startMs: performance.now() - t0 };
}

/**
 * CPU milliseconds the server process has used (Linux /proc, clock ticks of 10 ms; null elsewhere). Unlike
 * wall-clock latency it barely depends on what else runs on the machine, so runs under load stay comparable.
 */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in ticks of 1/100 s
  } catch {
    return null;
  }
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { n: s.length, median: +q(0.5).toFixed(2), p95: +q(0.95).toFixed(2), max: +s[s.length - 1].toFixed(2) };
}

async function timeCalls(client, pid, name, args) {
  const t0 = performance.now();
  const first = await client.callTool({ name, arguments: args });
  const firstMs = +(performance.now() - t0).toFixed(2);
  if (first.isError) throw new Error(`${name}: ${first.content[0]?.text}`);
  const samples = [];
  const cpu0 = cpuMs(pid);
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now();
    await client.callTool({ name, arguments: args });
    samples.push(performance.now() - t0);
  }
  const cpu1 = cpuMs(pid);
  const serverCpuPerCall = cpu0 === null || cpu1 === null ? null : +((cpu1 - cpu0) / CALLS).toFixed(1);
  return { first: firstMs, ...stats(samples), serverCpuPerCall, findings: first.structuredContent.findings.length };
}

const root = mkdtempSync(join(tmpdir(), 'sentrik-bench-mcp-'));
try {
  const code = twoHundredLines();
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'service.py'), code);
  if (PACKS) {
    mkdirSync(join(root, '.sentrik'));
    writeFileSync(join(root, '.sentrik', 'config.yaml'), `standards_packs: [${PACKS.join(', ')}]\n`);
  }

  const starts = [];
  for (let i = 0; i < STARTS; i++) {
    const { client, startMs } = await connect(root);
    starts.push(startMs);
    await client.close();
  }
  const { client, pid } = await connect(root);
  await new Promise((done) => setTimeout(done, SETTLE));
  const load = [loadavg()[0]];
  const results = {
    startup: stats(starts),
    check_code_snippet: await timeCalls(client, pid, 'check_code_snippet', { code, filename: 'src/new_service.py' }),
    scan_file: await timeCalls(client, pid, 'scan_file', { path: 'src/service.py' }),
  };
  await client.close();
  load.push(loadavg()[0]);
  // 2 CPUs shared with other work: the 1-minute load average before and after the calls says how comparable runs are.
  process.stdout.write(`${JSON.stringify({ node: process.version, calls: CALLS, lines: 200, packs: PACKS ?? 'detected', settleMs: SETTLE, loadavg: load, ms: results }, null, 2)}\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
