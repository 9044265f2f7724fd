// Checks over GitHub Actions workflows and composite actions.
import { z } from 'zod';
import type { Node } from 'yaml';
import { actionName, actionRef, hasIdTokenWrite, usesAction, triggeredBy, type GhModel, type GhStep } from '../formats/github.js';
import { githubOf, scriptsOf } from '../formats/index.js';
import { runs } from '../formats/shell.js';
import { entries, get, items, str } from '../formats/yaml-doc.js';
import type { RawMatch } from '../matchers/matcher.js';
import { compileRegex, testRegex } from '../regex.js';
import type { Check } from './check.js';
import { digestProblem, hasDigest } from './shell-checks.js';
import { atNode, atWord, nameMatches, onePerLine, truthy } from './util.js';

const GH = ['github-workflow', 'github-action'] as const;
const SHA = /^[0-9a-f]{40}$/i;

/** SCS-CI-003: `uses:` pinned to a tag or branch instead of a full commit SHA. */
export const unpinnedUses: Check<{ allow: string[] }> = {
  name: 'unpinned-uses',
  description: 'action or reusable workflow not pinned to a full commit SHA',
  formats: GH,
  options: z.object({ allow: z.array(z.string()).default([]) }).strict(),
  keywords: () => ['uses'],
  run(file, o) {
    const m = githubOf(file)!;
    const out: RawMatch[] = [];
    const refs: { uses: string; node: Node | undefined }[] = [
      ...m.steps.map((s) => ({ uses: s.uses, node: s.usesNode })),
      ...m.jobs.map((j) => ({ uses: j.uses, node: j.usesNode })),
    ].filter((r): r is { uses: string; node: Node | undefined } => !!r.uses);
    for (const { uses, node } of refs) {
      const u = uses.trim();
      if (u.startsWith('./') || u.startsWith('.\\') || u.includes('${{')) continue;
      if (u.startsWith('docker://')) {
        if (!hasDigest(u)) {
          const bad = digestProblem(u);
          out.push(...atNode(m.y, node, { matched: u, message: bad ? `Container action '${u}' has a malformed digest: ${bad}` : `Container action '${u}' is not pinned to an image digest (@sha256:…)` }));
        }
        continue;
      }
      const ref = actionRef(u);
      if (ref && SHA.test(ref)) continue;
      if (nameMatches(actionName(u), o.allow)) continue;
      const what = ref ? `the mutable ref '${ref}'` : 'no ref at all';
      out.push(...atNode(m.y, node, { matched: u, message: `'${actionName(u)}' is pinned to ${what}; pin it to a full 40-character commit SHA (keep the tag in a comment)` }));
    }
    return out;
  },
};

const untrustedRef = z.array(z.string()).default([
  'github.event.pull_request.head.sha',
  'github.event.pull_request.head.ref',
  'github.event.pull_request.merge_commit_sha',
  'github.head_ref',
  'github.event.workflow_run.head_sha',
  'github.event.workflow_run.head_branch',
  'refs/pull/',
]);

