// The configuration files that make up the effective configuration, in merge order:
//   extended files (depth first, in the order written) → repository file → directory-level files of
//   monorepo sub-projects (top → scan root).
// Each file is read and validated on its own, so an error names its file and line. `extends:` takes a
// local file (./x.yaml, relative to the file that names it) or an installed npm package; packages are
// read as YAML data from node_modules, never imported or executed. A reference-product `.guard.yaml` is
// accepted (mapped, with a warning per key without an equivalent) where no .sentrik/config.yaml exists.
//
// Lists combine explicitly: a plain list replaces the inherited one; `{ append: [...] }`, `{ remove: [...] }`
// and `{ replace: [...] }` say what to do. A plain `standards_packs` that leaves out a built-in or inherited
// pack draws a warning naming the packs it drops.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { isMap, isScalar } from 'yaml';
import type { ZodError } from 'zod';
import { SentrikError } from '../util/errors.js';
import { lineOf, parseYamlWithPositions, type ParsedYaml } from '../util/yaml.js';
import { BASE_PACKS, CONFIG_KEYS, configSchema, DEFAULT_CONFIG } from './schema.js';

export type Raw = Record<string, unknown>;

export interface FileLayer {
  /** Absolute path. */
  file: string;
  /** extends: pulled in by another file; repository/directory: found in the tree; explicit: --config. */
  kind: 'extends' | 'repository' | 'directory' | 'explicit';
  /** Raw values; list keys may hold `{ append | remove | replace }`. */
  value: Raw;
  /** Line of a dotted key in this file (for `config show --origin` and errors). */
  lineOf(parts: readonly (string | number)[]): number | undefined;
  /** Set for a reference-product file (.guard.yaml). */
  guard?: true;
}

export const CONFIG_DIR = '.sentrik';
export const CONFIG_FILES = ['config.yaml', 'config.yml'] as const;
export const GUARD_FILES = ['.guard.yaml', '.guard.yml'] as const;
export const LIST_OPS = ['append', 'remove', 'replace'] as const;

/** Dotted paths of every list-valued key. */
export const LIST_KEYS: readonly string[] = CONFIG_KEYS.filter((k) => k.kind === 'list').map((k) => k.path);

export interface CollectOptions {
  root: string;
  /** Explicit file (absolute); replaces the repository and directory files. */
  configPath?: string;
  warnings: string[];
  /** Turns a zod error on a sentrik file into a SentrikError (load.ts keeps the hint logic). */
  fileError(err: ZodError, parsed: ParsedYaml): SentrikError;
}

/** The file layers, in merge order (weakest first). */
export function collectFileLayers(o: CollectOptions): FileLayer[] {
  const out: FileLayer[] = [];
  const seen = new Set<string>();
  if (o.configPath) {
    if (!existsSync(o.configPath)) throw new SentrikError('config file not found', o.configPath, undefined, 'check the path given with --config');
    // A file the user named is trusted: what it extends may live anywhere.
    expand(o.configPath, 'explicit', undefined, [], out, seen, o);
    return out;
  }
  const top = repositoryTop(o.root);
  for (const dir of dirsBetween(top, o.root)) {
    const names = candidatesIn(dir);
    const present = names.config.filter((f) => existsSync(f));
    if (present.length > 1) o.warnings.push(`both ${present.join(' and ')} exist; using ${present[0]}`);
    const kind = dir === top ? 'repository' : 'directory';
    if (present[0]) {
      // A repository could symlink its config to a file elsewhere (whose content would then leak into errors).
      if (!inside(top, present[0])) throw new SentrikError('config file is a link to outside the repository', present[0], undefined, 'replace the link with a regular file');
      expand(present[0], kind, top, [], out, seen, o);
      continue;
    }
    const guard = names.guard.find((f) => existsSync(f));
    if (guard && inside(top, guard)) {
      o.warnings.push(`${guard}: reference-product configuration read and mapped; run \`sentrik migrate\` to convert it to .sentrik/config.yaml`);
      out.push(readGuardLayer(guard, kind, o.warnings));
    }
  }
  return out;
}

