// Runs a command and measures its wall time and peak resident memory (RSS).
//
// Wall time: a monotonic clock around spawn → exit, taken in this process.
// Peak RSS, preferred method: GNU time (`/usr/bin/time -f %M`), i.e. ru_maxrss from wait4(): the peak RSS of
// the command, or of its largest waited-for descendant if that is bigger (a maximum over processes, not a sum;
// sentrik and secretlint are single processes with worker threads, so this is their whole footprint).
// Fallback when GNU time is missing: poll /proc every 20 ms for the command's process tree and keep the
// larger of the summed VmRSS and the largest single VmHWM (approximate: a peak shorter than the interval
// can be missed).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';

/** Which RSS method is available here: 'gnu-time' or 'proc-poll'. */
export function rssMethod() {
  if (!existsSync(GNU_TIME)) return 'proc-poll';
  const probe = spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' });
  return probe.status === 0 && /^\d+\s*$/m.test(probe.stderr) ? 'gnu-time' : 'proc-poll';
}

/**
 * Runs `cmd args` once.
 * @returns {Promise<{ok: boolean, code: number|null, timedOut: boolean, seconds: number, rssMB: number|null,
 *   stdout: string, stderrTail: string}>}
 */
export async function measureOnce(cmd, args, { cwd, env, timeoutSec = 600, method = rssMethod(), okCodes = [0] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sentrik-bench-run-'));
  const outFile = join(dir, 'stdout');
  const errFile = join(dir, 'stderr');
  const timeFile = join(dir, 'time');
  const out = openSync(outFile, 'w');
  const err = openSync(errFile, 'w');
  const [file, argv] = method === 'gnu-time' ? [GNU_TIME, ['-f', '%M', '-o', timeFile, cmd, ...args]] : [cmd, args];
  try {
    const started = performance.now();
    // Detached = its own process group, so a timeout can kill the whole tree.
    const child = spawn(file, argv, { cwd, env: env ?? process.env, stdio: ['ignore', out, err], detached: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }, timeoutSec * 1000);
    const poller = method === 'proc-poll' ? pollTreeRss(child.pid) : undefined;
    const code = await new Promise((resolve) => {
      child.on('error', () => resolve(null));
      child.on('close', (c) => resolve(c));
    });
    const seconds = (performance.now() - started) / 1000;
    clearTimeout(timer);
    let rssMB = null;
    if (poller) rssMB = poller.stop() / 1024;
    else if (existsSync(timeFile)) {
      // GNU time writes "Command exited with non-zero status N" before the format line.
      const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop();
      if (/^\d+$/.test(last)) rssMB = Number(last) / 1024;
    }
    closeSync(out);
    closeSync(err);
    const stderr = readFileSync(errFile, 'utf8');
    return {
      ok: !timedOut && okCodes.includes(code),
      code,
      timedOut,
      seconds,
      rssMB,
      stdout: readFileSync(outFile, 'utf8').slice(0, 1 << 20),
      stderrTail: stderr.trim().split('\n').slice(-5).join('\n'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Polls the RSS of `pid` and its descendants until stop(); returns the peak in kB. */
function pollTreeRss(rootPid) {
  let peakKB = 0;
  const sample = () => {
    let sum = 0;
    for (const pid of treePids(rootPid)) {
      const status = readStatus(pid);
      sum += status.VmRSS ?? 0;
      peakKB = Math.max(peakKB, status.VmHWM ?? 0);
    }
    peakKB = Math.max(peakKB, sum);
  };
  const timer = setInterval(sample, 20);
  sample();
  return { stop: () => { clearInterval(timer); return peakKB; } };
}

function treePids(rootPid) {
  const pids = [rootPid];
  for (let i = 0; i < pids.length; i++) {
    let tasks = [];
    try { tasks = readdirSync(`/proc/${pids[i]}/task`); } catch { continue; }
    for (const tid of tasks) {
      try {
        const kids = readFileSync(`/proc/${pids[i]}/task/${tid}/children`, 'utf8').trim();
        if (kids) pids.push(...kids.split(/\s+/).map(Number));
      } catch { /* task ended */ }
    }
  }
  return pids;
}

function readStatus(pid) {
  const fields = {};
  try {
    for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
      const m = /^(VmRSS|VmHWM):\s+(\d+) kB/.exec(line);
      if (m) fields[m[1]] = Number(m[2]);
    }
  } catch { /* process ended */ }
  return fields;
}

/**
 * Runs a command `runs` times (after `warmups` unmeasured runs) and summarises.
 * `before` runs before every run (measured or not), e.g. to delete a cache.
 * Stops at the first failure or timeout and reports it.
 */
export async function measure(cmd, args, { runs = 5, warmups = 0, before, ...opts } = {}) {
  const samples = [];
  for (let i = 0; i < warmups + runs; i++) {
    if (before) before();
    const r = await measureOnce(cmd, args, opts);
    if (!r.ok) return { ok: false, timedOut: r.timedOut, code: r.code, seconds: r.seconds, stderrTail: r.stderrTail, samples, last: r };
    if (i >= warmups) samples.push(r);
  }
  const secs = samples.map((s) => s.seconds);
  const rss = samples.map((s) => s.rssMB).filter((x) => x !== null);
  return {
    ok: true,
    runs: samples.length,
    median: median(secs),
    min: Math.min(...secs),
    max: Math.max(...secs),
    rssMB: rss.length ? Math.max(...rss) : null,
    samples: secs,
    last: samples[samples.length - 1],
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
