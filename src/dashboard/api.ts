// The JSON API behind the dashboard: reads come from the history store and the project's files; the few
// writes go through edits.ts. Every handler returns plain data; server.ts turns it into responses.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { configCache } from '../config/cache.js';
import { loadConfig } from '../config/load.js';
import type { SentrikConfig } from '../config/schema.js';
import { SEVERITIES, type Severity } from '../engine/model.js';
import { loadSuppressions } from '../engine/suppressions.js';
import { auditKey, verifyAudit } from '../governance/audit.js';
import { readApprovals } from '../governance/approvals.js';
import { approvalsPath } from '../governance/gate.js';
import { auditLogPath } from '../governance/record.js';
import { GROUP_KEYS, type FindingQuery, type FindingStatus, type GroupKey, type RunSummary } from '../history/model.js';
import { MAX_PAGE_SIZE, type HistoryStore } from '../history/store.js';
import { licensesFor } from '../licenses/index.js';
import { loadAllPacks, type LoadedPack } from '../packs/load.js';
import { purlOf } from '../sbom/index.js';
import { readProject } from '../advisories/project.js';
import { errorMessage } from '../util/errors.js';
import { addSuppression, configFileOf, setPackEnabled, setRuleOverride } from './edits.js';
import type { ScanJobs } from './jobs.js';

export interface DashboardContext {
  root: string;
  project: string;
  store: HistoryStore;
  env: Record<string, string | undefined>;
  /** Absent: scans cannot be started from the UI. */
  jobs?: ScanJobs;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Body = Record<string, unknown>;

const TREND_RUNS = 30;

/** The highest page number asked for: far past any history, and page × size stays an exact integer. */
const MAX_PAGE = 1_000_000;

/**
 * A whole-number query parameter within [min, max]. Only decimal digits are read: 1e308, 0x10, 1.0 and
 * 99999999999999999999 (not a safe integer) are refused here, before the database sees them.
 */
function intParam(url: URL, name: string, o: { fallback?: number; min?: number; max?: number } = {}): number | undefined {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = o;
  const v = url.searchParams.get(name);
  if (v === null || v === '') return o.fallback;
  const n = /^\d{1,16}$/.test(v) ? Number(v) : NaN;
  if (!(n >= min && n <= max)) throw new HttpError(400, `invalid ${name} — use a whole number from ${min} to ${max}`);
  return n;
}

const pageParam = (url: URL): number => intParam(url, 'page', { fallback: 1, min: 1, max: MAX_PAGE })!;

// One configuration per dashboard, re-read only when a file it came from changes (a save through the
// dashboard replaces the file, so it is seen by the next request).
const configs = new WeakMap<DashboardContext, () => SentrikConfig>();
export function effectiveConfig(ctx: DashboardContext): SentrikConfig {
  let config = configs.get(ctx);
  if (!config) configs.set(ctx, (config = configCache({ root: ctx.root, load: () => loadConfig({ root: ctx.root, env: ctx.env }) })));
  return config();
}

let packCache: { root: string; packs: LoadedPack[] } | undefined;
function packsOf(root: string): LoadedPack[] {
  if (packCache?.root !== root) packCache = { root, packs: loadAllPacks(root) };
  return packCache.packs;
}

/** The run a page looks at: ?run=ID, else the latest code run of the project. */
async function runFor(ctx: DashboardContext, url: URL): Promise<RunSummary | undefined> {
  const id = intParam(url, 'run');
  if (id) {
    const run = await ctx.store.getRun(id);
    if (!run || run.project !== ctx.project) throw new HttpError(404, `no run #${id}`);
    return run;
  }
  return ctx.store.latestRun(ctx.project, 'code');
}

export async function overview(ctx: DashboardContext): Promise<unknown> {
  const run = await ctx.store.latestRun(ctx.project, 'code');
  const { runs } = await ctx.store.listRuns(ctx.project, { limit: TREND_RUNS, kind: 'code' });
  const previous = run ? await ctx.store.previousRun(run) : undefined;
  const topRules = run
    ? Object.entries(run.facets.rule)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, 10)
        .map(([rule, count]) => ({ rule, count }))
    : [];
  return {
    run: run ?? null,
    previous: previous ? { id: previous.id, severity: previous.facets.severity, blocking: previous.gate.blocking } : null,
    trend: runs.reverse().map((r) => ({ id: r.id, startedAt: r.startedAt, severity: r.facets.severity, passed: r.gate.passed })),
    topRules,
  };
}

