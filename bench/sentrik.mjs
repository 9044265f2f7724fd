// How the benchmark calls sentrik: through bin/sentrik.js exactly as a user would, with whatever packs and
// commands the current build has.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
export const BIN = `${REPO}/bin/sentrik.js`;

/** Runs sentrik synchronously (for small queries, not for timing). */
export function sentrikSync(args, opts = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
}

/** Builds dist/ as `npm run build` does, so the bench measures the current code; returns the output of a failed step. */
export function build() {
  for (const step of [[`${REPO}/node_modules/typescript/bin/tsc`, '-p', 'tsconfig.json'], ['scripts/bundle.mjs'], ['scripts/pack-manifest.mjs']]) {
    const r = spawnSync(process.execPath, step, { cwd: REPO, encoding: 'utf8' });
    if (r.status !== 0) return (r.stdout + r.stderr).trim();
  }
  return null;
}

/** What this build offers: pack ids, whether `sentrik secrets` exists and which flags it takes, the version. */
export function capabilities() {
  const packs = sentrikSync(['list-packs', '--json']);
  let packIds = [];
  try { packIds = JSON.parse(packs.stdout).map((p) => p.id); } catch { /* reported below as no packs */ }
  const help = sentrikSync(['--help']).stdout;
  const hasSecrets = /^\s+secrets\b/m.test(help);
  const secretsHelp = hasSecrets ? sentrikSync(['secrets', '--help']).stdout : '';
  return {
    version: sentrikSync(['--version']).stdout.trim(),
    packIds,
    hasSecrets,
    secretsFlags: { noCache: secretsHelp.includes('--no-cache'), quiet: secretsHelp.includes('--quiet') },
  };
}

/**
 * The command that runs secret detection alone on `target`, writing SARIF to `sarif`:
 * `sentrik secrets` when it exists, else `scan --packs secrets`, else null.
 * Never uses the result cache (the peer has none either).
 */
export function secretsArgs(caps, target, sarif) {
  if (caps.hasSecrets) {
    return ['secrets', target, '--format', 'sarif', '--output', sarif,
      ...(caps.secretsFlags.noCache ? ['--no-cache'] : []), ...(caps.secretsFlags.quiet ? ['--quiet'] : [])];
  }
  if (caps.packIds.includes('secrets')) {
    return ['scan', target, '--packs', 'secrets', '--no-cache', '--quiet', '--format', 'sarif', '--output', sarif];
  }
  return null;
}

/** "cache 123/456 hits" from scan's summary, when present. */
export function parseCacheHits(stdout) {
  const m = /cache (\d+)\/(\d+) hits/.exec(stdout);
  return m ? { hits: Number(m[1]), files: Number(m[2]) } : null;
}

/** Names directly inside `dir`, to tell afterwards what a scan created there (its cache, reports, audit log). */
export function topLevelEntries(dir) {
  return new Set(readdirSync(dir));
}

/** Removes what appeared directly inside `dir` since `before` was taken. */
export function removeNewEntries(dir, before) {
  for (const name of readdirSync(dir)) if (!before.has(name)) rmSync(join(dir, name), { recursive: true, force: true });
}
