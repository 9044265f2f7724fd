// get_vulnerabilities: known vulnerabilities in the workspace's locked dependencies, matched offline against
// the local OSV database (`sentrik vulns db import`). Never goes online: the tool is read-only and closed-world.
import { z } from 'zod';
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

export const getVulnerabilities = defineTool({
  name: 'get_vulnerabilities',
  title: 'Vulnerable dependencies',
  description:
    'List known vulnerabilities (OSV / CVE advisories) in the dependencies pinned by the workspace\'s lockfiles, ' +
    'worst first, with the version that fixes each. Use it before adding or upgrading a dependency, or when asked ' +
    'about supply-chain risk. Works offline from the local advisory database (`sentrik vulns db import`).',
  input: z.object({}).strict(),
  output: z.object({
    available: z.boolean().describe('false when the check could not run (no advisory database, or not supported)'),
    message: z.string(),
    lockfiles: z.number().int().optional(),
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
    const packages = scan.lockfiles.reduce((n, l) => n + l.packages.length, 0);
    return {
      available: true,
      message: `${list.length} known vulnerabilit${list.length === 1 ? 'y' : 'ies'} in ${packages} locked packages from ${scan.lockfiles.length} lockfile(s) (offline advisory database ${ctx.advisoryDb})`,
      lockfiles: scan.lockfiles.length,
      vulnerabilities: list.slice(0, MAX_LISTED),
      problems: scan.result.problems.map((p) => `${p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : ''}${p.message}`),
    };
  },
  text: (out) =>
    [out.message, ...out.vulnerabilities.map((v) => `${v.severity.toUpperCase()} ${v.id} ${v.package}@${v.version} (${v.file}${v.line ? `:${v.line}` : ''})${v.fixedIn ? ` — upgrade to ${v.fixedIn}` : ' — no fix known'}`), ...out.problems].join('\n'),
});