/** SCS-CI-004: pull_request_target / workflow_run workflows that check out the PR's code. */
export const prTargetCheckout: Check<{ triggers: string[]; untrusted_refs: string[] }> = {
  name: 'pr-target-checkout',
  description: 'privileged trigger (pull_request_target, workflow_run) that checks out untrusted pull-request code',
  formats: ['github-workflow'],
  options: z.object({ triggers: z.array(z.string()).default(['pull_request_target', 'workflow_run']), untrusted_refs: untrustedRef }).strict(),
  keywords: (o) => o.triggers.map((t) => t.toLowerCase()),
  run(file, o) {
    const m = githubOf(file)!;
    if (!triggeredBy(m, o.triggers)) return [];
    const out: RawMatch[] = [];
    const refs = o.untrusted_refs.map((r) => r.toLowerCase());
    const untrusted = (v: string | undefined): boolean => !!v && refs.some((r) => v.toLowerCase().replace(/\s+/g, '').includes(r.replace(/\s+/g, '')));
    for (const s of m.steps) {
      if (usesAction(s.uses, 'actions/checkout')) {
        const ref = s.with.get('ref');
        const repo = s.with.get('repository');
        if (untrusted(ref?.value) || /head\.repo\.full_name|workflow_run\.head_repository/i.test(repo?.value ?? '')) {
          out.push(...atNode(m.y, ref?.node ?? repo?.node, { message: `This ${[...m.triggers.keys()].filter((t) => o.triggers.includes(t)).join('/')} workflow checks out the pull request's code (${ref?.value ?? repo?.value}) with the base repository's privileges` }));
        }
      } else if (s.run && /\b(gh\s+pr\s+checkout|git\s+(fetch|checkout|pull)\b[^\n]*(refs\/pull|head_ref|head\.(sha|ref)|head_sha|head_branch))/i.test(s.run)) {
        out.push(...atNode(m.y, s.runNode, { message: 'This privileged workflow fetches and checks out pull-request code in a run step' }));
      }
    }
    return out;
  },
};

/** SCS-CI-011: actions/checkout leaves the token in .git/config (then shipped by upload-artifact). */
export const checkoutCredentials: Check<Record<string, never>> = {
  name: 'checkout-persist-credentials',
  description: 'actions/checkout persists the GITHUB_TOKEN in .git/config',
  formats: GH,
  options: z.object({}).strict(),
  keywords: () => ['actions/checkout'],
  run(file) {
    const m = githubOf(file)!;
    const out: RawMatch[] = [];
    for (const s of m.steps) {
      if (!usesAction(s.uses, 'actions/checkout')) continue;
      const persist = s.with.get('persist-credentials');
      if (persist?.value?.includes('${{')) continue;
      const value = truthy(persist?.value);
      if (value === false) continue;
      const uploads = (s.job?.steps ?? m.steps).some((o) => usesAction(o.uses, 'actions/upload-artifact') || usesAction(o.uses, 'actions/upload-pages-artifact'));
      // an explicit `true` is a deliberate choice; it is only reported when artifacts may carry the token out
      if (value === true && !uploads) continue;
      out.push(...atNode(m.y, s.usesNode, { message: uploads ? 'actions/checkout persists the token in .git/config and this job uploads artifacts that may include it' : 'actions/checkout persists the token in .git/config for every later step; set `persist-credentials: false`' }));
    }
    return out;
  },
};

/** SCS-CI-013: self-hosted runners reachable from pull requests of forks. */
export const selfHostedPr: Check<{ triggers: string[] }> = {
  name: 'self-hosted-on-pr',
  description: 'self-hosted runner used by a workflow that pull requests can trigger',
  formats: ['github-workflow'],
  options: z.object({ triggers: z.array(z.string()).default(['pull_request', 'pull_request_target', 'issue_comment', 'pull_request_review', 'pull_request_review_comment']) }).strict(),
  keywords: () => ['self-hosted'],
  run(file, o) {
    const m = githubOf(file)!;
    if (!triggeredBy(m, o.triggers)) return [];
    const out: RawMatch[] = [];
    for (const j of m.jobs) {
      if (!j.runsOn) continue;
      const labels = [str(m.y, j.runsOn), ...items(m.y, j.runsOn).map((n) => str(m.y, n)), ...items(m.y, get(m.y, j.runsOn, 'labels')).map((n) => str(m.y, n)), str(m.y, get(m.y, j.runsOn, 'labels'))];
      if (labels.some((l) => l?.toLowerCase() === 'self-hosted')) out.push(...atNode(m.y, j.runsOn, { message: `Job '${j.id}' runs on a self-hosted runner and can be triggered by pull requests` }));
    }
    return out;
  },
};

