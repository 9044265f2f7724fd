// Loads packs from disk with validation: every error names the pack file and line and says how to fix it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import picomatch from 'picomatch';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { inDomain, type CompiledMatcher, type FileFacts, type RuleDomain } from '../engine/matchers/matcher.js';
import { getKind, kindNames } from '../engine/matchers/index.js';
import type { RuleInfo, Severity } from '../engine/model.js';
import { dirsBetween, repositoryTop } from '../config/layers.js';
import { SentrikError } from '../util/errors.js';
import { verifyBuiltinPack } from '../governance/integrity.js';
import { lineOf, parseYamlWithPositions, refuseRedefinedAnchors, zodToSentrikError, type ParsedYaml } from '../util/yaml.js';
import { packSchema, ruleSchema, type PackDef, type RuleDef } from './schema.js';

export interface LoadedRule {
  def: RuleDef;
  packId: string;
  standard: string;
  /** Whether the rule runs per file or once per repository (known without compiling it). */
  scope: 'file' | 'repo';
  /** Compiled on first use for built-in packs (a fully cached scan compiles nothing); eagerly otherwise. */
  matcher: CompiledMatcher;
  /** Does the rule apply to this relative path (its `files` / `exclude` globs)? */
  appliesTo(path: string): boolean;
  /** The files its kind reads beyond its globs (see MatcherKind.domain); undefined: every file. */
  readonly domain: RuleDomain | undefined;
  /** Does the rule judge this scanned file at all: its globs and its domain? */
  judges(file: FileFacts): boolean;
  /** Pack file and line where the rule is defined (and each of its examples, when read from YAML). */
  source: { file: string; line?: number; examples?: ExampleLines };
}

/** Line of each example in the pack file, by list and index (undefined where the YAML gives none). */
export type ExampleLines = Record<'bad' | 'good' | 'todo', (number | undefined)[]>;

/** A rule named by a mapping, with the pack that holds it (loaded on demand when the mapping pack is enabled). */
export interface RuleRef {
  id: string;
  packId: string;
  dir: string;
  builtin: boolean;
}

/** A clause of the pack's standard and the rules (of any pack) whose findings show it is violated. */
export interface LoadedMapping {
  clause: string;
  title: string;
  note?: string;
  rules: RuleRef[];
  source: { file: string; line?: number };
}

export interface LoadedPack {
  id: string;
  name: string;
  version: string;
  standard: string;
  description: string;
  appliesTo: string[];
  rules: LoadedRule[];
  dir: string;
  builtin: boolean;
  /**
   * Where the scan root lies inside the folder that owns the pack (posix; '' when it is the root): a pack of the
   * repository top's `.sentrik/rules/` in a scan of `services/billing` has `services/billing`, and its globs,
   * written from the top, are matched against `services/billing/<path>`.
   */
  prefix: string;
  /** sha256 over the pack's files: changes whenever a rule changes (cache key, audit trail). */
  hash: string;
  /** Clauses mapped onto rules (own or of other packs); see `mappings:` in docs/packs.md. */
  mappings: LoadedMapping[];
}

/** Folder holding the built-in packs (…/packs next to dist/ and src/). */
export function builtinPacksDir(): string {
  return fileURLToPath(new URL('../../packs', import.meta.url));
}

/** Folder for a repository's own packs. */
export function customPacksDir(root: string): string {
  return join(root, '.sentrik', 'rules');
}

const packCache = new Map<string, LoadedPack>();
/** Size and mtime of each cached pack's files when it was last hashed. */
const packStamps = new Map<string, string>();

/** Pack folders under `dir` (each with a pack.yaml); the folder name is the pack id. */
export function packDirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((name) => join(dir, name))
    .filter((d) => statSync(d).isDirectory() && existsSync(join(d, 'pack.yaml')));
}

/** Load every pack folder under `dir`. */
export function loadPacksFrom(dir: string, builtin: boolean): LoadedPack[] {
  return packDirs(dir).map((d) => loadPack(d, builtin));
}

export interface PackRef {
  id: string;
  dir: string;
  builtin: boolean;
  /** See LoadedPack.prefix. */
  prefix: string;
}

/**
 * Ids of every available pack, without loading (compiling) any of them: the built-in packs, and the custom
 * packs of every folder whose configuration applies to the root — the repository top's and those of the
 * folders down to the root, as for config files (a closer folder's pack of the same id wins).
 */
