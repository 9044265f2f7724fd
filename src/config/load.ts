// Loads the effective configuration: built-in defaults → .sentrik/config.yaml → environment → flags,
// and zero-config detection when no layer names the packs. Each layer is validated on its own so an
// error names its culprit (file:line, or the environment variable). Later layers (issue 10: `extends:`,
// directory-level files) slot in as further entries of the same layer list.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ZodError } from 'zod';
import { SentrikError } from '../util/errors.js';
import { closest, editDistance } from '../util/text.js';
import { zodToSentrikError, type ParsedYaml } from '../util/yaml.js';
import { describeDetection, detectProject, type Detection } from './detect.js';
import { collectFileLayers, CONFIG_DIR, CONFIG_FILES, getIn, mergeLayer, setIn, type MergeState } from './layers.js';
import { applyProfile, PROFILE_DEFAULTS, type Profile } from '../governance/profiles.js';
import { CONFIG_KEYS, configSchema, DEFAULT_CONFIG, finalize, PROFILES, type ConfigKey, type ConfigOverrides, type NetworkPolicy, type SentrikConfig } from './schema.js';

export type ConfigOrigin = 'default' | 'file' | 'env' | 'flag' | 'detected';

export interface LoadedConfig {
  config: SentrikConfig;
  /** The most specific config file that was read (repository or directory level, or --config), if any. */
  file?: string;
  /** Every file that contributed, in merge order (extended files first). */
  files?: string[];
  /** Per dotted key (every entry of CONFIG_KEYS): which layer set it. */
  origins: Record<string, ConfigOrigin>;
  /** Per dotted key: where exactly, e.g. ".sentrik/config.yaml:4", "env SENTRIK_GATE_FAIL_ON", "--flag". */
  sources: Record<string, string>;
  /** Per pack id written in standards_packs (not detected): where, e.g. "/…/.sentrik/config.yaml:3" (its item's line). */
  packSources: Record<string, string>;
  warnings: string[];
  /** Present when the packs were chosen by zero-config detection. */
  detected?: Detection;
}

export interface LoadConfigOptions {
  root: string;
  env: Record<string, string | undefined>;
  /** Values from command-line flags; they win over file and environment. */
  overrides?: ConfigOverrides;
  /** Explicit config file (absolute, or relative to root); it must exist. */
  configPath?: string;
}

export { CONFIG_DIR, CONFIG_FILES } from './layers.js';

/** Environment prefixes, strongest first: sentrik's own, then the reference product's. */
export const ENV_PREFIXES = ['SENTRIK_', 'GUARD_'] as const;

/** SENTRIK_* variables that are not configuration keys (read elsewhere), so they draw no warning. */
export const ENV_NOT_CONFIG: ReadonlySet<string> = new Set([
  'SENTRIK_CONFIG', 'SENTRIK_NO_COLOR', 'SENTRIK_DEBUG', 'SENTRIK_LOG_LEVEL', 'SENTRIK_AUDIT_KEY', 'SENTRIK_HMAC_KEY', 'SENTRIK_GITHUB_TOKEN', 'SENTRIK_TOKEN',
  'SENTRIK_AUDIT_HMAC_KEY', 'SENTRIK_ATTEST_HMAC_KEY',
  'SENTRIK_OSV_API_URL', 'SENTRIK_OSV_DB', 'SENTRIK_TEST_NET_LOG',
  'SENTRIK_DATABASE_URL', 'SENTRIK_PROJECT', 'SENTRIK_DASHBOARD_TOKEN', 'SENTRIK_CACHE_KEY_FILE',
]);

type Raw = Record<string, unknown>;

