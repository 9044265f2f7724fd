// `spec`: checks over API contracts (OpenAPI, AsyncAPI, protobuf) and over code that must honour one
// (contract drift). The logic lives in src/specs/; a rule names a check and gives its options:
//
//   match:
//     check: openapi-operation-security      # see `src/specs/index.ts` for the list
//     options: { public: ['GET /health'] }   # validated by the check's own schema
//
// Spec files are recognised by content (a top-level `openapi:`/`swagger:`/`asyncapi:` key, or a .proto
// file), so the rule finds them wherever they are unless the rule's `files:` narrows it.
import { z } from 'zod';
import { getSpecCheck, specCheckNames } from '../../specs/index.js';
import type { MatcherKind } from './matcher.js';

export const specMatchSchema = z
  .object({
    check: z.string(),
    options: z.record(z.string(), z.unknown()).optional(),
    keywords: z.array(z.string().min(2)).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const check = getSpecCheck(m.check);
    if (!check) {
      ctx.addIssue({ code: 'custom', message: `unknown spec check '${m.check}' (known: ${specCheckNames().join(', ')})`, path: ['check'] });
      return;
    }
    const res = check.options.safeParse(m.options ?? {});
    if (!res.success) for (const iss of res.error.issues) ctx.addIssue({ ...iss, path: ['options', ...iss.path] } as never);
  });

export type SpecMatch = z.infer<typeof specMatchSchema>;

export const specKind: MatcherKind<SpecMatch> = {
  kind: 'spec',
  scope: 'file',
  schema: specMatchSchema,
  domain(m) {
    const reads = getSpecCheck(m.check)!.reads;
    return reads === 'code' ? undefined : { kinds: [reads] }; // drift checks read code: every file their globs select
  },
  compile(m) {
    const check = getSpecCheck(m.check)!;
    const options = check.options.parse(m.options ?? {});
    return {
      scope: 'file',
      keywords: m.keywords?.map((k) => k.toLowerCase()) ?? check.keywords,
      match: (file) => check.run(file, options),
      problems: check.problems && ((file) => check.problems!(file)),
    };
  },
};
