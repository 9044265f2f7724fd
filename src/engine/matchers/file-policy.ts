// `file_policy`: rules about files themselves rather than their lines.
//
//   match:
//     must_not_exist: true          # every file selected by the rule's `files` globs is a finding
//     max_size: 1048576             # files selected by `files` larger than this (bytes)
//     must_exist: ['LICENSE*']      # repository-level: a finding when no file matches
//     header: '^// SPDX-License-Identifier:'   # the first `header_lines` lines must match
//     header_lines: 5
//
// The scanner hands the rule only the files its `files` / `exclude` globs select (source.ts ruleView), so
// every check here sees those alone; `paths` narrows them further.
import picomatch from 'picomatch';
import { z } from 'zod';
import { compileRegex, testRegex } from '../regex.js';
import type { MatcherKind, RawMatch } from './matcher.js';
import { filesMatching } from './repo-globs.js';
import { globSchema } from '../../util/glob.js';

const schema = z
  .object({
    must_not_exist: z.boolean().optional(),
    max_size: z.number().int().positive().optional(),
    must_exist: z.array(z.string().min(1)).optional(),
    header: z.string().min(1).optional(),
    header_lines: z.number().int().min(1).max(100).optional(),
    /** Globs that narrow the files the rule's `files` / `exclude` select (built-in rules give both alike). */
    paths: z.array(globSchema).optional(),
  })
  .strict()
  .refine((m) => m.must_not_exist || m.max_size || m.must_exist || m.header, {
    message: 'give at least one of must_not_exist, max_size, must_exist, header',
  });

export const filePolicyKind: MatcherKind<z.infer<typeof schema>> = {
  kind: 'file_policy',
  scope: 'repo',
  schema,
  compile(m) {
    const header = m.header ? compileRegex(m.header) : undefined;
    const selected = m.paths?.length ? picomatch(m.paths, { dot: true }) : () => true;
    return {
      scope: 'repo',
      // What must exist is a question about the whole repository; the rest is about each file.
      perFile: !m.must_exist,
      match(repo) {
        const out: RawMatch[] = [];
        if (m.must_exist && filesMatching(repo, m.must_exist).length === 0) {
          out.push({ file: '.', matched: m.must_exist.join('|'), message: `Required file missing: one of ${m.must_exist.join(', ')}` });
        }
        for (const f of repo.files) {
          if (!selected(f)) continue;
          if (m.must_not_exist) out.push({ file: f, matched: f });
          const size = m.max_size ? repo.size(f) : undefined;
          if (size !== undefined && size > m.max_size!) out.push({ file: f, matched: `size:${m.max_size}`, message: `File is ${size} bytes, over the ${m.max_size}-byte limit` });
          if (header) {
            const text = repo.read(f);
            const head = text?.split('\n', m.header_lines ?? 5).join('\n');
            if (head !== undefined && !testRegex(header, head)) out.push({ file: f, line: 1, matched: 'header' });
          }
        }
        return out;
      },
    };
  },
};
