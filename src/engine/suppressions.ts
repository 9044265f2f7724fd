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
import type { InlineIgnore } from './file-scan.js';
import { SEVERITIES, type Severity, type SuppressionRecord } from './model.js';
import { globSchema } from '../util/glob.js';
import { closest } from '../util/text.js';
import { isCalendarDate } from '../util/dates.js';

/** `2026-12-31`, optionally with a time (`2026-12-31T18:00:00Z`); the date must exist (no 2020-13-45). */
const EXPIRES = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function validExpiry(text: string): boolean {
  return EXPIRES.test(text) && isCalendarDate(text.slice(0, 10)) && !Number.isNaN(expiryTime(text));
}

/** When an expiry ends: a date alone lasts to the end of its day (UTC). */
function expiryTime(text: string): number {
  return Date.parse(text.length === 10 ? `${text}T23:59:59Z` : text);
}

// An expiry that cannot be read is an error, never "expired" (a typo would revive the finding) nor "never".
const expiresSchema = z.custom<string | Date>((v) => v instanceof Date || (typeof v === 'string' && validExpiry(v)), {
  error: (issue) => `${typeof issue.input === 'string' ? `'${issue.input}'` : String(issue.input)} is not a date: write expires as YYYY-MM-DD (e.g. 2026-12-31)`,
});

const entrySchema = z
  .object({
    rule_id: z.string().min(1),
    file_glob: globSchema.default('**'),
    reason: z.string().default(''),
    approved_by: z.string().optional(),
    expires: expiresSchema.optional(),
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
    const until = expires ? expiryTime(expires) : undefined;
    return {
      ruleId: e.rule_id,
      fileGlob: e.file_glob,
      reason: e.reason.trim(),
      approvedBy: e.approved_by,
      expires,
      source: `.sentrik/suppressions.yaml:${lineOf(parsed, ['suppressions', i]) ?? 1}`,
      matches: (ruleId: string, path: string) => (e.rule_id === ruleId || e.rule_id === '*') && isMatch(path),
      expired: (now: Date) => until !== undefined && until < now.getTime(),
    };
  });
}

// ---- lifecycle: which suppressions may apply, and what each did in a run --------------------------------

/** The `suppressions:` configuration block (same shape as in .sentrik/config.yaml). */
export interface SuppressionPolicy {
  inline_allowed_for: Severity[];
  inline_allowed_for_packs: Record<string, Severity[]>;
  severity: { missing_reason: Severity; expired: Severity; stale: Severity | 'off'; inline_not_allowed: Severity };
}

export const DEFAULT_SUPPRESSION_POLICY: SuppressionPolicy = {
  inline_allowed_for: [...SEVERITIES],
  inline_allowed_for_packs: {},
  severity: { missing_reason: 'low', expired: 'medium', stale: 'low', inline_not_allowed: 'medium' },
};

/** Severities an inline suppression may cover for a pack's findings (the per-pack list wins). */
export function inlineAllowedFor(policy: SuppressionPolicy, packId: string): Severity[] {
  return policy.inline_allowed_for_packs[packId] ?? policy.inline_allowed_for;
}

/** How often each suppression matched (keys from usageKey), filled in while findings are finalised. */
export interface SuppressionUsage {
  matched: Map<string, number>;
  /** Inline ones whose findings were all refused because of inline_allowed_for. */
  refused: Map<string, number>;
}

export const usageKey = (kind: 'inline' | 'file', source: string): string => `${kind}:${source}`;

export function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Documentation: a suppression written there shows the syntax. */
const PROSE = /\.(md|markdown|mdx|rst|adoc|txt)$/i;

export interface InventoryInput {
  fileSuppressions: FileSuppression[];
  ignores: { path: string; ignores: InlineIgnore[] }[];
  usage: SuppressionUsage;
  /** Rule ids this run evaluated: a suppression for another rule cannot be judged stale. */
  evaluated: Set<string>;
  /**
   * Every rule id of every available pack, asked for only when a file suppression names a rule this run did
   * not evaluate: one that no pack has is `unknown`. Absent: such suppressions stay `unchecked`.
   */
  knownRuleIds?: () => readonly string[];
  /** The whole repository was scanned: file suppressions that matched nothing are stale. */
  wholeRepository: boolean;
  /** Only changed lines were reported: findings elsewhere were never matched, so nothing is judged stale. */
  changedLinesOnly: boolean;
  now: Date;
}

/** Every suppression seen in the run with its status and match count, in file order. */
export function suppressionInventory(i: InventoryInput): SuppressionRecord[] {
  const records: SuppressionRecord[] = [];
  let known: Set<string> | undefined;
  for (const s of i.fileSuppressions) {
    const matched = i.usage.matched.get(usageKey('file', s.source)) ?? 0;
    const judgeable = i.wholeRepository && !i.changedLinesOnly && (s.ruleId === '*' || i.evaluated.has(s.ruleId));
    // A rule id no pack has (a typo) can never match: unknown, with the id it most likely meant.
    const unknown = s.ruleId !== '*' && !i.evaluated.has(s.ruleId) && i.knownRuleIds !== undefined && !(known ??= new Set(i.knownRuleIds())).has(s.ruleId);
    const didYouMean = unknown ? closest(s.ruleId, known!) : undefined;
    const status: SuppressionRecord['status'] = unknown ? 'unknown' : s.expired(i.now) ? 'expired' : !s.reason ? 'no-reason' : matched ? 'active' : judgeable ? 'stale' : 'unchecked';
    records.push({ kind: 'file', source: s.source, ruleIds: [s.ruleId], fileGlob: s.fileGlob, reason: s.reason, approvedBy: s.approvedBy, expires: s.expires, status, matched: unknown ? 0 : matched, ...(didYouMean ? { didYouMean } : {}) });
  }
  for (const { path, ignores } of i.ignores) {
    for (const ig of ignores) {
      const source = `${path}:${ig.line}`;
      const key = usageKey('inline', source);
      const matched = i.usage.matched.get(key) ?? 0;
      const judgeable = !i.changedLinesOnly && ig.ruleIds.some((id) => id === 'ALL' || i.evaluated.has(id));
      // Every id it names is one no pack has (a typo): it can never match — unknown, as a file entry would be.
      // Only ids shaped like rule ids (OWASP-A03-01), and not in prose: a README that shows the syntax
      // (`sentrik-ignore RULE-ID: reason`) suppresses nothing.
      const unknownIds = ig.ruleIds.filter((id) => id !== 'ALL' && !i.evaluated.has(id));
      const unknown =
        unknownIds.length > 0 &&
        unknownIds.length === ig.ruleIds.length &&
        !PROSE.test(path) &&
        unknownIds.every((id) => /\d/.test(id)) &&
        i.knownRuleIds !== undefined &&
        unknownIds.every((id) => !(known ??= new Set(i.knownRuleIds!())).has(id));
      const didYouMean = unknown ? closest(unknownIds[0], known!) : undefined;
      const status = ((): SuppressionRecord['status'] => {
        if (unknown) return 'unknown';
        if (!ig.reason) return 'no-reason';
        if (matched && (i.usage.refused.get(key) ?? 0) >= matched) return 'not-allowed';
        if (matched) return 'active';
        return judgeable ? 'stale' : 'unchecked';
      })();
      records.push({ kind: 'inline', source, ruleIds: ig.ruleIds, reason: ig.reason, status, matched, ...(didYouMean ? { didYouMean } : {}) });
    }
  }
  return records;
}
