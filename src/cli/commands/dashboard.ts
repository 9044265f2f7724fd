// `sentrik dashboard`: serve the run history as a local web UI. Loopback by default; any other address needs
// SENTRIK_DASHBOARD_TOKEN. The server runs until interrupted (Ctrl-C).
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { ScanJobs } from '../../dashboard/jobs.js';
import { isLoopbackHost, newToken } from '../../dashboard/security.js';
import { startDashboard } from '../../dashboard/server.js';
import { openHistory, projectKey } from '../../history/open.js';
import { SentrikError } from '../../util/errors.js';
import { CLI_SCRIPT } from '../../util/package.js';
import { resolveRoot } from '../context.js';
import { EXIT, type CliIO } from '../io.js';
import { InvalidArgumentError } from 'commander';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

interface DashboardFlags {
  host: string;
  port: number;
  open?: boolean;
  root?: string;
  project?: string;
}

function portOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number 0–65535');
  return n;
}

const BIN = CLI_SCRIPT;

export function registerDashboardCommands(program: Command, io: CliIO, run: Run): void {
  program
    .command('dashboard')
    .description('local web UI over the run history: findings, trends, packs, vulnerabilities, suppressions, audit log')
    .option('--host <address>', 'address to listen on (anything but loopback requires SENTRIK_DASHBOARD_TOKEN)', '127.0.0.1')
    .option('--port <n>', 'port (0 picks a free one)', portOption, 8000)
    .option('--no-open', 'do not open a browser (the default when stdout is not a terminal)')
    .option('--root <dir>', 'project root (default: the current directory)')
    .option('--project <name>', 'project key in a shared store (default: $SENTRIK_PROJECT, the CI repository, or the root path)')
    .action(run((flags: DashboardFlags) => dashboard(io, flags)));
}

async function dashboard(io: CliIO, flags: DashboardFlags): Promise<number> {
  const { root } = resolveRoot(io, [], flags.root);
  const given = io.env.SENTRIK_DASHBOARD_TOKEN?.trim();
  if (!isLoopbackHost(flags.host) && !given) {
    throw new SentrikError(`listening on ${flags.host} (not loopback) requires a token`, undefined, undefined, 'set SENTRIK_DASHBOARD_TOKEN to a long random value, or keep the default --host 127.0.0.1');
  }
  if (given && given.length < 16) throw new SentrikError('SENTRIK_DASHBOARD_TOKEN is too short', undefined, undefined, 'use at least 16 random characters');
  const token = given || newToken();
  const store = await openHistory({ root, env: io.env });
  const context = { root, project: flags.project ?? projectKey(root, io.env), store, env: io.env, jobs: new ScanJobs({ node: process.execPath, script: BIN, env: io.env }, root) };
  let running;
  try {
    running = await startDashboard({ host: flags.host, port: flags.port, token, context, log: (l) => io.stderr(`sentrik: ${l}\n`) });
  } catch (err) {
    await store.close();
    throw err;
  }
  // A token the user chose is not echoed; a generated one is the only way in, so it is printed.
  const link = given ? `${running.url}?token=<SENTRIK_DASHBOARD_TOKEN>` : `${running.url}?token=${token}`;
  io.stdout(`sentrik dashboard for ${root}\n  history: ${store.label}\n  open:    ${link}\nPress Ctrl-C to stop.\n`);
  if (flags.open !== false && io.isTTY && !given) openBrowser(`${running.url}?token=${token}`);

  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  // A scan started from the UI must not outlive the server (nor keep this process alive).
  await context.jobs.stop();
  await running.close();
  await store.close();
  return EXIT.OK;
}

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    /* no browser: the URL is printed */
  }
}
