// `sentrik watch [PATH]`: re-scan on file changes, re-check dependencies periodically, fix new advisories
// (working tree, or one pull request per advisory set). Signal handling lives here: SIGINT/SIGTERM abort
// the loop, which finishes the step it is in and returns.
import { InvalidArgumentError, type Command } from 'commander';
import { defaultDbDir, readManifest } from '../../advisories/db.js';
import type { UpgradeLevel } from '../../advisories/fix.js';
import { SentrikError } from '../../util/errors.js';
import { loadEffectiveConfig, resolveProjectDir } from '../context.js';
import { EXIT, type CliIO } from '../io.js';
import { addNetworkOptions, checkCaFlags, netClientFor, type NetworkFlags } from '../network.js';
import { intOption } from '../options.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

interface WatchFlags extends NetworkFlags {
  interval: number;
  poll?: boolean;
  vulns?: boolean;
  vulnInterval: number;
  db?: string;
  fix?: boolean;
  createPr?: boolean;
  base?: string;
  upgrade: string;
  once?: boolean;
  cycles?: number;
}

function secondsOption(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0.1 || n > 30 * 86_400) throw new InvalidArgumentError('expected seconds between 0.1 and 2592000');
  return n;
}

export function registerWatchCommands(program: Command, io: CliIO, run: Run): void {
  const watch = program
    .command('watch')
    .description('re-scan on file changes and re-check dependencies periodically; print only what is new or resolved (Ctrl-C stops)')
    .argument('[path]', 'project directory (default: the current directory)')
    .option('--interval <seconds>', 'least time between two scans; also the polling period', secondsOption, 2)
    .option('--poll', 'poll files by modification time instead of file-system events (network drives, some containers)')
    .option('--vulns', 'also re-check dependencies against the offline OSV database (see `sentrik vulns db import`)')
    .option('--vuln-interval <seconds>', 'time between dependency checks (a lockfile change triggers one at once)', secondsOption, 3600)
    .option('--db <dir>', 'advisory database folder (default: $SENTRIK_OSV_DB, else ~/.cache/sentrik/osv)')
    .option('--fix', 'fix new advisories with the smallest safe upgrade (implies --vulns); edits the working tree unless --create-pr')
    .option('--create-pr', "with --fix: commit each new advisory set's fix to a branch sentrik/fix-<hash>, push it to origin and open a pull request (GITHUB_TOKEN)")
    .option('--base <branch>', 'branch the pull requests merge into (default: the checked-out branch)')
    .option('--upgrade <level>', 'largest upgrade a fix may make: patch, minor or major', 'minor')
    .option('--once', 'run one cycle (scan and dependency check) and exit; same as --cycles 1')
    .option('--cycles <n>', 'exit after n cycles (CI, tests); exit code 2 if any cycle reported an error', intOption);
  // The network options only matter for --create-pr (the GitHub API); the scans and the OSV checks are offline.
  addNetworkOptions(watch).action(run((path: string | undefined, flags: WatchFlags) => watchCommand(io, path, flags)));
}

async function watchCommand(io: CliIO, path: string | undefined, flags: WatchFlags): Promise<number> {
  if (flags.createPr && !flags.fix) throw new SentrikError('--create-pr needs --fix', undefined, undefined, 'run `sentrik watch --vulns --fix --create-pr`');
  if (flags.base && !flags.createPr) throw new SentrikError('--base only applies with --create-pr');
  if (flags.once && flags.cycles) throw new SentrikError('choose one of --once and --cycles');
  const level = flags.upgrade;
  if (level !== 'patch' && level !== 'minor' && level !== 'major') throw new SentrikError(`unknown upgrade level '${level}'`, undefined, undefined, 'use patch, minor or major');
  const root = resolveProjectDir(io, path);

  // Warnings of the configuration are shown once, not on every reload.
  const shown = new Set<string>();
  const quietIO: CliIO = { ...io, stderr: (t) => (shown.has(t) ? undefined : (shown.add(t), io.stderr(t))) };
  const loadConfig = () => loadEffectiveConfig(quietIO, root, {}).config;
  const config = loadConfig(); // a broken configuration stops here, with its file and line
  checkCaFlags(io, flags);
  // --create-pr talks to the GitHub API through the one outbound client, so the network policy holds.
  const net = flags.createPr ? netClientFor(io, config, flags) : undefined;
  if (net?.policy === 'off') {
    const why = flags.network ? '--network off' : config.network ? 'network: off in the configuration' : 'network is off by default in CI';
    throw new SentrikError(`--create-pr needs the GitHub API, but ${why}`, undefined, undefined, 'allow it with `network: on`, SENTRIK_NETWORK=on or --network on');
  }

  const wantVulns = flags.vulns || flags.fix;
  const db = defaultDbDir(io.env, io.cwd, flags.db);
  if (wantVulns && !readManifest(db)) throw new SentrikError('no offline advisory database', db, undefined, 'run `sentrik vulns db import <all.zip|dir>` first (or pass --db DIR)');

  const stop = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    io.stderr(`sentrik watch: ${sig}, stopping\n`);
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const [{ runWatch }, { pullRequestSetup }] = await Promise.all([import('../../watch/watch.js'), import('../../watch/pull-request.js')]);
    const pullRequests = net ? await pullRequestSetup(root, io.env, { base: flags.base, signal: stop.signal, log: (m) => io.stderr(`sentrik watch: github: ${m}\n`), fetch: net.fetchOnce }) : undefined;
    const summary = await runWatch(
      {
        root,
        loadConfig,
        intervalMs: flags.interval * 1000,
        poll: flags.poll,
        vulns: wantVulns ? { db, intervalMs: flags.vulnInterval * 1000, level: level as UpgradeLevel, fix: flags.fix, pullRequests } : undefined,
        cycles: flags.once ? 1 : flags.cycles,
        out: (line) => io.stdout(`${line}\n`),
        err: (line) => io.stderr(`sentrik watch: ${line}\n`),
      },
      stop.signal,
    );
    io.stderr(`sentrik watch: stopped after ${summary.cycles} cycle${summary.cycles === 1 ? '' : 's'}${summary.pullRequests.length ? `, ${summary.pullRequests.length} pull request${summary.pullRequests.length === 1 ? '' : 's'} opened` : ''}${summary.errors ? `, ${summary.errors} error${summary.errors === 1 ? '' : 's'}` : ''}\n`);
    // A bounded run (CI) must not hide a failed step; an interactive watch stopped by the user ends cleanly.
    return (flags.once || flags.cycles) && summary.errors ? EXIT.ERROR : EXIT.OK;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