/** SCS-CI-007: no `permissions:` — the GITHUB_TOKEN gets the repository default (often write-all). */
export const missingPermissions: Check<Record<string, never>> = {
  name: 'missing-permissions',
  description: 'workflow or job without a permissions block',
  formats: ['github-workflow'],
  options: z.object({}).strict(),
  run(file) {
    const m = githubOf(file)!;
    if (m.permissions || m.jobs.length === 0) return [];
    // a workflow only callable by others gets its token from the caller, except for the jobs it calls onward
    const reusableOnly = m.triggers.size > 0 && [...m.triggers.keys()].every((t) => t === 'workflow_call');
    const out: RawMatch[] = [];
    const lacking = m.jobs.filter((j) => !j.permissions && (!reusableOnly || j.uses));
    if (!reusableOnly && m.jobs.some((j) => !j.permissions && !j.uses)) {
      out.push(...atNode(m.y, m.firstPair, { message: 'The workflow has no top-level `permissions:`; its jobs get the repository default token permissions' }));
    }
    for (const j of lacking) {
      out.push(...atNode(m.y, j.pair, { message: `Job '${j.id}' has no \`permissions:\` and inherits the default token permissions` }));
    }
    return out;
  },
};

/** SCS-CI-008: `write-all` / `read-all`, or write scopes granted workflow-wide to several jobs. */
export const broadPermissions: Check<Record<string, never>> = {
  name: 'broad-permissions',
  description: 'write-all/read-all permissions, or write scopes granted to every job',
  formats: ['github-workflow'],
  options: z.object({}).strict(),
  keywords: () => ['permissions'],
  run(file) {
    const m = githubOf(file)!;
    const out: RawMatch[] = [];
    const blanket = (pair: { value: unknown } | undefined): boolean => {
      const v = str(m.y, pair?.value);
      return v === 'write-all' || v === 'read-all';
    };
    if (m.permissions && blanket(m.permissions)) {
      out.push(...atNode(m.y, m.permissions, { message: `\`permissions: ${str(m.y, m.permissions.value)}\` grants every scope to every job` }));
    } else if (m.permissions) {
      const inheriting = m.jobs.filter((j) => !j.permissions);
      if (m.jobs.length > 1 && inheriting.length > 0) {
        for (const [scope, v, pair] of entries(m.y, m.permissions.value)) {
          if (str(m.y, v) === 'write') out.push(...atNode(m.y, pair, { message: `\`${scope}: write\` at workflow level is granted to every job that does not override it; grant it only to the job that needs it` }));
        }
      }
    }
    for (const j of m.jobs) {
      if (blanket(j.permissions)) out.push(...atNode(m.y, j.permissions, { message: `Job '${j.id}' asks for \`${str(m.y, j.permissions!.value)}\`` }));
    }
    return out;
  },
};

const publishTokenAction = z
  .object({
    uses: z.string(),
    /** Inputs that carry a long-lived token. */
    token_inputs: z.array(z.string()).default([]),
    /** Inputs whose value (string compare, lower-case) means "not using trusted publishing". */
    disabled_inputs: z.record(z.string(), z.string()).default({}),
    /** All of these inputs must have these values. */
    requires: z.record(z.string(), z.string()).default({}),
    /** Inputs naming the registry, and the registries known to support trusted publishing (RE2). */
    registry_inputs: z.array(z.string()).default([]),
    registries: z.array(z.string()).default([]),
    /** The registry input must be present (and match) for a finding. */
    registry_required: z.boolean().default(false),
  })
  .strict();

