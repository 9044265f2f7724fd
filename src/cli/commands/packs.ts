// Pack management: list-packs, list-rules, explain, add-pack, remove-pack, import-pack, test-pack, export-pack.
import { listSome } from '../../util/text.js';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { clauseTable, clausesOfRule } from '../../compliance/clauses.js';
import { editTopLevelList } from '../../config/edit.js';
import { findConfigFile } from '../../config/load.js';
import { availablePackIds, customPacksDir, loadAllPacks, loadPack, loadPacksById, type LoadedPack, type LoadedRule } from '../../packs/load.js';
import type { SentrikConfig } from '../../config/schema.js';
import { buildRuleSet } from '../../engine/ruleset.js';
import { TOOL } from '../../version.js';
import { SentrikError } from '../../util/errors.js';
import { loadEffectiveConfig, resolveRoot } from '../context.js';
import { EXIT, type CliIO } from '../io.js';
import { listOption } from '../options.js';
import { SEVERITIES, type Severity } from '../../engine/model.js';
import { checkRuleExamples, describeFailure, exampleText, passingTodos } from '../../packs/examples.js';
import type { RuleExample } from '../../packs/schema.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

export function registerPackCommands(program: Command, io: CliIO, run: Run): void {
  program
    .command('list-packs')
    .description('list the built-in and custom packs, with their rule counts and whether they are enabled')
    .option('--root <dir>', 'project root', '.')
    .option('--json', 'machine-readable output')
    .action(run((flags) => listPacks(io, flags)));
  program
    .command('list-rules')
    .description('list rules (all packs, or one with --pack)')
    .option('--pack <id>', 'only this pack')
    .option('--severity <list>', `only these severities (${SEVERITIES.join(',')})`, listOption)
    .option('--root <dir>', 'project root', '.')
    .option('--json', 'machine-readable output')
    .action(run((flags) => listRules(io, flags)));
  program
    .command('explain')
    .description('show what a rule checks, why, how to fix it, and its examples')
    .argument('<rule-id>', 'e.g. SCS-CI-001')
    .option('--pack <id>', 'the pack whose rule to show, when several packs use the id')
    .option('--root <dir>', 'project root', '.')
    .action(run((id: string, flags) => explain(io, id, flags)));
  program
    .command('add-pack')
    .description('enable a pack in .sentrik/config.yaml (comments are kept)')
    .argument('<pack-id>')
    .option('--root <dir>', 'project root', '.')
    .action(run((id: string, flags) => editPacks(io, id, flags.root, 'add')));
  program
    .command('remove-pack')
    .description('disable a pack in .sentrik/config.yaml (comments are kept)')
    .argument('<pack-id>')
    .option('--root <dir>', 'project root', '.')
    .action(run((id: string, flags) => editPacks(io, id, flags.root, 'remove')));
  program
    .command('import-pack')
    .description('validate a pack folder (or pack.yaml) and install it as a custom pack under .sentrik/rules/')
    .argument('<source>', 'pack folder or pack.yaml')
    .option('--root <dir>', 'project root', '.')
    .option('--enable', 'also add it to standards_packs')
    .option('--overwrite', 'replace an installed pack with the same id')
    .action(run((src: string, flags) => importPack(io, src, flags)));
  program
    .command('test-pack')
    .description("run custom packs' rules over their own good and bad examples, where the packs live")
    .argument('[pack]', 'a pack id or folder (default: every custom pack under .sentrik/rules/)')
    .option('--root <dir>', 'project root', '.')
    .action(run((target: string | undefined, flags) => testPack(io, target, flags)));
  program
    .command('export-pack')
    .description('copy a pack (built-in or custom) to a folder, to share or edit it')
    .argument('<pack-id>')
    .requiredOption('-o, --output <dir>', 'destination folder (created; the pack goes into <dir>/<pack-id>)')
    .option('--root <dir>', 'project root', '.')
    .action(run((id: string, flags) => exportPack(io, id, flags)));
}