export async function runsList(ctx: DashboardContext, url: URL): Promise<unknown> {
  const page = pageParam(url);
  const pageSize = 25;
  const { total, runs } = await ctx.store.listRuns(ctx.project, { limit: pageSize, offset: (page - 1) * pageSize });
  return { total, page, pageSize, runs: runs.map(({ facets, ...r }) => ({ ...r, severity: facets.severity })) };
}

export async function findings(ctx: DashboardContext, url: URL): Promise<unknown> {
  const run = await runFor(ctx, url);
  if (!run) return { run: null, total: 0, page: 1, pageSize: 50, items: [], groups: null };
  const p = url.searchParams;
  const severity = (p.get('severity') ?? '').split(',').filter((s): s is Severity => (SEVERITIES as readonly string[]).includes(s));
  const status = (['active', 'suppressed', 'all'] as const).find((s) => s === p.get('status')) ?? 'active';
  const q: FindingQuery = {
    runId: run.id,
    severity,
    pack: p.get('pack') || undefined,
    rule: p.get('rule') || undefined,
    file: p.get('file') || undefined,
    q: p.get('q') || undefined,
    status: status as FindingStatus,
    page: pageParam(url),
    pageSize: intParam(url, 'size', { fallback: 50, min: 1, max: MAX_PAGE_SIZE }),
  };
  const group = GROUP_KEYS.find((g) => g === p.get('group')) as GroupKey | undefined;
  const page = await ctx.store.findings(q);
  return {
    run: { id: run.id, startedAt: run.startedAt, command: run.command, facets: run.facets, suppressed: run.suppressed, gate: run.gate },
    ...page,
    groups: group ? await ctx.store.groups(q, group) : null,
  };
}

export async function findingDetail(ctx: DashboardContext, url: URL): Promise<unknown> {
  const runId = intParam(url, 'run');
  const seq = intParam(url, 'seq');
  if (runId === undefined || seq === undefined) throw new HttpError(400, 'run and seq are required');
  const run = await ctx.store.getRun(runId);
  if (!run || run.project !== ctx.project) throw new HttpError(404, `no run #${runId}`);
  const f = await ctx.store.finding(runId, seq);
  if (!f) throw new HttpError(404, 'no such finding');
  return f;
}

export async function compareRuns(ctx: DashboardContext, url: URL): Promise<unknown> {
  const headId = intParam(url, 'head');
  const head = headId ? await ctx.store.getRun(headId) : await ctx.store.latestRun(ctx.project, 'code');
  if (!head || head.project !== ctx.project) throw new HttpError(404, 'no such run');
  const baseId = intParam(url, 'base');
  const base = baseId ? await ctx.store.getRun(baseId) : await ctx.store.previousRun(head);
  if (!base || base.project !== ctx.project) throw new HttpError(404, baseId ? `no run #${baseId}` : `run #${head.id} has no earlier run to compare with`);
  const c = (await ctx.store.compare(base.id, head.id, 500))!;
  const strip = ({ facets, ...r }: RunSummary) => ({ ...r, severity: facets.severity });
  return {
    base: strip(c.base),
    head: strip(c.head),
    counts: c.counts,
    new: c.new,
    resolved: c.resolved,
    unchanged: c.unchanged,
    notRescanned: c.notRescanned,
    scopesDiffer: c.scopesDiffer,
  };
}