/** The config files one folder may hold, in preference order: sentrik's own, then a reference-product file. */
function candidatesIn(dir: string): { config: string[]; guard: string[] } {
  return { config: CONFIG_FILES.map((f) => join(dir, CONFIG_DIR, f)), guard: GUARD_FILES.map((f) => join(dir, f)) };
}

/** Every place collectFileLayers looks for a repository or directory-level file (without --config). */
export function candidateConfigFiles(root: string): string[] {
  return dirsBetween(repositoryTop(root), root).flatMap((dir) => {
    const names = candidatesIn(dir);
    return [...names.config, ...names.guard];
  });
}

/** The enclosing repository's top folder (nearest ancestor holding `.git`), or `root` outside a repository. */
export function repositoryTop(root: string): string {
  let dir = resolve(root);
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(root);
    dir = parent;
  }
}

/** The folders from the repository top down to the scan root, each of which may hold a config file. */
export function dirsBetween(top: string, root: string): string[] {
  const dirs = [top];
  const rel = relative(top, resolve(root));
  if (!rel) return dirs;
  let cur = top;
  for (const part of rel.split(sep)) dirs.push((cur = join(cur, part)));
  return dirs;
}

/** Read `file`, then its `extends` (depth first), pushing the extended files before the file itself. */
function expand(file: string, kind: FileLayer['kind'], base: string | undefined, stack: string[], out: FileLayer[], seen: Set<string>, o: CollectOptions): void {
  const real = realOf(file);
  const { parsed, value } = readYamlMapping(file);
  const layer: FileLayer = { file, kind, value, lineOf: (parts) => keyLine(parsed, parts.map(String)) };
  validateLayer(layer, (err) => o.fileError(err, parsed));
  checkOutputPaths(layer);

  const specs = value.extends === undefined ? [] : Array.isArray(value.extends) ? value.extends : [value.extends];
  specs.forEach((spec, i) => {
    const line = layer.lineOf(Array.isArray(value.extends) ? ['extends', i] : ['extends']);
    const target = resolveExtends(String(spec), dirname(file), base, file, line);
    const targetReal = realOf(target);
    if (targetReal === real || stack.includes(targetReal)) {
      const chain = [...stack, real, targetReal].map((p) => relative(o.root, p) || p);
      throw new SentrikError(`extends cycle: ${chain.join(' → ')}`, file, line, 'remove one of the extends entries');
    }
    if (seen.has(targetReal)) return; // a diamond: the shared base is applied once, first
    expand(target, 'extends', base, [...stack, real], out, seen, o);
  });
  if (!seen.has(real)) {
    seen.add(real);
    out.push(layer);
  }
}

