// The `.sentrik/config.yaml` format. Strict: an unknown key is an error, never silently ignored.
// CONFIG_KEYS lists every settable leaf once; env overrides, `init` and `validate-config` are driven by it.
import { z } from 'zod';
import { SEVERITIES } from '../engine/model.js';
import { globSchema } from '../util/glob.js';

export const REPORTERS = ['json', 'sarif', 'junit', 'csv', 'markdown', 'html', 'metrics'] as const;
export type Reporter = (typeof REPORTERS)[number];

export const PROFILES = ['strict', 'standard', 'permissive'] as const;

/** `network:` off = never, ask = prompt (or the command's explicit flag) before each host, on = allowed. */
export const NETWORK_POLICIES = ['off', 'ask', 'on'] as const;
export type NetworkPolicy = (typeof NETWORK_POLICIES)[number];

/** Requirement and specification files whose change needs a human review (on_requirement_change). */
export const DEFAULT_REQUIREMENT_FILES = [
  '**/REQUIREMENTS*', '**/requirements/**/*.md', '**/specs/**', '**/*.spec.md', '**/openapi*.{yaml,yml,json}', '**/asyncapi*.{yaml,yml,json}', '**/*.proto',
] as const;

/** 2 MiB: larger files are skipped (and counted) by discovery. */
export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;

const UNIT_BYTES: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };
const SIZE_SYNTAX = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i;

/** "2MiB" → 2097152, "500KB" → 500000, "4096" → 4096; undefined when it is not a size. */
export function parseByteSize(text: string): number | undefined {
  const m = SIZE_SYNTAX.exec(text);
  if (!m) return undefined;
  const unit = UNIT_BYTES[(m[2] || 'b').toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.round(Number(m[1]) * unit);
  return bytes >= 1 ? bytes : undefined;
}

const enumOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (iss) => `'${String(iss.input)}' is not allowed` });

const severity = enumOf(SEVERITIES);
const bool = () => z.boolean({ error: (iss) => `'${String(iss.input)}' is not true or false` });

const byteSize = z
  .union([z.number(), z.string()], { error: () => 'expected a size in bytes, e.g. 2097152 or "2MiB"' })
  .transform((v, ctx) => {
    const bytes = typeof v === 'number' ? v : parseByteSize(v);
    if (bytes === undefined || !Number.isInteger(bytes) || bytes < 1) {
      ctx.addIssue({ code: 'custom', message: `'${v}' is not a size: use bytes or a unit (B, KB, KiB, MB, MiB, GB, GiB), e.g. "2MiB"` });
      return z.NEVER;
    }
    return bytes;
  });

const packId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'pack ids are lower-case words joined by dashes, e.g. owasp-top-10');
const ruleId = z.string().regex(/^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/, 'rule ids look like OWASP-A03-001');

/** Zod reports a bad record key as a bare "Invalid key in record"; say what a key must look like. */
const keyError = (shape: string) => (iss: { code?: string; input?: unknown }) =>
  iss.code === 'invalid_key' ? `'${String(iss.input)}' is not a valid key: ${shape}` : undefined;

const ruleOverride = z
  .object({
    severity: severity.optional(),
    enabled: bool().optional(),
  })
  .strict();