export function availablePackIds(root?: string): PackRef[] {
  const builtins: PackRef[] = packDirs(builtinPacksDir()).map((dir) => ({ id: basename(dir), dir, builtin: true, prefix: '' }));
  const taken = new Set(builtins.map((p) => p.id));
  const custom = new Map<string, PackRef>();
  for (const owner of root ? dirsBetween(repositoryTop(root), root) : []) {
    const prefix = relative(owner, root!).split(sep).join('/');
    for (const dir of packDirs(customPacksDir(owner))) custom.set(basename(dir), { id: basename(dir), dir, builtin: false, prefix });
  }
  for (const p of custom.values()) {
    if (taken.has(p.id)) throw new SentrikError(`custom pack '${p.id}' has the id of a built-in pack`, join(p.dir, 'pack.yaml'), 1, 'give it another id');
  }
  return [...builtins, ...[...custom.values()].sort((a, b) => a.id.localeCompare(b.id))];
}

/** Built-in packs plus the repository's custom packs. */
export function loadAllPacks(root?: string): LoadedPack[] {
  return availablePackIds(root).map((p) => loadPack(p.dir, p.builtin, p.prefix));
}

/**
 * Load only the packs with these ids (unknown ids are the caller's to report). A broken pack that is not
 * selected cannot stop a scan that does not use it.
 */
export function loadPacksById(ids: string[], root?: string): LoadedPack[] {
  const byId = new Map(availablePackIds(root).map((p) => [p.id, p]));
  return ids.filter((id) => byId.has(id)).map((id) => loadPack(byId.get(id)!.dir, byId.get(id)!.builtin, byId.get(id)!.prefix));
}

/** A pack as seen from a scan root inside the folder that owns it (see LoadedPack.prefix). */
export function loadPack(packDir: string, builtin: boolean, prefix = ''): LoadedPack {
  const pack = loadPackFiles(packDir, builtin);
  if (!prefix) return pack;
  const key = `${packDir}\0${prefix}`;
  const known = rebasedCache.get(key);
  if (known?.hash === pack.hash) return known;
  const rebased = { ...pack, prefix, rules: pack.rules.map((r) => rebaseRule(r, prefix)) };
  rebasedCache.set(key, rebased);
  return rebased;
}

const rebasedCache = new Map<string, LoadedPack>();

/** The rule with its globs matched against `prefix/<path>` (its matcher and domain are the same, lazily). */
function rebaseRule(rule: LoadedRule, prefix: string): LoadedRule {
  return {
    def: rule.def,
    packId: rule.packId,
    standard: rule.standard,
    scope: rule.scope,
    get matcher() {
      return rule.matcher;
    },
    appliesTo: (path) => rule.appliesTo(`${prefix}/${path}`),
    get domain() {
      return rule.domain;
    },
    judges: (file) => rule.judges({ ...file, path: `${prefix}/${file.path}` }),
    source: rule.source,
  };
}

function loadPackFiles(packDir: string, builtin: boolean): LoadedPack {
  const cached = packCache.get(packDir);
  const files = packFiles(packDir);
  // Long-lived processes (MCP server, watch) load packs on every scan: unchanged files need no re-hashing.
  const stamp = stampOf(files);
  if (cached && packStamps.get(packDir) === stamp) return cached;
  const hash = hashFiles(packDir, files);
  if (builtin) verifyBuiltinPack(basename(packDir), packDir, hash); // self-integrity: refuse a modified built-in pack
  if (cached && cached.hash === hash) {
    packStamps.set(packDir, stamp);
    return cached;
  }
  const pack = (builtin ? fromSnapshot(packDir, hash) : undefined) ?? parsePack(packDir, builtin, hash, files);
  packCache.set(packDir, pack);
  packStamps.set(packDir, stamp);
  return pack;
}

