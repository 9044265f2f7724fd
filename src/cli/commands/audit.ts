// `sentrik audit verify`: check the audit log's chain and say which entries were edited, deleted, reordered
// or cut off. Exit 0 intact, 1 tampered, 2 when it cannot be checked (no log, no key for signed entries).
import type { Command } from 'commander';
import { auditKey, verifyAudit } from '../../governance/audit.js';
import { auditLogPath } from '../../governance/record.js';
import { loadEffectiveConfig, resolveRoot } from '../context.js';
import { EXIT, type CliIO } from '../io.js';
import { resolve } from 'node:path';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

export function registerAuditCommands(program: Command, io: CliIO, run: Run): void {
  const audit = program.command('audit').description('the append-only, HMAC-chained audit log');
  audit
    .command('verify')
    .description('check every entry of the audit log (key: SENTRIK_AUDIT_HMAC_KEY)')
    .option('--log <file>', 'audit log (default: governance.audit.log_file)')
    .option('--root <dir>', 'project root', '.')
    .option('--config <file>', 'configuration file')
    .action(run((flags) => verify(io, flags)));
}

function verify(io: CliIO, flags: { log?: string; root: string; config?: string }): number {
  const { root } = resolveRoot(io, [], flags.root);
  const log = flags.log ? resolve(io.cwd, flags.log) : auditLogPath(root, loadEffectiveConfig(io, root, {}, flags.config).config);
  const report = verifyAudit(log, auditKey(io.env));
  for (const p of report.problems) io.stdout(`TAMPERED  ${p}\n`);
  for (const n of report.notes) io.stdout(`note      ${n}\n`);
  io.stdout(
    report.ok
      ? `Audit log intact: ${report.entries} entries (${report.keyed} HMAC-signed, ${report.unkeyed} unkeyed) in ${log}\n`
      : `Audit log FAILED verification: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} in ${log}\n`,
  );
  return report.ok ? EXIT.OK : EXIT.GATE_FAILED;
}