export const configSchema = z
  .object({
    /** Absent → chosen by zero-config detection (see detect.ts). */
    standards_packs: z.array(packId).optional(),
    gate: z
      .object({
        fail_on: z.array(severity).default(['critical', 'high']),
      })
      .strict()
      .prefault({}),
    governance: z
      .object({
        profile: enumOf(PROFILES).default('standard'),
        human_review_required: z
          .object({
            on_critical_finding: bool().default(true),
            on_auto_patch_above: severity.default('medium'),
            /** Changed requirement/spec files (requirement_files globs) need a review. */
            on_requirement_change: bool().default(true),
            /** A suppression added by the change (inline or in .sentrik/suppressions.yaml) needs a review. */
            on_suppression_added: bool().default(false),
            requirement_files: z.array(globSchema).default([...DEFAULT_REQUIREMENT_FILES]),
          })
          .strict()
          .prefault({}),
        audit: z
          .object({
            enabled: bool().default(true),
            /** Absent → <output_dir>/agent_audit.jsonl (filled in by loadConfig). */
            log_file: z.string().min(1).optional(),
          })
          .strict()
          .prefault({}),
        /** File suppressions without `approved_by` are not applied (the finding counts). */
        suppressions_require_approval: bool().default(false),
        /** Where `sentrik approve` records approvals (relative to the repository root). */
        approvals_file: z.string().min(1).default('.sentrik/approvals.jsonl'),
      })
      .strict()
      .prefault({}),
    severity_rescoring_enabled: bool().default(true),
    parallel_scan: bool().default(true),
    /** Off by default: isolating packs costs about twice the CPU of one shared pass (docs/governance.md). */
    agent_scan: bool().default(false),
    /** Seconds one pack agent may run before it is stopped and reported (agent_scan). */
    agent_timeout: z.number().positive().default(600),
    output_dir: z.string().min(1).default('out'),
    reporters: z.array(enumOf(REPORTERS)).default([...REPORTERS]),
    /** gitignore-style patterns, relative to the scan root. */
    scan_exclude: z.array(globSchema).default(['.git', 'node_modules', 'dist', '.venv', 'venv', '__pycache__', '.sentrik/cache']),
    pack_overrides: z
      .record(packId, z.record(ruleId, ruleOverride, { error: keyError('rule ids look like OWASP-A03-001') }), {
        error: keyError('pack ids are lower-case words joined by dashes, e.g. owasp-top-10'),
      })
      .default({}),
    max_file_size: byteSize.default(DEFAULT_MAX_FILE_SIZE),
    /** Worker threads; absent → one per CPU (decided by the scanner). */
    jobs: z.number().int().min(1).optional(),
    cache: bool().default(true),
    respect_gitignore: bool().default(true),
    /** Run history (.sentrik/history.db, or PostgreSQL with SENTRIK_DATABASE_URL): compare, dashboard. */
    history: z
      .object({
        enabled: bool().default(true),
        /** Runs kept per project; older ones are deleted when a run is recorded. */
        retention_runs: z.number().int().min(1).default(100),
      })
      .strict()
      .prefault({}),
    /** Other config files this one builds on (./file.yaml, or an installed npm package); resolved by loadConfig. */
    extends: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
    /** Absent → off when CI=true, ask elsewhere (filled in by loadConfig). */
    network: enumOf(NETWORK_POLICIES).optional(),
    suppressions: z
      .object({
        /** Severities an inline `sentrik-ignore` may suppress; higher ones need .sentrik/suppressions.yaml. */
        inline_allowed_for: z.array(severity).default([...SEVERITIES]),
        /** Per pack, replacing inline_allowed_for for that pack's findings. */
        inline_allowed_for_packs: z.record(packId, z.array(severity), { error: keyError('pack ids are lower-case words joined by dashes, e.g. owasp-top-10') }).default({}),
        /** Severity of the findings sentrik reports about suppressions themselves. */
        severity: z
          .object({
            missing_reason: severity.default('low'),
            expired: severity.default('medium'),
            stale: z.union([severity, z.literal('off')], { error: (iss) => `'${String(iss.input)}' is not allowed` }).default('low'),
            inline_not_allowed: severity.default('medium'),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** What a user may write (every key optional, sizes as strings). */
export type SentrikConfigInput = z.input<typeof configSchema>;

/** The effective configuration: every key defaulted; `standards_packs` and `governance.audit.log_file` resolved by loadConfig. */
export type SentrikConfig = Omit<z.output<typeof configSchema>, 'standards_packs' | 'governance'> & {
  standards_packs: string[];
  governance: Omit<z.output<typeof configSchema>['governance'], 'audit'> & {
    audit: { enabled: boolean; log_file: string };
  };
};

export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** Command-line overrides: any subset of keys, nested objects may be partial. */
export type ConfigOverrides = DeepPartial<SentrikConfig>;

/** Packs every project gets, whatever was detected. */
export const BASE_PACKS = ['owasp-top-10', 'supply-chain-security', 'secrets'] as const;

export const DEFAULT_CONFIG: SentrikConfig = finalize(configSchema.parse({}), [...BASE_PACKS]);

/** Fill the keys whose defaults depend on other keys. */
export function finalize(parsed: z.output<typeof configSchema>, packs: string[]): SentrikConfig {
  const audit = parsed.governance.audit;
  return {
    standards_packs: parsed.standards_packs ?? packs, // first, so printed configs read in file order
    ...parsed,
    governance: {
      ...parsed.governance,
      audit: { enabled: audit.enabled, log_file: audit.log_file ?? `${parsed.output_dir.replace(/\/+$/, '')}/agent_audit.jsonl` },
    },
  };
}

export type KeyKind = 'list' | 'bool' | 'int' | 'bytes' | 'string' | 'map';

export interface ConfigKey {
  /** Dotted path, e.g. `gate.fail_on`. */
  path: string;
  kind: KeyKind;
  /** One line for `init` comments and `validate-config`. */
  doc: string;
}

/** Every settable leaf, in file order. `map` keys are not settable from the environment. */
export const CONFIG_KEYS: readonly ConfigKey[] = [
  { path: 'standards_packs', kind: 'list', doc: 'packs to enforce (sentrik list-packs); omit to let sentrik pick from the detected languages' },
  { path: 'gate.fail_on', kind: 'list', doc: `severities that make \`sentrik gate\` fail (${SEVERITIES.join(', ')})` },
  { path: 'governance.profile', kind: 'string', doc: `how strictly governance applies (${PROFILES.join(' | ')})` },
  { path: 'governance.human_review_required.on_critical_finding', kind: 'bool', doc: 'a critical finding requires a human review before merge' },
  { path: 'governance.human_review_required.on_auto_patch_above', kind: 'string', doc: 'automatic fixes above this severity require a human review' },
  { path: 'governance.human_review_required.on_requirement_change', kind: 'bool', doc: 'a change to a requirement or spec file requires a human review' },
  { path: 'governance.human_review_required.on_suppression_added', kind: 'bool', doc: 'a newly added suppression requires a human review' },
  { path: 'governance.human_review_required.requirement_files', kind: 'list', doc: 'globs of requirement/spec files (on_requirement_change)' },
  { path: 'governance.audit.enabled', kind: 'bool', doc: 'append every agent action to an HMAC-chained audit log' },
  { path: 'governance.audit.log_file', kind: 'string', doc: 'audit log path (default: <output_dir>/agent_audit.jsonl)' },
  { path: 'governance.suppressions_require_approval', kind: 'bool', doc: 'suppressions in .sentrik/suppressions.yaml apply only with approved_by' },
  { path: 'governance.approvals_file', kind: 'string', doc: 'where `sentrik approve` records approvals' },
  { path: 'severity_rescoring_enabled', kind: 'bool', doc: 'lower severity in tests/examples/comments, raise it in auth/crypto paths' },
  { path: 'parallel_scan', kind: 'bool', doc: 'scan files in worker threads' },
  { path: 'agent_scan', kind: 'bool', doc: 'run each pack as an independent agent, in parallel' },
  { path: 'agent_timeout', kind: 'int', doc: 'seconds one pack agent may run before it is stopped and reported' },
  { path: 'output_dir', kind: 'string', doc: 'where reports are written' },
  { path: 'reporters', kind: 'list', doc: `reports written on every scan (${REPORTERS.join(', ')})` },
  { path: 'scan_exclude', kind: 'list', doc: 'gitignore-style patterns never scanned' },
  { path: 'pack_overrides', kind: 'map', doc: 'per-rule severity or enablement: { pack-id: { RULE-ID: { severity: medium, enabled: false } } }' },
  { path: 'max_file_size', kind: 'bytes', doc: 'larger files are skipped and counted (bytes, or e.g. "2MiB", "500KB")' },
  { path: 'jobs', kind: 'int', doc: 'worker threads (default: one per CPU)' },
  { path: 'cache', kind: 'bool', doc: 'reuse results for unchanged files (.sentrik/cache); a pack change invalidates it' },
  { path: 'respect_gitignore', kind: 'bool', doc: 'skip files ignored by .gitignore' },
  { path: 'history.enabled', kind: 'bool', doc: 'record every scan/gate/vulns run for `sentrik compare` and the dashboard' },
  { path: 'history.retention_runs', kind: 'int', doc: 'runs kept in the history per project (older ones are deleted)' },
  { path: 'extends', kind: 'map', doc: 'config files this one builds on: ./file.yaml or an installed npm package (read, never executed)' },
  { path: 'network', kind: 'string', doc: `outbound network (${NETWORK_POLICIES.join(' | ')}; default: off when CI=true, else ask)` },
  { path: 'suppressions.inline_allowed_for', kind: 'list', doc: 'severities an inline sentrik-ignore may suppress (higher ones need .sentrik/suppressions.yaml)' },
  { path: 'suppressions.inline_allowed_for_packs', kind: 'map', doc: 'per pack: { pack-id: [low, medium] }, replacing inline_allowed_for' },
  { path: 'suppressions.severity.missing_reason', kind: 'string', doc: 'severity of SENTRIK-SUP-001 (a suppression without a reason)' },
  { path: 'suppressions.severity.expired', kind: 'string', doc: 'severity of SENTRIK-SUP-002 (an expired suppression)' },
  { path: 'suppressions.severity.stale', kind: 'string', doc: 'severity of SENTRIK-SUP-003 (a suppression that matched nothing), or off' },
  { path: 'suppressions.severity.inline_not_allowed', kind: 'string', doc: 'severity of SENTRIK-SUP-004 (an inline suppression of a severity that needs review)' },
];