/** A pack read from its YAML files, validated, every rule compiled: errors name the file and line. */
function parsePack(packDir: string, builtin: boolean, hash: string, files: string[]): LoadedPack {
  const packFile = join(packDir, 'pack.yaml');
  const parsed = readYaml(packFile);
  const res = packSchema.safeParse(parsed.value);
  if (!res.success) throw zodToSentrikError(res.error, parsed, 'invalid pack');
  const def: PackDef = res.data;
  if (def.id !== basename(packDir)) {
    throw new SentrikError(`pack id '${def.id}' differs from its folder name '${basename(packDir)}'`, packFile, lineOf(parsed, ['id']), `rename the folder to ${def.id}/ or change the id`);
  }

  const rules: LoadedRule[] = [];
  const seen = new Map<string, string>();
  const addRules = (p: ParsedYaml, list: unknown[], basePath: PropertyKey[]): void => {
    list.forEach((raw, i) => {
      const rule = loadRule(p, raw, [...basePath, i], def);
      const where = `${p.file}:${rule.source.line ?? '?'}`;
      const prev = seen.get(rule.def.id);
      if (prev) throw new SentrikError(`duplicate rule id ${rule.def.id} (first defined at ${prev})`, p.file, rule.source.line, 'rule ids must be unique');
      seen.set(rule.def.id, where);
      rules.push(rule);
    });
  };
  addRules(parsed, def.rules, ['rules']);
  // Larger packs keep rules in rules/*.yaml: each file is a list of rules (or `rules:` of one).
  for (const f of files) {
    if (!isRulesFile(packDir, f)) continue;
    const p = readYaml(f);
    const list = Array.isArray(p.value) ? p.value : (p.value as { rules?: unknown[] } | null)?.rules;
    if (!Array.isArray(list)) throw new SentrikError('a rules file holds a list of rules', f, 1, 'start the file with `- id: …` or `rules:`');
    addRules(p, list, Array.isArray(p.value) ? [] : ['rules']);
  }

  const mappings = resolveMappings(def, parsed, packDir, builtin, rules);
  if (rules.length === 0 && mappings.length === 0) {
    throw new SentrikError(`pack ${def.id} has no rules`, parsed.file, 1, 'add rules under `rules:` (or in rules/*.yaml beside pack.yaml), or `mappings:` onto other packs\' rules');
  }
  return {
    id: def.id,
    name: def.name,
    version: def.version,
    standard: def.standard,
    description: def.description,
    appliesTo: def.applies_to ?? [],
    rules,
    dir: packDir,
    builtin,
    prefix: '',
    hash,
    mappings,
  };
}

/**
 * A built-in pack as the build validated it (dist/pack-snapshots.json, written by scripts/pack-manifest.mjs),
 * when the snapshot is of exactly these files: no YAML to parse, and rules compile on first use.
 */
export interface PackSnapshot {
  hash: string;
  pack: Omit<LoadedPack, 'rules' | 'mappings' | 'dir' | 'builtin' | 'prefix'>;
  rules: { def: RuleDef; match: unknown; file: string; line?: number }[];
  mappings: { clause: string; title: string; note?: string; rules: { id: string; packId: string }[]; file: string; line?: number }[];
}

/** The snapshot of a loaded built-in pack (file names relative to the pack folder, as the build writes them). */
export function packSnapshot(pack: LoadedPack): PackSnapshot {
  const { id, name, version, standard, description, appliesTo, hash } = pack;
  return {
    hash,
    pack: { id, name, version, standard, description, appliesTo, hash },
    rules: pack.rules.map((r) => ({ def: r.def, match: getKind(r.def.kind)!.schema.parse(r.def.match), file: relative(pack.dir, r.source.file), line: r.source.line })),
    mappings: pack.mappings.map((m) => ({
      clause: m.clause,
      title: m.title,
      note: m.note,
      rules: m.rules.map((r) => ({ id: r.id, packId: r.packId })),
      file: relative(pack.dir, m.source.file),
      line: m.source.line,
    })),
  };
}

export function snapshotsPath(): string {
  return fileURLToPath(new URL('../../dist/pack-snapshots.json', import.meta.url));
}

let snapshots: Record<string, PackSnapshot> | null | undefined;

function fromSnapshot(packDir: string, hash: string): LoadedPack | undefined {
  if (snapshots === undefined) {
    // Only the code of the same build reads them: running from source (tests), the schemas may have changed since.
    const built = fileURLToPath(import.meta.url).startsWith(dirname(snapshotsPath()) + sep);
    try {
      snapshots = built ? (JSON.parse(readFileSync(snapshotsPath(), 'utf8')) as Record<string, PackSnapshot>) : null;
    } catch {
      snapshots = null; // not built yet: packs are read from their YAML
    }
  }
  const snap = snapshots?.[basename(packDir)];
  if (!snap || snap.hash !== hash) return undefined;
  const builtinDir = builtinPacksDir();
  return {
    ...snap.pack,
    dir: packDir,
    builtin: true,
    prefix: '',
    rules: snap.rules.map((r) => makeRule(r.def, r.match, snap.pack.id, snap.pack.standard, { file: join(packDir, r.file), line: r.line }, true)),
    mappings: snap.mappings.map((m) => ({
      clause: m.clause,
      title: m.title,
      note: m.note,
      rules: m.rules.map((r) => ({ ...r, dir: join(builtinDir, r.packId), builtin: true })),
      source: { file: join(packDir, m.file), line: m.line },
    })),
  };
}