export function loadConfig(opts: LoadConfigOptions): LoadedConfig {
  const warnings: string[] = [];
  const origins: Record<string, ConfigOrigin> = {};
  const sources: Record<string, string> = {};

  // Layers, weakest first: built-in defaults → extended files → repository file → directory-level files
  // (see layers.ts) → environment → flags.
  const fileLayers = collectFileLayers({ root: opts.root, configPath: opts.configPath, warnings, fileError });
  const envLayer = readEnv(opts.env, warnings);
  const flagLayer = (opts.overrides ?? {}) as Raw;

  let detected: Detection | undefined;
  const detect = (): { packs: string[]; source: string } => {
    detected ??= detectProject(opts.root);
    return { packs: detected.suggestedPacks, source: `detected: ${describeDetection(detected)}` };
  };
  // `{ append: [...] }` on a list the profile governs (gate.fail_on) starts from the profile's default.
  const profile = chosenProfile([...fileLayers.map((l) => l.value), envLayer.value, flagLayer]);
  const listDefault = (path: string): { items: unknown[]; source: string } | undefined => {
    const d = (PROFILE_DEFAULTS[profile] as unknown as Record<string, unknown>)[path];
    return Array.isArray(d) ? { items: [...d], source: `default of profile ${profile}` } : undefined;
  };
  const packSources: Record<string, string> = {};
  const state: MergeState = { merged: {}, sources, warnings, detectPacks: detect, listDefault, packSources };
  for (const layer of fileLayers) mergeLayer(state, layer.value, (parts) => `${layer.file}:${layer.lineOf(parts) ?? 1}`, layer);
  // A list item's parts end in its index; the variable sets the whole list.
  mergeLayer(state, envLayer.value, (parts) => `env ${envLayer.vars[parts.filter((p) => !/^\d+$/.test(p)).join('.')]}`);
  mergeLayer(state, flagLayer, () => 'command-line flag');
  const merged = state.merged;
  for (const key of CONFIG_KEYS) origins[key.path] = originOf((sources[key.path] ??= 'default'));

  let packs = merged.standards_packs as string[] | undefined;
  if (!packs || packs.length === 0) {
    if (packs) warnings.push(`standards_packs is empty (${sources.standards_packs}); using the packs fitting the detected project instead`);
    delete merged.standards_packs;
    const d = detect();
    packs = d.packs;
    origins.standards_packs = 'detected';
    sources.standards_packs = d.source;
  }

  const res = configSchema.safeParse(merged);
  if (!res.success) throw flagError(res.error);
  const config = finalize(res.data, packs);
  if (origins['governance.audit.log_file'] === 'default') sources['governance.audit.log_file'] = 'default (<output_dir>/agent_audit.jsonl)';

  applyProfile(config, origins, sources); // governance.profile fills the settings nobody chose
  if (!config.network) sources.network = `default (${isCI(opts.env) ? 'off: CI is set' : 'ask: not in CI'})`; // see networkPolicy()
  const repoFiles = fileLayers.filter((l) => l.kind !== 'extends');
  return { config, file: repoFiles[repoFiles.length - 1]?.file, files: fileLayers.map((l) => l.file), origins, sources, packSources, warnings, detected };
}

/** The layer that last touched a key decides its origin: "default + file:4" (an append on the default) is the file's. */
function originOf(source: string): ConfigOrigin {
  // Packs partly detected stay 'detected': suggestions this version does not ship are dropped, not refused.
  if (source.startsWith('detected')) return 'detected';
  const last = source.split(' + ').pop()!;
  return last === 'command-line flag' ? 'flag' : last.startsWith('env ') ? 'env' : last.startsWith('default') ? 'default' : 'file';
}

/** The governance profile the layers choose (the strongest layer naming a valid one), else the default. */
function chosenProfile(layers: Raw[]): Profile {
  let profile: Profile = DEFAULT_CONFIG.governance.profile;
  for (const value of layers) {
    const p = getIn(value, ['governance', 'profile']);
    if ((PROFILES as readonly unknown[]).includes(p)) profile = p as Profile;
  }
  return profile;
}

/** CI services set CI=true (GitHub, GitLab, Azure via TF_BUILD, and most others). */
export function isCI(env: Record<string, string | undefined>): boolean {
  const ci = (env.CI ?? '').trim().toLowerCase();
  return (ci !== '' && ci !== 'false' && ci !== '0') || env.TF_BUILD === 'True' || env.GITHUB_ACTIONS === 'true';
}

/** The effective network policy: the configured one, else off in CI and ask elsewhere. */
export function networkPolicy(config: Pick<SentrikConfig, 'network'>, env: Record<string, string | undefined>): NetworkPolicy {
  return config.network ?? (isCI(env) ? 'off' : 'ask');
}

/** The config file `loadConfig` would read under `root`, if one exists. */
export function findConfigFile(root: string): string | undefined {
  return CONFIG_FILES.map((f) => join(root, CONFIG_DIR, f)).find((f) => existsSync(f));
}

/** Environment variable names for a dotted key, strongest first: SENTRIK_GATE_FAIL_ON, GUARD_GATE_FAIL_ON. */
export function envNamesFor(path: string): string[] {
  const suffix = path.replace(/\./g, '_').toUpperCase();
  return ENV_PREFIXES.map((p) => p + suffix);
}


