// YAML parsing that keeps source positions, so every error can name file:line.
import { LineCounter, parseAllDocuments, parseDocument, isNode, visit, type Document } from 'yaml';
import type { ZodError } from 'zod';
import { SentrikError } from './errors.js';

export interface ParsedYaml {
  doc: Document.Parsed;
  lines: LineCounter;
  file: string;
  value: unknown;
}

/** Parse YAML with positions; throws SentrikError naming file:line on a syntax error. Aliases are capped. */
export function parseYamlWithPositions(text: string, file: string): ParsedYaml {
  const lines = new LineCounter();
  return loaded(parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true }), lines, file);
}

/**
 * Every document of a multi-document stream (`---` between them, as Kubernetes manifests are written), with
 * positions in the whole file; the same errors and alias cap as parseYamlWithPositions.
 */
export function parseAllYamlWithPositions(text: string, file: string): ParsedYaml[] {
  const lines = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  return (Array.isArray(parsed) ? parsed : []).map((doc) => loaded(doc, lines, file));
}

/** A parsed document's value, or a SentrikError naming file:line for its first syntax error. */
function loaded(doc: Document.Parsed, lines: LineCounter, file: string): ParsedYaml {
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new SentrikError(`invalid YAML: ${firstLine(e.message)}`, file, lines.linePos(e.pos[0]).line, 'fix the YAML syntax');
  }
  try {
    // maxAliasCount guards against "billion laughs" alias bombs.
    return { doc, lines, file, value: doc.toJS({ maxAliasCount: 1000 }) };
  } catch (err) {
    throw new SentrikError(`cannot load YAML: ${firstLine((err as Error).message)}`, file, undefined, 'remove the excessive aliases');
  }
}

/**
 * Refuses an anchor defined twice in one document, naming both lines. YAML allows it (an alias takes the
 * latest definition before it), but in a file written by hand it is a slip: an alias meant for the first
 * definition silently takes the second (a rule once got another rule's list of sources this way).
 */
export function refuseRedefinedAnchors(parsed: ParsedYaml, text: string): void {
  const defined = new Map<string, number>();
  visit(parsed.doc, (_key, node) => {
    if (!isNode(node) || !node.anchor || !node.range) return;
    // The node's range starts after its anchor: the anchor is the last `&name` before it.
    const at = text.lastIndexOf(`&${node.anchor}`, node.range[0]);
    const line = parsed.lines.linePos(at >= 0 ? at : node.range[0]).line;
    const first = defined.get(node.anchor);
    if (first === undefined) return void defined.set(node.anchor, line);
    throw new SentrikError(
      `anchor &${node.anchor} is defined twice, on lines ${first} and ${line}: an alias *${node.anchor} after line ${line} takes the second`,
      parsed.file,
      line,
      'give each anchor its own name',
    );
  });
}

/** 1-based line of the node at `path` (or of its closest existing parent). */
export function lineOf(parsed: ParsedYaml, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = parsed.doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) return parsed.lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Turn the first issue of a zod error into a SentrikError pointing at the YAML line (`firstHint` replaces its default hint); the others are named in the hint too. */
export function zodToSentrikError(err: ZodError, parsed: ParsedYaml, what: string, firstHint?: string): SentrikError {
  const { issue, path } = specificIssue(err.issues[0], err.issues[0].path as PropertyKey[]);
  // For an unknown key, point at the key itself rather than its parent map.
  const line = lineOf(parsed, issue.code === 'unrecognized_keys' ? [...path, issue.keys[0]] : path);
  const at = path.length ? path.join('.') : '(top level)';
  let msg = issue.message;
  if (issue.code === 'unrecognized_keys') msg = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  // The hint says what it should be.
  if (issue.code === 'invalid_type') msg = /received undefined/.test(issue.message) ? 'missing' : 'wrong type';
  // zod's own text ('Invalid option: expected one of …') repeats the hint: say which value instead.
  if (issue.code === 'invalid_value' && /^Invalid option/.test(issue.message)) msg = `${shownValue(parsed.value, path) ?? 'the value'} is not allowed`;
  const hint = [firstHint ?? hintFor(issue), alsoWrong(err, parsed)].filter(Boolean).join('; ') || undefined;
  return new SentrikError(`${what}: ${at}: ${msg}`, parsed.file, line, hint);
}

type Issue = ZodError['issues'][number];

/** The scalar at `path` in the document, quoted as written ('ruby'), if it is one. */
function shownValue(value: unknown, path: PropertyKey[]): string | undefined {
  let v = value;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? `'${String(v)}'` : undefined;
}

/**
 * A value that fits none of a union's shapes is reported by zod as "Invalid input". The shape it came closest
 * to says what is wrong (`languages: [ruby]` is a language not allowed, not an invalid match): the branch with
 * the fewest problems, a wrong type or unknown key counting double (it means the value is another shape).
 */
function specificIssue(issue: Issue, path: PropertyKey[]): { issue: Issue; path: PropertyKey[] } {
  if (issue.code !== 'invalid_union' || !('errors' in issue) || !issue.errors.length) return { issue, path };
  const cost = (branch: Issue[]): number => branch.reduce((n, i) => n + (i.code === 'invalid_type' || i.code === 'unrecognized_keys' ? 2 : 1), 0);
  const best = [...issue.errors].sort((a, b) => cost(a) - cost(b))[0];
  if (!best.length) return { issue, path };
  return specificIssue(best[0], [...path, ...(best[0].path as PropertyKey[])]);
}

/**
 * Every problem after the first, by key and line ('also wrong: jobs (line 4), paralel_scan (unknown key, line 6)'),
 * so one run shows all there is to fix; undefined when there is only one.
 */
function alsoWrong(err: ZodError, parsed: ParsedYaml): string | undefined {
  const others = err.issues
    .slice(1)
    .flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys.map((k) => ({ path: [...i.path, k] as PropertyKey[], unknown: true })) : [{ path: i.path as PropertyKey[], unknown: false }]))
    .map(({ path: p, unknown }) => {
      const l = lineOf(parsed, p);
      const where = [unknown && 'unknown key', l && `line ${l}`].filter(Boolean).join(', ');
      return { l: l ?? 0, text: `${p.length ? p.join('.') : '(top level)'}${where ? ` (${where})` : ''}` };
    })
    .sort((x, y) => x.l - y.l)
    .map((o) => o.text);
  return others.length ? `also wrong: ${[...new Set(others)].slice(0, 8).join(', ')}${others.length > 8 ? ', …' : ''}` : undefined;
}

function hintFor(issue: ZodError['issues'][number]): string | undefined {
  switch (issue.code) {
    case 'unrecognized_keys':
      return 'remove it or check its spelling';
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'invalid_value':
      return 'values' in issue && Array.isArray(issue.values) ? `expected one of: ${issue.values.join(', ')}` : undefined;
    default:
      return undefined;
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}
