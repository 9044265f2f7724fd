// get_compliance_context: the packs, rules and remediation that apply to a path, so an agent can write
// compliant code first instead of fixing findings afterwards.
import { statSync, type Stats } from 'node:fs';
import { z } from 'zod';
import { languageOf } from '../../engine/ast/languages.js';
import { fileKinds } from '../../engine/file-kinds.js';
import { inDomain } from '../../engine/matchers/matcher.js';
import { SEVERITY_RANK } from '../../engine/model.js';
import { readSourceText } from '../../engine/read.js';
import { SourceFile } from '../../engine/source.js';
import { compareStrings } from '../../reporters/common.js';
import { buildRules } from '../../run/scan.js';
import { SentrikError } from '../../util/errors.js';
import { severity } from '../schemas.js';
import { defineTool, workspacePath } from '../tool.js';

/** The path's stat, once (it is asked whether it is a folder, then whether it exists), or undefined. */
function statOrUndefined(abs: string): Stats | undefined {
  try {
    return statSync(abs);
  } catch {
    return undefined;
  }
}

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
    rules: z.array(ruleOut).describe('worst severity first; the secret detectors are summed up in `secrets`'),
    secrets: z
      .object({ detectors: z.number().int(), blocking: z.boolean(), remediation: z.string() })
      .optional()
      .describe('the hard-coded credential detectors that apply (one entry: they all ask the same)'),
    skipped: z.string().optional().describe('why scan_file would not scan the file as it is now (binary: no rule is listed; too-large, unreadable), if so'),
    failOn: z.array(severity).describe('severities that fail the gate'),
  }),
  run({ path }, ctx) {
    const { abs, rel } = workspacePath(ctx, path);
    const st = statOrUndefined(abs); // none: a file about to be written
    if (st?.isDirectory()) throw new SentrikError('not a file', rel, undefined, 'give the path of one file (it need not exist yet)');
    const config = ctx.config();
    const failOn = new Set(config.gate.fail_on);
    // Read as scan_file reads it: a binary file is not scanned, so no rule that reads text applies to it.
    const content = st ? readSourceText(abs, config.max_file_size) : undefined;
    const skipped = content && 'skip' in content ? content.skip : undefined;
    if (skipped === 'binary') return { path: rel, packs: [], rules: [], skipped, failOn: config.gate.fail_on };
    const rules = buildRules(ctx.root, config);
    // Rules that judge this kind of file: its language by name; its format or contract by content when it
    // exists (a file not written yet, or too large to read, keeps the rules its path allows).
    const language = languageOf(rel)?.language;
    const kinds = content && 'text' in content ? fileKinds(new SourceFile(rel, content.text)) : undefined;
    const judges = (d: Parameters<typeof inDomain>[0]): boolean => inDomain(d && { languages: d.languages, kinds: kinds ? d.kinds : undefined }, { path: rel, language, kinds: kinds ?? [] });
    const matching = rules.fileRules.filter((a) => a.rule.appliesTo(rel) && judges(a.rule.domain));
    const secretRules = matching.filter((a) => a.rule.def.kind === 'secret');
    const applying = matching
      .filter((a) => a.rule.def.kind !== 'secret')
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
      .map((p) => ({ id: p.id, name: p.name, standard: p.standard, rules: matching.filter((a) => a.rule.packId === p.id).length }))
      .filter((p) => p.rules > 0);
    const secrets = secretRules.length
      ? {
          detectors: secretRules.length,
          blocking: secretRules.some((a) => failOn.has(a.severity) && a.rule.def.gate !== false),
          remediation: 'Never write a credential (API key, token, password, private key, connection string with a password) into the file: read it from the environment or a secret manager at run time, and use an obvious placeholder in examples.',
        }
      : undefined;
    return { path: rel, packs, rules: applying, ...(secrets ? { secrets } : {}), ...(skipped ? { skipped } : {}), failOn: config.gate.fail_on };
  },
  text(out) {
    if (out.skipped === 'binary') return `${out.path} is a binary file: scan_file does not scan its content (it reports it as not scanned), so no rule is listed for it.`;
    const note = out.skipped ? [`Note: scan_file does not scan ${out.path} as it is now (${out.skipped}).`] : [];
    if (out.rules.length === 0 && !out.secrets) return [`No enabled rule applies to ${out.path}.`, ...note].join('\n');
    const count = out.rules.length + (out.secrets?.detectors ?? 0);
    return [
      `${count} rules from ${out.packs.map((p) => p.id).join(', ')} apply to ${out.path} (gate fails on ${out.failOn.join(', ')}):`,
      ...out.rules.map((r) => `- ${r.id} (${r.severity}${r.blocking ? ', blocking' : ''}) ${r.title}: ${r.remediation}`),
      ...(out.secrets ? [`- ${out.secrets.detectors} secret detectors (SEC-*${out.secrets.blocking ? ', blocking' : ''}): ${out.secrets.remediation}`] : []),
      ...note,
    ].join('\n');
  },
});
