// `secret`: one credential type per rule. Detectors are data (packs/secrets); this kind runs a rule's RE2
// pattern and screens every candidate before reporting it: word boundaries, placeholder values, entropy, a
// named validator from src/secrets/checks.ts (provider checksums, key structure) and nearby context.
//
//   match:
//     pattern: 'ghp_[A-Za-z0-9]{36}'   # RE2; `(?i)` prefix or ignore_case for case-insensitive
//     secret_group: 1                  # the capture group holding the credential (default: whole match)
//     keywords: ['ghp_']               # lower-case literals for the one-pass prefilter (required unless generic)
//     entropy_min: 3.5                 # bits per character of the secret
//     check: github-crc32              # a validator by name (see CHECK_NAMES)
//     allow: ['EXAMPLE$']              # secret values matching any of these are placeholders
//     boundary: { before: '[A-Za-z]', after: false }   # characters that may not touch the match (default [A-Za-z0-9])
//     context: { requires: ['twilio'], excludes: ['sha256'], lines: 3 }   # near the secret's line
//     key_group: 1                     # generic rules: the group naming the key …
//     key_excludes: ['(?i)public']     # … and key names that are not secrets
//     report: match                    # report the line where the match starts (default: where the secret starts)
//     generic: true                    # no literal prefilter possible (runs on every file; avoid)
import { z } from 'zod';
import { CHECK_NAMES, CHECKS, entropyAtLeast, isStructuralPlaceholder } from '../../secrets/checks.js';
import { allMatches, compileRegex, testRegex, type SafeRegex } from '../regex.js';
import type { SourceFile } from '../source.js';
import type { MatcherKind, RawMatch } from './matcher.js';

const pattern = z.string().min(1);
const charClass = z.union([pattern, z.literal(false)]);

export const secretMatchSchema = z
  .object({
    pattern,
    secret_group: z.number().int().min(0).optional(),
    keywords: z
      .array(z.string().min(2).refine((k) => k === k.toLowerCase(), 'keywords are lower-case literals'))
      .min(1)
      .optional(),
    generic: z.boolean().optional(),
    ignore_case: z.boolean().optional(),
    entropy_min: z.number().min(0).max(8).optional(),
    check: z.enum(CHECK_NAMES).optional(),
    allow: z.array(pattern).optional(),
    boundary: z.object({ before: charClass.optional(), after: charClass.optional() }).strict().optional(),
    context: z
      .object({
        requires: z.array(pattern).optional(),
        excludes: z.array(pattern).optional(),
        lines: z.number().int().min(0).max(50).optional(),
      })
      .strict()
      .optional(),
    key_group: z.number().int().min(1).optional(),
    key_excludes: z.array(pattern).optional(),
    report: z.enum(['secret', 'match']).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (!m.keywords && !m.generic) {
      ctx.addIssue({ code: 'custom', path: ['keywords'], message: 'a detector needs keywords (lower-case literals every match contains) for the prefilter; only `generic: true` rules may omit them' });
    }
  });

export type SecretMatch = z.infer<typeof secretMatchSchema>;

const DEFAULT_BOUNDARY = '[A-Za-z0-9]';

export const secretKind: MatcherKind<SecretMatch> = {
  kind: 'secret',
  scope: 'file',
  schema: secretMatchSchema,
  compile(m) {
    const ic = m.ignore_case ?? false;
    const re = compileRegex(m.pattern, { ignoreCase: ic });
    const c = (p: string): SafeRegex => compileRegex(p);
    const allow = (m.allow ?? []).map(c);
    const before = boundaryOf(m.boundary?.before);
    const after = boundaryOf(m.boundary?.after);
    const requires = (m.context?.requires ?? []).map(c);
    const excludes = (m.context?.excludes ?? []).map(c);
    const near = m.context?.lines ?? 0;
    const keyExcludes = (m.key_excludes ?? []).map(c);
    const check = m.check ? CHECKS[m.check] : undefined;
    const group = m.secret_group ?? 0;

    return {
      scope: 'file',
      keywords: m.keywords,
      match(file: SourceFile): RawMatch[] {
        const text = file.text;
        const out: RawMatch[] = [];
        const seen = new Set<string>();
        // re2Input: ASCII files go to RE2 as bytes (no UTF-8 conversion of the whole text per rule).
        for (const hit of allMatches(re, file.re2Input)) {
          const secret = group === 0 ? hit.text : hit.groups[group - 1];
          if (!secret) continue;
          const end = hit.index + hit.text.length;
          if (before && hit.index > 0 && testRegex(before, text[hit.index - 1])) continue;
          if (after && end < text.length && testRegex(after, text[end])) continue;
          if (isStructuralPlaceholder(secret)) continue;
          if (allow.some((r) => testRegex(r, secret))) continue;
          if (m.entropy_min !== undefined && !entropyAtLeast(secret, m.entropy_min)) continue;
          if (m.key_group !== undefined) {
            const key = hit.groups[m.key_group - 1] ?? '';
            if (keyExcludes.some((r) => testRegex(r, key))) continue;
          }
          if (check && !check({ secret, groups: hit.groups, match: hit.text, path: file.path })) continue;
          // The secret is the last occurrence of its text in the match (patterns end at the credential).
          const secretStart = hit.index + hit.text.lastIndexOf(secret);
          const secretAt = file.position(secretStart);
          const start = m.report === 'match' ? file.position(hit.index) : secretAt;
          if (requires.length || excludes.length) {
            const window = file.linesAround(secretAt.line, near).join('\n');
            if (requires.length && !requires.some((r) => testRegex(r, window))) continue;
            if (excludes.some((r) => testRegex(r, window))) continue;
          }
          const key = `${start.line}\0${secret}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const stop = file.position(secretStart + secret.length);
          out.push({ line: start.line, column: start.column, endLine: stop.line, endColumn: stop.column, matched: secret, secret: true });
        }
        return out;
      },
    };
  },
};

function boundaryOf(spec: string | false | undefined): SafeRegex | undefined {
  if (spec === false) return undefined;
  return compileRegex(spec ?? DEFAULT_BOUNDARY);
}