function packsFor(io: CliIO, rootFlag: string): { root: string; packs: LoadedPack[]; enabled: Set<string>; config: SentrikConfig } {
  const { root } = resolveRoot(io, [], rootFlag);
  const packs = loadAllPacks(root);
  // An unknown id in standards_packs is listed, and remove-pack can take it out.
  const { config } = loadEffectiveConfig(io, root, {}, undefined, { allowUnknownPacks: true });
  return { root, packs, enabled: new Set(config.standards_packs), config };
}

/**
 * Refuse to enable packs that cannot run together: a rule id two of them define differently would stop every
 * scan (buildRuleSet names both definitions), so add-pack and import-pack --enable say so first.
 */
function checkRunTogether(packs: LoadedPack[], config: SentrikConfig): void {
  buildRuleSet(packs, config.pack_overrides, TOOL.version);
}

function listPacks(io: CliIO, flags: { root: string; json?: boolean }): number {
  const { packs, enabled } = packsFor(io, flags.root);
  const kinds = new Map(packs.flatMap((p) => p.rules.map((r) => [r.def.id, r.def.kind] as const)));
  const clauses = new Map(packs.map((p) => {
    const rows = clauseTable(p, (id) => kinds.get(id));
    return [p.id, { total: rows.length, checked: rows.filter((r) => r.kind === 'checked').length, obligations: rows.filter((r) => r.kind === 'obligation').length, manual: rows.filter((r) => r.kind === 'manual').length }];
  }));
  if (flags.json) {
    io.stdout(`${JSON.stringify(packs.map((p) => ({ id: p.id, name: p.name, version: p.version, standard: p.standard, rules: p.rules.length, clauses: clauses.get(p.id), builtin: p.builtin, enabled: enabled.has(p.id) })), null, 2)}\n`);
    return EXIT.OK;
  }
  const w = Math.max(...packs.map((p) => p.id.length), 4);
  io.stdout(`${'PACK'.padEnd(w)}  ENABLED  RULES  CLAUSES  CHECKED  OBLIGATIONS  SOURCE    STANDARD\n`);
  for (const p of packs) {
    const c = clauses.get(p.id)!;
    const n = (v: number, width: number): string => (c.total ? String(v) : '-').padStart(width);
    io.stdout(`${p.id.padEnd(w)}  ${(enabled.has(p.id) ? 'yes' : '-').padEnd(7)}  ${String(p.rules.length).padStart(5)}  ${n(c.total, 7)}  ${n(c.checked, 7)}  ${n(c.obligations, 11)}  ${(p.builtin ? 'built-in' : 'custom').padEnd(8)}  ${p.standard}\n`);
  }
  return EXIT.OK;
}

function listRules(io: CliIO, flags: { root: string; pack?: string; severity?: string[]; json?: boolean }): number {
  const { packs, config } = packsFor(io, flags.root);
  const chosen = flags.pack ? packs.filter((p) => p.id === flags.pack) : packs;
  if (flags.pack && !chosen.length) throw new SentrikError(`unknown pack '${flags.pack}'`, undefined, undefined, `available: ${packs.map((p) => p.id).join(', ')}`);
  const unknown = flags.severity?.find((s) => !(SEVERITIES as readonly string[]).includes(s));
  if (unknown) throw new SentrikError(`unknown severity '${unknown}' in --severity`, undefined, undefined, `use any of: ${SEVERITIES.join(', ')}`);
  const rules = chosen.flatMap((p) => p.rules).map((r) => ({ r, e: effectiveRule(r, config) })).filter(({ e }) => !flags.severity || flags.severity.includes(e.severity));
  if (flags.json) {
    const rows = rules.map(({ r, e }) => ({ id: r.def.id, pack: r.packId, severity: e.severity, packSeverity: r.def.severity, enabled: e.enabled, ...(e.overridden ? { overriddenBy: 'pack_overrides' } : {}), kind: r.def.kind, title: r.def.title, standard: r.standard, clause: r.def.clause, cwe: r.def.cwe }));
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.OK;
  }
  for (const { r, e } of rules) io.stdout(`${r.def.id.padEnd(18)} ${e.severity.padEnd(8)} ${r.packId.padEnd(24)} ${r.def.title}${e.note ? `   [${e.note}]` : ''}\n`);
  io.stdout(`${rules.length} rules\n`);
  return EXIT.OK;
}

