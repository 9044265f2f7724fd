// `sentrik attest [--key FILE | --hmac-env VAR] [-o FILE]`: scan the checked-out commit, evaluate the gate and
// write a signed in-toto Statement about it. `sentrik attest --verify FILE` checks one (exit 0 valid, 1 not).
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { evaluateGate } from '../../engine/gate.js';
import { auditHead } from '../../governance/audit.js';
import { ed25519Key, PREDICATE_TYPE, signStatement, STATEMENT_TYPE, verifyEnvelope, type Signer, type Statement } from '../../governance/attest.js';
import { headCommit, isDirty } from '../../governance/context.js';
import { auditLogPath, recordEvent } from '../../governance/record.js';
import { loadPacksById } from '../../packs/load.js';
import { runScan } from '../../run/scan.js';
import { SentrikError } from '../../util/errors.js';
import { TOOL } from '../../version.js';
import { loadEffectiveConfig, reportDir, resolveRoot, writeReport } from '../context.js';
import { governGate } from '../governance.js';
import { EXIT, type CliIO } from '../io.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

interface AttestFlags {
  key?: string;
  hmacEnv?: string;
  output?: string;
  verify?: string;
  root?: string;
  outputDir?: string;
  config?: string;
}

const DEFAULT_HMAC_ENV = 'SENTRIK_ATTEST_HMAC_KEY';

export function registerAttestCommands(program: Command, io: CliIO, run: Run): void {
  program
    .command('attest')
    .description('write a signed in-toto attestation of the gate result for the checked-out commit (or --verify one)')
    .argument('[path]', 'project root (default: the current directory)')
    .option('--key <file>', 'ed25519 private key (PEM) to sign with; with --verify, its public (or private) key')
    .option('--hmac-env <var>', `sign/verify with HMAC-SHA256, key from this environment variable (default: ${DEFAULT_HMAC_ENV})`)
    .option('-o, --output <file>', 'where to write the attestation (default: <output_dir>/attestation.intoto.json)')
    .option('--verify <file>', 'verify an attestation instead of writing one')
    .option('--root <dir>', 'project root (same as [path])')
    .option('--output-dir <dir>', 'report folder (default: output_dir)')
    .option('--config <file>', 'configuration file')
    .action(run((path: string | undefined, flags: AttestFlags) => (flags.verify ? verifyAttestation(io, flags) : attest(io, path, flags))));
}

function signer(io: CliIO, flags: AttestFlags, use: 'sign' | 'verify'): Signer {
  if (flags.key && flags.hmacEnv) throw new SentrikError('choose one of --key and --hmac-env');
  if (flags.key) {
    const file = resolve(io.cwd, flags.key);
    if (!existsSync(file)) throw new SentrikError('no such key file', flags.key);
    return { kind: 'ed25519', ...ed25519Key(readFileSync(file, 'utf8'), flags.key, use) };
  }
  const name = flags.hmacEnv ?? DEFAULT_HMAC_ENV;
  const key = io.env[name];
  if (!key) throw new SentrikError(`no signing key: ${name} is not set`, undefined, undefined, `set ${name}, pass --hmac-env VAR, or --key FILE (ed25519 PEM)`);
  return { kind: 'hmac', key: Buffer.from(key), keyid: `hmac-sha256:${name}` };
}

async function attest(io: CliIO, path: string | undefined, flags: AttestFlags): Promise<number> {
  const sign = signer(io, flags, 'sign'); // before scanning: a missing key is known at once
  const { root } = resolveRoot(io, [], flags.root ?? path ?? '.');
  const loaded = loadEffectiveConfig(io, root, {}, flags.config);
  const config = loaded.config;
  const commit = headCommit(root);
  if (!commit) throw new SentrikError('an attestation is about a commit, and this is not a git repository with a commit', root, undefined, 'commit first');
  const dirty = isDirty(root);
  if (dirty === undefined) {
    // The commit may have been read from .git, but an attestation also vouches that the tree is that commit.
    throw new SentrikError('git cannot tell whether the working tree matches the commit, so it cannot be attested', root, undefined, `if git reports dubious ownership, mark the repository safe: git config --global --add safe.directory ${root}`);
  }
  const result = await runScan({ root, config, scope: { mode: 'paths', paths: [] }, last: true });
  const gate = evaluateGate(result, config.gate.fail_on);
  governGate(io, root, loaded, result, gate, { outputDir: flags.outputDir });
  const packs = loadPacksById(result.metrics.packs, root);
  if (dirty) io.stderr('sentrik: warning: the working tree differs from the commit; the attestation records dirty: true\n');
  const m = result.metrics;
  const statement: Statement = {
    _type: STATEMENT_TYPE,
    subject: [{ name: `git+${basename(root)}`, digest: { gitCommit: commit } }],
    predicateType: PREDICATE_TYPE,
    predicate: {
      tool: { name: TOOL.name, version: TOOL.version },
      scannedAt: m.startedAt,
      dirty,
      profile: config.governance.profile,
      gate: { passed: gate.passed, failOn: gate.failOn, blocking: gate.blocking.length, summary: gate.summary, review: gate.review },
      packs: packs.map((p) => ({ id: p.id, version: p.version, hash: p.hash, builtin: p.builtin })),
      counts: { files: m.filesScanned, rules: m.rulesEvaluated, findings: m.findings, suppressed: m.suppressed, bySeverity: m.bySeverity, problems: result.problems.length },
      audit: config.governance.audit.enabled ? auditHead(auditLogPath(root, config)) : undefined,
    },
  };
  const envelope = signStatement(statement, sign);
  const out = flags.output ? resolve(io.cwd, flags.output) : join(reportDir(io, root, flags.outputDir, config.output_dir), 'attestation.intoto.json');
  writeReport(out, `${JSON.stringify(envelope, null, 2)}\n`, out);
  for (const n of recordEvent({ root, config, env: io.env, configFile: loaded.file }, 'attest', { file: out, passed: gate.passed, keyid: sign.keyid }, packs)) io.stderr(`sentrik: audit: ${n}\n`);
  io.stdout(`Attestation for commit ${commit.slice(0, 12)} (gate ${gate.passed ? 'passed' : 'failed'}) signed with ${sign.keyid}: ${out}\n`);
  return EXIT.OK;
}

function verifyAttestation(io: CliIO, flags: AttestFlags): number {
  const file = resolve(io.cwd, flags.verify!);
  if (!existsSync(file)) throw new SentrikError('no such attestation file', flags.verify);
  const res = verifyEnvelope(readFileSync(file, 'utf8'), flags.verify!, signer(io, flags, 'verify'));
  if (!res.ok) {
    io.stdout(`INVALID  ${flags.verify}: ${res.reason}\n`);
    return EXIT.GATE_FAILED;
  }
  const s = res.statement!;
  const p = s.predicate as { gate?: { passed?: boolean; summary?: string }; packs?: unknown[]; dirty?: boolean };
  io.stdout(`VALID    ${flags.verify}: commit ${s.subject[0].digest.gitCommit}, gate ${p.gate?.passed ? 'passed' : 'failed'}, ${p.packs?.length ?? 0} packs${p.dirty ? ', dirty working tree' : ''}\n`);
  return EXIT.OK;
}