export function packs(ctx: DashboardContext): unknown {
  const config = effectiveConfig(ctx);
  const enabled = new Set(config.standards_packs);
  return {
    configFile: configFileOf(ctx.root),
    packs: packsOf(ctx.root).map((p) => {
      const overrides = config.pack_overrides[p.id] ?? {};
      return {
        id: p.id,
        name: p.name,
        standard: p.standard,
        builtin: p.builtin,
        enabled: enabled.has(p.id),
        rules: p.rules.map((r) => {
          const o = overrides[r.def.id] ?? {};
          return { id: r.def.id, title: r.def.title, kind: r.def.kind, severity: r.def.severity, override: o.severity ?? null, enabled: o.enabled ?? r.def.enabled };
        }),
      };
    }),
  };
}

function knownRule(root: string, packId: string, ruleId?: string): void {
  const pack = packsOf(root).find((p) => p.id === packId);
  if (!pack) throw new HttpError(400, `unknown pack '${packId}'`);
  if (ruleId !== undefined && !pack.rules.some((r) => r.def.id === ruleId)) throw new HttpError(400, `unknown rule '${ruleId}' in ${packId}`);
}

export function changePack(ctx: DashboardContext, body: Body): unknown {
  const pack = String(body.pack ?? '');
  if (typeof body.enabled !== 'boolean') throw new HttpError(400, 'enabled must be true or false');
  knownRule(ctx.root, pack);
  const enabled = body.enabled;
  // The environment (SENTRIK_STANDARDS_PACKS) outranks the files the dashboard edits: say so, change nothing.
  const loaded = loadConfig({ root: ctx.root, env: ctx.env });
  let packs = loaded.config.standards_packs;
  if (loaded.origins.standards_packs === 'env' && packs.includes(pack) !== enabled) {
    throw new HttpError(409, `standards_packs is set by ${loaded.sources.standards_packs}, which the dashboard cannot change`);
  }
  for (let edits = 0; edits < 2 && packs.includes(pack) !== enabled; edits++) {
    setPackEnabled(ctx.root, pack, enabled, packs);
    packs = effectiveConfig(ctx).standards_packs;
  }
  if (packs.includes(pack) !== enabled) throw new HttpError(409, `'${pack}' could not be ${enabled ? 'enabled' : 'disabled'}: another configuration layer decides standards_packs`);
  return { ok: true };
}

export function changeRule(ctx: DashboardContext, body: Body): unknown {
  const pack = String(body.pack ?? '');
  const rule = String(body.rule ?? '');
  knownRule(ctx.root, pack, rule);
  const change: { enabled?: boolean | null; severity?: Severity | null } = {};
  if ('enabled' in body) {
    if (body.enabled !== null && typeof body.enabled !== 'boolean') throw new HttpError(400, 'enabled must be true, false or null');
    change.enabled = body.enabled as boolean | null;
  }
  if ('severity' in body) {
    if (body.severity !== null && !(SEVERITIES as readonly unknown[]).includes(body.severity)) throw new HttpError(400, `severity must be one of ${SEVERITIES.join(', ')} or null`);
    change.severity = body.severity as Severity | null;
  }
  setRuleOverride(ctx.root, pack, rule, change);
  return { ok: true };
}

export function suppressions(ctx: DashboardContext): unknown {
  const now = new Date();
  let entries: unknown[] = [];
  let problem: string | null = null;
  try {
    entries = loadSuppressions(ctx.root).map((s) => ({ ruleId: s.ruleId, fileGlob: s.fileGlob, reason: s.reason, approvedBy: s.approvedBy ?? null, expires: s.expires ?? null, source: s.source, expired: s.expired(now) }));
  } catch (err) {
    problem = errorMessage(err);
  }
  const config = effectiveConfig(ctx);
  let approvals: unknown[] = [];
  try {
    approvals = readApprovals(approvalsPath(ctx.root, config)).slice(-200).reverse();
  } catch (err) {
    problem = problem ?? errorMessage(err);
  }
  return { entries, approvals, problem };
}

