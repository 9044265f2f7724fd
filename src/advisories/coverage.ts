// The one sentence that says what a dependency check covered — "3 known vulnerabilities (1 high, 2 medium) —
// checked 12 packages in 2 lockfiles; NOT checked: 4 crates.io packages (no crates.io advisories in the
// database), 5 declared dependencies whose versions are unknown (package.json, pyproject.toml)" — written
// once for the `vulns` summary and the MCP tool get_vulnerabilities, so neither claims more than was checked.
import type { Unchecked } from '../ecosystems/types.js';
import { SEVERITIES, type DependencyCoverage, type Severity } from '../engine/model.js';
import { listSome, plural } from '../util/text.js';

/** What was checked and, after "NOT checked:", everything that was not. */
export function coverageSentence(deps: DependencyCoverage): string {
  const checked = deps.lockfiles
    ? `checked ${plural(deps.checked, 'package')} in ${plural(deps.lockfiles, 'lockfile')}`
    : `checked ${plural(deps.checked, 'package')} (no lockfile found)`;
  const not: string[] = [];
  if (deps.advisories.status !== 'ok' && deps.packages > deps.checked) {
    not.push(`${plural(deps.packages - deps.checked, 'package')} (${deps.advisories.status === 'missing' ? 'no advisory database' : 'the advisory database is empty'})`);
  } else {
    for (const w of deps.withoutAdvisories) not.push(`${plural(w.packages, `${w.ecosystem} package`)} (no ${w.ecosystem} advisories in the database)`);
  }
  const unknown = deps.notChecked.filter((u) => u.reason !== 'not-registry');
  const elsewhere = deps.notChecked.filter((u) => u.reason === 'not-registry');
  const count = (list: typeof unknown): number => list.reduce((n, u) => n + u.count, 0);
  const files = (list: typeof unknown): string => listSome([...new Set(list.map((u) => u.file))]);
  if (unknown.length) {
    const n = count(unknown);
    not.push(`${plural(n, 'declared dependency', 'declared dependencies')} whose ${n === 1 ? 'version is' : 'versions are'} unknown (${files(unknown)})`);
  }
  if (elsewhere.length) not.push(`${plural(count(elsewhere), 'package')} installed from git, a URL or a folder (${files(elsewhere)})`);
  return `${checked}${not.length ? `; NOT checked: ${not.join(', ')}` : ''}`;
}

/** `2 known vulnerabilities (1 high, 1 low) — checked …; NOT checked: …`: the summary line of a dependency check. */
export function vulnsSummary(deps: DependencyCoverage, severities: readonly Severity[]): string {
  const n = severities.length;
  const bySev = SEVERITIES.map((s) => [s, severities.filter((x) => x === s).length] as const).filter(([, c]) => c);
  return `${n} known vulnerabilit${n === 1 ? 'y' : 'ies'}${bySev.length ? ` (${bySev.map(([s, c]) => `${c} ${s}`).join(', ')})` : ''} — ${coverageSentence(deps)}`;
}

/** The note for lockfiles read although a .gitignore excludes them (vulns and sbom say it alike). */
export function gitignoredNote(files: readonly string[]): string | undefined {
  if (!files.length) return undefined;
  return `read ${listSome(files)} although .gitignore excludes ${files.length === 1 ? 'it' : 'them'}: installs run from lockfiles on disk, committed or not (scan_exclude or .sentrikignore leave one out)`;
}

/**
 * `6 dependencies not checked — no lockfile, versions unknown (axios, …); run `npm install` to create
 * package-lock.json`; `sbom` says `left out` where `vulns` says `not checked`.
 */
export function describeUnchecked(u: Unchecked, left = 'not checked'): string {
  const n = u.names.length;
  const names = `${u.names.slice(0, 5).join(', ')}${n > 5 ? ', …' : ''}`;
  const what =
    u.reason === 'no-lockfile'
      ? `${n} ${n === 1 ? 'dependency' : 'dependencies'} ${left} — no lockfile, versions unknown`
      : u.reason === 'not-pinned'
        ? `${n} ${n === 1 ? 'requirement' : 'requirements'} not pinned to an exact version, ${left}`
        : `${n} ${n === 1 ? 'package' : 'packages'} installed from git, a URL or a folder, ${left}`;
  return `${what} (${names}); ${u.fix}`;
}