/** A configuration file as a YAML mapping with positions; an empty file is an empty mapping. */
export function readYamlMapping(file: string): { parsed: ParsedYaml; value: Raw } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SentrikError(`cannot read config file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, file, undefined, 'check its permissions');
  }
  const parsed = parseYamlWithPositions(text, file);
  const value = parsed.value ?? {}; // an empty file means "all defaults"
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new SentrikError('invalid config: the top level must be a mapping of keys', file, 1, 'start with e.g. `standards_packs: [owasp-top-10]`');
  }
  return { parsed, value: value as Raw };
}

/**
 * `./x.yaml`, `../x.yaml` or an absolute path: a file (relative to the naming file). Anything else is an
 * npm package name, optionally with a file inside it (`@acme/policy/strict.yaml`), looked up in the
 * node_modules folders from the naming file up to the repository top. Repository files may only extend
 * files inside the repository (`base`): a pull request must not make sentrik read files elsewhere.
 */
function resolveExtends(spec: string, fromDir: string, base: string | undefined, file: string, line: number | undefined): string {
  if (spec.startsWith('./') || spec.startsWith('../') || isAbsolute(spec)) {
    const target = resolve(fromDir, spec);
    if (!existsSync(target) || !statSync(target).isFile()) throw new SentrikError(`extends: '${spec}' not found`, file, line, `no such file: ${target}`);
    if (base && !inside(base, target)) throw new SentrikError(`extends: '${spec}' is outside the repository`, file, line, 'extend a file inside the repository, or an installed npm package');
    return target;
  }
  const m = /^((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*)(?:\/(.+))?$/i.exec(spec);
  if (!m || m[2]?.split('/').includes('..')) {
    throw new SentrikError(`extends: '${spec}' is neither a file nor a package name`, file, line, 'write ./file.yaml for a local file, or a package name such as @acme/sentrik-policy');
  }
  const [, name, sub] = m;
  let pkgDir: string | undefined;
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const cand = join(dir, 'node_modules', name);
    if (existsSync(cand)) {
      pkgDir = cand;
      break;
    }
    if ((base && dir === base) || dirname(dir) === dir) break;
  }
  if (!pkgDir) throw new SentrikError(`extends: package '${name}' is not installed`, file, line, `install it (npm install --save-dev ${name}), or write ./${spec} for a local file`);
  if (base && !inside(base, pkgDir)) throw new SentrikError(`extends: package '${name}' resolves outside the repository`, file, line, 'install it into the project (not npm link)');
  let target: string | undefined;
  if (sub) target = join(pkgDir, sub);
  else {
    let declared: unknown;
    try {
      declared = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { sentrik?: unknown }).sentrik;
    } catch {
      declared = undefined;
    }
    const candidates = typeof declared === 'string' && !normalize(declared).startsWith('..') ? [declared] : ['sentrik.yaml', 'sentrik.yml', join(CONFIG_DIR, 'config.yaml')];
    target = candidates.map((c) => join(pkgDir!, c)).find((c) => existsSync(c)) ?? join(pkgDir, candidates[0]);
  }
  if (!existsSync(target) || !statSync(target).isFile()) {
    throw new SentrikError(`extends: package '${name}' has no ${sub ?? 'sentrik configuration'}`, file, line, `expected ${relative(fromDir, target)} (set "sentrik": "file.yaml" in its package.json)`);
  }
  return target;
}

/** Validate one layer as if alone, list operations flattened so their items are checked too. */
export function validateLayer(layer: FileLayer, toError: (err: ZodError) => SentrikError): void {
  const remap = new Map<string, (string | number)[]>();
  const view = structuredClone(layer.value);
  for (const path of LIST_KEYS) {
    const parts = path.split('.');
    const v = getIn(layer.value, parts);
    if (!isPlainObject(v)) continue;
    const ops = listOps(v, layer, parts);
    const items: unknown[] = [];
    for (const op of LIST_OPS) {
      (ops[op] ?? []).forEach((item, j) => {
        remap.set(`${path}.${items.length}`, [...parts, op, j]);
        items.push(item);
      });
    }
    setIn(view, parts, items);
  }
  const res = configSchema.safeParse(view);
  if (res.success) return;
  const issue = res.error.issues[0];
  for (let n = issue.path.length; n > 0; n--) {
    const real = remap.get(issue.path.slice(0, n).map(String).join('.'));
    if (real) {
      (issue as { path: PropertyKey[] }).path = [...real, ...issue.path.slice(n)];
      break;
    }
  }
  throw toError(res.error);
}

/** Check the shape of `{ append, remove, replace }` on a list key. */
export function listOps(v: Raw, layer: Pick<FileLayer, 'file' | 'lineOf'>, parts: string[]): Partial<Record<(typeof LIST_OPS)[number], unknown[]>> {
  for (const k of Object.keys(v)) {
    if (!(LIST_OPS as readonly string[]).includes(k)) {
      throw new SentrikError(`invalid config: ${parts.join('.')}: unknown list operation '${k}'`, layer.file, layer.lineOf([...parts, k]), 'write a list, or { append: [...] }, { remove: [...] } or { replace: [...] }');
    }
    if (!Array.isArray(v[k])) throw new SentrikError(`invalid config: ${parts.join('.')}.${k}: expected a list`, layer.file, layer.lineOf([...parts, k]), `e.g. ${k}: [a, b]`);
  }
  if ('replace' in v && ('append' in v || 'remove' in v)) {
    throw new SentrikError(`invalid config: ${parts.join('.')}: replace cannot be combined with append or remove`, layer.file, layer.lineOf(parts), 'use either { replace: [...] } or { append/remove: [...] }');
  }
  return v as Partial<Record<(typeof LIST_OPS)[number], unknown[]>>;
}

/** The file is repository content (a pull request can change it): keep where it writes inside the repository. */
function checkOutputPaths(layer: FileLayer): void {
  for (const parts of [['output_dir'], ['governance', 'audit', 'log_file']]) {
    const p = getIn(layer.value, parts);
    if (typeof p === 'string' && escapesRoot(p)) {
      throw new SentrikError(`invalid config: ${parts.join('.')}: '${p}' points outside the repository`, layer.file, layer.lineOf(parts), 'use a relative path such as out, or pass --output-dir');
    }
  }
}

// ---- merging ------------------------------------------------------------------------------------------

export interface MergeState {
  merged: Raw;
  /** Per dotted key: where its value came from. */
  sources: Record<string, string>;
  /** Per pack id written in a standards_packs list: where (`file:line` of the item, env variable, flag). */
  packSources: Record<string, string>;
  warnings: string[];
  /** Zero-config detection, run only when a list operation needs the default packs. */
  detectPacks(): { packs: string[]; source: string };
  /** The default a list operation starts from when no layer set the list, if not the built-in one (a profile's). */
  listDefault?(path: string): { items: unknown[]; source: string } | undefined;
}

/** Apply one layer on top of the state: objects merge key by key, lists per their operation, scalars replace. */
export function mergeLayer(state: MergeState, value: Raw, where: (parts: string[]) => string, layer?: FileLayer): void {
  const copy = structuredClone(value);
  delete copy.extends;
  for (const path of LIST_KEYS) {
    const parts = path.split('.');
    const v = getIn(copy, parts);
    if (v === undefined) continue;
    const prev = getIn(state.merged, parts) as unknown[] | undefined;
    let next: unknown[];
    if (path === 'standards_packs') notePackSources(state.packSources, v, parts, where);
    if (Array.isArray(v)) {
      next = v;
      if (path === 'standards_packs' && layer) warnDroppedPacks(state, v as string[], prev as string[] | undefined, where(parts));
      state.sources[path] = where(parts);
    } else {
      const ops = layer ? listOps(v as Raw, layer, parts) : (v as Partial<Record<string, unknown[]>>);
      if (ops.replace) next = ops.replace;
      else {
        let base = prev;
        let baseSource = state.sources[path];
        if (!base) {
          if (path === 'standards_packs') {
            const d = state.detectPacks();
            [base, baseSource] = [d.packs, d.source];
          } else {
            const d = state.listDefault?.(path);
            base = d?.items ?? (getIn(DEFAULT_CONFIG, parts) as unknown[] | undefined) ?? [];
            baseSource = d?.source ?? 'default';
          }
        }
        const removed = new Set((ops.remove ?? []).map(String));
        next = [...new Set([...base.filter((x) => !removed.has(String(x))), ...(ops.append ?? [])])];
        state.sources[path] = `${baseSource} + ${where(parts)}`;
        if (path === 'standards_packs' && removed.size && layer) {
          state.warnings.push(`${where(parts)}: standards_packs removes ${[...removed].join(', ')}`);
        }
      }
      if (!Array.isArray(v) && ops.replace) state.sources[path] = where(parts);
    }
    setIn(copy, parts, next);
  }
  for (const key of CONFIG_KEYS) {
    if (LIST_KEYS.includes(key.path) || key.path === 'extends') continue;
    const parts = key.path.split('.');
    if (getIn(copy, parts) !== undefined) state.sources[key.path] = where(parts);
  }
  state.merged = deepMerge(state.merged, copy);
}

/** Where each pack id of a standards_packs value is written: its item's line (a list, or append/replace). */
function notePackSources(into: Record<string, string>, v: unknown, parts: string[], where: (parts: string[]) => string): void {
  const lists: [unknown, string[]][] = Array.isArray(v) ? [[v, parts]] : (['append', 'replace'] as const).map((op) => [(v as Raw)?.[op], [...parts, op]]);
  for (const [list, at] of lists) {
    if (!Array.isArray(list)) continue;
    list.forEach((id, i) => {
      into[String(id)] = where([...at, String(i)]);
    });
  }
}

/** A plain list replacing an inherited one (from an extended or outer file) must not drop packs unnoticed. */
function warnDroppedPacks(state: MergeState, list: string[], prev: string[] | undefined, where: string): void {
  const dropped = (prev ?? []).filter((p) => !list.includes(p));
  if (!dropped.length || !list.length) return;
  state.warnings.push(
    `${where}: standards_packs replaces the inherited list (${state.sources.standards_packs}) and leaves out ${dropped.join(', ')}; write \`standards_packs: { append: [...] }\` to keep them, or \`{ replace: [...] }\` to confirm`,
  );
}

