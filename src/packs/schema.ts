// The pack format (packs/<id>/pack.yaml). Documented for users in docs/packs.md.
import { z } from 'zod';
import { SEVERITIES } from '../engine/model.js';
import { compileRegex } from '../engine/regex.js';
import { globSchema } from '../util/glob.js';

export const severitySchema = z.enum(SEVERITIES);

/**
 * Prose shown to people (titles, messages, remediation, descriptions): trimmed when the pack loads. A folded
 * YAML scalar (`>`) keeps its final newline, which a terminal report would print as a visible `\x0a`.
 */
const text = () => z.string().trim();

/** One example: a single file (`file` + `code`) or a small tree (`files`) for repository-level rules. */
const exampleFields = {
    name: z.string().optional(),
    /** File name the snippet pretends to be (drives language/glob selection). */
    file: z.string().optional(),
    code: z.string().optional(),
    /** The file's content as base64, for binary files (a keystore): instead of `code`. */
    code_base64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'code_base64 is base64 (A-Z, a-z, 0-9, +, /, = padding)').optional(),
    /** Several files, path → content, for rules that look at the repository. */
    files: z.record(z.string(), z.string()).optional(),
    /** For bad examples: 1-based line(s) that must be flagged (in `file`). Omit for whole-file findings. */
    line: z.union([z.number().int().min(1), z.array(z.number().int().min(1)).min(1)]).optional(),
};

const oneShape = {
  check: (e: { file?: string; code?: string; code_base64?: string; files?: Record<string, string> }) =>
    e.files === undefined ? e.file !== undefined && (e.code !== undefined) !== (e.code_base64 !== undefined) : e.file === undefined && e.code === undefined && e.code_base64 === undefined,
  message: { message: 'an example has either `file` and `code` (or `code_base64`), or `files`' },
};

export const exampleSchema = z.object(exampleFields).strict().refine(oneShape.check, oneShape.message);

export type RuleExample = z.infer<typeof exampleSchema>;

export const examplesSchema = z
  .object({
    bad: z.array(exampleSchema).default([]),
    good: z.array(exampleSchema).default([]),
    /** Known misses or false positives: recorded, not failing. Each has the shape of bad/good plus `expect`. */
    todo: z
      .array(
        z
          .object({ ...exampleFields, expect: z.enum(['finding', 'clean']) })
          .strict()
          .refine(oneShape.check, oneShape.message),
      )
      .default([]),
  })
  .strict();

/**
 * A mechanical fix, applied by `sentrik fix` to the flagged line(s). Either `replace` + `with` (every match of
 * the RE2 pattern on the line is replaced; `$1`, `${name}`, `$&`, `$$` refer to the match), or `template`, the
 * new text of the whole line (`{{indent}}`, `{{line}}` = the line without its indentation, `{{1}}` = a group
 * of `replace`), or `cases`: several `{ replace, with }` tried in order, the first that matches the line wins.
 * A fix never adds or removes lines. `fixed` shows a bad example after the fix (tested).
 */
export const fixSchema = z
  .object({
    replace: z.string().min(1).optional(),
    with: z.string().optional(),
    template: z.string().min(1).optional(),
    cases: z.array(z.object({ replace: z.string().min(1), with: z.string() }).strict()).min(1).optional(),
    fixed: z.object({ bad: z.number().int().min(0).default(0), code: z.string() }).strict(),
    /**
     * Repository facts the fix depends on: one of these file names must exist in the flagged file's folder or
     * a folder above it, up to the scan root (e.g. a lockfile before `npm install` → `npm ci`). Otherwise the
     * fix is not applied and `hint` says what to do first; the finding stands.
     */
    requires: z
      .object({
        any_file: z.array(z.string().regex(/^(?!\.\.?$)[^/\\\0]+$/, 'a file name, without folders')).min(1),
        hint: z.string().min(1),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if ([f.with, f.template, f.cases].filter((x) => x !== undefined).length !== 1) ctx.addIssue({ code: 'custom', message: 'a fix has one of: `replace` with `with`, a `template`, or `cases`' });
    if (f.with !== undefined && f.replace === undefined) ctx.addIssue({ code: 'custom', path: ['replace'], message: '`with` needs a `replace` pattern' });
    const patterns: [string, PropertyKey[]][] = f.replace !== undefined ? [[f.replace, ['replace']]] : [];
    f.cases?.forEach((c, i) => patterns.push([c.replace, ['cases', i, 'replace']]));
    for (const [pattern, path] of patterns) {
      try {
        compileRegex(pattern);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path, message: (err as Error).message });
      }
    }
    if ([f.with, f.template, ...(f.cases ?? []).map((c) => c.with)].some((t) => t !== undefined && /[\r\n]/.test(t))) ctx.addIssue({ code: 'custom', message: 'a fix replaces text within a line: no line breaks in `with`/`template`' });
  });

export type FixDef = z.infer<typeof fixSchema>;

export const ruleSchema = z
  .object({
    id: z.string().regex(/^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/, 'rule ids look like SCS-CI-001'),
    title: text().min(3),
    severity: severitySchema,
    kind: z.string(),
    /** Defaults to the pack's standard. */
    standard: text().optional(),
    clause: text().optional(),
    cwe: z.array(z.string().regex(/^CWE-\d+$/, 'CWE ids look like CWE-79')).default([]),
    /** OWASP Top 10 2021 category, e.g. A03:2021. */
    owasp: z.array(z.string()).optional(),
    message: text().min(3),
    remediation: text().min(3),
    confidence: z.enum(['high', 'medium', 'low']).default('high'),
    /** Globs (relative, posix) the rule applies to; default: every file. */
    files: z.array(globSchema).optional(),
    /** Globs the rule never applies to. */
    exclude: z.array(globSchema).optional(),
    /** Repository obligations (documentation) never fail the gate unless configured to. */
    gate: z.boolean().optional(),
    enabled: z.boolean().default(true),
    tags: z.array(z.string()).optional(),
    help_uri: z.string().url().optional(),
    match: z.unknown(),
    /** Missing: the loader says what to add (a rule without examples is refused), not "expected object". */
    examples: examplesSchema.default({ bad: [], good: [], todo: [] }),
    /** Optional mechanical fix (see fixSchema). */
    fix: fixSchema.optional(),
  })
  .strict();

export type RuleDef = z.infer<typeof ruleSchema>;

/**
 * One clause of the pack's framework served by rules of any pack (its own or others): a finding of such a
 * rule also carries this clause when the pack is enabled, so no detection logic is duplicated.
 * `rules: []` records a clause that needs manual assessment (reported as "not assessed").
 */
export const mappingSchema = z
  .object({
    clause: z.string().min(1),
    title: text().min(3),
    rules: z.array(z.string().min(1)).default([]),
    /** Why these rules show the clause, or what a reviewer must check by hand. */
    note: text().optional(),
  })
  .strict();

export type MappingDef = z.infer<typeof mappingSchema>;

export const packSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'pack ids are lower-case words joined by dashes'),
    name: text(),
    version: z.string(),
    standard: text(),
    description: text(),
    /** Enabled by zero-config detection when any of these languages/ecosystems is present. */
    applies_to: z.array(z.string()).optional(),
    rules: z.array(z.unknown()).default([]),
    /** Clauses of this pack's standard mapped onto rules (see mappingSchema). */
    mappings: z.array(mappingSchema).default([]),
  })
  .strict();

export type PackDef = z.infer<typeof packSchema>;
