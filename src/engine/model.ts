// The finding model: what every matcher produces and every reporter consumes.
// Reporters depend on these types only, never on how findings were found.

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse; used for sorting and for "at or above" comparisons. */
export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

export type Confidence = 'high' | 'medium' | 'low';

export interface Suppression {
  /**
   * `inline` (sentrik-ignore comment), `file` (.sentrik/suppressions.yaml), `baseline`, or `duplicate`: another
   * rule reported the same code for the same weakness (`Finding.duplicateOf`), and that finding stands for it.
   */
  kind: 'inline' | 'file' | 'baseline' | 'duplicate';
  reason: string;
  approvedBy?: string;
  expires?: string;
  /** Where the suppression itself is written (file:line), so users can find it. */
  source?: string;
}

export interface Finding {
  ruleId: string;
  packId: string;
  /** Short rule title, e.g. "Remote script piped into a shell". */
  title: string;
  severity: Severity;
  /** Severity before rescoring; present only when rescoring changed it. */
  originalSeverity?: Severity;
  /** Why the severity was changed (e.g. "in a test file"). */
  rescoreReason?: string;
  message: string;
  /** Path relative to the scan root, with forward slashes. Repository-level findings use ".". */
  file: string;
  /** 1-based; absent for whole-file or repository-level findings. */
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** The offending source line(s), secrets already masked. */
  snippet?: string;
  standard?: string;
  clause?: string;
  /** Other framework clauses this finding also violates (packs that map onto this rule). */
  clauses?: { standard: string; clause: string; packId: string }[];
  cwe: string[];
  remediation?: string;
  /** Stable identity that survives unrelated line shifts: rule + file + normalised matched content + occurrence. */
  fingerprint: string;
  confidence: Confidence;
  /** Secret findings: the value begins with its provider's literal prefix (see markDuplicates). */
  prefixed?: boolean;
  suppressed?: Suppression;
  /** The fingerprint of the finding that stands for the same detection, when this one is not it (see markDuplicates). */
  duplicateOf?: string;
  /** Rule kind that produced it (regex, structured, …): handy for debugging and metrics. */
  kind: string;
}

/** For looking up, among `findings`, the finding that stands for a duplicate's detection (`duplicateOf`). */
export function standingOf(findings: readonly Finding[]): (f: Finding) => Finding | undefined {
  const byFingerprint = new Map(findings.map((x) => [x.fingerprint, x]));
  return (f) => (f.duplicateOf === undefined ? undefined : byFingerprint.get(f.duplicateOf));
}

/** A finding another one stands for (see markDuplicates): kept in reports, counted apart from suppressed ones. */
export function isDuplicate(f: Finding): boolean {
  return f.suppressed?.kind === 'duplicate';
}

/** Something that went wrong while scanning one file or rule; the scan goes on. */
export interface ScanProblem {
  file?: string;
  line?: number;
  ruleId?: string;
  /** Machine-readable reason, e.g. `binary`, `too-large`, `unreadable`, `parse-error`, `rule-error`. */
  code: string;
  message: string;
}

export interface SkippedFile {
  file: string;
  reason:
    | 'binary'
    | 'too-large'
    | 'unreadable'
    | 'symlink-outside-root'
    | 'symlink-loop'
    // A symlinked folder whose target was already walked (scanned once, under its real path).
    | 'symlink-duplicate'
    | 'broken-symlink'
    | 'invalid-utf8'
    | 'excluded'
    | 'gitignored'
    // A file of the change (--staged, --git-range, --diff) outside the scan root: never read.
    | 'outside-root'
    // A file a --diff names that is not in the working tree.
    | 'missing';
}

export interface ScanMetrics {
  startedAt: string;
  durationMs: number;
  /** Per phase wall times (discovery, packs, match, report…). */
  phasesMs: Record<string, number>;
  filesScanned: number;
  bytesScanned: number;
  filesSkipped: number;
  skippedByReason: Record<string, number>;
  cacheHits: number;
  cacheMisses: number;
  packs: string[];
  /** Rules loaded for this scan (file rules, and repository rules that could run). */
  rulesEvaluated: number;
  /** Of those, the ones that judged at least one scanned file (or, at repository level, ran without failing). */
  rulesApplied?: number;
  /** Rules loaded but with nothing to judge (e.g. Java rules in a repository without Java, OpenAPI checks and no contract): no evidence either way. */
  rulesNotApplied?: string[];
  findings: number;
  /** Findings suppressed (inline, file, baseline): duplicates are counted apart. */
  suppressed: number;
  /** Findings not counted because another finding stands for the same detection. */
  duplicates?: number;
  bySeverity: Record<Severity, number>;
  byRule: Record<string, number>;
  byPack: Record<string, number>;
  perPackMs?: Record<string, number>;
  jobs: number;
  scope: ScanScope;
  /** Suppressed findings by how: inline, file, baseline (duplicates are `duplicates`). */
  suppressedByKind?: Record<string, number>;
  /** Set when a baseline was applied: where it came from and how many known findings it hid. */
  baseline?: { source: string; entries: number; hidden: number };
}

