// The dependency side of `watch`: advisory hits keyed by id + package + version (what "new" means), the
// hash that names an advisory set (and its fix branch), and fix edits for a set — planned and applied by
// the same code as `sentrik vulns --fix` (planFixes, applyPlans).
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { applyPlans, type ApplyResult } from '../advisories/apply.js';
import { toFinding, type VulnFinding } from '../advisories/findings.js';
import { planFixes, type FixPlan, type UpgradeLevel } from '../advisories/fix.js';
import type { Match } from '../advisories/match.js';
import type { VulnScan } from '../advisories/scan.js';
import type { Ecosystem, Package } from '../ecosystems/types.js';

export interface AdvisoryHit {
  /** `<advisory id> <ecosystem>:<normalised name>@<version>` */
  key: string;
  match: Match;
  finding: VulnFinding;
}

export function advisoryKey(id: string, eco: Ecosystem, p: Package): string {
  return `${id} ${eco.osv}:${eco.normalizeName(p.name)}@${p.version}`;
}

/** One hit per key (the same package in two lockfiles counts once), in the scan's order. */
export function advisoryHits(scan: VulnScan): AdvisoryHit[] {
  const ecoOf = ecosystemMap(scan);
  const hits = new Map<string, AdvisoryHit>();
  for (const m of scan.matches) {
    const eco = ecoOf.get(m.package)!;
    const key = advisoryKey(m.advisories[0].id, eco, m.package);
    if (!hits.has(key)) hits.set(key, { key, match: m, finding: toFinding(m, eco) });
  }
  return [...hits.values()];
}

/** Short, stable name of an advisory set: the same advisories always give the same branch. */
export function setHash(keys: string[]): string {
  return createHash('sha256').update([...new Set(keys)].sort().join('\n')).digest('hex').slice(0, 12);
}

export function fixBranch(hash: string): string {
  return `sentrik/fix-${hash}`;
}

function ecosystemMap(scan: VulnScan): Map<Package, Ecosystem> {
  const m = new Map<Package, Ecosystem>();
  for (const l of scan.lockfiles) for (const p of l.packages) m.set(p, l.ecosystem);
  return m;
}

export interface SetFix {
  plans: FixPlan[];
  applied: ApplyResult;
}

/** The files the edits for these hits may read (manifests beside lockfiles, requirement files). */
export function filesToRead(hits: AdvisoryHit[]): string[] {
  return [...new Set(hits.flatMap((h) => [h.match.package.file, posix.join(posix.dirname(h.match.package.file), 'package.json')]))];
}

/** Plan the smallest safe upgrades for the hits' packages and the manifest edits that make them. */
export function fixSet(scan: VulnScan, hits: AdvisoryHit[], level: UpgradeLevel, read: (file: string) => string | undefined): SetFix {
  const ecoOf = ecosystemMap(scan);
  const formatOf = new Map<Package, string>();
  for (const l of scan.lockfiles) for (const p of l.packages) formatOf.set(p, l.format.name);
  const plans = planFixes(hits.map((h) => h.match), scan.indexes, (p) => ecoOf.get(p)!, level);
  return { plans, applied: applyPlans(plans, (p) => formatOf.get(p.package)!, read) };
}

const MAX_TITLE = 240;

export function pullRequestTitle(fix: SetFix): string {
  const fixed = fix.plans.filter((p) => p.to);
  const ids = [...new Set(fixed.flatMap((p) => p.ids))];
  const what = fixed.length === 1 ? `upgrade ${fixed[0].package.name} to ${fixed[0].to}` : `upgrade ${fixed.length} vulnerable dependencies`;
  const title = `sentrik: ${what} (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? `, +${ids.length - 3}` : ''})`;
  return title.length <= MAX_TITLE ? title : `${title.slice(0, MAX_TITLE - 1)}…`;
}

export const PR_MARKER = '<!-- sentrik-watch';

/** Markdown: what is vulnerable, what changes, what to run before merging, what could not be fixed. */
export function pullRequestBody(hash: string, hits: AdvisoryHit[], fix: SetFix): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 200);
  const lines = [`${PR_MARKER} set=${hash} -->`, '## Known vulnerabilities in dependencies', '', '| Package | Installed | Upgrade to | Severity | Advisories | Where |', '|---|---|---|---|---|---|'];
  for (const h of hits) {
    const p = h.match.package;
    const plan = fix.plans.find((x) => x.package === p);
    lines.push(`| ${cell(p.name)} | ${cell(p.version)} | ${plan?.to ? cell(plan.to) : 'not fixed'} | ${h.finding.severity} | ${cell(h.finding.vuln.ids.slice(0, 4).join(', '))} | \`${cell(p.file)}${p.line ? `:${p.line}` : ''}\` |`);
  }
  lines.push('', '### Changes');
  for (const e of fix.applied.edits) lines.push(`- \`${e.file}\`: ${e.changes.map(cell).join('; ')}`);
  const commands = [...new Set(fix.applied.commands)];
  if (commands.length) lines.push('', '### Before merging', 'Regenerate the lockfiles with the package manager (sentrik never forges integrity hashes):', '', '```sh', ...commands, '```');
  const unfixed = fix.plans.filter((p) => !p.to);
  if (unfixed.length) lines.push('', '### Not fixed', ...unfixed.map((p) => `- ${cell(p.package.name)} ${cell(p.from)}: ${cell(p.reason ?? 'no safe version known')}`));
  lines.push('', `Opened by \`sentrik watch --fix --create-pr\` (advisory set \`${hash}\`). The upgrade is the smallest version no known advisory affects.`);
  return `${lines.join('\n')}\n`;
}

export function commitMessage(title: string, fix: SetFix): string {
  return `${title}\n\n${fix.applied.edits.flatMap((e) => e.changes.map((c) => `- ${e.file}: ${c}`)).join('\n')}\n`;
}