/** Built-in packs every project gets by default that the effective configuration leaves out (shown by `config show`). */
export function builtinPacksLeftOut(packs: readonly string[]): string[] {
  return BASE_PACKS.filter((p) => !packs.includes(p));
}

// ---- reference-product configuration (.guard.yaml) ----------------------------------------------------

/** Reference-product key → sentrik key (dotted). Keys with the same name map onto themselves. */
export const GUARD_KEY_MAP: Record<string, string> = {
  gate_fail_on: 'gate.fail_on',
  fail_on: 'gate.fail_on',
  scan_exclude: 'scan_exclude',
  exclude: 'scan_exclude',
  reporters: 'reporters',
  standards_packs: 'standards_packs',
  packs: 'standards_packs',
  output_dir: 'output_dir',
  severity_rescoring_enabled: 'severity_rescoring_enabled',
  parallel_scan: 'parallel_scan',
  agent_scan: 'agent_scan',
  pack_overrides: 'pack_overrides',
  max_file_size: 'max_file_size',
  governance_profile: 'governance.profile',
  profile: 'governance.profile',
  gate: 'gate',
  governance: 'governance',
};

/** Reporter names of the reference product that sentrik writes under another name. */
const GUARD_REPORTERS: Record<string, string | null> = { md: 'markdown', xml: 'junit', console: null, text: null, terminal: null };