/** The environment as a partial raw config, plus which variable set each key. */
function readEnv(env: Record<string, string | undefined>, warnings: string[]): { value: Raw; vars: Record<string, string> } {
  const value: Raw = {};
  const vars: Record<string, string> = {};
  const known = new Set<string>();
  for (const key of CONFIG_KEYS) {
    if (key.kind === 'map') continue;
    const names = envNamesFor(key.path);
    names.forEach((n) => known.add(n));
    // Strongest prefix wins; an empty value counts as unset (CI templates often export empty variables).
    const name = names.find((n) => env[n] !== undefined && env[n]!.trim() !== '');
    if (!name) continue;
    const parsed = parseEnvValue(key, name, env[name]!);
    const one = setIn({}, key.path.split('.'), parsed);
    const check = configSchema.safeParse(one);
    if (!check.success) throw envError(name, env[name]!, check.error);
    setIn(value, key.path.split('.'), parsed);
    vars[key.path] = name;
  }
  for (const name of Object.keys(env).sort()) {
    if (known.has(name) || ENV_NOT_CONFIG.has(name)) continue;
    const prefix = ENV_PREFIXES.find((p) => name.startsWith(p));
    if (!prefix) continue;
    const guess = closestKey(name.slice(prefix.length));
    // GUARD_ is a common prefix; only warn when the variable is plausibly a misspelt key of ours.
    if (prefix === 'GUARD_' && !guess) continue;
    warnings.push(
      name === `${prefix}PACK_OVERRIDES`
        ? `${name} is ignored: pack_overrides can only be set in .sentrik/config.yaml`
        : `${name} is not a sentrik setting and is ignored${guess ? ` (did you mean ${prefix}${guess}?)` : ''}`,
    );
  }
  return { value, vars };
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

function parseEnvValue(key: ConfigKey, name: string, text: string): unknown {
  const t = text.trim();
  switch (key.kind) {
    case 'list':
      return t.split(',').map((s) => s.trim()).filter(Boolean);
    case 'bool':
      if (TRUE.has(t.toLowerCase())) return true;
      if (FALSE.has(t.toLowerCase())) return false;
      throw new SentrikError(`environment variable ${name}='${t}' is not a boolean`, undefined, undefined, 'use true/false, 1/0 or yes/no');
    case 'int':
      if (/^\d+$/.test(t)) return Number(t);
      throw new SentrikError(`environment variable ${name}='${t}' is not a whole number`, undefined, undefined, `e.g. ${name}=4`);
    case 'bytes':
      return /^\d+$/.test(t) ? Number(t) : t;
    default:
      return t;
  }
}

/** A file error at file:line; for an unknown key the hint lists the keys allowed there. */
export function fileError(err: ZodError, parsed: ParsedYaml): SentrikError {
  const issue = err.issues[0];
  if (issue.code !== 'unrecognized_keys') return zodToSentrikError(err, parsed, 'invalid config');
  const at = issue.path.map(String);
  const allowed = at[0] === 'pack_overrides' ? ['severity', 'enabled'] : keysUnder(at);
  const guess = allowed.find((k) => editDistance(k, issue.keys[0]) <= 2);
  return zodToSentrikError(err, parsed, 'invalid config', `${guess ? `did you mean '${guess}'? ` : ''}keys allowed ${at.length ? `under ${at.join('.')}` : 'at the top level'}: ${allowed.join(', ')}`);
}

function keysUnder(prefix: string[]): string[] {
  const keys = CONFIG_KEYS.map((k) => k.path.split('.')).filter((p) => p.length > prefix.length && prefix.every((s, i) => p[i] === s));
  return [...new Set(keys.map((p) => p[prefix.length]))];
}

function envError(name: string, text: string, err: ZodError): SentrikError {
  const issue = err.issues[0];
  const values = 'values' in issue && Array.isArray(issue.values) ? `expected one of: ${issue.values.join(', ')}` : undefined;
  return new SentrikError(`environment variable ${name}='${text.trim()}': ${issue.message}`, undefined, undefined, values ?? 'fix or unset the variable');
}

function flagError(err: ZodError): SentrikError {
  const issue = err.issues[0];
  const at = issue.path.join('.') || '(top level)';
  const values = 'values' in issue && Array.isArray(issue.values) ? `expected one of: ${issue.values.join(', ')}` : undefined;
  return new SentrikError(`invalid option for ${at}: ${issue.message}`, undefined, undefined, values ?? 'check the command-line flags');
}

/** Env suffix (e.g. GATE_FAILON) → the closest known suffix, when it is a likely typo. */
function closestKey(suffix: string): string | undefined {
  return closest(suffix, CONFIG_KEYS.map((key) => key.path.replace(/\./g, '_').toUpperCase()));
}
