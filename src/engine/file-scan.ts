// Scanning one file: prefilter, run the candidate rules, and keep what finalisation needs — line, snippet
// (secrets masked), inline suppressions — in a serialisable, secret-free form that the cache can store and
// worker threads can send back.
import { createHash } from 'node:crypto';
import { maskLine } from '../util/mask.js';
import { detached } from '../util/text.js';
import { credentialValuesOn, stringLiteralsOn } from '../secrets/line-values.js';
import { SentrikError } from '../util/errors.js';
import type { Confidence, ScanProblem, Severity } from './model.js';
import type { CompiledFileMatcher, RawMatch } from './matchers/matcher.js';
import type { LoadedRule } from '../packs/load.js';
import type { RuleSet } from './ruleset.js';
import { SourceFile, type SourceBytes } from './source.js';
import { fileKinds } from './file-kinds.js';

export interface FileHit {
  ruleId: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  snippet?: string;
  message?: string;
  severity?: Severity;
  confidence?: Confidence;
  /** See RawMatch.prefixed. */
  prefixed?: boolean;
  /** See RawMatch.anchors. */
  anchors?: number[];
  /** Hash of the normalised matched text: the line-independent part of the fingerprint. */
  matchKey: string;
  /** The flagged line is a comment (for severity rescoring). */
  inComment?: boolean;
  /** An inline `sentrik-ignore` that covers this hit (reason may be empty: that is reported). */
  inline?: { reason: string; line: number };
}

export interface FileResult {
  path: string;
  hits: FileHit[];
  problems: ScanProblem[];
  /** Every inline `sentrik-ignore` in the file, used or not (for `suppressions list` and stale ones). */
  ignores?: InlineIgnore[];
  /** What the content showed the file to be (see file-kinds.ts): which rules judged it, for compliance. */
  kinds?: string[];
}

export interface InlineIgnore {
  line: number;
  /** Upper-case rule ids, or ALL. */
  ruleIds: string[];
  reason: string;
}

const MAX_SNIPPET = 240;
/** The inline suppression comment: `sentrik-ignore RULE-ID: reason`. */
export const INLINE_IGNORE = 'sentrik-ignore';

/** `content`: the text, or the file's bytes (decoded only if a rule or a finding needs the text). */
export function scanText(path: string, content: string | SourceBytes, rules: RuleSet): FileResult {
  const file = new SourceFile(path, content);
  const matches: { ruleId: string; raw: RawMatch; aboutCredential: boolean }[] = [];
  const problems: ScanProblem[] = [];
  const failedMessages = new Set<string>();
  const candidates: { ruleId: string; matcher: CompiledFileMatcher; aboutCredential: boolean }[] = [];
  const found = rules.search(file.utf8);
  for (const { rule } of found.rules) {
    if (rule.appliesTo(path) && rule.matcher.scope === 'file') {
      candidates.push({ ruleId: rule.def.id, matcher: rule.matcher, aboutCredential: aboutCredential(rule) });
    }
  }
  for (const { matcher } of candidates) {
    try {
      matcher.prepare?.(file);
    } catch {
      // planning only: the rule's match below meets the same failure and reports it
    }
  }
  for (const { ruleId, matcher, aboutCredential } of candidates) {
    try {
      for (const raw of matcher.match(file)) matches.push({ ruleId, raw, aboutCredential });
      // What the rule saw wrong besides its matches (a spec's broken $ref), once per file like failures.
      for (const p of matcher.problems?.(file) ?? []) {
        if (failedMessages.has(p.message)) continue;
        failedMessages.add(p.message);
        problems.push({ file: path, line: p.line, ruleId, code: 'parse-error', message: p.message });
      }
    } catch (err) {
      // One broken file (or rule) never stops the scan; report each distinct failure once per file.
      const message = err instanceof SentrikError ? err.message : `rule failed: ${(err as Error).message}`;
      if (!failedMessages.has(message)) {
        failedMessages.add(message);
        const line = err instanceof SentrikError ? err.line : undefined;
        problems.push({ file: path, line, ruleId, code: err instanceof SentrikError ? 'parse-error' : 'rule-error', message });
      }
    }
  }
  const secretsOn = secretsToMask(file, matches);
  // Minified documents put thousands of findings on one huge line: look for suppressions once per file. The
  // keyword pass found the marker, or a case variant of it.
  const ignoreAt = found.mayIgnore && file.utf8.includes(INLINE_IGNORE) ? ignoreParser(file) : undefined;
  const hits: FileHit[] = matches.map(({ ruleId, raw: r }) => {
    const lineText = r.line ? file.lineText(r.line) : undefined;
    return {
      ruleId,
      line: r.line,
      column: r.column,
      endLine: r.endLine,
      endColumn: r.endColumn,
      snippet: lineText === undefined ? undefined : snippetOf(lineText, secretsOn(r.line!), r.column),
      message: r.message,
      severity: r.severity,
      confidence: r.confidence,
      ...(r.prefixed ? { prefixed: true } : {}),
      ...(r.anchors?.length ? { anchors: r.anchors } : {}),
      matchKey: matchKey(identityText(r, lineText)),
      inComment: lineText !== undefined && isCommentLine(lineText),
      inline: r.line && ignoreAt ? inlineSuppression(ignoreAt, r.line, ruleId) : undefined,
    };
  });
  const ignores = ignoreAt ? inlineIgnores(file, ignoreAt) : [];
  const kinds = rules.judgesKinds ? fileKinds(file) : []; // a secrets-only scan needs none
  return { path, hits, problems, ...(ignores.length ? { ignores } : {}), ...(kinds.length ? { kinds } : {}) };
}

