// Entry point: parses argv, runs one command, returns the exit code. Never calls process.exit and never
// lets an exception escape as a stack trace: user errors are one line, exit 2.
import { Command, CommanderError, Option } from 'commander';
import { configureCacheKey } from '../engine/cache.js';
import { errorMessage, SentrikError } from '../util/errors.js';
import { TOOL } from '../version.js';
import { addScanOptions, runScanCommand } from './commands/scan.js';
import { EXIT, processIO, type CliIO } from './io.js';
import { listOption } from './options.js';

type Runner = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;
type Register = (program: Command, io: CliIO, run: Runner) => void;

/**
 * Command modules and the top-level commands each registers. A run imports only the module of the command it
 * runs (scan and gate: none), so start-up does not pay for SBOM, advisory or dashboard code; help, an unknown
 * command or a bare `sentrik` loads them all. test/cli/main.test.ts checks this table against the modules.
 */
export const COMMAND_MODULES: { names: string[]; load: () => Promise<Register> }[] = [
  { names: ['secrets'], load: async () => (await import('./commands/secrets.js')).registerSecretsCommands },
  { names: ['add-pack', 'explain', 'export-pack', 'import-pack', 'list-packs', 'list-rules', 'remove-pack', 'test-pack'], load: async () => (await import('./commands/packs.js')).registerPackCommands },
  { names: ['import-spec'], load: async () => (await import('./commands/import-spec.js')).registerImportSpecCommands },
  { names: ['init', 'validate-config'], load: async () => (await import('./commands/config.js')).registerConfigCommands },
  { names: ['vulns'], load: async () => (await import('./commands/vulns.js')).registerVulnsCommands },
  { names: ['sbom'], load: async () => (await import('./commands/sbom.js')).registerSbomCommands },
  { names: ['licenses'], load: async () => (await import('./commands/licenses.js')).registerLicensesCommands },
  { names: ['mcp-server'], load: async () => (await import('./commands/mcp.js')).registerMcpCommands },
  { names: ['hook'], load: async () => (await import('./commands/hook.js')).registerHookCommands },
  { names: ['compliance-report', 'evidence-export', 'trust-center'], load: async () => (await import('./commands/compliance.js')).registerComplianceCommands },
  { names: ['trace'], load: async () => (await import('./commands/trace.js')).registerTraceCommands },
  { names: ['suppressions'], load: async () => (await import('./commands/suppressions.js')).registerSuppressionsCommands },
  { names: ['baseline'], load: async () => (await import('./commands/baseline.js')).registerBaselineCommands },
  { names: ['config'], load: async () => (await import('./commands/config-show.js')).registerConfigShowCommands },
  { names: ['migrate'], load: async () => (await import('./commands/migrate.js')).registerMigrateCommands },
  { names: ['approve'], load: async () => (await import('./commands/approve.js')).registerApproveCommands },
  { names: ['fix'], load: async () => (await import('./commands/fix.js')).registerFixCommands },
  { names: ['audit'], load: async () => (await import('./commands/audit.js')).registerAuditCommands },
  { names: ['attest'], load: async () => (await import('./commands/attest.js')).registerAttestCommands },
  { names: ['doctor'], load: async () => (await import('./commands/doctor.js')).registerDoctorCommands },
  { names: ['compare'], load: async () => (await import('./commands/compare.js')).registerCompareCommands },
  { names: ['dashboard'], load: async () => (await import('./commands/dashboard.js')).registerDashboardCommands },
  { names: ['watch'], load: async () => (await import('./commands/watch.js')).registerWatchCommands },
];

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let exitCode: number = EXIT.OK;
  configureCacheKey(io.env);
  const program = new Command('sentrik')
    .description('Governance runtime for AI-generated code: scan changes against standards packs and gate pull requests.')
    .version(TOOL.version, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .exitOverride();

  const run: Runner = (fn) => async (...args) => {
    exitCode = await fn(...args);
  };

  addScanOptions(program.command('scan').description('scan files against the enabled packs; exits 0 unless it could not run')).action(
    run((paths: string[], flags) => runScanCommand(io, paths, flags, 'scan')),
  );
  addScanOptions(program.command('gate').description('scan and enforce: exit 1 when a finding at a fail_on severity exists'))
    // An empty list (an unset CI variable) is refused, never a gate that cannot fail.
    .option('--fail-on <severities>', 'severities that fail the gate (default: gate.fail_on, critical,high)', listOption)
    .action(run((paths: string[], flags) => runScanCommand(io, paths, flags, 'gate')));
  const name = argv.find((a) => !a.startsWith('-'));
  const own = COMMAND_MODULES.filter((m) => name !== undefined && m.names.includes(name));
  // --help lists every command, so it loads them all; --version needs none.
  const versionOnly = name === undefined && argv.some((a) => a === '-v' || a === '--version');
  const needed = name === 'scan' || name === 'gate' || versionOnly ? [] : own.length ? own : COMMAND_MODULES;
  for (const m of needed) (await m.load())(program, io, run);

  for (const c of program.commands) {
    c.exitOverride().configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
    acceptNoColor(c);
  }

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

/**
 * Every command takes --no-color, as CI scripts pass it to each call: only scan, gate and secrets print colour
 * (their own option, shown in their help); elsewhere it is accepted and changes nothing.
 */
function acceptNoColor(command: Command): void {
  if (!command.options.some((o) => o.long === '--no-color')) command.addOption(new Option('--no-color', 'no ANSI colours').hideHelp());
  command.commands.forEach(acceptNoColor);
}
