// Scans started from the UI run as a child `sentrik scan` process: the server stays responsive, and the run is
// recorded by exactly the code path the CLI uses. One scan at a time; the UI polls the job for progress.
import { spawn, type ChildProcess } from 'node:child_process';

/** How long a stopped scan may take to exit on SIGTERM before it is killed outright. */
const STOP_GRACE_MS = 3000;

export interface CliLauncher {
  /** The node binary and the sentrik launcher script. */
  node: string;
  script: string;
  env: Record<string, string | undefined>;
}

export interface Job {
  id: number;
  state: 'running' | 'done' | 'failed';
  reason: string;
  startedAt: number;
  endedAt?: number;
  exitCode?: number;
  /** Last lines the scan printed to stderr (problems, warnings, errors). */
  log: string[];
}

export class ScanJobs {
  private readonly jobs = new Map<number, Job>();
  private next = 1;
  private current?: Job;
  private child?: ChildProcess;

  constructor(
    private readonly launcher: CliLauncher,
    private readonly root: string,
  ) {}

  /** Start a scan, or return the one already running. */
  start(reason: string): Job {
    if (this.current?.state === 'running') return this.current;
    const job: Job = { id: this.next++, state: 'running', reason, startedAt: Date.now(), log: [] };
    this.jobs.set(job.id, job);
    this.current = job;
    const child = spawn(this.launcher.node, [this.launcher.script, 'scan', this.root, '--quiet', '--no-color'], {
      cwd: this.root,
      env: this.launcher.env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      job.log.push(...text.split('\n').filter(Boolean));
      if (job.log.length > 20) job.log.splice(0, job.log.length - 20);
    });
    const finish = (code: number, message?: string): void => {
      if (job.state !== 'running') return;
      job.exitCode = code;
      job.endedAt = Date.now();
      // scan exits 0 unless it could not run.
      job.state = code === 0 ? 'done' : 'failed';
      if (message) job.log.push(message);
    };
    child.on('error', (err) => finish(2, `cannot start the scan: ${err.message}`));
    child.on('close', (code) => finish(code ?? 2));
    child.on('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    return job;
  }

  /**
   * Stop the running scan, if any, and resolve when its process has exited: the dashboard is shutting down,
   * and a child left running (its stderr pipe open) would keep the server's process alive until it ends.
   */
  stop(): Promise<void> {
    const child = this.child;
    const job = this.current;
    // No pid: the spawn failed, and no 'exit' will come.
    if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    if (job?.state === 'running') job.log.push('stopped: the dashboard is shutting down');
    return new Promise((resolve) => {
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(killer);
        // A grandchild holding the pipe must not keep this process alive either.
        child.stderr?.destroy();
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  get(id: number): Job | undefined {
    return this.jobs.get(id);
  }

  running(): Job | undefined {
    return this.current?.state === 'running' ? this.current : undefined;
  }
}
