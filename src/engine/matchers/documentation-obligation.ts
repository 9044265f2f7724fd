// `documentation_obligation`: something the repository must document (a security policy, an SBOM step,
// a dependency-update config). One repository-level finding when no file provides the evidence.
//
//   match:
//     any_of: ['SECURITY.md', '.github/SECURITY.md', 'docs/SECURITY.md']
//     contains: ['(?i)report|disclos|security@']   # optional: one of the files must contain one of these
//     evidence: 'A SECURITY.md that says how to report a vulnerability privately'
import { z } from 'zod';
import { compileRegex, testRegex } from '../regex.js';
import type { MatcherKind } from './matcher.js';
import { filesMatching } from './repo-globs.js';
import { globSchema } from '../../util/glob.js';

const schema = z
  .object({
    any_of: z.array(globSchema).min(1),
    contains: z.array(z.string().min(1)).optional(),
    evidence: z.string().min(3),
  })
  .strict();

export const documentationObligationKind: MatcherKind<z.infer<typeof schema>> = {
  kind: 'documentation_obligation',
  scope: 'repo',
  schema,
  compile(m) {
    const contains = (m.contains ?? []).map((p) => compileRegex(p));
    return {
      scope: 'repo',
      match(repo) {
        const candidates = filesMatching(repo, m.any_of);
        const satisfied = candidates.some((f) => {
          if (!contains.length) return true;
          const text = repo.read(f);
          return text !== undefined && contains.some((re) => testRegex(re, text));
        });
        if (satisfied) return [];
        const found = candidates.length ? ` (${candidates.slice(0, 3).join(', ')} found, but without the required content)` : '';
        return [{ file: '.', matched: m.any_of.join('|'), message: `Missing evidence: ${m.evidence}${found}` }];
      },
    };
  },
};
