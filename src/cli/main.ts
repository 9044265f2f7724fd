// Entry point: parses argv, runs one command, returns the exit code. Never calls process.exit and never
// lets an exception escape as a stack trace: user errors are one line, exit 2.
import { Command, CommanderError } from 'commander';
import { errorMessage, SentrikError } from '../util/errors.js';
import { TOOL } from '../version.js';
import { registerCompareCommands } from './commands/compare.js';
import { registerComplianceCommands } from './commands/compliance.js';
import { registerConfigCommands } from './commands/config.js';
import { registerDashboardCommands } from './commands/dashboard.js';
import { registerHookCommands } from './commands/hook.js';
import { registerSuppressionsCommands } from './commands/suppressions.js';
import { registerBaselineCommands } from './commands/baseline.js';
import { registerConfigShowCommands } from './commands/config-show.js';
import { registerMigrateCommands } from './commands/migrate.js';
import { registerImportSpecCommands } from './commands/import-spec.js';
import { registerMcpCommands } from './commands/mcp.js';
import { registerPackCommands } from './commands/packs.js';
import { addScanOptions, runScanCommand } from './commands/scan.js';
import { registerVulnsCommands } from './commands/vulns.js';
import { registerWatchCommands } from './commands/watch.js';
import { registerSbomCommands } from './commands/sbom.js';
import { registerLicensesCommands } from './commands/licenses.js';
import { registerSecretsCommands } from './commands/secrets.js';
import { registerTraceCommands } from './commands/trace.js';
import { registerApproveCommands } from './commands/approve.js';
import { registerFixCommands } from './commands/fix.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerAttestCommands } from './commands/attest.js';
import { registerDoctorCommands } from './commands/doctor.js';
import { EXIT, processIO, type CliIO } from './io.js';

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let exitCode: number = EXIT.OK;
  const program = new Command('sentrik')
    .description('Governance runtime for AI-generated code: scan changes against standards packs and gate pull requests.')
    .version(TOOL.version, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .exitOverride();

  const run = (fn: (...args: any[]) => Promise<number> | number) => async (...args: any[]) => {
    exitCode = await fn(...args);
  };

  addScanOptions(program.command('scan').description('scan files against the enabled packs; exits 0 unless it could not run')).action(
    run((paths: string[], flags) => runScanCommand(io, paths, flags, 'scan')),
  );
  addScanOptions(program.command('gate').description('scan and enforce: exit 1 when a finding at a fail_on severity exists'))
    .option('--fail-on <severities>', 'severities that fail the gate (default: gate.fail_on, critical,high)', (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .action(run((paths: string[], flags) => runScanCommand(io, paths, flags, 'gate')));
  registerSecretsCommands(program, io, run);
  registerPackCommands(program, io, run);
  registerImportSpecCommands(program, io, run);
  registerConfigCommands(program, io, run);
  registerVulnsCommands(program, io, run);
  registerSbomCommands(program, io, run);
  registerLicensesCommands(program, io, run);
  registerMcpCommands(program, io, run);
  registerHookCommands(program, io, run);
  registerComplianceCommands(program, io, run);
  registerTraceCommands(program, io, run);
  registerSuppressionsCommands(program, io, run);
  registerBaselineCommands(program, io, run);
  registerConfigShowCommands(program, io, run);
  registerMigrateCommands(program, io, run);
  registerApproveCommands(program, io, run);
  registerFixCommands(program, io, run);
  registerAuditCommands(program, io, run);
  registerAttestCommands(program, io, run);
  registerDoctorCommands(program, io, run);
  registerCompareCommands(program, io, run);
  registerDashboardCommands(program, io, run);
  registerWatchCommands(program, io, run);

  for (const c of program.commands) c.exitOverride().configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; everything else is a usage error.
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT.OK : EXIT.ERROR;
    }
    io.stderr(`sentrik: ${errorMessage(err)}\n`);
    if (!(err instanceof SentrikError) && io.env.SENTRIK_DEBUG && err instanceof Error) io.stderr(`${err.stack}\n`);
    return EXIT.ERROR;
  }
}
