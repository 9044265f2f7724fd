// The dashboard's only writes: .sentrik/config.yaml (packs on/off, per-rule enablement and severity) and
// .sentrik/suppressions.yaml (a new suppression). Both edit the YAML document so comments and layout survive,
// validate the result before it replaces the file, and replace it atomically.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { CONFIG_DIR, validateLayer } from '../config/layers.js';
import { findConfigFile } from '../config/load.js';
import { SEVERITIES, type Severity } from '../engine/model.js';
import { loadSuppressions, suppressionsPath } from '../engine/suppressions.js';
import { SentrikError } from '../util/errors.js';

function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function readDoc(file: string): Document {
  const doc = parseDocument(existsSync(file) ? readFileSync(file, 'utf8') : '');
  if (doc.errors.length) throw new SentrikError(`cannot edit: ${doc.errors[0].message.split('\n')[0]}`, file, undefined, 'fix the YAML by hand first');
  if (!isMap(doc.contents)) doc.contents = doc.createNode({}) as never;
  return doc;
}

export function configFileOf(root: string): string {
  return findConfigFile(root) ?? join(root, CONFIG_DIR, 'config.yaml');
}

function saveConfig(file: string, doc: Document): void {
  // Validated as the loader validates a file: list operations ({ append | remove | replace }) are valid.
  const layer = { file, kind: 'repository' as const, value: (doc.toJS() ?? {}) as Record<string, unknown>, lineOf: () => undefined };
  validateLayer(layer, (err) => new SentrikError(`the change would make the configuration invalid: ${err.issues[0]?.message}`, file));
  writeAtomic(file, doc.toString());
}

/** Enable or disable a pack in standards_packs (starting from the effective list when the key is absent). */
export function setPackEnabled(root: string, packId: string, enabled: boolean, effective: string[]): void {
  const file = configFileOf(root);
  const doc = readDoc(file);
  if (!isSeq(doc.get('standards_packs', true))) doc.set('standards_packs', doc.createNode([...effective]));
  const list = ((doc.toJS() as { standards_packs: unknown[] }).standards_packs ?? []).map(String);
  const at = list.indexOf(packId);
  if (enabled && at === -1) (doc.get('standards_packs', true) as { add(v: unknown): void }).add(packId);
  if (!enabled && at !== -1) doc.deleteIn(['standards_packs', at]);
  saveConfig(file, doc);
}

/** Set (or clear, with null) a rule's enablement and severity under pack_overrides. */
export function setRuleOverride(root: string, packId: string, ruleId: string, change: { enabled?: boolean | null; severity?: Severity | null }): void {
  if (change.severity && !SEVERITIES.includes(change.severity)) throw new SentrikError(`unknown severity '${change.severity}'`);
  const file = configFileOf(root);
  const doc = readDoc(file);
  const path = ['pack_overrides', packId, ruleId];
  for (const key of ['enabled', 'severity'] as const) {
    const v = change[key];
    if (v === undefined) continue;
    if (v === null) {
      if (doc.hasIn([...path, key])) doc.deleteIn([...path, key]);
    } else doc.setIn([...path, key], v);
  }
  // Leave no empty maps behind.
  const rule = doc.getIn(path, true);
  if (isMap(rule) && rule.items.length === 0) doc.deleteIn(path);
  const pack = doc.getIn(['pack_overrides', packId], true);
  if (isMap(pack) && pack.items.length === 0) doc.deleteIn(['pack_overrides', packId]);
  saveConfig(file, doc);
}

/** A path as a picomatch glob that matches only itself. */
export function literalGlob(path: string): string {
  return path.replace(/[\\*?[\]{}()!+@]/g, (c) => `\\${c}`);
}

export interface NewSuppression {
  ruleId: string;
  file: string;
  reason: string;
  approvedBy?: string;
  expires?: string;
}

/** Append an entry to .sentrik/suppressions.yaml; the file is restored if the result does not load. */
export function addSuppression(root: string, s: NewSuppression): void {
  const reason = s.reason.trim();
  if (!reason) throw new SentrikError('a suppression needs a reason', undefined, undefined, 'say why the finding is safe to ignore');
  if (reason.length > 500 || /[\r\n]/.test(reason)) throw new SentrikError('the reason must be one line of at most 500 characters');
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(s.ruleId)) throw new SentrikError(`invalid rule id '${s.ruleId}'`);
  if (s.expires && !/^\d{4}-\d{2}-\d{2}$/.test(s.expires)) throw new SentrikError(`invalid expiry '${s.expires}'`, undefined, undefined, 'use YYYY-MM-DD');
  const file = suppressionsPath(root);
  const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const doc = readDoc(file);
  if (!isSeq(doc.get('suppressions', true))) doc.set('suppressions', doc.createNode([]));
  const entry: Record<string, string> = { rule_id: s.ruleId, file_glob: s.file === '.' ? '.' : literalGlob(s.file), reason };
  if (s.approvedBy?.trim()) entry.approved_by = s.approvedBy.trim();
  if (s.expires) entry.expires = s.expires;
  (doc.get('suppressions', true) as { add(v: unknown): void }).add(doc.createNode(entry));
  writeAtomic(file, doc.toString());
  try {
    loadSuppressions(root);
  } catch (err) {
    if (before === undefined) writeAtomic(file, 'suppressions: []\n');
    else writeAtomic(file, before);
    throw err;
  }
}
