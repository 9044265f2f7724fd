// Trust in a scan or gate result: baselines (--baseline FILE, --baseline-commit REF), proof of coverage (a gate
// that scanned nothing it was given must not pass) and the network policy for publishing to GitHub.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { SentrikConfig } from '../config/schema.js';
import { applyBaseline, loadBaseline } from '../engine/baseline.js';
import { excludeMatcher } from '../engine/discovery.js';
import type { ScanResult, ScanScope } from '../engine/model.js';
import type { NetClient } from '../net/client.js';
import { baselineAtCommit } from '../run/baseline.js';
import { scanExcludes } from '../run/scan.js';
import { SentrikError } from '../util/errors.js';
import { listSome, plural } from '../util/text.js';
import type { CliIO } from './io.js';
import { addNetworkOptions, checkCaFlags, netClientFor, type NetworkFlags } from './network.js';

export interface TrustFlags extends NetworkFlags {
  baseline?: string;
  baselineCommit?: string;
}

/** --baseline / --baseline-commit for scan and gate; --network / --ca-cert for gate (publishing). */
export function addTrustOptions(cmd: Command): Command {
  cmd
    .option('--baseline <file>', 'report only findings that are not in this baseline (see `sentrik baseline create`)')
    .option('--baseline-commit <ref>', 'report only findings that the same rules do not find at this commit (e.g. origin/main)');
  if (cmd.name() === 'gate') addNetworkOptions(cmd);
  return cmd;
}

/** Check the flags, then hide the findings the baseline knows. */
export async function applyTrustFlags(io: CliIO, root: string, config: SentrikConfig, flags: TrustFlags, result: ScanResult, packs?: string[]): Promise<void> {
  checkCaFlags(io, flags);
  if (flags.baseline && flags.baselineCommit) throw new SentrikError('choose one of --baseline and --baseline-commit', undefined, undefined, 'they name two different baselines');
  if (flags.baseline) {
    const file = resolve(io.cwd, flags.baseline);
    if (!existsSync(file)) throw new SentrikError('baseline file not found', flags.baseline, undefined, 'create it with `sentrik baseline create -o FILE`');
    applyBaseline(result, loadBaseline(file, 'regenerate it with `sentrik baseline create -o FILE`'), flags.baseline);
  } else if (flags.baselineCommit) {
    const { commit, baseline } = await baselineAtCommit(root, config, flags.baselineCommit, packs);
    applyBaseline(result, baseline, `commit ${commit.slice(0, 12)} (${flags.baselineCommit})`);
  }
}

/** Skip reasons that mean "nothing to check here", not "could not check". */
const NOTHING_TO_CHECK = new Set(['excluded', 'gitignored', 'binary', 'symlink-duplicate']);

/**
 * Proof of coverage. Returns why the run cannot vouch for what it was given, or undefined when it can:
 * - files the run was given (a non-empty staged set or diff, or files skipped because they could not be read
 *   or lie outside the root) but none scanned;
 * - files of a change (--staged, --git-range, --diff) outside the scan root (a sub-folder of the repository):
 *   the change is the repository's, so a part of it left unread is a gap even when the rest was scanned.
 */
export function coverageGap(
  result: ScanResult,
  config: Pick<SentrikConfig, 'scan_exclude' | 'output_dir'>,
  opts: { skipOutsideRoot?: boolean } = {},
): { why: string; gate: string } | undefined {
  const m = result.metrics;
  const change = isChange(m.scope);
  // --skip-outside-root: the root is the part of the change the user gates (a package of a monorepo).
  const nothingToCheck = (reason: string): boolean => NOTHING_TO_CHECK.has(reason) || (change && opts.skipOutsideRoot === true && reason === 'outside-root');
  if (change && !opts.skipOutsideRoot) {
    const outside = result.skipped.filter((s) => s.reason === 'outside-root').map((s) => s.file);
    if (outside.length) {
      const why = `${plural(outside.length, 'changed file')} outside ${result.root} ${outside.length === 1 ? 'was' : 'were'} not scanned: ${listSome(outside, 5, (n) => `, … (${n} more)`)}`;
      return { why, gate: `the gate cannot pass: ${why}` };
    }
  }
  if (m.filesScanned > 0) return undefined;
  const excluded = excludeMatcher(scanExcludes(config));
  const benign = new Set(result.skipped.filter((s) => nothingToCheck(s.reason)).map((s) => s.file));
  const missed = result.skipped.filter((s) => !nothingToCheck(s.reason) && !excluded(s.file));
  const changed = change ? m.scope.paths.filter((p) => !excluded(p) && !benign.has(p)) : [];
  const expected = new Set([...changed, ...missed.map((s) => s.file)]);
  if (!expected.size) return undefined;
  const reasons = new Map<string, number>();
  for (const s of missed) reasons.set(s.reason, (reasons.get(s.reason) ?? 0) + 1);
  const why = [...reasons].map(([r, n]) => `${n} ${r}`).join(', ') || 'none could be read';
  const gap = `scanned 0 of ${plural(expected.size, 'file')} in scope (${why}): nothing was checked`;
  return { why: gap, gate: `the gate ${gap}, so it cannot pass` };
}

/** A change (--staged, --git-range, --diff): its files are the repository's, and some may lie outside the root. */
function isChange(scope: ScanScope): boolean {
  return scope.mode === 'staged' || scope.mode === 'git-range' || scope.mode === 'diff';
}

export function coverageHint(result: ScanResult): string {
  const reasons = new Set(result.skipped.map((s) => s.reason));
  if (reasons.has('outside-root') && isChange(result.metrics.scope)) {
    const top = result.metrics.scope.mode === 'diff' ? 'the folder the diff was made in' : "the repository's top folder";
    return `the whole change must be scanned: run from ${top}, or pass --root "$(git rev-parse --show-toplevel)"; to gate only this folder (one package of a monorepo), pass --skip-outside-root`;
  }
  if (reasons.has('too-large')) return 'raise max_file_size (or pass --max-file-size), or exclude the files on purpose in scan_exclude';
  if (reasons.has('unreadable')) return 'check the files are readable by this user';
  if (reasons.has('missing') || reasons.has('outside-root')) return 'run from the folder the diff was made in (or pass --root), with the changed files checked out';
  return 'check the scope (--staged, --git-range, --diff) and scan_exclude';
}

/** The fetch for GitHub publishing, or undefined (with a warning) when the network policy forbids it. */
export function publishingFetch(io: CliIO, config: Pick<SentrikConfig, 'network'>, flags: NetworkFlags): NetClient['fetchOnce'] | undefined {
  const net = netClientFor(io, config, flags);
  if (net.policy !== 'off') return net.fetchOnce;
  const why = flags.network ? '--network off' : config.network ? 'network: off in the configuration' : 'network is off by default in CI';
  io.stderr(`sentrik: warning: github: nothing published: ${why}; allow it with \`network: on\`, SENTRIK_NETWORK=on or --network on\n`);
  return undefined;
}