/** Hard-coded credentials, password, cryptographic key: a finding of a rule about one shows a credential. */
const HARD_CODED_CREDENTIAL_CWES = new Set(['CWE-798', 'CWE-259', 'CWE-321']);

const credentialRules = new WeakMap<LoadedRule, boolean>();

/** Is the rule about hard-coded credentials (its snippets are masked)? Once per rule, not per file. */
export function aboutCredential(rule: LoadedRule): boolean {
  let about: boolean | undefined = credentialRules.get(rule);
  if (about === undefined) credentialRules.set(rule, (about = rule.def.cwe.some((c) => HARD_CODED_CREDENTIAL_CWES.has(c))));
  return about;
}

/**
 * What to mask in the snippet of a line, whatever finding it shows: every secret any rule found in the file,
 * wherever it appears (a key found on line 2 and used again in a URL on line 3); on a line where one was
 * found, the values of credential-named assignments and URL passwords too (a second credential the rule did
 * not look for); on a line a rule about hard-coded credentials flags without naming the value (AST rules in
 * the language packs), every quoted string as well.
 */
export function secretsToMask(file: SourceFile, matches: { raw: RawMatch; aboutCredential: boolean }[]): (line: number) => string[] {
  const byLine = new Map<number, Set<string>>();
  const found = new Set<string>();
  const at = (line: number): Set<string> => {
    let set = byLine.get(line);
    if (!set) byLine.set(line, (set = new Set<string>()));
    return set;
  };
  const literalLines = new Set<number>();
  for (const { raw, aboutCredential } of matches) {
    if (!raw.line || !(raw.secret || aboutCredential)) continue;
    if (raw.secret && raw.matched) found.add(raw.matched);
    for (let l = raw.line; l <= (raw.endLine ?? raw.line); l++) {
      const set = at(l);
      if (raw.secret && raw.matched) set.add(raw.matched);
      else literalLines.add(l);
    }
  }
  for (const [line, set] of byLine) {
    const text = file.lineText(line);
    if (text === undefined) continue;
    for (const v of credentialValuesOn(text)) set.add(v);
    if (literalLines.has(line)) for (const v of stringLiteralsOn(text)) set.add(v);
  }
  return (line) => {
    const own = [...(byLine.get(line) ?? [])];
    if (found.size === 0) return own;
    const text = file.lineText(line) ?? '';
    // A multi-line secret (a PEM block) shows on a line as one of its lines (maskLine masks those too).
    const shows = (s: string): boolean => text.includes(s) || (/[\r\n]/.test(s) && s.split(/\r?\n/).some((part) => part.trim().length >= 6 && text.includes(part.trim())));
    return [...own, ...[...found].filter((s) => !own.includes(s) && shows(s))];
  };
}

const RULE_ID_SHAPE = /^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/;

/** Every `sentrik-ignore RULE-ID[, …]: reason` comment of a file (words that are no rule id are left out). */
function inlineIgnores(file: SourceFile, ignoreAt: (line: number) => ParsedIgnore | undefined): InlineIgnore[] {
  const { text } = file;
  const out: InlineIgnore[] = [];
  let lastLine = 0;
  for (let at = text.indexOf(INLINE_IGNORE); at !== -1; at = text.indexOf(INLINE_IGNORE, at + 1)) {
    const line = file.position(at).line;
    if (line === lastLine) continue;
    lastLine = line;
    const parsed = ignoreAt(line);
    const ruleIds = (parsed?.ids ?? []).filter((w) => w === 'ALL' || RULE_ID_SHAPE.test(w));
    if (ruleIds.length) out.push({ line, ruleIds, reason: parsed!.reason });
    if (out.length >= 1000) break; // a generated file full of markers: enough to list
  }
  return out;
}

