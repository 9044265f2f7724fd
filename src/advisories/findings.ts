// Matches → the finding model `scan` uses, so reporters, SARIF and the gate treat vulnerabilities like any
// other finding: rule id = advisory id, pack `vulns`, file/line = the lockfile entry.
import { SEVERITY_RANK, type Finding, type RuleInfo, type Severity } from '../engine/model.js';
import { fingerprintOf } from '../engine/findings.js';
import type { Ecosystem } from '../ecosystems/types.js';
import { fixedIn, groupIds, type Match } from './match.js';
import type { Advisory } from './osv.js';

export const VULNS_PACK = 'vulns';

export function worstSeverity(group: Advisory[]): Severity {
  return group.map((a) => a.severity).sort((a, b) => SEVERITY_RANK[b] - SEVERITY_RANK[a])[0] ?? 'medium';
}

function label(group: Advisory[]): string {
  const a = group[0];
  if (a.kind === 'malicious') return '[malicious package] ';
  if (a.kind === 'informational') return `[${a.label ?? 'informational'}] `;
  return '';
}

export interface VulnFinding extends Finding {
  /** Extra detail for the terminal table and JSON consumers. */
  vuln: { package: string; installed: string; fixedIn?: string; ids: string[]; ecosystem: string; chain?: string[]; direct?: boolean; dev?: boolean; kind: string };
}

export function toFinding(m: Match, eco: Ecosystem, snippet?: string): VulnFinding {
  const group = m.advisories;
  const primary = group[0];
  const p = m.package;
  const ids = groupIds(group);
  const fix = fixedIn(group, p.name, p.version, eco);
  const via = p.chain && p.chain.length > 1 ? ` (via ${p.chain.join(' > ')})` : '';
  const cwe = [...new Set(group.flatMap((a) => a.cwe))];
  return {
    ruleId: primary.id,
    packId: VULNS_PACK,
    title: `${label(group)}${p.name}@${p.version}: ${primary.summary}`,
    severity: worstSeverity(group),
    message: `${p.name} ${p.version} is affected by ${ids.join(', ')}: ${primary.summary}${via}${fix ? `; fixed in ${fix}` : '; no fixed version known'}`,
    file: p.file,
    line: p.line,
    snippet,
    standard: 'OSV',
    cwe,
    remediation: primary.kind === 'malicious' ? `Remove ${p.name} and rotate any credentials the machine held.` : fix ? `Upgrade ${p.name} to ${fix} or later (sentrik vulns --fix-preview).` : `No fixed version is known: replace ${p.name} or accept the risk with a suppression.`,
    fingerprint: fingerprintOf(primary.id, p.file, `${eco.normalizeName(p.name)}@${p.version}`, 0),
    confidence: 'high',
    kind: 'osv',
    vuln: { package: p.name, installed: p.version, fixedIn: fix, ids, ecosystem: eco.osv, chain: p.chain, direct: p.direct, dev: p.dev, kind: primary.kind },
  };
}

export function ruleInfoFor(m: Match): RuleInfo {
  const a = m.advisories[0];
  return {
    id: a.id,
    packId: VULNS_PACK,
    title: a.summary,
    severity: worstSeverity(m.advisories),
    message: a.summary,
    remediation: 'Upgrade to a version no advisory affects.',
    standard: 'OSV',
    cwe: [...new Set(m.advisories.flatMap((x) => x.cwe))],
    helpUri: a.url ?? `https://osv.dev/vulnerability/${a.id}`,
    kind: 'osv',
    // Informational advisories (unmaintained, unsound) are shown, never gating.
    gate: a.kind !== 'informational',
  };
}
