// get_compliance_context: the packs, rules and remediation that apply to a path, so an agent can write
// compliant code first instead of fixing findings afterwards.
import { z } from 'zod';
import { SEVERITY_RANK } from '../../engine/model.js';
import { compareStrings } from '../../reporters/common.js';
import { buildRules } from '../../run/scan.js';
import { severity } from '../schemas.js';
import { defineTool, workspacePath } from '../tool.js';

const ruleOut = z.object({
  id: z.string(),
  packId: z.string(),
  title: z.string(),
  severity,
  blocking: z.boolean().describe('a finding of this rule fails the gate'),
  standard: z.string(),
  clause: z.string().optional(),
  cwe: z.array(z.string()),
  message: z.string().describe('what the rule forbids and why'),
  remediation: z.string().describe('how to write it instead'),
});

export const getComplianceContext = defineTool({
  name: 'get_compliance_context',
  title: 'Compliance rules for a file',
  description:
    'List the standards packs and rules that apply to a file path (existing or not yet created), with what each rule ' +
    'forbids and how to comply. Call it before writing or generating code for a file, so the code meets the ' +
    'project\'s standards (OWASP, supply chain, secrets, …) from the start. It does not scan anything.',
  input: z
    .object({
      path: z.string().min(1).describe('file path relative to the workspace root (e.g. "src/api/users.ts"); it need not exist yet'),
    })
    .strict(),
  output: z.object({
    path: z.string(),
    packs: z.array(z.object({ id: z.string(), name: z.string(), standard: z.string(), rules: z.number().int().describe('rules of this pack that apply to the path') })),
    rules: z.array(ruleOut).describe('worst severity first'),
    failOn: z.array(severity).describe('severities that fail the gate'),
  }),
  run({ path }, ctx) {
    const { rel } = workspacePath(ctx, path);
    const config = ctx.config();
    const rules = buildRules(ctx.root, config);
    const failOn = new Set(config.gate.fail_on);
    const applying = rules.fileRules
      .filter((a) => a.rule.appliesTo(rel))
      .map((a) => ({
        id: a.rule.def.id,
        packId: a.rule.packId,
        title: a.rule.def.title,
        severity: a.severity,
        blocking: failOn.has(a.severity) && a.rule.def.gate !== false,
        standard: a.rule.standard,
        clause: a.rule.def.clause,
        cwe: a.rule.def.cwe,
        message: a.rule.def.message.trim(),
        remediation: a.rule.def.remediation.trim(),
      }))
      .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || compareStrings(a.id, b.id));
    const packs = rules.packs
      .map((p) => ({ id: p.id, name: p.name, standard: p.standard, rules: applying.filter((r) => r.packId === p.id).length }))
      .filter((p) => p.rules > 0);
    return { path: rel, packs, rules: applying, failOn: config.gate.fail_on };
  },
  text(out) {
    if (out.rules.length === 0) return `No enabled rule applies to ${out.path}.`;
    return [
      `${out.rules.length} rules from ${out.packs.map((p) => p.id).join(', ')} apply to ${out.path} (gate fails on ${out.failOn.join(', ')}):`,
      ...out.rules.map((r) => `- ${r.id} (${r.severity}${r.blocking ? ', blocking' : ''}) ${r.title}: ${r.remediation}`),
    ].join('\n');
  },
});