function explain(io: CliIO, id: string, flags: { root: string; pack?: string }): number {
  const { packs, config } = packsFor(io, flags.root);
  // Several packs may use one id (a fork of a built-in pack, an imported contract's rules): built-in first.
  const all = packs.flatMap((p) => p.rules).filter((r) => r.def.id.toUpperCase() === id.toUpperCase());
  const matching = flags.pack ? all.filter((r) => r.packId === flags.pack) : all;
  const rule = matching.find((r) => packs.find((p) => p.id === r.packId)?.builtin) ?? matching[0];
  if (!rule) {
    if (all.length) throw new SentrikError(`pack '${flags.pack}' has no rule '${id}'`, undefined, undefined, `${id} is in ${all.map((r) => r.packId).join(', ')}`);
    throw new SentrikError(`unknown rule '${id}'`, undefined, undefined, 'run `sentrik list-rules` to see rule ids');
  }
  const others = all.filter((r) => r !== rule).map((r) => r.packId);
  const d = rule.def;
  const e = effectiveRule(rule, config);
  const severity = e.severity === d.severity ? d.severity : `${e.severity} (pack_overrides; pack says ${d.severity})`;
  const lines = [
    `${d.id}: ${d.title}`,
    `  pack:        ${rule.packId}${others.length ? `   (also in ${others.join(', ')}: sentrik explain ${d.id} --pack ${others[0]})` : ''}`,
    `  severity:    ${severity}   confidence: ${d.confidence}   kind: ${d.kind}`,
    e.enabled ? undefined : `  status:      ${e.disabledBy}`,
    `  standard:    ${rule.standard}${d.clause ? `, clause ${d.clause}` : ''}`,
    d.cwe.length ? `  cwe:         ${d.cwe.join(', ')}` : undefined,
    d.files ? `  applies to:  ${d.files.join(', ')}` : undefined,
    ...servedClauses(d.id, rule.packId, packs),
    '',
    `  Why: ${d.message}`,
    `  Fix: ${d.remediation}`,
  ].filter((l): l is string => l !== undefined);
  const ex = (label: string, list: RuleExample[]): void => {
    for (const e of list.slice(0, 2)) {
      lines.push('', `  ${label} (${e.file ?? Object.keys(e.files ?? {}).join(', ')}):`);
      for (const l of exampleText(e).trimEnd().split('\n')) lines.push(`    ${l}`);
    }
  };
  ex('Flagged', d.examples.bad);
  ex('Not flagged', d.examples.good);
  io.stdout(`${lines.join('\n')}\n`);
  return EXIT.OK;
}

/**
 * A rule as scans run it: its severity and whether it runs, after pack_overrides, and a note saying where a
 * difference from the pack comes from (`low (pack_overrides; pack says critical)`, `disabled by pack_overrides`).
 */
function effectiveRule(rule: LoadedRule, config: SentrikConfig): { severity: Severity; enabled: boolean; overridden: boolean; disabledBy?: string; note?: string } {
  const o = config.pack_overrides[rule.packId]?.[rule.def.id] ?? {};
  const severity = o.severity ?? rule.def.severity;
  const enabled = o.enabled ?? rule.def.enabled;
  const disabledBy = enabled ? undefined : o.enabled === false ? 'disabled by pack_overrides' : 'disabled in its pack (enabled: false)';
  const notes = [
    ...(disabledBy ? [disabledBy] : []),
    ...(severity !== rule.def.severity ? [`${severity} (pack_overrides; pack says ${rule.def.severity})`] : []),
  ];
  return { severity, enabled, overridden: o.severity !== undefined || o.enabled !== undefined, disabledBy, note: notes.join('; ') || undefined };
}

