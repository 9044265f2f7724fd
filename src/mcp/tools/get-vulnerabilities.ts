// get_vulnerabilities: known vulnerabilities in the workspace's locked dependencies, matched offline against
// the local OSV database (`sentrik vulns db import`), and the declared dependencies it could not check. Never
// goes online: the tool is read-only and closed-world.
import { z } from 'zod';
import { coverageSentence, vulnsSummary } from '../../advisories/coverage.js';
import { SEVERITY_RANK } from '../../engine/model.js';
import { errorMessage, SentrikError } from '../../util/errors.js';
import { severity } from '../schemas.js';
import { defineTool } from '../tool.js';

const MAX_LISTED = 200;

const vulnerability = z.object({
  id: z.string().describe('advisory id (GHSA-…, PYSEC-…, CVE-…)'),
  aliases: z.array(z.string()),
  package: z.string(),
  ecosystem: z.string(),
  version: z.string().describe('the installed (locked) version'),
  severity,
  fixedIn: z.string().optional().describe('the first version without the vulnerability; upgrade to it'),
  summary: z.string(),
  remediation: z.string().optional(),
  file: z.string().describe('the lockfile that pins the package'),
  line: z.number().int().optional(),
  direct: z.boolean().optional().describe('a direct dependency (false: pulled in by another package)'),
});

const notChecked = z.object({
  file: z.string().describe('the manifest or requirements file that declares them'),
  line: z.number().int().optional(),
  ecosystem: z.string(),
  reason: z.enum(['no-lockfile', 'not-pinned', 'not-registry']).describe('no-lockfile: no lockfile gives their versions; not-pinned: requirements without an exact == version; not-registry: installed from git, a URL or a folder, which no advisory is about'),
  count: z.number().int(),
  names: z.array(z.string()),
  message: z.string().describe('why, and what makes them checkable'),
});

export const getVulnerabilities = defineTool({
  name: 'get_vulnerabilities',
  title: 'Vulnerable dependencies',
  description:
    'List known vulnerabilities (OSV / CVE advisories) in the dependencies pinned by the workspace\'s lockfiles, ' +
    'worst first, with the version that fixes each. Use it before adding or upgrading a dependency, or when asked ' +
    'about supply-chain risk. Declared dependencies it cannot check (a package.json, pyproject.toml, Cargo.toml, Gemfile ' +
    'or composer.json without its lockfile, requirements without an exact pin) are listed in `unchecked`, not counted ' +
    'as clean; `message` says what was checked and what was NOT. Works offline from the local advisory ' +
    'database (`sentrik vulns db import`).',
  input: z.object({}).strict(),
  output: z.object({
    available: z.boolean().describe('false when the check could not run (no advisory database, an empty one, none for the packages found, or not supported)'),
    message: z.string(),
    lockfiles: z.number().int().optional(),
    packages: z.number().int().optional().describe('locked packages (known versions) found, each counted once'),
    checked: z.number().int().optional().describe('of those, the ones matched against advisory data (the others: see message)'),
    unchecked: z.array(notChecked).optional().describe('declared dependencies NOT checked because their versions are unknown; not covered by "0 known vulnerabilities"'),
    database: z.object({ location: z.string(), status: z.enum(['ok', 'missing', 'empty']) }).optional().describe('the offline advisory database used'),
    vulnerabilities: z.array(vulnerability).describe(`worst first; at most ${MAX_LISTED}`),
    problems: z.array(z.string()),
  }),
  async run(_args, ctx) {
    let scanVulns: typeof import('../../advisories/scan.js').scanVulns;
    try {
      ({ scanVulns } = await import('../../advisories/scan.js'));
    } catch {
      return { available: false, message: 'dependency vulnerability checks are not available in this version of sentrik; nothing was checked', vulnerabilities: [], problems: [] };
    }
    if (!ctx.advisoryDb) return { available: false, message: 'no advisory database location configured; nothing was checked', vulnerabilities: [], problems: [] };
    let scan;
    try {
      scan = await scanVulns({ root: ctx.root, exclude: ctx.config().scan_exclude, db: ctx.advisoryDb });
    } catch (err) {
      if (err instanceof SentrikError) return { available: false, message: errorMessage(err), vulnerabilities: [], problems: [] };
      throw err;
    }
    const list = [...scan.findings]
      .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity])
      .map((f) => ({
        id: f.ruleId,
        aliases: f.vuln.ids.filter((id) => id !== f.ruleId),
        package: f.vuln.package,
        ecosystem: f.vuln.ecosystem,
        version: f.vuln.installed,
        severity: f.severity,
        fixedIn: f.vuln.fixedIn,
        summary: f.title,
        remediation: f.remediation,
        file: f.file,
        line: f.line,
        direct: f.vuln.direct,
      }));
    const deps = scan.result.dependencies!;
    const db = deps.advisories;
    // Available: advisory data was there to match the locked packages against (or there were none to match).
    const available = db.status === 'ok' && (deps.packages === 0 || deps.checked > 0);
    // The CLI's own summary sentence (advisories/coverage.ts): what was checked, and what was NOT.
    const summary = vulnsSummary(deps, scan.findings.map((f) => f.severity));
    const message =
      db.status === 'ok'
        ? `${summary} (offline advisory database ${db.location})`
        : `${db.status === 'missing' ? 'no offline advisory database at' : 'no advisories in the offline advisory database'} ${db.location} — run \`sentrik vulns db import <all.zip|dir>\`; ${coverageSentence(deps)}`;
    return {
      available,
      message,
      lockfiles: deps.lockfiles,
      packages: deps.packages,
      checked: deps.checked,
      unchecked: deps.notChecked,
      database: { location: db.location, status: db.status },
      vulnerabilities: list.slice(0, MAX_LISTED),
      problems: scan.result.problems.map((p) => `${p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : ''}${p.message}`),
    };
  },
  text: (out) =>
    [out.message, ...out.vulnerabilities.map((v) => `${v.severity.toUpperCase()} ${v.id} ${v.package}@${v.version} (${v.file}${v.line ? `:${v.line}` : ''})${v.fixedIn ? ` — upgrade to ${v.fixedIn}` : ' — no fix known'}`), ...out.problems].join('\n'),
});