/** A text field of a JSON body: absent (or null, or empty) is undefined; anything but a string is refused. */
function textField(body: Body, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new HttpError(400, `${name} must be a string`);
  return v;
}

export function suppress(ctx: DashboardContext, body: Body): unknown {
  const ruleId = textField(body, 'ruleId');
  const file = textField(body, 'file');
  if (!ruleId || !file) throw new HttpError(400, 'ruleId and file are required');
  if (isAbsolute(file) || file.split('/').includes('..')) throw new HttpError(400, 'file must be a path inside the project');
  addSuppression(ctx.root, { ruleId, file, reason: textField(body, 'reason') ?? '', approvedBy: textField(body, 'approvedBy'), expires: textField(body, 'expires') });
  // The suppression applies from the next scan on: start it now so the numbers follow.
  const job = ctx.jobs?.start(`suppressed ${ruleId} in ${file}`);
  return { ok: true, job: job ? job.id : null };
}

export function startScan(ctx: DashboardContext): unknown {
  if (!ctx.jobs) throw new HttpError(409, 'scanning from the dashboard is not available');
  return { job: ctx.jobs.start('started from the dashboard').id };
}

export function jobStatus(ctx: DashboardContext, url: URL): unknown {
  const id = intParam(url, 'id');
  const job = id !== undefined ? ctx.jobs?.get(id) : undefined;
  if (!job) throw new HttpError(404, 'no such job');
  return { ...job, elapsedMs: (job.endedAt ?? Date.now()) - job.startedAt };
}

export async function vulns(ctx: DashboardContext): Promise<unknown> {
  const run = await ctx.store.latestRun(ctx.project, 'vulns');
  const page = run ? await ctx.store.findings({ runId: run.id, status: 'all', pageSize: 200 }) : undefined;
  return { run: run ? { id: run.id, startedAt: run.startedAt, severity: run.facets.severity, findings: run.findings } : null, total: page?.total ?? 0, items: page?.items ?? [] };
}

export function sbom(ctx: DashboardContext): unknown {
  const config = effectiveConfig(ctx);
  const project = readProject(ctx.root, config.scan_exclude);
  const packages = project.packages;
  const licenses = new Map(licensesFor(ctx.root, packages).map((l) => [l.package, l]));
  return {
    lockfiles: project.lockfiles.map((l) => ({ file: l.file, ecosystem: l.ecosystem.osv, packages: l.packages.length })),
    problems: project.problems.slice(0, 50),
    components: packages.slice(0, 5000).map((p) => ({
      name: p.name,
      version: p.version,
      ecosystem: p.ecosystem,
      purl: purlOf(p),
      license: licenses.get(p)?.license ?? null,
      direct: p.direct ?? null,
      dev: p.dev ?? null,
      file: p.file,
    })),
    total: packages.length,
  };
}

export function audit(ctx: DashboardContext): unknown {
  const config = effectiveConfig(ctx);
  const rel = config.governance.audit.log_file;
  const log = auditLogPath(ctx.root, config);
  if (!existsSync(log)) return { log: rel, exists: false, entries: [], verification: null };
  let verification: { ok: boolean; problems: string[]; notes: string[] } | { error: string };
  try {
    const r = verifyAudit(log, auditKey(ctx.env));
    verification = { ok: r.ok, problems: r.problems, notes: r.notes };
  } catch (err) {
    verification = { error: errorMessage(err) };
  }
  const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const entries = lines.slice(-200).reverse().map((l) => {
    try {
      const e = JSON.parse(l) as Record<string, unknown>;
      return { seq: e.seq, at: e.ts ?? null, event: e.event, commit: e.commit ?? null, outcome: e.outcome ?? null };
    } catch {
      return { seq: null, at: null, event: '(damaged line)', commit: null, outcome: null };
    }
  });
  return { log: rel, exists: true, total: lines.length, entries, verification };
}
