// The pack format (packs/<id>/pack.yaml). Documented for users in docs/packs.md.
import { z } from 'zod';
import { SEVERITIES } from '../engine/model.js';

export const severitySchema = z.enum(SEVERITIES);

/** One example: a single file (`file` + `code`) or a small tree (`files`) for repository-level rules. */
const exampleSchema = z
  .object({
    name: z.string().optional(),
    /** File name the snippet pretends to be (drives language/glob selection). */
    file: z.string().optional(),
    code: z.string().optional(),
    /** Several files, path → content, for rules that look at the repository. */
    files: z.record(z.string(), z.string()).optional(),
    /** For bad examples: 1-based line(s) that must be flagged (in `file`). Omit for whole-file findings. */
    line: z.union([z.number().int().min(1), z.array(z.number().int().min(1)).min(1)]).optional(),
  })
  .strict()
  .refine((e) => (e.file !== undefined && e.code !== undefined) !== (e.files !== undefined), {
    message: 'an example has either `file` and `code`, or `files`',
  });

export type RuleExample = z.infer<typeof exampleSchema>;

export const examplesSchema = z
  .object({
    bad: z.array(exampleSchema).default([]),
    good: z.array(exampleSchema).default([]),
    /** Known misses or false positives: recorded, not failing. Each has the shape of bad/good plus `expect`. */
    todo: z.array(z.object({ expect: z.enum(['finding', 'clean']) }).passthrough()).default([]),
  })
  .strict();

export const ruleSchema = z
  .object({
    id: z.string().regex(/^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/, 'rule ids look like SCS-CI-001'),
    title: z.string().min(3),
    severity: severitySchema,
    kind: z.string(),
    /** Defaults to the pack's standard. */
    standard: z.string().optional(),
    clause: z.string().optional(),
    cwe: z.array(z.string().regex(/^CWE-\d+$/, 'CWE ids look like CWE-79')).default([]),
    /** OWASP Top 10 2021 category, e.g. A03:2021. */
    owasp: z.array(z.string()).optional(),
    message: z.string().min(3),
    remediation: z.string().min(3),
    confidence: z.enum(['high', 'medium', 'low']).default('high'),
    /** Globs (relative, posix) the rule applies to; default: every file. */
    files: z.array(z.string()).optional(),
    /** Globs the rule never applies to. */
    exclude: z.array(z.string()).optional(),
    /** Repository obligations (documentation) never fail the gate unless configured to. */
    gate: z.boolean().optional(),
    enabled: z.boolean().default(true),
    tags: z.array(z.string()).optional(),
    help_uri: z.string().url().optional(),
    match: z.unknown(),
    examples: examplesSchema,
  })
  .strict();

export type RuleDef = z.infer<typeof ruleSchema>;

export const packSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'pack ids are lower-case words joined by dashes'),
    name: z.string(),
    version: z.string(),
    standard: z.string(),
    description: z.string(),
    /** Enabled by zero-config detection when any of these languages/ecosystems is present. */
    applies_to: z.array(z.string()).optional(),
    rules: z.array(z.unknown()).default([]),
  })
  .strict();

export type PackDef = z.infer<typeof packSchema>;