export interface GuardMapping {
  value: Raw;
  /** sentrik dotted key → the reference key it came from. */
  origin: Map<string, string>;
  /** Keys (and values) without a sentrik equivalent. */
  unmapped: { key: string; line?: number; why: string }[];
}

/** Map a parsed reference-product file onto sentrik keys. */
export function mapGuardConfig(parsed: ParsedYaml): GuardMapping {
  const raw = parsed.value ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new SentrikError('invalid config: the top level must be a mapping of keys', parsed.file, 1);
  const value: Raw = {};
  const origin = new Map<string, string>();
  const unmapped: GuardMapping['unmapped'] = [];
  for (const [key, v] of Object.entries(raw as Raw)) {
    const target = GUARD_KEY_MAP[key];
    const line = keyLine(parsed, [key]);
    if (!target) {
      unmapped.push({ key, line, why: 'no sentrik equivalent; ignored' });
      continue;
    }
    let mapped = v;
    if (target === 'reporters' && Array.isArray(v)) {
      mapped = v.flatMap((r) => {
        const name = String(r);
        if (!(name in GUARD_REPORTERS)) return [name];
        const to = GUARD_REPORTERS[name];
        if (to === null) unmapped.push({ key: `reporters: ${name}`, line, why: 'the terminal report is always printed; dropped' });
        return to ? [to] : [];
      });
    }
    if (target === 'gate.fail_on' && typeof v === 'string') mapped = v.split(',').map((s) => s.trim()).filter(Boolean);
    if (target === 'gate.fail_on' && Array.isArray(v)) mapped = v.map((s) => String(s).toLowerCase());
    setIn(value, target.split('.'), isPlainObject(mapped) && isPlainObject(getIn(value, target.split('.'))) ? deepMerge(getIn(value, target.split('.')) as Raw, mapped) : mapped);
    origin.set(target, key);
  }
  return { value, origin, unmapped };
}