function loadRule(p: ParsedYaml, raw: unknown, path: PropertyKey[], pack: PackDef): LoadedRule {
  const res = ruleSchema.safeParse(raw);
  if (!res.success) {
    const err = res.error;
    err.issues.forEach((iss) => ((iss as { path: PropertyKey[] }).path = [...path, ...iss.path]));
    throw zodToSentrikError(err, p, `invalid rule in pack '${pack.id}'`);
  }
  const def = res.data;
  const line = lineOf(p, path);
  const kind = getKind(def.kind);
  if (!kind) {
    throw new SentrikError(`rule ${def.id}: unknown kind '${def.kind}'`, p.file, lineOf(p, [...path, 'kind']), `use one of: ${kindNames().join(', ')}`);
  }
  const m = kind.schema.safeParse(def.match);
  if (!m.success) {
    const err = m.error as z.ZodError;
    err.issues.forEach((iss) => ((iss as { path: PropertyKey[] }).path = [...path, 'match', ...iss.path]));
    throw zodToSentrikError(err, p, `rule ${def.id}: invalid match for kind '${def.kind}'`);
  }
  if (def.examples.bad.length === 0 && def.examples.good.length === 0) {
    throw new SentrikError(`rule ${def.id} has no examples`, p.file, line, 'add `examples: { bad: [...], good: [...] }` that show what it flags and what it must not');
  }
  const examples = Object.fromEntries((['bad', 'good', 'todo'] as const).map((k) => [k, def.examples[k].map((_, i) => lineOf(p, [...path, 'examples', k, i]))])) as ExampleLines;
  let rule: LoadedRule;
  try {
    rule = makeRule(def, m.data, pack.id, pack.standard, { file: p.file, line, examples }, false);
  } catch (err) {
    if (err instanceof SentrikError) {
      throw new SentrikError(`rule ${def.id}: ${err.message}`, p.file, lineOf(p, [...path, 'match']) ?? line, err.hint);
    }
    throw err;
  }
  // The rule itself first; then both halves of its tests: bad examples that it finds what it should, good
  // ones that it stays quiet on look-alikes.
  for (const [half, other] of [['bad', 'good'], ['good', 'bad']] as const) {
    if (def.examples[half].length === 0) {
      throw new SentrikError(`rule ${def.id} has ${other} examples but no ${half} ones`, p.file, lineOf(p, [...path, 'examples']) ?? line, half === 'bad' ? 'add a bad example: code the rule must flag, with the line' : 'add a good example: similar code the rule must not flag');
    }
  }
  return rule;
}

/** A rule of a validated pack; `lazy` defers compiling its matcher and globs until first use. */
function makeRule(def: RuleDef, match: unknown, packId: string, packStandard: string, source: LoadedRule['source'], lazy: boolean): LoadedRule {
  const kind = getKind(def.kind)!;
  let matcher: CompiledMatcher | undefined;
  let applies: ((path: string) => boolean) | undefined;
  let domain: { of: RuleDomain | undefined } | undefined;
  const rule: LoadedRule = {
    def,
    packId,
    standard: def.standard ?? packStandard,
    scope: kind.scope,
    get matcher() {
      return (matcher ??= kind.compile(match, { ruleId: def.id, packFile: source.file, message: def.message }));
    },
    appliesTo(path: string) {
      if (!applies) {
        const include = def.files?.length ? picomatch(def.files, { dot: true }) : undefined;
        const exclude = def.exclude?.length ? picomatch(def.exclude, { dot: true }) : undefined;
        applies = (p) => (!include || include(p)) && !(exclude && exclude(p));
      }
      return applies(path);
    },
    get domain() {
      return (domain ??= { of: kind.domain?.(match) }).of;
    },
    judges(file: FileFacts) {
      return inDomain(rule.domain, file) && rule.appliesTo(file.path);
    },
    source,
  };
  if (!lazy) void rule.matcher;
  return rule;
}

/**
 * Check and resolve `mappings:`: each clause once, each rule id known (this pack, a built-in pack, or a pack
 * beside this one). Other packs are only read for their ids, never compiled, so packs may map onto each other.
 */
