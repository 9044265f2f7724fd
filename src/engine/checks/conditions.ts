// `if:` conditions that do not protect what they seem to: actor-name checks an attacker can satisfy,
// conditions that are always true, and substring tests used as allow-lists.
import { z } from 'zod';
import type { Node } from 'yaml';
import { findExpressions } from '../formats/expressions.js';
import { triggeredBy, type GhModel } from '../formats/github.js';
import { githubOf } from '../formats/index.js';
import { get, str } from '../formats/yaml-doc.js';
import type { RawMatch } from '../matchers/matcher.js';
import { compileRegex, testRegex } from '../regex.js';
import type { Check } from './check.js';
import { atNode } from './util.js';

/** Every job and step `if:` node of a workflow or composite action. */
function conditions(m: GhModel): Node[] {
  const out: Node[] = [];
  for (const j of m.jobs) {
    const n = get(m.y, j.node, 'if');
    if (n) out.push(n);
  }
  for (const s of m.steps) {
    const n = get(m.y, s.node, 'if');
    if (n) out.push(n);
  }
  return out;
}

/** The expression text of a condition: the bodies of `${{ }}` spans, or the whole value (implicit expression). */
function conditionBodies(value: string): string[] {
  const spans = findExpressions(value);
  return spans.length ? spans.map((s) => s.body) : [value];
}

/** `github['actor']` → `github.actor`, lower-case. */
function normalise(body: string): string {
  return body.replace(/\[\s*'([A-Za-z0-9_-]*)'\s*\]/g, '.$1').toLowerCase();
}

const ACTOR = '(github\\.(actor|actor_id|triggering_actor))';
const BOT_LITERAL = "('[^']{0,200}\\[bot\\]'|'?[0-9]{1,12}'?)";
const BOT_CHECK = compileRegex(`${ACTOR}\\s*==\\s*${BOT_LITERAL}|${BOT_LITERAL}\\s*==\\s*${ACTOR}`);

/** SCS-CI-017: `github.actor == 'dependabot[bot]'` as a security gate in workflows outsiders trigger. */
export const botConditions: Check<{ triggers: string[] }> = {
  name: 'spoofable-actor-check',
  description: 'bot identity checked through github.actor in a workflow outsiders can trigger',
  formats: ['github-workflow'],
  options: z.object({ triggers: z.array(z.string()).default(['pull_request_target', 'workflow_run', 'issue_comment', 'pull_request_review', 'pull_request_review_comment']) }).strict(),
  keywords: () => ['actor'],
  run(file, o) {
    const m = githubOf(file)!;
    if (!triggeredBy(m, o.triggers)) return [];
    const out: RawMatch[] = [];
    for (const n of conditions(m)) {
      const v = str(m.y, n) ?? '';
      if (conditionBodies(v).some((b) => testRegex(BOT_CHECK, normalise(b)))) {
        out.push(...atNode(m.y, n, { message: '`github.actor` is whoever caused the latest event (a re-run or a push to the bot\'s branch can make it the bot): check `github.event.pull_request.user.login` and the event type instead' }));
      }
    }
    return out;
  },
};

/** SCS-CI-019: an `if:` that is a string rather than an expression is always true. */
export const unsoundCondition: Check<Record<string, never>> = {
  name: 'always-true-condition',
  description: 'if: condition with text around ${{ }} (always true)',
  formats: ['github-workflow', 'github-action'],
  options: z.object({}).strict(),
  keywords: () => ['${{'],
  run(file) {
    const m = githubOf(file)!;
    const out: RawMatch[] = [];
    for (const n of conditions(m)) {
      const v = str(m.y, n);
      if (v === undefined) continue;
      const spans = findExpressions(v);
      if (!spans.length) continue;
      if (spans.length > 1 || spans[0].start > 0 || spans[0].end < v.length) {
        out.push(...atNode(m.y, n, { message: 'This condition mixes `${{ }}` with other text (a newline from `|`/`>` counts), so it is a non-empty string and always true; write the whole condition as one expression' }));
      }
    }
    return out;
  },
};

const CONTAINS_LITERAL = compileRegex("\\bcontains\\(\\s*'[^']{0,500}'\\s*,\\s*[a-z_]");

/** SCS-CI-020: `contains('main,dev', github.ref_name)` — a substring test used as an allow-list. */
export const unsoundContains: Check<Record<string, never>> = {
  name: 'substring-allowlist',
  description: "contains() on a string literal used as an allow-list",
  formats: ['github-workflow', 'github-action'],
  options: z.object({}).strict(),
  keywords: () => ['contains('],
  run(file) {
    const m = githubOf(file)!;
    const out: RawMatch[] = [];
    for (const n of conditions(m)) {
      const v = str(m.y, n) ?? '';
      if (conditionBodies(v).some((b) => testRegex(CONTAINS_LITERAL, normalise(b)))) {
        out.push(...atNode(m.y, n, { message: "`contains('a,b', value)` is a substring test: 'mai' or 'n,dev' pass too; compare against a list with `contains(fromJSON('[\"a\",\"b\"]'), value)`" }));
      }
    }
    return out;
  },
};

export const conditionChecks = [botConditions, unsoundCondition, unsoundContains];
