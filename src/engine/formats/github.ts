// GitHub Actions workflows and composite actions as a small model over the YAML node tree: triggers,
// permissions, jobs, steps — each part keeps its node so checks report the exact line.
import type { Node, Pair } from 'yaml';
import { asMap, entries, get, items, pairOf, str, type YamlDoc } from './yaml-doc.js';

export interface GhStep {
  node: Node;
  index: number;
  job?: GhJob;
  uses?: string;
  usesNode?: Node;
  run?: string;
  runNode?: Node;
  with: Map<string, { value: string | undefined; node: Node | undefined; pair: Pair }>;
  env?: Node;
  shell?: string;
  if?: string;
}

export interface GhJob {
  id: string;
  pair: Pair;
  node: Node;
  permissions?: Pair;
  /** Reusable-workflow call (`jobs.<id>.uses`). */
  uses?: string;
  usesNode?: Node;
  runsOn?: Node;
  container?: Node;
  services?: Node;
  env?: Node;
  matrix?: Node;
  secrets?: Node;
  environment?: Node;
  defaultShell?: string;
  steps: GhStep[];
}

export interface GhModel {
  kind: 'workflow' | 'action';
  y: YamlDoc;
  /** Event name → its configuration node (undefined for `on: push` / `on: [push]`). */
  triggers: Map<string, Node | undefined>;
  onPair?: Pair;
  permissions?: Pair;
  env?: Node;
  defaultShell?: string;
  jobs: GhJob[];
  /** Every step: job steps, or the composite action's `runs.steps`. */
  steps: GhStep[];
  /** The first key of the document (where whole-workflow findings point). */
  firstPair?: Pair;
}

export function buildGhModel(y: YamlDoc, kind: 'workflow' | 'action'): GhModel {
  const root = y.root;
  const model: GhModel = { kind, y, triggers: new Map(), jobs: [], steps: [] };
  model.firstPair = asMap(y, root)?.items[0] as Pair | undefined;
  if (kind === 'workflow') {
    model.onPair = pairOf(y, root, 'on') ?? pairOf(y, root, 'true');
    readTriggers(y, model.onPair?.value as Node | undefined, model.triggers);
    model.permissions = pairOf(y, root, 'permissions');
    model.env = get(y, root, 'env');
    model.defaultShell = str(y, get(y, get(y, get(y, root, 'defaults'), 'run'), 'shell'));
    for (const [id, node, pair] of entries(y, get(y, root, 'jobs'))) {
      if (!node) continue;
      const job: GhJob = {
        id,
        pair,
        node,
        permissions: pairOf(y, node, 'permissions'),
        uses: str(y, get(y, node, 'uses')),
        usesNode: get(y, node, 'uses'),
        runsOn: get(y, node, 'runs-on'),
        container: get(y, node, 'container'),
        services: get(y, node, 'services'),
        env: get(y, node, 'env'),
        matrix: get(y, get(y, node, 'strategy'), 'matrix'),
        secrets: get(y, node, 'secrets'),
        environment: get(y, node, 'environment'),
        defaultShell: str(y, get(y, get(y, get(y, node, 'defaults'), 'run'), 'shell')),
        steps: [],
      };
      job.steps = items(y, get(y, node, 'steps')).map((s, i) => readStep(y, s, i, job));
      model.jobs.push(job);
      model.steps.push(...job.steps);
    }
  } else {
    model.steps = items(y, get(y, get(y, root, 'runs'), 'steps')).map((s, i) => readStep(y, s, i, undefined));
  }
  return model;
}

function readTriggers(y: YamlDoc, on: Node | undefined, out: Map<string, Node | undefined>): void {
  const s = str(y, on);
  if (s !== undefined) {
    out.set(s, undefined);
    return;
  }
  for (const it of items(y, on)) {
    const name = str(y, it);
    if (name) out.set(name, undefined);
  }
  for (const [name, node] of entries(y, on)) out.set(name, node);
}

function readStep(y: YamlDoc, node: Node, index: number, job: GhJob | undefined): GhStep {
  const withMap = new Map<string, { value: string | undefined; node: Node | undefined; pair: Pair }>();
  for (const [k, v, pair] of entries(y, get(y, node, 'with'))) withMap.set(k, { value: str(y, v), node: v, pair });
  return {
    node,
    index,
    job,
    uses: str(y, get(y, node, 'uses')),
    usesNode: get(y, node, 'uses'),
    run: str(y, get(y, node, 'run')),
    runNode: get(y, node, 'run'),
    with: withMap,
    env: get(y, node, 'env'),
    shell: str(y, get(y, node, 'shell')),
    if: str(y, get(y, node, 'if')),
  };
}

/** `owner/repo[/path]` of a `uses:` reference, lower-case, without the ref. */
export function actionName(uses: string): string {
  const at = uses.indexOf('@');
  return (at === -1 ? uses : uses.slice(0, at)).toLowerCase();
}

export function actionRef(uses: string): string | undefined {
  const at = uses.indexOf('@');
  return at === -1 ? undefined : uses.slice(at + 1);
}

/** Does `uses` name this action (`owner/repo`, also matching sub-actions like `owner/repo/sub`)? */
export function usesAction(uses: string | undefined, name: string): boolean {
  if (!uses) return false;
  const n = actionName(uses);
  const want = name.toLowerCase();
  return n === want || n.startsWith(`${want}/`);
}

/** The shell a `run:` step uses: explicit, job/workflow default, else by runner OS (Windows → pwsh). */
export function stepShell(m: GhModel, step: GhStep): 'sh' | 'pwsh' | 'cmd' {
  const explicit = step.shell ?? step.job?.defaultShell ?? m.defaultShell;
  if (explicit) {
    const s = explicit.toLowerCase();
    if (s.startsWith('pwsh') || s.startsWith('powershell')) return 'pwsh';
    if (s.startsWith('cmd')) return 'cmd';
    return 'sh';
  }
  const runsOn = step.job?.runsOn ? nodeText(m, step.job.runsOn) : '';
  return /windows/i.test(runsOn) ? 'pwsh' : 'sh';
}

function nodeText(m: GhModel, n: Node): string {
  const r = n.range;
  return r ? m.y.file.text.slice(r[0], r[1]) : '';
}

/** Is the workflow triggered by any of these events? */
export function triggeredBy(m: GhModel, events: string[]): boolean {
  return events.some((e) => m.triggers.has(e));
}

/** Effective `id-token: write` for a step (job-level permissions win over workflow-level). */
export function hasIdTokenWrite(m: GhModel, job: GhJob | undefined): boolean {
  const perms = job?.permissions ?? m.permissions;
  if (!perms) return false;
  const v = str(m.y, perms.value);
  if (v !== undefined) return v === 'write-all';
  return str(m.y, get(m.y, perms.value, 'id-token')) === 'write';
}