function readGuardLayer(file: string, kind: FileLayer['kind'], warnings: string[]): FileLayer {
  const { parsed } = readYamlMapping(file);
  const g = mapGuardConfig(parsed);
  for (const u of g.unmapped) warnings.push(`${file}${u.line ? `:${u.line}` : ''}: ${u.key}: ${u.why}`);
  const lineFor = (parts: readonly (string | number)[]): number | undefined => {
    for (let n = parts.length; n > 0; n--) {
      const from = g.origin.get(parts.slice(0, n).map(String).join('.'));
      if (from) return keyLine(parsed, [from, ...parts.slice(n).map(String)]) ?? keyLine(parsed, [from]);
    }
    return undefined;
  };
  const layer: FileLayer = { file, kind, value: g.value, lineOf: lineFor, guard: true };
  const res = configSchema.safeParse(g.value);
  if (!res.success) {
    const issue = res.error.issues[0];
    throw new SentrikError(`invalid config: ${issue.path.join('.') || '(top level)'}: ${issue.message}`, file, lineFor(issue.path.map(String)), 'fix the value, or run `sentrik migrate` and edit .sentrik/config.yaml');
  }
  checkOutputPaths(layer);
  return layer;
}

// ---- helpers ------------------------------------------------------------------------------------------

function realOf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

function inside(dir: string, file: string): boolean {
  const d = realOf(dir);
  const f = realOf(file);
  return f === d || f.startsWith(d + sep);
}

function escapesRoot(p: string): boolean {
  const n = normalize(p.replace(/\\/g, '/'));
  return isAbsolute(n) || /^[A-Za-z]:/.test(n) || n === '..' || n.startsWith(`..${sep}`) || n.startsWith('../');
}

/** Line of the key itself (a block map value starts on the next line). */
export function keyLine(parsed: ParsedYaml, parts: readonly string[]): number | undefined {
  const parent = parts.length > 1 ? parsed.doc.getIn(parts.slice(0, -1), true) : parsed.doc.contents;
  const last = parts[parts.length - 1];
  const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && String(p.key.value) === last) : undefined;
  const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
  if (range) return parsed.lines.linePos(range[0]).line;
  return lineOf(parsed, parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p)));
}

export function isPlainObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects merge key by key; lists and scalars from `over` replace those in `base`. */
export function deepMerge(base: Raw, over: Raw): Raw {
  const out: Raw = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Raw, v) : v;
  }
  return out;
}

export function getIn(obj: unknown, path: readonly string[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

export function setIn(obj: Raw, path: readonly string[], value: unknown): Raw {
  let cur = obj;
  for (const p of path.slice(0, -1)) cur = (isPlainObject(cur[p]) ? cur[p] : (cur[p] = {})) as Raw;
  cur[path[path.length - 1]] = value;
  return obj;
}
