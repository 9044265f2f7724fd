// `.sentrik/suppressions.yaml`: reviewed, file-based suppressions.
//
//   suppressions:
//     - rule_id: SCS-CI-003
//       file_glob: ".github/workflows/release.yml"
//       reason: "pinned by Renovate within 24h"
//       approved_by: alice@example.com
//       expires: 2026-12-31
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { z } from 'zod';
import { parseYamlWithPositions, lineOf, zodToSentrikError } from '../util/yaml.js';

const entrySchema = z
  .object({
    rule_id: z.string().min(1),
    file_glob: z.string().min(1).default('**'),
    reason: z.string().default(''),
    approved_by: z.string().optional(),
    expires: z.union([z.string(), z.date()]).optional(),
  })
  .strict();

const fileSchema = z.object({ suppressions: z.array(entrySchema).default([]) }).strict();

export interface FileSuppression {
  ruleId: string;
  fileGlob: string;
  reason: string;
  approvedBy?: string;
  expires?: string;
  /** `file:line` of the entry. */
  source: string;
  matches(ruleId: string, path: string): boolean;
  expired(now: Date): boolean;
}

export function suppressionsPath(root: string): string {
  return join(root, '.sentrik', 'suppressions.yaml');
}

export function loadSuppressions(root: string): FileSuppression[] {
  const file = suppressionsPath(root);
  if (!existsSync(file)) return [];
  const parsed = parseYamlWithPositions(readFileSync(file, 'utf8'), file);
  const res = fileSchema.safeParse(parsed.value ?? {});
  if (!res.success) throw zodToSentrikError(res.error, parsed, 'invalid suppressions file');
  return res.data.suppressions.map((e, i) => {
    const isMatch = picomatch(e.file_glob, { dot: true });
    const expires = e.expires instanceof Date ? e.expires.toISOString().slice(0, 10) : e.expires;
    const until = expires ? Date.parse(expires.length === 10 ? `${expires}T23:59:59Z` : expires) : undefined;
    return {
      ruleId: e.rule_id,
      fileGlob: e.file_glob,
      reason: e.reason.trim(),
      approvedBy: e.approved_by,
      expires,
      source: `.sentrik/suppressions.yaml:${lineOf(parsed, ['suppressions', i]) ?? 1}`,
      matches: (ruleId: string, path: string) => (e.rule_id === ruleId || e.rule_id === '*') && isMatch(path),
      expired: (now: Date) => until !== undefined && (Number.isNaN(until) || until < now.getTime()),
    };
  });
}