/** One suppression (inline comment or .sentrik/suppressions.yaml entry) and what it did in this run. */
export interface SuppressionRecord {
  kind: 'inline' | 'file';
  /** Where it is written: `file:line`. */
  source: string;
  /** Rule ids it names (`ALL` / `*` for every rule). */
  ruleIds: string[];
  /** File suppressions: the files it covers. */
  fileGlob?: string;
  reason: string;
  approvedBy?: string;
  expires?: string;
  /**
   * active: applied; stale: matched no finding; expired / no-reason / not-allowed / unapproved (no approved_by,
   * which the profile requires): matched but not applied;
   * unchecked: matched nothing, but this run could not tell (partial scope, rule not evaluated);
   * unknown: names a rule no pack has (a typo): it can never match.
   */
  status: 'active' | 'stale' | 'expired' | 'no-reason' | 'not-allowed' | 'unapproved' | 'unchecked' | 'unknown';
  /** unknown: the loaded rule id closest to the one written, when one is close. */
  didYouMean?: string;
  /** Findings it matched in this run (applied or not). */
  matched: number;
}

export interface ScanScope {
  mode: 'paths' | 'staged' | 'git-range' | 'diff' | 'snippet';
  paths: string[];
  range?: string;
  diffFile?: string;
  /** True when only changed lines are reported. */
  changedLinesOnly?: boolean;
}

/** Minimal description of a rule that reporters may show (SARIF rule metadata, HTML help). */
export interface RuleInfo {
  id: string;
  packId: string;
  title: string;
  severity: Severity;
  message: string;
  remediation?: string;
  standard?: string;
  clause?: string;
  cwe: string[];
  helpUri?: string;
  kind: string;
  /** false for rules that never fail the gate (documentation obligations by default). */
  gate?: boolean;
}

/** What a dependency check (`vulns`) covered, counted apart: what it matched and what it could not check. */
export interface DependencyCoverage {
  /** Lockfiles read, and requirements files (pom.xml) that pin at least one package. */
  lockfiles: number;
  /** Packages whose installed version the lockfiles give. */
  packages: number;
  /** Of those, the ones matched against advisory data (the others' ecosystem has none: see problems). */
  checked: number;
  /** The packages not matched because their ecosystem has no advisory data, by ecosystem. */
  withoutAdvisories: { ecosystem: string; packages: number }[];
  /** Dependencies never matched (versions unknown, or not from a registry): the sum of `notChecked[].count`. */
  unchecked: number;
  notChecked: {
    file: string;
    line?: number;
    ecosystem: string;
    /** `no-lockfile` (a manifest no lockfile covers), `not-pinned` (requirements without `==`) or `not-registry` (installed from git, a URL or a folder). */
    reason: 'no-lockfile' | 'not-pinned' | 'not-registry';
    count: number;
    names: string[];
    /** The sentence users read after the file name, with what makes them checkable. */
    message: string;
  }[];
  /** Where the advisories came from; `missing` / `empty`: an offline database with nothing to match. */
  advisories: { source: 'offline' | 'online'; location: string; status: 'ok' | 'missing' | 'empty' };
}

export interface ScanResult {
  /** Absolute scan root. */
  root: string;
  tool: { name: string; version: string };
  findings: Finding[];
  problems: ScanProblem[];
  skipped: SkippedFile[];
  metrics: ScanMetrics;
  /** Metadata of every rule that was evaluated (for SARIF `tool.driver.rules`). */
  rules: RuleInfo[];
  /** Every suppression seen in this run, with its use (absent for results not produced by the scanner). */
  suppressions?: SuppressionRecord[];
  /** A changed-lines-only scan (`--staged`, `--git-range`, `--diff`): the lines of each file it reported on. */
  changedLines?: Map<string, Set<number>>;
  /** Dependency checks (`vulns`) only: what was and was not checked. */
  dependencies?: DependencyCoverage;
  /**
   * The git repository the root is in (set where reports are written): its top folder and the root's path
   * from it ('' at the top, 'web/' for a subfolder). SARIF names files from the repository top with it.
   */
  repository?: { top: string; prefix: string };
}

export interface GateResult {
  passed: boolean;
  failOn: Severity[];
  blocking: Finding[];
  summary: string;
  /** Human review (governance): why one is required and whether an approval covers it. */
  review?: {
    required: boolean;
    runId: string;
    reasons: string[];
    approved: boolean;
    approvedBy: string[];
    /** --require-approval: the gate fails until approved. */
    enforced: boolean;
  };
}
