// The history store: record a run with its findings, list runs, page through findings with filters, group
// them, and compare two runs by fingerprint. One implementation over both backends (see db.ts).
import { createHash } from 'node:crypto';
import { SEVERITIES, SEVERITY_RANK, type Finding, type Severity } from '../engine/model.js';
import { countFindings } from '../engine/findings.js';
import type { Db } from './db.js';
import { migrate } from './migrations.js';
import { coveredBy, sameScope } from './scope.js';
import {
  kindOf,
  type Comparison,
  type FindingDetail,
  type FindingGroup,
  type FindingPage,
  type FindingQuery,
  type FindingRow,
  type GroupKey,
  type RunFacets,
  type RunInput,
  type RunKind,
  type RunSummary,
} from './model.js';

export const MAX_PAGE_SIZE = 200;

interface RunRow {
  id: number;
  project: string;
  command: string;
  started_at: string;
  duration_ms: number;
  root: string;
  scope: string;
  tool_version: string;
  packs: string;
  files_scanned: number;
  files_skipped: number;
  rules_evaluated: number;
  findings: number;
  suppressed: number;
  gate_passed: number;
  gate_fail_on: string;
  blocking: number;
  facets: string;
  metrics: string;
  git_commit: string | null;
  git_branch: string | null;
}

interface FindingRowDb {
  run_id: number;
  seq: number;
  fingerprint: string;
  rule_id: string;
  pack_id: string;
  severity: string;
  file: string;
  line: number | null;
  suppressed: string | null;
  body: string;
}

interface DetailBody {
  title: string;
  message: string;
  standard?: string;
  clause?: string;
  clauses?: FindingDetail['clauses'];
  cwe: string[];
  remediation?: string;
  confidence: FindingDetail['confidence'];
  kind: string;
}

const FINDING_COLUMNS = ['run_id', 'seq', 'fingerprint', 'rule_id', 'pack_id', 'severity', 'sev_rank', 'file', 'line', 'snippet', 'is_suppressed', 'suppressed', 'extra', 'detail_id'];
const ROW_SELECT = 'f.run_id, f.seq, f.fingerprint, f.rule_id, f.pack_id, f.severity, f.file, f.line, f.suppressed, d.body';

export function facetsOf(findings: Finding[]): RunFacets {
  const severity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const pack: Record<string, number> = {};
  const rule: Record<string, number> = {};
  const files = new Set<string>();
  for (const f of findings) {
    if (f.suppressed) continue;
    severity[f.severity]++;
    pack[f.packId] = (pack[f.packId] ?? 0) + 1;
    rule[f.ruleId] = (rule[f.ruleId] ?? 0) + 1;
    files.add(f.file);
  }
  return { severity, pack, rule, files: files.size };
}

