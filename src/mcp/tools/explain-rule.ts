// explain_rule: what one rule checks, why, how to fix it, and its own examples of flagged and clean code.
import { z } from 'zod';
import { exampleText } from '../../packs/examples.js';
import { loadAllPacks } from '../../packs/load.js';
import type { RuleExample } from '../../packs/schema.js';
import { SentrikError } from '../../util/errors.js';
import { severity } from '../schemas.js';
import { defineTool } from '../tool.js';

const example = z.object({ file: z.string(), code: z.string() });
const MAX_EXAMPLES = 3;

export const explainRule = defineTool({
  name: 'explain_rule',
  title: 'Explain a rule',
  description:
    'Explain one sentrik rule by id (e.g. "OWASP-A07-001" from a finding): what it checks, why it matters, the ' +
    'standard clause and CWE, how to fix it, and examples of code it flags and code it accepts. Use it when a ' +
    'finding is unclear or before deciding how to fix it.',
  input: z.object({ rule_id: z.string().min(1).max(100).describe('the rule id as shown in a finding, e.g. "SCS-CI-001" (case-insensitive)') }).strict(),
  output: z.object({
    id: z.string(),
    title: z.string(),
    packId: z.string(),
    standard: z.string(),
    clause: z.string().optional(),
    cwe: z.array(z.string()),
    severity: severity.describe('severity after the project\'s pack_overrides'),
    confidence: z.enum(['high', 'medium', 'low']),
    kind: z.string(),
    enabled: z.boolean().describe('whether the rule runs in this workspace (its pack enabled, not switched off)'),
    message: z.string(),
    remediation: z.string(),
    files: z.array(z.string()).optional().describe('globs of the files the rule applies to'),
    examples: z.object({ flagged: z.array(example), accepted: z.array(example) }),
  }),
  run({ rule_id }, ctx) {
    const config = ctx.config();
    const wanted = rule_id.trim().toUpperCase();
    const rule = loadAllPacks(ctx.root)
      .flatMap((p) => p.rules)
      .find((r) => r.def.id.toUpperCase() === wanted);
    if (!rule) {
      throw new SentrikError(`unknown rule '${rule_id.replace(/\0/g, '\\0')}'`, undefined, undefined, 'use the ruleId of a finding, or get_compliance_context to list the rules for a file');
    }
    const d = rule.def;
    const override = config.pack_overrides[rule.packId]?.[d.id];
    const toExample = (e: RuleExample) => ({ file: e.file ?? Object.keys(e.files ?? {}).join(', '), code: exampleText(e) });
    return {
      id: d.id,
      title: d.title,
      packId: rule.packId,
      standard: rule.standard,
      clause: d.clause,
      cwe: d.cwe,
      severity: override?.severity ?? d.severity,
      confidence: d.confidence,
      kind: d.kind,
      enabled: config.standards_packs.includes(rule.packId) && (override?.enabled ?? d.enabled),
      message: d.message.trim(),
      remediation: d.remediation.trim(),
      files: d.files,
      examples: { flagged: d.examples.bad.slice(0, MAX_EXAMPLES).map(toExample), accepted: d.examples.good.slice(0, MAX_EXAMPLES).map(toExample) },
    };
  },
  text(out) {
    return [
      `${out.id}: ${out.title} (${out.severity}, pack ${out.packId}${out.enabled ? '' : ', not enabled here'})`,
      `Standard: ${out.standard}${out.clause ? `, ${out.clause}` : ''}${out.cwe.length ? `; ${out.cwe.join(', ')}` : ''}`,
      `Why: ${out.message}`,
      `Fix: ${out.remediation}`,
      ...out.examples.flagged.map((e) => `Flagged (${e.file}):\n${e.code.trimEnd()}`),
      ...out.examples.accepted.map((e) => `Accepted (${e.file}):\n${e.code.trimEnd()}`),
    ].join('\n');
  },
});
