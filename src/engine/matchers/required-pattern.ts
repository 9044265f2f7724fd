// `required_pattern`: a file selected by the rule's `files` must contain a pattern; a finding when absent.
//
//   match:
//     patterns: ['helmet\(', 'app\.disable\(.x-powered-by.\)']   # any one satisfies the rule
//     when: ['express\(\)']     # optional: only files that contain one of these are checked
import { z } from 'zod';
import { compileRegex, testRegex } from '../regex.js';
import type { MatcherKind } from './matcher.js';
import { deriveKeywords } from './regex.js';

const schema = z
  .object({
    patterns: z.array(z.string().min(1)).min(1),
    when: z.array(z.string().min(1)).optional(),
    ignore_case: z.boolean().optional(),
  })
  .strict();

export const requiredPatternKind: MatcherKind<z.infer<typeof schema>> = {
  kind: 'required_pattern',
  scope: 'file',
  schema,
  compile(m) {
    const opts = { ignoreCase: m.ignore_case };
    const patterns = m.patterns.map((p) => compileRegex(p, opts));
    const when = (m.when ?? []).map((p) => compileRegex(p, opts));
    return {
      scope: 'file',
      // Without a `when`, every selected file is checked; with one, only files where it can match.
      keywords: m.when ? deriveKeywords(m.when) : undefined,
      match(file) {
        let line: number | undefined;
        if (when.length) {
          const re = when.find((r) => testRegex(r, file.text));
          if (!re) return [];
          re.lastIndex = 0;
          const hit = re.exec(file.text);
          re.lastIndex = 0;
          line = hit ? file.position(hit.index).line : undefined;
        }
        if (patterns.some((re) => testRegex(re, file.text))) return [];
        return [{ line, matched: m.patterns.join('|') }];
      },
    };
  },
};