/** SCS-CI-014: publishing with a long-lived token to a registry that supports trusted publishing (OIDC). */
export const trustedPublishing: Check<{ commands: string[]; dry_run_flags: string[]; actions: z.infer<typeof publishTokenAction>[] }> = {
  name: 'trusted-publishing',
  description: 'package published with a long-lived token where trusted publishing (OIDC) is available',
  formats: GH,
  options: z
    .object({
      commands: z.array(z.string()).default([]),
      dry_run_flags: z.array(z.string()).default(['--dry-run']),
      actions: z.array(publishTokenAction).default([]),
    })
    .strict(),
  run(file, o) {
    const m = githubOf(file)!;
    const out: RawMatch[] = [];
    for (const s of m.steps) {
      for (const a of o.actions) {
        if (!usesAction(s.uses, a.uses)) continue;
        const input = (k: string): string | undefined => s.with.get(k)?.value?.trim();
        const token = a.token_inputs.find((k) => input(k));
        const disabled = Object.entries(a.disabled_inputs).find(([k, v]) => input(k)?.toLowerCase() === v.toLowerCase());
        const required = Object.entries(a.requires);
        const requiredMet = required.length > 0 && required.every(([k, v]) => input(k)?.toLowerCase() === v.toLowerCase());
        if (!token && !disabled && !requiredMet) continue;
        const registry = a.registry_inputs.map(input).find((v) => v !== undefined);
        if (registry === undefined ? a.registry_required : !a.registries.some((r) => testRegex(compileRegex(r, { ignoreCase: true }), registry))) continue;
        const why = token ? `passes a long-lived token in \`${token}\`` : disabled ? `sets \`${disabled[0]}: ${disabled[1]}\`` : `authenticates with a stored token (${required.map(([k]) => k).join(', ')})`;
        out.push(...atNode(m.y, s.usesNode, { message: `${actionName(s.uses!)} ${why}; the registry supports trusted publishing (OIDC, \`id-token: write\`) instead` }));
      }
    }
    // publish commands in run steps, in jobs without `id-token: write`
    for (const b of scriptsOf(file)) {
      if (hasIdTokenWrite(m, b.job)) continue;
      for (const cmd of b.script.commands) {
        const spec = o.commands.find((c) => runs(cmd, c));
        if (!spec) continue;
        if (cmd.words.some((w) => o.dry_run_flags.includes(w.text))) continue;
        out.push(atWord(b.script.source, cmd.words[0], { message: `\`${spec}\` in a job without \`id-token: write\`: it publishes with a long-lived token; use trusted publishing (OIDC) instead` }));
      }
    }
    return onePerLine(out);
  },
};

const cacheAction = z
  .object({
    uses: z.string(),
    /** The input that switches caching; absent = caching cannot be switched off. */
    input: z.string().optional(),
    /** Caching when the input is not set. */
    default: z.boolean().default(false),
    /** From this major version on, the default is off (read from the ref or a `# vX` comment). */
    default_off_from_major: z.number().int().optional(),
    /** From this major version on, the default is on. */
    default_on_from_major: z.number().int().optional(),
    /** The input disables caching when truthy (e.g. `ignore-cache`). */
    inverted: z.boolean().default(false),
    /** Values that mean "use the default" (e.g. `auto`). */
    default_values: z.array(z.string()).default([]),
    /** Caching only happens when these inputs are set. */
    requires_inputs: z.array(z.string()).default([]),
  })
  .strict();

type CacheOpts = {
  actions: z.infer<typeof cacheAction>[];
  publishers: { uses: string; unless?: Record<string, string> }[];
  publish_commands: string[];
  release_branches: string[];
};