function resolveMappings(def: PackDef, parsed: ParsedYaml, packDir: string, builtin: boolean, own: LoadedRule[]): LoadedMapping[] {
  const ownIds = new Set(own.map((r) => r.def.id));
  let others: Map<string, RuleRef> | undefined;
  const firstLine = new Map<string, number | undefined>();
  return def.mappings.map((m, i) => {
    const line = lineOf(parsed, ['mappings', i]);
    if (firstLine.has(m.clause)) {
      throw new SentrikError(`clause '${m.clause}' is mapped twice (first at line ${firstLine.get(m.clause) ?? '?'})`, parsed.file, lineOf(parsed, ['mappings', i, 'clause']), 'merge the two entries into one');
    }
    firstLine.set(m.clause, line);
    const refs: RuleRef[] = [];
    m.rules.forEach((id, j) => {
      if (refs.some((r) => r.id === id)) return;
      if (ownIds.has(id)) return void refs.push({ id, packId: def.id, dir: packDir, builtin });
      others ??= ruleDirectory([builtinPacksDir(), dirname(packDir)], packDir);
      const ref = others.get(id);
      if (!ref) {
        throw new SentrikError(`clause '${m.clause}' is mapped to unknown rule ${id}`, parsed.file, lineOf(parsed, ['mappings', i, 'rules', j]), 'use a rule id listed by `sentrik list-rules`');
      }
      refs.push(ref);
    });
    return { clause: m.clause, title: m.title, note: m.note, rules: refs, source: { file: parsed.file, line } };
  });
}

/** Rule id → pack, for every pack folder under `dirs` except `self`: read as plain YAML, not validated. */
function ruleDirectory(dirs: string[], self: string): Map<string, RuleRef> {
  const out = new Map<string, RuleRef>();
  const builtinDir = builtinPacksDir();
  for (const dir of [...new Set(dirs)]) {
    for (const packDir of packDirs(dir)) {
      if (packDir === self) continue;
      for (const id of ruleIdsIn(packDir)) {
        if (!out.has(id)) out.set(id, { id, packId: basename(packDir), dir: packDir, builtin: dir === builtinDir });
      }
    }
  }
  return out;
}

const ruleIdMemo = new Map<string, { key: string; ids: string[] }>();

/** Rule ids a pack folder defines; memoised per folder while its files are unchanged (every mapping pack asks). */
function ruleIdsIn(packDir: string): string[] {
  const files = packFiles(packDir);
  const key = stampOf(files);
  const hit = ruleIdMemo.get(packDir);
  if (hit?.key === key) return hit.ids;
  const ids = readRuleIds(packDir, files);
  ruleIdMemo.set(packDir, { key, ids });
  return ids;
}

function readRuleIds(packDir: string, files: string[]): string[] {
  const ids: string[] = [];
  const collect = (value: unknown): void => {
    const list = Array.isArray(value) ? value : (value as { rules?: unknown } | null)?.rules;
    if (!Array.isArray(list)) return;
    for (const r of list) if (r && typeof (r as { id?: unknown }).id === 'string') ids.push((r as { id: string }).id);
  };
  for (const f of files) {
    if (f !== join(packDir, 'pack.yaml') && !isRulesFile(packDir, f)) continue;
    try {
      collect(parseYaml(readFileSync(f, 'utf8'), { maxAliasCount: 100 }));
    } catch {
      // A broken pack reports its own error when it is loaded; here it simply contributes no ids.
    }
  }
  return ids;
}

function readYaml(file: string): ParsedYaml {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SentrikError(`cannot read pack file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, file);
  }
  const parsed = parseYamlWithPositions(text, file);
  refuseRedefinedAnchors(parsed, text);
  return parsed;
}

/** Size and mtime of each file: unchanged stamps mean unchanged packs for a long-lived process. */
function stampOf(files: string[]): string {
  return files
    .map((f) => {
      const st = statSync(f);
      return `${f}:${st.size}:${st.mtimeMs}`;
    })
    .join('|');
}

/** A YAML file under the pack's rules/ folder (each holds a list of rules); rules-old/ is not rules/. */
function isRulesFile(packDir: string, file: string): boolean {
  return /\.ya?ml$/.test(file) && file.startsWith(join(packDir, 'rules') + sep);
}

function packFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** The pack's content hash (as LoadedPack.hash), without loading it: for the build-time manifest. */
export function packContentHash(dir: string): string {
  return hashFiles(dir, packFiles(dir));
}

function hashFiles(base: string, files: string[]): string {
  const h = createHash('sha256');
  for (const f of files) {
    h.update(relative(base, f));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

export function ruleInfo(r: LoadedRule, severity?: Severity): RuleInfo {
  return {
    id: r.def.id,
    packId: r.packId,
    title: r.def.title,
    severity: severity ?? r.def.severity,
    message: r.def.message,
    remediation: r.def.remediation,
    standard: r.standard,
    clause: r.def.clause,
    cwe: r.def.cwe,
    helpUri: r.def.help_uri,
    kind: r.def.kind,
    gate: r.def.gate ?? r.def.kind !== 'documentation_obligation',
  };
}
