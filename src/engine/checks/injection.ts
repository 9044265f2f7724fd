// Script injection in GitHub Actions: `${{ … }}` is expanded into the script text before the shell (or
// github-script's JavaScript) runs, so attacker-controlled values become code. Also: untrusted data
// written to $GITHUB_ENV / $GITHUB_PATH, which poisons every later step.
import { z } from 'zod';
import type { Node } from 'yaml';
import { contextAccesses, findExpressions } from '../formats/expressions.js';
import { usesAction, triggeredBy, type GhModel, type GhStep } from '../formats/github.js';
import { githubOf, scriptsOf } from '../formats/index.js';
import { pipelines, programName, type Command } from '../formats/shell.js';
import { entries, get, items, scalarSource, str } from '../formats/yaml-doc.js';
import type { RawMatch } from '../matchers/matcher.js';
import type { Check } from './check.js';
import { atOffset, onePerLine } from './util.js';

type Level = 'untrusted' | 'unknown' | 'safe';

const injectionOptions = z
  .object({
    /** Action inputs that are code (besides `run:`). */
    sinks: z.array(z.object({ uses: z.string(), inputs: z.array(z.string()).min(1) }).strict()).default([]),
    /** Contexts an outsider controls (`*` matches one segment); their parents (whole objects) too. */
    untrusted: z.array(z.string()).default([]),
    /** Contexts that never carry attacker-controlled text. */
    safe: z.array(z.string()).default([]),
    /** Last path segments that are always numbers, SHAs, booleans or ids. */
    safe_leaves: z.array(z.string()).default([]),
    /** Also report contexts of unknown origin (inputs, step outputs, dynamic env/matrix), at lower severity. */
    report_unknown: z.boolean().default(true),
  })
  .strict();

type InjectionOptions = z.infer<typeof injectionOptions>;

/** SCS-CI-002: untrusted `${{ }}` expanded inside run:/script: */
export const templateInjection: Check<InjectionOptions> = {
  name: 'template-injection',
  description: 'attacker-controllable ${{ }} expression expanded into a script',
  formats: ['github-workflow', 'github-action'],
  options: injectionOptions,
  keywords: () => ['${{'],
  run(file, o) {
    const m = githubOf(file)!;
    const out: RawMatch[] = [];
    for (const s of m.steps) {
      const sinks: Node[] = [];
      if (s.runNode) sinks.push(s.runNode);
      for (const sink of o.sinks) {
        if (!usesAction(s.uses, sink.uses)) continue;
        for (const input of sink.inputs) {
          const n = s.with.get(input)?.node;
          if (n) sinks.push(n);
        }
      }
      for (const n of sinks) {
        const src = scalarSource(m.y, n);
        if (!src) continue;
        for (const span of findExpressions(src.text)) {
          const verdict = classifyExpression(m, s, span.body, o, 0);
          if (verdict.level === 'safe' || (verdict.level === 'unknown' && !o.report_unknown)) continue;
          const untrusted = verdict.level === 'untrusted';
          out.push(
            atOffset(src, span.start, span.end, {
              message: untrusted
                ? `\`${verdict.path}\` is controlled by whoever opens the issue or pull request and is expanded into the script: pass it through an environment variable instead`
                : `\`${verdict.path}\` is expanded into the script; if it can carry outside input it becomes code — pass it through an environment variable instead`,
              severity: untrusted ? undefined : 'medium',
              confidence: untrusted ? 'high' : 'medium',
            }),
          );
        }
      }
    }
    return onePerLine(out);
  },
};

function classifyExpression(m: GhModel, s: GhStep, body: string, o: InjectionOptions, depth: number): { level: Level; path?: string } {
  let worst: { level: Level; path?: string } = { level: 'safe' };
  for (const acc of contextAccesses(body)) {
    const level = classifyPath(m, s, acc.path, o, depth);
    if (level === 'untrusted') return { level, path: acc.path };
    if (level === 'unknown' && worst.level === 'safe') worst = { level, path: acc.path };
  }
  return worst;
}