function escapeLike(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class HistoryStore {
  private constructor(readonly db: Db) {}

  /** Open over a driver and migrate the schema (refusing a newer one). */
  static async open(db: Db): Promise<HistoryStore> {
    try {
      await migrate(db);
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err;
    }
    return new HistoryStore(db);
  }

  get label(): string {
    return this.db.label;
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /**
   * Store one run and its findings in a single transaction (a failure stores nothing), then keep only the
   * newest `retainRuns` runs of the project. Returns the new run id.
   */
  async recordRun(run: RunInput, findings: Finding[], opts: { retainRuns?: number; onBatch?: (done: number) => Promise<void> | void } = {}): Promise<number> {
    const facets = facetsOf(findings);
    // Duplicates (another finding stands for the same detection) are kept as rows, never counted.
    const { findings: active, suppressed } = countFindings(findings);
    const counted = active + suppressed;
    const id = await this.db.transaction(async (tx) => {
      const runId = await tx.insertId(
        `INSERT INTO runs (project, command, kind, scope_mode, started_at, duration_ms, root, scope, tool_version, packs, files_scanned, files_skipped,
          rules_evaluated, findings, suppressed, critical, high, medium, low, info, gate_passed, gate_fail_on, blocking, facets, metrics, git_commit, git_branch)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          run.project, run.command, kindOf(run.command), run.scope.mode, run.startedAt, Math.round(run.durationMs), run.root, JSON.stringify(run.scope), run.toolVersion,
          JSON.stringify(run.packs), run.filesScanned, run.filesSkipped, run.rulesEvaluated, counted, suppressed,
          ...SEVERITIES.map((s) => facets.severity[s]), run.gate.passed ? 1 : 0, JSON.stringify(run.gate.failOn), run.gate.blocking,
          JSON.stringify(facets), JSON.stringify(run.metrics), run.git?.commit ?? null, run.git?.branch ?? null,
        ],
      );
      const detailIds = await this.detailIds(tx, findings);
      const rows = findings.map((f, seq) => {
        const extra = { column: f.column, endLine: f.endLine, endColumn: f.endColumn, originalSeverity: f.originalSeverity, rescoreReason: f.rescoreReason };
        const hasExtra = Object.values(extra).some((v) => v !== undefined);
        return [runId, seq, f.fingerprint, f.ruleId, f.packId, f.severity, SEVERITY_RANK[f.severity], f.file, f.line ?? null, f.snippet ?? null,
          f.suppressed ? 1 : 0, f.suppressed ? JSON.stringify(f.suppressed) : null, hasExtra ? JSON.stringify(extra) : null, detailIds[seq]];
      });
      await tx.insertMany('findings', FINDING_COLUMNS, rows, opts.onBatch);
      return runId;
    });
    if (opts.retainRuns) await this.prune(run.project, opts.retainRuns);
    return id;
  }

  /** Rule-level text deduplicated by content hash; returns the detail id of every finding, in order. */
  private async detailIds(tx: Db, findings: Finding[]): Promise<number[]> {
    const hashes: string[] = [];
    const bodies = new Map<string, string>();
    for (const f of findings) {
      const body: DetailBody = { title: f.title, message: f.message, standard: f.standard, clause: f.clause, clauses: f.clauses, cwe: f.cwe, remediation: f.remediation, confidence: f.confidence, kind: f.kind };
      const text = JSON.stringify(body);
      const hash = createHash('sha1').update(text).digest('hex');
      hashes.push(hash);
      bodies.set(hash, text);
    }
    const ids = new Map<string, number>();
    const all = [...bodies.keys()];
    for (let i = 0; i < all.length; i += 500) {
      const chunk = all.slice(i, i + 500);
      const values = chunk.map(() => '(?, ?)').join(', ');
      await tx.run(`INSERT INTO finding_details (hash, body) VALUES ${values} ON CONFLICT (hash) DO NOTHING`, chunk.flatMap((h) => [h, bodies.get(h)]));
      const got = await tx.all<{ id: number; hash: string }>(`SELECT id, hash FROM finding_details WHERE hash IN (${chunk.map(() => '?').join(', ')})`, chunk);
      for (const r of got) ids.set(r.hash, Number(r.id));
    }
    return hashes.map((h) => ids.get(h)!);
  }

  /** Keep the newest `keep` runs of a project; returns how many runs were deleted. */
  async prune(project: string, keep: number): Promise<number> {
    const ids = (await this.db.all<{ id: number }>('SELECT id FROM runs WHERE project = ? ORDER BY id DESC', [project])).map((r) => Number(r.id)).slice(keep);
    if (!ids.length) return 0;
    await this.db.transaction(async (tx) => {
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        const marks = chunk.map(() => '?').join(', ');
        await tx.run(`DELETE FROM findings WHERE run_id IN (${marks})`, chunk);
        await tx.run(`DELETE FROM runs WHERE id IN (${marks})`, chunk);
      }
      await tx.run('DELETE FROM finding_details WHERE id NOT IN (SELECT DISTINCT detail_id FROM findings)');
    });
    return ids.length;
  }

  async listRuns(project: string, opts: { limit?: number; offset?: number; kind?: RunKind } = {}): Promise<{ total: number; runs: RunSummary[] }> {
    const where = opts.kind ? 'project = ? AND kind = ?' : 'project = ?';
    const params = opts.kind ? [project, opts.kind] : [project];
    const total = Number((await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM runs WHERE ${where}`, params))?.n ?? 0);
    const rows = await this.db.all<RunRow>(`SELECT * FROM runs WHERE ${where} ORDER BY id DESC LIMIT ? OFFSET ?`, [...params, opts.limit ?? 50, opts.offset ?? 0]);
    return { total, runs: rows.map(toSummary) };
  }

  async getRun(id: number): Promise<RunSummary | undefined> {
    const row = await this.db.get<RunRow>('SELECT * FROM runs WHERE id = ?', [id]);
    return row ? toSummary(row) : undefined;
  }

  async latestRun(project: string, kind: RunKind = 'code'): Promise<RunSummary | undefined> {
    const row = await this.db.get<RunRow>('SELECT * FROM runs WHERE project = ? AND kind = ? ORDER BY id DESC LIMIT 1', [project, kind]);
    return row ? toSummary(row) : undefined;
  }

  /**
   * The run before `run` of the same project, kind and scope mode (what `compare` diffs against); with
   * `anyScope`, of any scope mode (to tell "no earlier run of this scope" from "no earlier run").
   */
  async previousRun(run: RunSummary, opts: { anyScope?: boolean } = {}): Promise<RunSummary | undefined> {
    const row = opts.anyScope
      ? await this.db.get<RunRow>('SELECT * FROM runs WHERE project = ? AND kind = ? AND id < ? ORDER BY id DESC LIMIT 1', [run.project, kindOf(run.command), run.id])
      : await this.db.get<RunRow>('SELECT * FROM runs WHERE project = ? AND kind = ? AND scope_mode = ? AND id < ? ORDER BY id DESC LIMIT 1', [run.project, kindOf(run.command), run.scope.mode, run.id]);
    return row ? toSummary(row) : undefined;
  }

  private filter(q: FindingQuery): { where: string; params: unknown[] } {
    const clauses = ['f.run_id = ?'];
    const params: unknown[] = [q.runId];
    const status = q.status ?? 'active';
    if (status === 'active') clauses.push('f.is_suppressed = 0');
    if (status === 'suppressed') clauses.push('f.is_suppressed = 1');
    const sev = (q.severity ?? []).filter((s) => (SEVERITIES as readonly string[]).includes(s));
    if (sev.length) {
      clauses.push(`f.sev_rank IN (${sev.map(() => '?').join(', ')})`);
      params.push(...sev.map((s) => SEVERITY_RANK[s]));
    }
    if (q.pack) (clauses.push('f.pack_id = ?'), params.push(q.pack));
    if (q.rule) (clauses.push('f.rule_id = ?'), params.push(q.rule));
    const like = this.db.dialect === 'postgres' ? 'ILIKE' : 'LIKE';
    if (q.file) (clauses.push(`f.file ${like} ? ESCAPE '\\'`), params.push(escapeLike(q.file)));
    if (q.q) {
      // Rule-level text is matched once per distinct body, not once per finding.
      const pattern = escapeLike(q.q);
      clauses.push(`(f.rule_id ${like} ? ESCAPE '\\' OR f.file ${like} ? ESCAPE '\\' OR f.snippet ${like} ? ESCAPE '\\' OR f.detail_id IN (SELECT id FROM finding_details WHERE body ${like} ? ESCAPE '\\'))`);
      params.push(pattern, pattern, pattern, pattern);
    }
    return { where: clauses.join(' AND '), params };
  }

  async findings(q: FindingQuery): Promise<FindingPage> {
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(q.pageSize ?? 50)));
    const page = Math.max(1, Math.floor(q.page ?? 1));
    const { where, params } = this.filter(q);
    const total = Number((await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM findings f WHERE ${where}`, params))?.n ?? 0);
    // The page's keys come from the ordering index alone; only its rows are then read in full.
    const order = 'ORDER BY f.sev_rank DESC, f.file, f.line, f.seq';
    const rows = await this.db.all<FindingRowDb>(
      `SELECT ${ROW_SELECT} FROM (SELECT f.seq FROM findings f WHERE ${where} ${order} LIMIT ? OFFSET ?) p
       JOIN findings f ON f.run_id = ? AND f.seq = p.seq JOIN finding_details d ON d.id = f.detail_id ${order}`,
      [...params, pageSize, (page - 1) * pageSize, q.runId],
    );
    return { total, page, pageSize, items: rows.map(toRow) };
  }

  async groups(q: FindingQuery, by: GroupKey, limit = 200): Promise<FindingGroup[]> {
    const column = { rule: 'f.rule_id', file: 'f.file', pack: 'f.pack_id', severity: 'f.severity' }[by];
    const { where, params } = this.filter(q);
    const rows = await this.db.all<{ key: string; n: number; worst: number }>(
      `SELECT ${column} AS key, COUNT(*) AS n, MAX(f.sev_rank) AS worst FROM findings f
       WHERE ${where} GROUP BY ${column} ORDER BY MAX(f.sev_rank) DESC, COUNT(*) DESC, ${column} LIMIT ?`,
      [...params, limit],
    );
    return rows.map((r) => ({ key: r.key, count: Number(r.n), worst: SEVERITIES.find((s) => SEVERITY_RANK[s] === Number(r.worst)) ?? 'info' }));
  }

  async finding(runId: number, seq: number): Promise<FindingDetail | undefined> {
    const row = await this.db.get<FindingRowDb & { snippet: string | null; extra: string | null }>(
      `SELECT ${ROW_SELECT}, f.snippet, f.extra FROM findings f JOIN finding_details d ON d.id = f.detail_id WHERE f.run_id = ? AND f.seq = ?`,
      [runId, seq],
    );
    if (!row) return undefined;
    const body = JSON.parse(row.body) as DetailBody;
    const extra = row.extra ? (JSON.parse(row.extra) as Partial<FindingDetail>) : {};
    return { ...toRow(row), ...extra, snippet: row.snippet ?? undefined, standard: body.standard, clause: body.clause, clauses: body.clauses, cwe: body.cwe ?? [], remediation: body.remediation, confidence: body.confidence, kind: body.kind };
  }

  /**
   * New / resolved / unchanged active findings of `headId` against `baseId`, by fingerprint. Only the keys of
   * both runs are compared in memory; full rows are read for at most `limit` findings per category.
   */
  async compare(baseId: number, headId: number, limit = Number.POSITIVE_INFINITY): Promise<Comparison | undefined> {
    const [base, head] = await Promise.all([this.getRun(baseId), this.getRun(headId)]);
    if (!base || !head) return undefined;
    const keys = (id: number) =>
      this.db.all<{ seq: number; fingerprint: string; file: string; rule_id: string; pack_id: string; line: number | null }>(
        'SELECT f.seq, f.fingerprint, f.file, f.rule_id, f.pack_id, f.line FROM findings f WHERE f.run_id = ? AND f.is_suppressed = 0 ORDER BY f.sev_rank DESC, f.file, f.line, f.seq',
        [id],
      );
    const [before, after] = await Promise.all([keys(baseId), keys(headId)]);
    const beforeKeys = new Set(before.map((f) => f.fingerprint));
    const afterKeys = new Set(after.map((f) => f.fingerprint));
    const added = after.filter((f) => !beforeKeys.has(f.fingerprint));
    // Gone from head: resolved only where head looked (its file, its rule, its lines); else not rescanned.
    const seen = coveredBy(head, new Set(after.map((f) => f.file)));
    const gone = before.filter((f) => !afterKeys.has(f.fingerprint));
    const at = (f: (typeof gone)[number]) => ({ file: f.file, ruleId: f.rule_id, packId: f.pack_id, line: f.line === null ? undefined : Number(f.line) });
    const resolved: typeof gone = [];
    const notRescanned: typeof gone = [];
    for (const f of gone) (seen(at(f)) ? resolved : notRescanned).push(f);
    const unchanged = after.filter((f) => beforeKeys.has(f.fingerprint));
    const rows = (id: number, list: { seq: number }[]) => this.rowsBySeq(id, list.slice(0, limit).map((f) => Number(f.seq)));
    return {
      base,
      head,
      counts: { new: added.length, resolved: resolved.length, unchanged: unchanged.length, notRescanned: notRescanned.length },
      new: await rows(headId, added),
      resolved: await rows(baseId, resolved),
      unchanged: await rows(headId, unchanged),
      notRescanned: await rows(baseId, notRescanned),
      scopesDiffer: !sameScope(base, head),
    };
  }

  /** Rows of one run by seq, in the order given. */
  private async rowsBySeq(runId: number, seqs: number[]): Promise<FindingRow[]> {
    const bySeq = new Map<number, FindingRow>();
    for (let i = 0; i < seqs.length; i += 500) {
      const chunk = seqs.slice(i, i + 500);
      const rows = await this.db.all<FindingRowDb>(`SELECT ${ROW_SELECT} FROM findings f JOIN finding_details d ON d.id = f.detail_id WHERE f.run_id = ? AND f.seq IN (${chunk.map(() => '?').join(', ')})`, [runId, ...chunk]);
      for (const r of rows) bySeq.set(Number(r.seq), toRow(r));
    }
    return seqs.map((s) => bySeq.get(s)!);
  }
}

function toRow(r: FindingRowDb): FindingRow {
  const body = JSON.parse(r.body) as DetailBody;
  return {
    runId: Number(r.run_id),
    seq: Number(r.seq),
    fingerprint: r.fingerprint,
    ruleId: r.rule_id,
    packId: r.pack_id,
    severity: r.severity as Severity,
    file: r.file,
    line: r.line ?? undefined,
    title: body.title,
    message: body.message,
    suppressed: r.suppressed ? JSON.parse(r.suppressed) : undefined,
  };
}

function toSummary(r: RunRow): RunSummary {
  return {
    id: Number(r.id),
    project: r.project,
    command: r.command as RunSummary['command'],
    startedAt: r.started_at,
    durationMs: Number(r.duration_ms),
    root: r.root,
    scope: JSON.parse(r.scope),
    toolVersion: r.tool_version,
    packs: JSON.parse(r.packs),
    filesScanned: Number(r.files_scanned),
    filesSkipped: Number(r.files_skipped),
    rulesEvaluated: Number(r.rules_evaluated),
    findings: Number(r.findings),
    suppressed: Number(r.suppressed),
    gate: { passed: Number(r.gate_passed) === 1, failOn: JSON.parse(r.gate_fail_on), blocking: Number(r.blocking) },
    facets: JSON.parse(r.facets),
    metrics: JSON.parse(r.metrics),
    git: r.git_commit || r.git_branch ? { commit: r.git_commit ?? undefined, branch: r.git_branch ?? undefined } : undefined,
  };
}