export function snippetOf(line: string, secrets: string[], column?: number): string {
  // A very long line (minified JSON) without secrets: show the part around the finding, not the whole line.
  if (!secrets.length && line.length > 4 * MAX_SNIPPET) {
    const from = Math.max(0, (column ?? 1) - 1 - MAX_SNIPPET / 4);
    line = line.slice(from, from + MAX_SNIPPET + 1);
  }
  const masked = secrets.length ? maskLine(line, secrets) : line;
  const trimmed = masked.trim();
  return detached(trimmed.length > MAX_SNIPPET ? `${trimmed.slice(0, MAX_SNIPPET)}…` : trimmed);
}

/**
 * The text a finding's identity hashes: what matched; for a match over several lines (a handler, a block) its
 * first line, so an edit inside it (a line added to the handler) keeps the finding, and its baseline entry and
 * approvals, the same. A secret counts whole: another key is another finding.
 */
function identityText(r: RawMatch, lineText: string | undefined): string {
  const matched = r.matched ?? lineText ?? '';
  if (r.secret) return matched;
  const firstLine = matched.split('\n', 1)[0];
  return firstLine.trim() ? firstLine : matched;
}

/** Whitespace-insensitive hash of what matched, so re-indenting or moving code keeps the fingerprint. */
export function matchKey(matched: string): string {
  return createHash('sha256').update(matched.replace(/\s+/g, ' ').trim()).digest('hex').slice(0, 16);
}

// `--` (SQL, Lua): not five dashes, which open a PEM block (`-----BEGIN RSA PRIVATE KEY-----`) — a committed key
// is no comment.
const COMMENT_START = /^\s*(#|\/\/|\/\*|\*|<!--|--(?!---)|;|REM\b)/;

function isCommentLine(line: string): boolean {
  return COMMENT_START.test(line);
}

// `sentrik-ignore RULE-ID[, RULE-ID…]: reason` (or `sentrik-ignore all: reason`) on the line or the line above.
// Parsed by hand rather than with a regex: scanned content is untrusted and lines can be huge.
interface ParsedIgnore {
  /** Upper-cased words before the colon. */
  ids: string[];
  reason: string;
}

function parseIgnore(text: string): ParsedIgnore | undefined {
  const at = text.indexOf(INLINE_IGNORE);
  if (at === -1 || !inComment(text, at)) return undefined;
  const rest = text.slice(at + INLINE_IGNORE.length, at + 2000).replace(/(\*\/|-->)\s*$/, '');
  const colon = rest.indexOf(':');
  const ids = (colon === -1 ? rest : rest.slice(0, colon)).split(/[\s,]+/).filter(Boolean).map((w) => w.toUpperCase());
  return { ids, reason: colon === -1 ? '' : detached(rest.slice(colon + 1).trim()) }; // kept with the results
}

// Comment openers that may follow code on a line: `#`, `//`, a block comment's opening, `<!--`, and `--` (SQL, Lua).
const TRAILING_COMMENT = /^(?:#|\/\/|\/\*|<!--|--\s)/;

/**
 * Is offset `at` of `line` inside a comment? Either the line holds nothing before it (the body of a block
 * comment), or a comment opener comes first outside the line's string literals: a marker in a string
 * (`tag = "sentrik-ignore all: x"`) or in code suppresses nothing. Line by line, so a marker in a string that
 * spans lines, after its first line, still counts; a quote this cannot pair (a Rust lifetime) hides the rest of
 * the line, which keeps its findings.
 */
function inComment(line: string, at: number): boolean {
  const before = line.slice(0, at);
  if (before.trim() === '' || COMMENT_START.test(before)) return true;
  let quote: string | undefined;
  for (let i = 0; i < at; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if ((i === 0 || /\s/.test(line[i - 1]) || c !== '-') && TRAILING_COMMENT.test(line.slice(i, i + 5))) return true;
  }
  return false;
}

/** parseIgnore per line, each line parsed at most once per file (a minified line can carry thousands of hits). */
function ignoreParser(file: SourceFile): (line: number) => ParsedIgnore | undefined {
  const memo = new Map<number, ParsedIgnore | undefined>();
  return (line) => {
    if (!memo.has(line)) memo.set(line, parseIgnore(file.lineText(line)));
    return memo.get(line);
  };
}

function inlineSuppression(ignoreAt: (line: number) => ParsedIgnore | undefined, line: number, ruleId: string): FileHit['inline'] {
  for (const l of [line, line - 1]) {
    if (l < 1) continue;
    const p = ignoreAt(l);
    if (p && (p.ids.includes(ruleId) || p.ids.includes('ALL'))) return { reason: p.reason, line: l };
  }
  return undefined;
}