function segmentsMatch(pattern: string[], path: string[]): boolean {
  return pattern.length === path.length && pattern.every((p, i) => p === '*' || path[i] === '*' || p === path[i]);
}

function classifyPath(m: GhModel, s: GhStep, path: string, o: InjectionOptions, depth: number): Level {
  const segs = path.split('.');
  const root = segs[0];
  if (o.untrusted.some((u) => {
    const us = u.toLowerCase().split('.');
    // the value itself, or a whole object that contains it
    return segs.length <= us.length && segmentsMatch(us.slice(0, segs.length), segs) && segs.length > 1;
  })) return 'untrusted';
  if (o.safe.some((p) => segmentsMatch(p.toLowerCase().split('.'), segs.slice(0, p.split('.').length)) && p.split('.').length <= segs.length)) return 'safe';
  if (segs.length > 1 && o.safe_leaves.includes(segs[segs.length - 1])) return 'safe';
  if (depth > 3) return 'unknown';
  if (root === 'env' && segs[1]) return classifyEnv(m, s, segs[1], o, depth);
  if (root === 'inputs' && segs[1] && segs.length === 2) return typedInput(m, segs[1]) ? 'safe' : 'unknown';
  if (path.startsWith('github.event.inputs.') && segs.length === 4) return typedInput(m, segs[3]) ? 'safe' : 'unknown';
  if (root === 'matrix' && segs[1]) return classifyMatrix(m, s, segs[1]);
  return 'unknown';
}

/** A workflow_dispatch/workflow_call input declared as boolean, number, choice or environment carries no free text. */
function typedInput(m: GhModel, name: string): boolean {
  for (const trigger of ['workflow_dispatch', 'workflow_call']) {
    const def = entries(m.y, get(m.y, m.triggers.get(trigger), 'inputs')).find(([k]) => k.toLowerCase() === name);
    if (def && ['boolean', 'number', 'choice', 'environment'].includes(str(m.y, get(m.y, def[1], 'type')) ?? '')) return true;
  }
  return false;
}

/** `env.X`: the innermost definition wins (step, job, workflow); a literal is safe. */
function classifyEnv(m: GhModel, s: GhStep, name: string, o: InjectionOptions, depth: number): Level {
  for (const scope of [s.env, s.job?.env, m.env]) {
    if (!scope) continue;
    if (str(m.y, scope)?.includes('${{')) return 'unknown';
    const hit = entries(m.y, scope).find(([k]) => k.toLowerCase() === name);
    if (!hit) continue;
    const value = str(m.y, hit[1]) ?? '';
    const spans = findExpressions(value);
    if (!spans.length) return 'safe';
    let level: Level = 'safe';
    for (const sp of spans) {
      const v = classifyExpression(m, s, sp.body, o, depth + 1).level;
      if (v === 'untrusted') return 'untrusted';
      if (v === 'unknown') level = 'unknown';
    }
    return level === 'safe' ? 'safe' : 'unknown';
  }
  return 'unknown';
}

/** `matrix.X`: safe when every value the matrix gives X is a literal. */
function classifyMatrix(m: GhModel, s: GhStep, name: string): Level {
  const matrix = s.job?.matrix;
  if (!matrix || str(m.y, matrix) !== undefined) return 'unknown';
  const values: (string | undefined)[] = [];
  let found = false;
  for (const [k, v] of entries(m.y, matrix)) {
    if (k === 'include' || k === 'exclude') continue;
    if (k.toLowerCase() !== name) continue;
    found = true;
    if (str(m.y, v) !== undefined) values.push(str(m.y, v)); // an expression producing the list
    for (const it of items(m.y, v)) values.push(str(m.y, it) ?? JSON.stringify(m.y.file.text.slice(it.range?.[0] ?? 0, it.range?.[1] ?? 0)));
  }
  for (const inc of items(m.y, get(m.y, matrix, 'include'))) {
    for (const [k, v] of entries(m.y, inc)) {
      if (k.toLowerCase() !== name) continue;
      found = true;
      values.push(str(m.y, v) ?? m.y.file.text.slice(v?.range?.[0] ?? 0, v?.range?.[1] ?? 0));
    }
  }
  if (!found) return 'unknown';
  return values.some((v) => v === undefined || v.includes('${{')) ? 'unknown' : 'safe';
}

