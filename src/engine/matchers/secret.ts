// `secret`: one credential type per rule. Detectors are data (packs/secrets); this kind runs a rule's RE2
// pattern and screens every candidate before reporting it: word boundaries, placeholder values and stand-in
// words (`-EXAMPLE-`), entropy, a named validator from src/secrets/checks.ts (provider checksums, key
// structure) and nearby context.
//
//   match:
//     pattern: 'ghp_[A-Za-z0-9]{36}'   # RE2; `(?i)` prefix or ignore_case for case-insensitive
//     secret_group: 1                  # the capture group holding the credential (default: whole match)
//     keywords: ['ghp_']               # lower-case literals for the one-pass prefilter (required unless generic); a
//                                      # secret that starts with one is `prefixed` (preferred among duplicates) …
//     prefilter: ['://[^\s/@]*:[^\s/]*@']   # … or RE2 patterns every match contains, searched in that same pass
//                                      # (case-insensitively) instead of keywords: for detectors whose keywords are common
//     entropy_min: 3.5                 # bits per character of the secret
//     max_length: 200                  # longer values are data, not a credential (cheaper than `{8,200}` in the pattern)
//     check: github-crc32              # a validator by name (see CHECK_NAMES); a failed checksum (CHECKSUM_OF) is
//                                      # reported at medium severity and low confidence unless the value is made up
//     allow: ['EXAMPLE$']              # secret values matching any of these are placeholders
//     boundary: { before: '[A-Za-z]', after: false }   # characters that may not touch the match (default [A-Za-z0-9])
//     context: { requires: ['twilio'], excludes: ['sha256'], lines: 3 }   # near the secret's line
//     key_group: 1                     # generic rules: the group naming the key …
//     key_excludes: ['(?i)public']     # … and key names that are not secrets
//     report: match                    # report the line where the match starts (default: where the secret starts)
//     generic: true                    # no literal prefilter possible (runs on every file; avoid)
import { z } from 'zod';
import { CHECK_NAMES, CHECKS, CHECKSUM_OF, entropyAtLeast, hasStandInWord, isStructuralPlaceholder, madeUpToken } from '../../secrets/checks.js';
import { compileRegex, matchesInUtf8, testRegex, type RegexHit, type SafeRegex } from '../regex.js';
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
    prefilter: z.array(pattern).min(1).optional(),
    generic: z.boolean().optional(),
    ignore_case: z.boolean().optional(),
    entropy_min: z.number().min(0).max(8).optional(),
    max_length: z.number().int().min(1).optional(),
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
    if (!m.keywords && !m.prefilter && !m.generic) {
      ctx.addIssue({ code: 'custom', path: ['keywords'], message: 'a detector needs keywords (lower-case literals every match contains) or a prefilter for the one-pass search; only `generic: true` rules may omit them' });
    }
    if (m.keywords && m.prefilter) {
      ctx.addIssue({ code: 'custom', path: ['prefilter'], message: 'give keywords or prefilter, not both (the prefilter replaces the keywords)' });
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
    const checksumOf = m.check ? CHECKSUM_OF[m.check] : undefined;
    const group = m.secret_group ?? 0;
    const maxLength = m.max_length ?? Infinity;
    const keywords = m.keywords ?? []; // a value that starts with one carries its provider's prefix
    for (const p of m.prefilter ?? []) compileRegex(p, { ignoreCase: true }); // a bad prefilter fails at load, with the reason

    return {
      scope: 'file',
      keywords: m.keywords,
      prefilter: m.prefilter,
      match(file: SourceFile): RawMatch[] {
        const out: RawMatch[] = [];
        const seen = new Set<string>();
        for (const hit of matchesOf(re, file)) {
          const secret = group === 0 ? hit.text : hit.groups[group - 1];
          if (!secret || secret.length > maxLength) continue;
          // Cheap screens first (most candidates of the generic detectors fail them), RE2 screens last. The
          // neighbours are read from the bytes: a non-ASCII file is decoded only if a finding needs its text.
          const byteStart = hit.byteIndex!;
          const byteEnd = byteStart + Buffer.byteLength(hit.text);
          if (before && byteStart > 0 && before(file.charBeforeByte(byteStart))) continue;
          if (after && byteEnd < file.utf8.length && after(file.charAtByte(byteEnd))) continue;
          if (isStructuralPlaceholder(secret) || hasStandInWord(secret)) continue;
          if (m.entropy_min !== undefined && !entropyAtLeast(secret, m.entropy_min)) continue;
          // A failed checksum is weaker evidence, not none (see CHECKSUM_OF); any other failed check drops the value.
          let checksumFailed = false;
          if (check && !check({ secret, groups: hit.groups, match: hit.text, path: file.path })) {
            if (!checksumOf || madeUpToken(secret)) continue;
            checksumFailed = true;
          }
          if (allow.some((r) => testRegex(r, secret))) continue;
          if (m.key_group !== undefined) {
            const key = hit.groups[m.key_group - 1] ?? '';
            if (keyExcludes.some((r) => testRegex(r, key))) continue;
          }
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
          const prefixed = keywords.some((k) => secret.slice(0, k.length).toLowerCase() === k);
          out.push({
            line: start.line,
            column: start.column,
            endLine: stop.line,
            endColumn: stop.column,
            matched: secret,
            secret: true,
            ...(prefixed ? { prefixed } : {}),
            ...(checksumFailed ? { severity: 'medium', confidence: 'low', message: checksumMessage(checksumOf!) } : {}),
          });
        }
        return out;
      },
    };
  },
};

function checksumMessage(provider: string): string {
  return `A value in ${provider} token format is hard-coded, but its checksum does not match: not a token as issued, yet a mistyped or truncated copy of a real one still leaks it. If it is a made-up example, write an obvious placeholder (xxxx…).`;
}

/**
 * The pattern's matches with character offsets. RE2 searches the file's UTF-8 (the bytes as read, or for a text
 * made once for all its detectors); in a non-ASCII file byte offsets are mapped back to characters.
 */
function matchesOf(re: SafeRegex, file: SourceFile): RegexHit[] {
  return matchesInUtf8(re, file.utf8, file.isAscii);
}

/** A boundary class as a test of one character, remembered per character (a file repeats the same few). */
function boundaryOf(spec: string | false | undefined): ((ch: string) => boolean) | undefined {
  if (spec === false) return undefined;
  const re = compileRegex(spec ?? DEFAULT_BOUNDARY);
  const known = new Map<string, boolean>();
  return (ch) => {
    let v = known.get(ch);
    if (v === undefined) known.set(ch, (v = testRegex(re, ch)));
    return v;
  };
}