/** SCS-CI-015: a build cache restored in a release/publishing workflow (cache poisoning). */
export const cachePoisoning: Check<CacheOpts> = {
  name: 'cache-poisoning',
  description: 'cache restored in a workflow that publishes releases',
  formats: ['github-workflow'],
  options: z
    .object({
      actions: z.array(cacheAction).default([]),
      publishers: z.array(z.object({ uses: z.string(), unless: z.record(z.string(), z.string()).optional() }).strict()).default([]),
      /** Commands that publish (e.g. `cargo publish`): a job running one is a publishing job. */
      publish_commands: z.array(z.string()).default([]),
      release_branches: z.array(z.string()).default(['(?i)release', '^v?\\d+(\\.\\d+)*$']),
    })
    .strict(),
  run(file, o) {
    const m = githubOf(file)!;
    const y = m.y;
    const push = m.triggers.get('push');
    const branches = [...items(y, get(y, push, 'branches')).map((n) => str(y, n) ?? ''), str(y, get(y, push, 'branches')) ?? ''].filter(Boolean);
    const releaseBranch = branches.some((b) => o.release_branches.some((r) => testRegex(compileRegex(r), b)));
    const tagPush = !!get(y, push, 'tags');
    // a release or tag push always builds a release; a release-looking branch only when the job runs a
    // publish command; any trigger when the job uses a publishing action
    const releaseWorkflow = m.triggers.has('release') || tagPush;
    const scripts = scriptsOf(file);
    const out: RawMatch[] = [];
    for (const job of m.jobs) {
      const publishes =
        job.steps.some((s) => o.publishers.some((p) => usesAction(s.uses, p.uses) && !Object.entries(p.unless ?? {}).some(([k, v]) => s.with.get(k)?.value?.toLowerCase() === v.toLowerCase()))) ||
        (releaseBranch && scripts.some((b) => b.job === job && b.script.commands.some((c) => o.publish_commands.some((spec) => runs(c, spec)))));
      if (!releaseWorkflow && !publishes) continue;
      for (const s of job.steps) {
        const a = o.actions.find((x) => usesAction(s.uses, x.uses));
        if (!a || !s.uses) continue;
        if (a.requires_inputs.some((k) => !s.with.get(k)?.value)) continue;
        if (!cachingOn(m, s, a, releaseWorkflow && !releaseBranch)) continue;
        out.push(...atNode(y, s.usesNode, { message: `${actionName(s.uses)} restores a build cache in a ${releaseWorkflow ? 'release' : 'publishing'} ${releaseWorkflow ? 'workflow' : 'job'}; a poisoned cache entry would end up in the published artifacts` }));
      }
    }
    return out;
  },
};

function cachingOn(m: GhModel, s: GhStep, a: z.infer<typeof cacheAction>, tagOnlyRelease: boolean): boolean {
  let dflt = a.default;
  const major = majorVersion(m, s);
  if (a.default_off_from_major !== undefined && major !== undefined && major >= a.default_off_from_major) dflt = false;
  if (a.default_on_from_major !== undefined) dflt = major === undefined || major >= a.default_on_from_major ? true : a.default;
  if (!a.input) return true;
  const raw = s.with.get(a.input)?.value;
  if (raw === undefined || a.default_values.includes(raw.trim().toLowerCase())) return dflt;
  if (raw.includes('${{')) {
    // `${{ !startsWith(github.ref, 'refs/tags/') }}` is off for tag builds: safe when every release trigger is a tag
    const offOnTags = /!\s*\(?[^}]*(refs\/tags|ref_type)/i.test(raw);
    return !(offOnTags && tagOnlyRelease);
  }
  const t = truthy(raw) ?? false;
  return a.inverted ? !t : t;
}

function majorVersion(m: GhModel, s: GhStep): number | undefined {
  const ref = actionRef(s.uses ?? '') ?? '';
  const fromRef = /^v?(\d+)/.exec(ref);
  if (fromRef && !SHA.test(ref)) return Number(fromRef[1]);
  const line = s.usesNode?.range ? m.y.lines.linePos(s.usesNode.range[0]).line : undefined;
  const comment = line ? /#\s*(?:tag=)?v?(\d+)/.exec(m.y.file.lineText(line)) : null;
  return comment ? Number(comment[1]) : undefined;
}

export const githubChecks = [unpinnedUses, prTargetCheckout, checkoutCredentials, selfHostedPr, missingPermissions, broadPermissions, trustedPublishing, cachePoisoning];
