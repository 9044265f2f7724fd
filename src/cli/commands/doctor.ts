// `sentrik doctor`: is this installation sound? Node version, configuration, built-in packs against the
// build-time manifest, the enabled packs (loaded as a scan loads them), the RE2 engine, git, and the audit log.
// Exit 0 when every check passes, 1 otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import RE2 from 're2';
import semver from 'semver';
import { auditKey, verifyAudit } from '../../governance/audit.js';
import { describeDifference, manifestPath, readManifest } from '../../governance/integrity.js';
import { auditLogPath } from '../../governance/record.js';
import { builtinPacksDir, packContentHash, packDirs } from '../../packs/load.js';
import { buildRules } from '../../run/scan.js';
import { errorMessage } from '../../util/errors.js';
import { PACKAGE_JSON } from '../../util/package.js';
import { loadEffectiveConfig, resolveRoot } from '../context.js';
import { EXIT, type CliIO } from '../io.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

export function registerDoctorCommands(program: Command, io: CliIO, run: Run): void {
  program
    .command('doctor')
    .description('check the installation: Node version, configuration, built-in pack integrity, enabled packs, RE2, git, audit log')
    .option('--root <dir>', 'project root', '.')
    .option('--config <file>', 'configuration file')
    .action(run((flags) => doctor(io, flags)));
}

type Check = { name: string; ok: boolean | 'warn'; detail: string };

function doctor(io: CliIO, flags: { root: string; config?: string }): number {
  const checks: Check[] = [];
  const add = (name: string, fn: () => [boolean | 'warn', string]): void => {
    try {
      const [ok, detail] = fn();
      checks.push({ name, ok, detail });
    } catch (err) {
      checks.push({ name, ok: false, detail: errorMessage(err) });
    }
  };

  add('node', () => {
    const engines = PACKAGE_JSON.engines?.node ?? '>=20';
    return [semver.satisfies(process.versions.node, engines), `${process.versions.node} (needs ${engines})`];
  });
  const { root } = resolveRoot(io, [], flags.root);
  let config: ReturnType<typeof loadEffectiveConfig>['config'] | undefined;
  add('config', () => {
    const loaded = loadEffectiveConfig(io, root, {}, flags.config);
    config = loaded.config;
    return [true, `${loaded.file ?? 'no config file (defaults)'}; profile ${config.governance.profile}; packs ${config.standards_packs.join(', ')}`];
  });
  add('packs', () => {
    const manifest = readManifest();
    if (!manifest) return [false, `no pack manifest at ${manifestPath()} (run \`npm run build\`; an installed package always has one)`];
    const bad: string[] = [];
    const dirs = packDirs(builtinPacksDir());
    for (const dir of dirs) {
      const id = basename(dir);
      const entry = manifest.packs[id];
      if (!entry) bad.push(`${id}: not in the manifest`);
      else if (entry.hash !== packContentHash(dir)) bad.push(`${id}: ${describeDifference(dir, entry.files)}`);
    }
    for (const id of Object.keys(manifest.packs)) if (!dirs.some((d) => basename(d) === id)) bad.push(`${id}: in the manifest but missing`);
    return bad.length ? [false, bad.join('; ')] : [true, `${dirs.length} built-in packs match the manifest (${manifest.tool})`];
  });
  add('enabled', () => {
    if (!config) return ['warn', 'skipped (no valid configuration)'];
    // As a scan loads them: a custom pack with an invalid pattern, or two packs sharing a rule id, fails here.
    const rules = buildRules(root, config);
    return [true, `${rules.packs.length} enabled packs load (${rules.fileRules.length + rules.repoRules.length} active rules)`];
  });
  add('re2', () => [new RE2('a+b').test('xaab'), 'linear-time regex engine loads']);
  add('git', () => {
    const r = spawnSync('git', ['--version'], { encoding: 'utf8' });
    return r.status === 0 ? [true, r.stdout.trim()] : ['warn', 'git not found: --staged, --git-range, approvals and attestations need it'];
  });
  add('audit', () => {
    if (!config) return ['warn', 'skipped (no valid configuration)'];
    if (!config.governance.audit.enabled) return ['warn', 'disabled (governance.audit.enabled: false)'];
    const log = auditLogPath(root, config);
    const key = auditKey(io.env);
    if (!existsSync(log)) return [true, `no log yet (${log}); ${key ? 'HMAC key set' : 'no SENTRIK_AUDIT_HMAC_KEY: entries will be unkeyed SHA-256'}`];
    const r = verifyAudit(log, key);
    return r.ok ? [r.unkeyed ? 'warn' : true, `${r.entries} entries intact${r.notes.length ? `; ${r.notes.join('; ')}` : ''}`] : [false, r.problems.slice(0, 3).join('; ')];
  });

  for (const c of checks) io.stdout(`${c.ok === true ? 'ok  ' : c.ok === 'warn' ? 'warn' : 'FAIL'}  ${c.name.padEnd(7)} ${c.detail}\n`);
  const failed = checks.filter((c) => c.ok === false).length;
  io.stdout(failed ? `${failed} check${failed === 1 ? '' : 's'} failed\n` : 'All checks passed\n');
  return failed ? EXIT.GATE_FAILED : EXIT.OK;
}