/** "serves:" lines: the clauses of other packs mapped onto this rule (the rule's own clause is shown above). */
function servedClauses(ruleId: string, packId: string, packs: LoadedPack[]): string[] {
  const served = clausesOfRule(ruleId, packs).filter((c) => c.packId !== packId || packs.find((p) => p.id === packId)?.rules.find((r) => r.def.id === ruleId)?.def.clause !== c.clause);
  if (!served.length) return [];
  return ['  serves:', ...served.map((c) => `    ${c.packId.padEnd(16)} ${c.clause}  ${c.title}`)];
}

/** Add or remove a pack id in standards_packs, editing only that list's text so comments and layout survive. */
export function editPacks(io: CliIO, id: string, rootFlag: string, op: 'add' | 'remove'): number {
  const { root, packs, enabled, config } = packsFor(io, rootFlag);
  if (op === 'add' && !packs.some((p) => p.id === id)) throw new SentrikError(`unknown pack '${id}'`, undefined, undefined, `available: ${packs.map((p) => p.id).join(', ')}`);
  if (op === 'add') checkRunTogether(packs.filter((p) => enabled.has(p.id) || p.id === id), config);
  // An empty list means "choose from the project": removing the last pack would turn on other packs instead.
  if (op === 'remove' && enabled.size === 1 && enabled.has(id)) {
    throw new SentrikError(`${id} is the only pack enabled: without it the scan would fall back to the packs detected for the project`, undefined, undefined, `add the pack you want first (sentrik add-pack ID), or delete standards_packs from the config to let sentrik choose`);
  }
  const file = findConfigFile(root) ?? join(root, '.sentrik', 'config.yaml');
  // No explicit list yet: start from what is effective now (detected packs), so nothing is dropped silently.
  const text = editTopLevelList(existsSync(file) ? readFileSync(file, 'utf8') : '', 'standards_packs', { op, item: id }, [...enabled]);
  if (text === undefined) {
    io.stdout(`${id} is ${op === 'add' ? 'already' : 'not'} enabled\n`);
    return EXIT.OK;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  io.stdout(`${op === 'add' ? 'Enabled' : 'Disabled'} ${id} in ${file}\n`);
  return EXIT.OK;
}

function importPack(io: CliIO, src: string, flags: { root: string; enable?: boolean; overwrite?: boolean }): number {
  const { root } = resolveRoot(io, [], flags.root);
  const abs = resolve(io.cwd, src);
  if (!existsSync(abs)) throw new SentrikError('no such file or directory', src);
  if (!statSync(abs).isDirectory() && basename(abs) !== 'pack.yaml') throw new SentrikError('a pack is a folder with a pack.yaml', src, undefined, 'name the folder or its pack.yaml');
  const dir = statSync(abs).isDirectory() ? packFolderIn(io, abs, src) : dirname(abs);
  const dest = join(customPacksDir(root), basename(dir));
  if (existsSync(dest) && realpathSync(dir) === realpathSync(dest)) {
    throw new SentrikError('this is the installed pack itself: there is nothing to import', src, undefined, `edit it in place and check it with \`sentrik test-pack ${basename(dir)}\``);
  }
  const pack = loadPack(dir, false); // validates everything, with file:line errors
  // A rule that misses its own bad example (a wrong pattern, a prefilter that never selects it) is dead.
  const failures = pack.rules.flatMap((r) => checkRuleExamples(r));
  if (failures.length) {
    for (const f of failures) io.stderr(`${describeFailure(f, (file) => shownPath(io, file))}\n`);
    throw new SentrikError(`${failures.length} example${failures.length === 1 ? '' : 's'} of pack ${pack.id} fail${failures.length === 1 ? 's' : ''} (listed above)`, undefined, undefined, 'fix the rules or the examples; `sentrik test-pack DIR` runs them again');
  }
  const builtins = availablePackIds(undefined);
  if (builtins.some((p) => p.id === pack.id)) throw new SentrikError(`'${pack.id}' is the id of a built-in pack`, join(dir, 'pack.yaml'), 1, 'give the pack another id');
  if (existsSync(dest) && !flags.overwrite) throw new SentrikError(`a custom pack '${pack.id}' is already installed`, dest, undefined, 'pass --overwrite to replace it');
  checkRuleIds(io, root, pack, flags.enable === true);
  installFolder(dir, dest);
  io.stdout(`Imported ${pack.id} (${pack.rules.length} rules) into ${dest}\n`);
  if (flags.enable) return editPacks(io, pack.id, root, 'add');
  return EXIT.OK;
}

/**
 * Rule ids name rules in findings, suppressions, overrides and baselines. A pack that will be enabled (--enable,
 * or already enabled and being replaced) must not share an id with another enabled pack: refused before
 * anything is copied, as a scan would refuse it. A pack installed but not enabled may share ids (a fork of a
 * built-in pack meant to replace it): said, with what enabling both would do.
 */
function checkRuleIds(io: CliIO, root: string, pack: LoadedPack, enable: boolean): void {
  const { config } = loadEffectiveConfig(io, root, {}, undefined, { allowUnknownPacks: true });
  const enabled = config.standards_packs.filter((id) => id !== pack.id);
  if (enable || config.standards_packs.includes(pack.id)) checkRunTogether([...loadPacksById(enabled, root), pack], config);
  const ids = new Set(pack.rules.map((r) => r.def.id));
  const shared = loadAllPacks(root).filter((p) => p.id !== pack.id).flatMap((p) => p.rules.filter((r) => ids.has(r.def.id)).map((r) => `${r.def.id} (${p.id})`));
  if (shared.length) {
    io.stderr(`sentrik: warning: ${pack.id} reuses rule ids of other packs: ${listSome(shared, 5, (n) => `, … (${n} more)`)} — suppressions, overrides and baselines cannot tell them apart, and enabling it beside those packs is refused; give its rules their own ids unless it replaces that pack (then disable it)\n`);
  }
}

/**
 * Put a copy of `src` at `dest`, replacing what was there: a rules file deleted from the source must not stay
 * installed and active. The copy is made next to the packs folder (in it, a half-copied folder would be read as
 * a pack) and swapped in, so a failed copy leaves the old pack whole.
 */
function installFolder(src: string, dest: string): void {
  mkdirSync(dirname(dest), { recursive: true });
  const fresh = mkdtempSync(join(dirname(dirname(dest)), `.${basename(dest)}.new-`));
  const old = join(dirname(fresh), basename(fresh).replace('.new-', '.old-'));
  try {
    cpSync(src, fresh, { recursive: true });
    if (existsSync(dest)) renameSync(dest, old);
    renameSync(fresh, dest);
  } catch (err) {
    if (existsSync(old) && !existsSync(dest)) renameSync(old, dest);
    throw new SentrikError(`cannot install the pack: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, dest, undefined, 'check that the folder is writable');
  } finally {
    rmSync(fresh, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}

/** A path as the user reads it: relative to the working directory when inside it. */
function shownPath(io: CliIO, file: string): string {
  const rel = relative(io.cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/**
 * Run packs' rules over their own examples where the packs live (before or after installing them): every
 * failure is listed at its example's line, and todo examples the rule now gets right are named for promotion.
 * Exit 1 when an example fails, 0 when all pass, 2 when a pack does not load (the others are still tested).
 */
function testPack(io: CliIO, target: string | undefined, flags: { root: string }): number {
  const { root } = resolveRoot(io, [], flags.root);
  let failed = 0;
  let broken = 0;
  for (const ref of packsToTest(io, root, target)) {
    let pack: LoadedPack;
    try {
      pack = loadPack(ref.dir, ref.builtin);
    } catch (err) {
      // One pack that does not load does not hide the results of the others.
      if (!(err instanceof SentrikError)) throw err;
      io.stdout(`ERROR ${basename(ref.dir)}: ${err.format()}\n`);
      broken++;
      continue;
    }
    const examples = pack.rules.reduce((n, r) => n + r.def.examples.bad.length + r.def.examples.good.length, 0);
    const failures = pack.rules.flatMap((r) => checkRuleExamples(r));
    const todos = pack.rules.flatMap((r) => passingTodos(r));
    for (const f of failures) io.stdout(`  ${describeFailure(f, (file) => shownPath(io, file))}\n`);
    for (const t of todos) {
      const where = `${shownPath(io, t.file)}${t.line ? `:${t.line}` : ''}`;
      io.stdout(`  ${where}: ${t.ruleId} todo example #${t.index + 1} now passes (${t.expect === 'finding' ? 'flagged' : 'not flagged'}, as expected): move it to ${t.expect === 'finding' ? 'bad' : 'good'}\n`);
    }
    io.stdout(`${failures.length ? 'FAIL' : 'ok  '}  ${pack.id}: ${pack.rules.length} rule${pack.rules.length === 1 ? '' : 's'}, ${examples} example${examples === 1 ? '' : 's'}${failures.length ? `, ${failures.length} failing` : ', all pass'}${todos.length ? `; ${todos.length} todo example${todos.length === 1 ? '' : 's'} now pass${todos.length === 1 ? 'es' : ''}` : ''}\n`);
    failed += failures.length;
  }
  return broken ? EXIT.ERROR : failed ? EXIT.GATE_FAILED : EXIT.OK;
}

/** The packs `test-pack` names: a folder (or its pack.yaml), a pack id, or every custom pack of the project. */
function packsToTest(io: CliIO, root: string, target: string | undefined): { dir: string; builtin: boolean }[] {
  if (target === undefined) {
    const custom = availablePackIds(root).filter((p) => !p.builtin);
    if (!custom.length) throw new SentrikError('no custom packs to test', customPacksDir(root), undefined, 'name a pack folder: sentrik test-pack DIR');
    return custom;
  }
  const abs = resolve(io.cwd, target);
  if (existsSync(abs)) {
    if (!statSync(abs).isDirectory() && basename(abs) !== 'pack.yaml') throw new SentrikError('a pack is a folder with a pack.yaml', target, undefined, 'name the folder or its pack.yaml');
    return [{ dir: statSync(abs).isDirectory() ? packFolderIn(io, abs, target) : dirname(abs), builtin: false }];
  }
  const available = availablePackIds(root);
  const byId = available.find((p) => p.id === target);
  if (!byId) throw new SentrikError(`no pack '${target}' and no such folder`, undefined, undefined, `name a pack folder, or one of: ${available.filter((p) => !p.builtin).map((p) => p.id).join(', ') || '(no custom packs)'}`);
  return [byId];
}

/**
 * The pack folder `dir` names: itself when it holds a pack.yaml, else its one sub-folder that does (export-pack
 * writes DIR/<pack-id>/, so the folder it was given imports back).
 */
function packFolderIn(io: CliIO, dir: string, shown: string): string {
  if (existsSync(join(dir, 'pack.yaml'))) return dir;
  const inside = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'pack.yaml'))).map((e) => e.name).sort();
  if (inside.length === 1) {
    io.stderr(`sentrik: ${shown} has no pack.yaml; importing the pack in ${join(shown, inside[0])}\n`);
    return join(dir, inside[0]);
  }
  const hint = inside.length ? `it holds several packs: name one of ${inside.map((d) => join(shown, d)).join(', ')}` : 'name the pack folder (the one with pack.yaml)';
  throw new SentrikError('no pack.yaml in this folder', shown, undefined, hint);
}

function exportPack(io: CliIO, id: string, flags: { root: string; output: string }): number {
  const { packs } = packsFor(io, flags.root);
  const pack = packs.find((p) => p.id === id);
  if (!pack) throw new SentrikError(`unknown pack '${id}'`, undefined, undefined, `available: ${packs.map((p) => p.id).join(', ')}`);
  const dest = join(resolve(io.cwd, flags.output), pack.id);
  mkdirSync(dest, { recursive: true });
  cpSync(pack.dir, dest, { recursive: true });
  io.stdout(`Exported ${pack.id} to ${dest}\n`);
  return EXIT.OK;
}
