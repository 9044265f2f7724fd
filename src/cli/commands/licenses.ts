// `sentrik licenses`: licence per package (lockfile or installed metadata), SPDX expressions parsed, copyleft,
// restricted-use and unknown licences flagged.
import type { Command } from 'commander';
import { INSTALLED_LICENSES, licensesFor, type LicenseInfo } from '../../licenses/index.js';
import { EXIT, type CliIO } from '../io.js';
import { projectPackages } from './sbom.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

export function registerLicensesCommands(program: Command, io: CliIO, run: Run): void {
  program
    .command('licenses')
    .description('licence of every dependency, with copyleft, restricted-use and unknown licences flagged')
    .argument('[path]', 'project directory (default: the current directory)')
    .option('--copyleft-only', 'list only packages under a copyleft or restricted-use licence')
    .option('--json', 'machine-readable output')
    .action(run((path: string | undefined, flags: { copyleftOnly?: boolean; json?: boolean }) => licensesCommand(io, path, flags)));
}

function licensesCommand(io: CliIO, path: string | undefined, flags: { copyleftOnly?: boolean; json?: boolean }): number {
  const { root, packages: unique } = projectPackages(io, path, 'the licence list');
  const all = licensesFor(root, unique);
  let rows: LicenseInfo[] = [...all].sort((a, b) => a.package.name.localeCompare(b.package.name));
  if (flags.copyleftOnly) rows = rows.filter((r) => r.copyleft === 'strong' || r.copyleft === 'weak' || r.copyleft === 'restricted');
  if (flags.json) {
    io.stdout(`${JSON.stringify(rows.map((r) => ({ ecosystem: r.package.ecosystem, name: r.package.name, version: r.package.version, license: r.license ?? null, source: r.source ?? null, spdxValid: r.valid, ...(r.suggested ? { suggested: r.suggested } : {}), copyleft: r.copyleft, ...(r.proprietary && { proprietary: true }), file: r.package.file })), null, 2)}\n`);
    return EXIT.OK;
  }
  const w = Math.min(40, Math.max(7, ...rows.map((r) => r.package.name.length)));
  io.stdout(`${'PACKAGE'.padEnd(w)}  ${'VERSION'.padEnd(12)}  ${'LICENSE'.padEnd(24)}  FLAG\n`);
  for (const r of rows) {
    const flag = [FLAG[r.copyleft], r.proprietary ? 'proprietary (no rights granted)' : r.license && !r.valid ? `not SPDX${r.suggested ? ` (${r.suggested}?)` : ''}` : ''].filter(Boolean).join(', ');
    io.stdout(`${r.package.name.slice(0, w).padEnd(w)}  ${r.package.version.slice(0, 12).padEnd(12)}  ${(r.license ?? '-').slice(0, 24).padEnd(24)}  ${flag}\n`);
  }
  const n = (c: string): number => all.filter((r) => r.copyleft === c).length;
  io.stdout(`${all.length} packages: ${n('strong')} copyleft, ${n('weak')} weak copyleft, ${n('restricted')} restricted use, ${n('unknown')} unknown\n`);
  const why = whyUnknown(all);
  if (why) io.stdout(`${why}\n`);
  return EXIT.OK;
}

const FLAG: Record<LicenseInfo['copyleft'], string> = { none: '', weak: 'weak copyleft', strong: 'copyleft', restricted: 'restricted use', unknown: 'unknown' };

/** Why packages have no licence: where sentrik looked (offline, it has nothing else to read), and what to do. */
function whyUnknown(rows: LicenseInfo[]): string | undefined {
  const none = rows.filter((r) => !r.license);
  if (!none.length) return undefined;
  const ecosystems = [...new Set(none.map((r) => r.package.ecosystem))];
  const installable = ecosystems.filter((e) => INSTALLED_LICENSES[e]);
  const lockfileOnly = ecosystems.filter((e) => !INSTALLED_LICENSES[e]);
  const parts = [
    installable.length && `no installed copy was found in ${installable.map((e) => `${INSTALLED_LICENSES[e]} (${e})`).join(', ')}: install the dependencies here and run again`,
    lockfileOnly.length && `sentrik has no offline source of ${lockfileOnly.join(', ')} licences`,
  ].filter(Boolean);
  return `${none.length} with no licence on record: the lockfile does not say, and ${parts.join('; ')}.`;
}
