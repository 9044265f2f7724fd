// What the history store keeps: one row per run (metadata, metrics, gate verdict) and the run's findings,
// keyed by fingerprint so runs can be compared. Shared by the SQLite and PostgreSQL backends.
import type { Confidence, ScanScope, Severity, Suppression } from '../engine/model.js';

/** Commands whose runs are recorded. `scan` and `gate` look at code; `vulns` at dependencies. */
export type RunCommand = 'scan' | 'gate' | 'vulns';

/** Runs are compared only with runs of the same kind (a dependency scan is not a code scan). */
export type RunKind = 'code' | 'vulns';

export function kindOf(command: string): RunKind {
  return command === 'vulns' ? 'vulns' : 'code';
}

export interface RunFacets {
  /** Active (unsuppressed) findings by severity, pack and rule. */
  severity: Record<Severity, number>;
  pack: Record<string, number>;
  rule: Record<string, number>;
  /** Files with at least one active finding. */
  files: number;
}

export interface RunInput {
  project: string;
  command: RunCommand;
  startedAt: string;
  durationMs: number;
  root: string;
  scope: ScanScope;
  toolVersion: string;
  packs: string[];
  filesScanned: number;
  filesSkipped: number;
  rulesEvaluated: number;
  gate: { passed: boolean; failOn: Severity[]; blocking: number };
  /** Coverage details shown on the overview (skipped files by reason, phase times, problems). */
  metrics: {
    skippedByReason: Record<string, number>;
    phasesMs: Record<string, number>;
    problems: number;
    cacheHits: number;
    bytesScanned: number;
    /** Ids of the rules evaluated (absent in runs recorded by older versions). */
    rules?: string[];
    /**
     * Files skipped (not scanned). Absent when there were too many to record (and in runs of older versions):
     * then which files were scanned is not known.
     */
    skipped?: string[];
    /** `skipped` lists only the files skipped for a reason that can hide a file once scanned (not excluded or gitignored ones). */
    skippedPartial?: boolean;
    /** Changed-lines-only runs: the lines looked at, by file (`"2,5-9"`); absent when too many to record. */
    changedLines?: Record<string, string>;
  };
  git?: { commit?: string; branch?: string };
}

export interface RunSummary extends RunInput {
  id: number;
  /** All findings, suppressed included. */
  findings: number;
  suppressed: number;
  facets: RunFacets;
}

/** One finding as listed (a page row). */
export interface FindingRow {
  runId: number;
  seq: number;
  fingerprint: string;
  ruleId: string;
  packId: string;
  severity: Severity;
  file: string;
  line?: number;
  title: string;
  message: string;
  suppressed?: Suppression;
}

/** One finding with everything the detail view shows. */
export interface FindingDetail extends FindingRow {
  snippet?: string;
  column?: number;
  endLine?: number;
  endColumn?: number;
  originalSeverity?: Severity;
  rescoreReason?: string;
  standard?: string;
  clause?: string;
  clauses?: { standard: string; clause: string; packId: string }[];
  cwe: string[];
  remediation?: string;
  confidence: Confidence;
  kind: string;
}

export type FindingStatus = 'active' | 'suppressed' | 'all';
export const GROUP_KEYS = ['rule', 'file', 'pack', 'severity'] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];

export interface FindingQuery {
  runId: number;
  severity?: Severity[];
  pack?: string;
  rule?: string;
  /** Substring of the path. */
  file?: string;
  /** Free text: rule id, path, snippet, title, message, remediation. */
  q?: string;
  status?: FindingStatus;
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

export interface FindingPage {
  total: number;
  page: number;
  pageSize: number;
  items: FindingRow[];
}

export interface FindingGroup {
  key: string;
  count: number;
  /** Worst severity in the group. */
  worst: Severity;
}

export interface Comparison {
  base: RunSummary;
  head: RunSummary;
  counts: { new: number; resolved: number; unchanged: number; notRescanned: number };
  /** In head, not in base (the lists may be cut at a limit; counts are complete). */
  new: FindingRow[];
  /** In base, gone from head (fixed, or suppressed since), in a file head scanned with the finding's rule. */
  resolved: FindingRow[];
  unchanged: FindingRow[];
  /**
   * In base, absent from head, but outside what head looked at (its file not in head's scope or skipped, its
   * rule not run, or only changed lines seen): neither fixed nor confirmed.
   */
  notRescanned: FindingRow[];
  /** The runs looked at different files or with different packs. */
  scopesDiffer: boolean;
}
