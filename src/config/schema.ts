// The `.sentrik/config.yaml` format. Strict: an unknown key is an error, never silently ignored.
// CONFIG_KEYS lists every settable leaf once; env overrides, `init` and `validate-config` are driven by it.
import { z } from 'zod';
import { SEVERITIES } from '../engine/model.js';

export const REPORTERS = ['json', 'sarif', 'junit', 'csv', 'markdown', 'html', 'metrics'] as const;
export type Reporter = (typeof REPORTERS)[number];

export const PROFILES = ['strict', 'standard', 'permissive'] as const;

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
      })
      .strict()
      .prefault({}),
    severity_rescoring_enabled: bool().default(true),
    parallel_scan: bool().default(true),
    agent_scan: bool().default(true),
    output_dir: z.string().min(1).default('out'),
    reporters: z.array(enumOf(REPORTERS)).default([...REPORTERS]),
    /** gitignore-style patterns, relative to the scan root. */
    scan_exclude: z.array(z.string().min(1)).default(['.git', 'node_modules', 'dist', '.venv', 'venv', '__pycache__', '.sentrik/cache']),
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
  { path: 'governance.audit.enabled', kind: 'bool', doc: 'append every agent action to an HMAC-chained audit log' },
  { path: 'governance.audit.log_file', kind: 'string', doc: 'audit log path (default: <output_dir>/agent_audit.jsonl)' },
  { path: 'severity_rescoring_enabled', kind: 'bool', doc: 'lower severity in tests/examples/comments, raise it in auth/crypto paths' },
  { path: 'parallel_scan', kind: 'bool', doc: 'scan files in worker threads' },
  { path: 'agent_scan', kind: 'bool', doc: 'run each pack as an independent agent, in parallel' },
  { path: 'output_dir', kind: 'string', doc: 'where reports are written' },
  { path: 'reporters', kind: 'list', doc: `reports written on every scan (${REPORTERS.join(', ')})` },
  { path: 'scan_exclude', kind: 'list', doc: 'gitignore-style patterns never scanned' },
  { path: 'pack_overrides', kind: 'map', doc: 'per-rule severity or enablement: { pack-id: { RULE-ID: { severity: medium, enabled: false } } }' },
  { path: 'max_file_size', kind: 'bytes', doc: 'larger files are skipped and counted (bytes, or e.g. "2MiB", "500KB")' },
  { path: 'jobs', kind: 'int', doc: 'worker threads (default: one per CPU)' },
  { path: 'cache', kind: 'bool', doc: 'reuse results for unchanged files (.sentrik/cache); a pack change invalidates it' },
  { path: 'respect_gitignore', kind: 'bool', doc: 'skip files ignored by .gitignore' },
];
