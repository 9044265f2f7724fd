// YAML documents with positions for structured rules: small helpers over `yaml`'s node tree so checks can
// ask "the value of jobs.build.steps[2].uses and where it is" without re-parsing or losing line numbers.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { parseAllYamlWithPositions, parseYamlWithPositions, type ParsedYaml } from '../../util/yaml.js';
import type { SourceFile } from '../source.js';
import { lineSource, type ScriptSource } from './script-source.js';

export interface YamlDoc {
  file: SourceFile;
  doc: Document.Parsed;
  lines: LineCounter;
  root: Node | null;
}

export interface Pos {
  line: number;
  column: number;
}

export function parseYamlDoc(file: SourceFile): YamlDoc {
  return yamlDoc(file, parseYamlWithPositions(file.text, file.path));
}

/** Every document of a multi-document file (see parseAllYamlWithPositions). */
export function parseYamlDocs(file: SourceFile): YamlDoc[] {
  return parseAllYamlWithPositions(file.text, file.path).map((parsed) => yamlDoc(file, parsed));
}

function yamlDoc(file: SourceFile, parsed: ParsedYaml): YamlDoc {
  return { file, doc: parsed.doc, lines: parsed.lines, root: (parsed.doc.contents as Node | null) ?? null };
}

/** Follows an alias to its anchor (toJS already refused alias bombs when the document was parsed). */
export function deref(y: YamlDoc, n: unknown): Node | undefined {
  if (n === null || n === undefined) return undefined;
  if (isAlias(n)) return (n.resolve(y.doc) as Node | undefined) ?? undefined;
  return n as Node;
}

export function asMap(y: YamlDoc, n: unknown): YAMLMap | undefined {
  const d = deref(y, n);
  return isMap(d) ? d : undefined;
}

export function asSeq(y: YamlDoc, n: unknown): YAMLSeq | undefined {
  const d = deref(y, n);
  return isSeq(d) ? d : undefined;
}

export function asScalar(y: YamlDoc, n: unknown): Scalar | undefined {
  const d = deref(y, n);
  return isScalar(d) ? d : undefined;
}

/** A scalar's value as a string (numbers and booleans included); undefined for collections or null. */
export function str(y: YamlDoc, n: unknown): string | undefined {
  const s = asScalar(y, n);
  if (!s || s.value === null || s.value === undefined) return undefined;
  return String(s.value);
}

export function keyOf(p: Pair): string {
  return isScalar(p.key) ? String(p.key.value) : String(p.key);
}

export function entries(y: YamlDoc, n: unknown): [string, Node | undefined, Pair][] {
  const m = asMap(y, n);
  if (!m) return [];
  return m.items.map((p) => [keyOf(p as Pair), deref(y, (p as Pair).value), p as Pair]);
}

export function pairOf(y: YamlDoc, n: unknown, key: string): Pair | undefined {
  const m = asMap(y, n);
  return m?.items.find((p) => keyOf(p as Pair) === key) as Pair | undefined;
}

export function get(y: YamlDoc, n: unknown, key: string): Node | undefined {
  return deref(y, pairOf(y, n, key)?.value);
}

export function items(y: YamlDoc, n: unknown): Node[] {
  const s = asSeq(y, n);
  return s ? (s.items.map((i) => deref(y, i)).filter(Boolean) as Node[]) : [];
}

/** Position of a node (its first character). */
export function posOf(y: YamlDoc, n: Node | Pair | undefined | null): Pos | undefined {
  if (!n) return undefined;
  const node = (isPair(n) ? n.key ?? n.value : n) as Node | null;
  const range = node?.range;
  if (!range) return undefined;
  const p = y.lines.linePos(range[0]);
  return { line: p.line, column: p.col };
}

/**
 * The text of a scalar as a ScriptSource whose offsets map back to the original file, line by line.
 * Block literals map exactly; folded and quoted scalars map each value line to the first original line
 * that contains it (good enough for a line-level finding).
 */
export function scalarSource(y: YamlDoc, n: Node | undefined): ScriptSource | undefined {
  const s = asScalar(y, n);
  if (!s || typeof s.value !== 'string' || !s.range) return undefined;
  const start = y.lines.linePos(s.range[0]);
  const block = s.type === 'BLOCK_LITERAL' || s.type === 'BLOCK_FOLDED';
  const quote = s.type === 'QUOTE_DOUBLE' || s.type === 'QUOTE_SINGLE' ? 1 : 0;
  return lineSource(s.value, y.file, block ? start.line + 1 : start.line, block ? undefined : start.col + quote);
}
