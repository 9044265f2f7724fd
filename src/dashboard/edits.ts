// The dashboard's only writes: .sentrik/config.yaml (packs on/off, per-rule enablement and severity) and
// .sentrik/suppressions.yaml (a new suppression). Both edit the YAML document so comments and layout survive,
// validate the result before it replaces the file, and replace it atomically.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { CONFIG_DIR, validateLayer } from '../config/layers.js';
import { findConfigFile } from '../config/load.js';
import { SEVERITIES, type Severity } from '../engine/model.js';
import { loadSuppressions, suppressionsPath } from '../engine/suppressions.js';
import { writeFileAtomic } from '../util/atomic.js';
import { isCalendarDate } from '../util/dates.js';
import { SentrikError } from '../util/errors.js';
import { hasControlCharacters } from '../util/text.js';

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
  writeFileAtomic(file, doc.toString());
}

/**
 * Enable or disable a pack in standards_packs, in the form the file uses: a plain list (or `{ replace }`) is
 * edited in place (starting from the effective list when the key is absent); `{ append, remove }` gets the pack
 * taken out of the opposite operation, or else added to the matching one. The inherited list is not known
 * here: when undoing the operation is not enough (the inherited list has the pack too, or lacks it), the
 * caller sees the pack unchanged in the reloaded configuration and calls again, which adds the operation.
 */
export function setPackEnabled(root: string, packId: string, enabled: boolean, effective: string[]): void {
  const file = configFileOf(root);
  const doc = readDoc(file);
  const node = doc.get('standards_packs', true);
  if (isMap(node) && !node.has('replace')) {
    const [undo, add] = enabled ? ['remove', 'append'] : ['append', 'remove'];
    // Undoing the opposite operation is enough unless the pack was not in it.
    if (!setInList(doc, ['standards_packs', undo], packId, false)) setInList(doc, ['standards_packs', add], packId, true);
  } else {
    const path = isMap(node) ? ['standards_packs', 'replace'] : ['standards_packs'];
    if (!isSeq(doc.getIn(path, true))) doc.setIn(path, doc.createNode([...effective]));
    setInList(doc, path, packId, enabled);
  }
  saveConfig(file, doc);
}

/** Add or delete `item` in the YAML list at `path` (created when adding); true when the list changed. */
function setInList(doc: Document, path: string[], item: string, present: boolean): boolean {
  const seq = doc.getIn(path, true);
  const list = isSeq(seq) ? seq.items.map((i) => String(isScalar(i) ? i.value : i)) : [];
  const at = list.indexOf(item);
  if (present && at === -1) {
    if (isSeq(seq)) seq.add(doc.createNode(item));
    else {
      const created = doc.createNode([item]);
      // A new `remove:` beside a flow `append: [a]` is written the same way.
      const parent = doc.getIn(path.slice(0, -1), true);
      created.flow = isMap(parent) && parent.items.some((p) => isSeq(p.value) && p.value.flow);
      doc.setIn(path, created);
    }
    return true;
  }
  if (!present && at !== -1) {
    doc.deleteIn([...path, at]);
    return true;
  }
  return false;
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

function oneLine(field: string, text: string, max: number): void {
  if (hasControlCharacters(text)) throw new SentrikError(`${field} must be one line of plain text: it holds a line break or another control character`);
  if (text.length > max) throw new SentrikError(`${field} is too long (${text.length} characters; at most ${max})`);
}

/** Append an entry to .sentrik/suppressions.yaml; the file is restored if the result does not load. */
export function addSuppression(root: string, s: NewSuppression): void {
  const reason = s.reason.trim();
  const approvedBy = s.approvedBy?.trim();
  if (!reason) throw new SentrikError('a suppression needs a reason', undefined, undefined, 'say why the finding is safe to ignore');
  // Each field is one YAML scalar a reviewer reads: a newline or an escape in one would show as something else.
  oneLine('reason', reason, 500);
  if (approvedBy) oneLine('approvedBy', approvedBy, 200);
  oneLine('file', s.file, 4096);
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(s.ruleId)) throw new SentrikError(`invalid rule id '${s.ruleId}'`);
  if (s.expires && !isCalendarDate(s.expires)) throw new SentrikError(`invalid expiry '${s.expires}': not a date`, undefined, undefined, 'use YYYY-MM-DD, a day that exists');
  const file = suppressionsPath(root);
  const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const doc = readDoc(file);
  if (!isSeq(doc.get('suppressions', true))) doc.set('suppressions', doc.createNode([]));
  const entry: Record<string, string> = { rule_id: s.ruleId, file_glob: s.file === '.' ? '.' : literalGlob(s.file), reason };
  if (approvedBy) entry.approved_by = approvedBy;
  if (s.expires) entry.expires = s.expires;
  (doc.get('suppressions', true) as { add(v: unknown): void }).add(doc.createNode(entry));
  writeFileAtomic(file, doc.toString());
  try {
    loadSuppressions(root);
  } catch (err) {
    if (before === undefined) writeFileAtomic(file, 'suppressions: []\n');
    else writeFileAtomic(file, before);
    throw err;
  }
}