const ENV_FILES = /\$\{?GITHUB_(ENV|PATH)\}?|\$env:GITHUB_(ENV|PATH)|%GITHUB_(ENV|PATH)%/i;

/** SCS-CI-006: dynamic values written to $GITHUB_ENV / $GITHUB_PATH where the trigger or caller is untrusted. */
export const githubEnv: Check<{ triggers: string[]; in_actions: boolean }> = {
  name: 'github-env',
  description: 'untrusted data written to $GITHUB_ENV or $GITHUB_PATH',
  formats: ['github-workflow', 'github-action'],
  options: z
    .object({
      triggers: z.array(z.string()).default(['pull_request_target', 'workflow_run', 'issue_comment', 'issues', 'discussion', 'discussion_comment']),
      in_actions: z.boolean().default(true),
    })
    .strict(),
  keywords: () => ['github_env', 'github_path'],
  run(file, o) {
    const m = githubOf(file)!;
    if (m.kind === 'action' ? !o.in_actions : !triggeredBy(m, o.triggers)) return [];
    const out: RawMatch[] = [];
    for (const b of scriptsOf(file)) {
      const dynamic = (c: Command, from: number): boolean => c.words.slice(from).some((w) => !ENV_FILES.test(w.text) && /\$|%[A-Za-z_]+%/.test(w.text));
      // What a `tee` writes comes from its pipeline's earlier stages: for each command, whether one of those
      // holds a run-time value — one pass per pipeline (a script can hold thousands of commands), made when
      // the first `tee` asks.
      let dynamicBefore: Map<Command, boolean> | undefined;
      const earlierStageDynamic = (cmd: Command): boolean => {
        if (!dynamicBefore) {
          dynamicBefore = new Map();
          for (const stages of pipelines(b.script)) {
            let seen = false;
            for (let i = 0; i < stages.length; ) {
              let j = i;
              for (; j < stages.length && stages[j].stage === stages[i].stage; j++) dynamicBefore.set(stages[j], seen);
              for (let k = i; k < j; k++) seen ||= dynamic(stages[k], 0);
              i = j;
            }
          }
        }
        return dynamicBefore.get(cmd) ?? false;
      };
      for (const cmd of b.script.commands) {
        const target = cmd.redirects.find((r) => (r.op === '>>' || r.op === '>') && r.target && ENV_FILES.test(r.target.text));
        const tee = programName(cmd.words[0]) === 'tee' && cmd.words.some((w) => ENV_FILES.test(w.text));
        const pwsh = /^(add-content|out-file|set-content)$/i.test(cmd.words[0]?.text ?? '') && cmd.words.some((w) => ENV_FILES.test(w.text));
        if (!target && !tee && !pwsh) continue;
        // what is written: the command's words (echo/printf), or for tee the pipeline's earlier stages
        if (!(tee ? earlierStageDynamic(cmd) : dynamic(cmd, 1))) continue;
        const name = /PATH/i.test((target?.target?.text ?? cmd.words.map((w) => w.text).join(' ')).replace(/GITHUB_ENV/i, '')) ? 'GITHUB_PATH' : 'GITHUB_ENV';
        out.push(atOffset(b.script.source, (cmd.assignments[0] ?? cmd.words[0])?.start ?? cmd.start, cmd.end, { message: `A value computed at run time is appended to $${name}; with ${m.kind === 'action' ? 'an untrusted caller' : `a ${[...m.triggers.keys()].filter((t) => o.triggers.includes(t)).join('/')} trigger`} it can inject variables (LD_PRELOAD, NODE_OPTIONS) or PATH entries into every later step` }));
      }
    }
    return onePerLine(out);
  },
};
