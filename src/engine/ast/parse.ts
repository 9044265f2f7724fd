// Parsing for AST rules: each file is parsed once per parser and shared by every rule (the scanner hands all
// rules the same SourceFile object). Files an AST is not worth building for — too large, minified, or nested
// deeper than the matchers should walk — are skipped with a reason; their regex rules still run.
import type { SgNode } from '@ast-grep/napi';
import { SentrikError } from '../../util/errors.js';
import type { SourceFile } from '../source.js';
import { astGrep } from './languages.js';

export const MAX_AST_BYTES = 1_000_000;
/** A line this long means generated or minified code: nobody reviews it, and it is costly to parse. */
export const MAX_AST_LINE = 5_000;
export const MAX_AST_NESTING = 400;

type Parsed = { root: SgNode } | { skipped: string; reported: boolean };

const cache = new WeakMap<SourceFile, Map<string, Parsed>>();

/**
 * The root node of `file` parsed with `parser`, or undefined when the file is skipped. The first rule to ask
 * about a skipped file gets a SentrikError (the scanner records it as a problem, once); later ones get
 * undefined.
 */
export function parseSource(file: SourceFile, parser: string): SgNode | undefined {
  let perFile = cache.get(file);
  if (!perFile) cache.set(file, (perFile = new Map()));
  let parsed = perFile.get(parser);
  if (!parsed) {
    const reason = skipReason(file.text);
    if (reason) parsed = { skipped: reason, reported: false };
    else {
      try {
        parsed = { root: astGrep().parse(parser, file.text).root() };
      } catch (err) {
        parsed = { skipped: `the parser failed (${(err as Error).message})`, reported: false };
      }
    }
    perFile.set(parser, parsed);
  }
  if ('root' in parsed) return parsed.root;
  if (parsed.reported) return undefined;
  parsed.reported = true;
  throw new SentrikError(`AST rules skipped: ${parsed.skipped}; line-pattern rules still ran`, file.path);
}

/** Why a text should not be parsed, or undefined. Linear scans only. */
export function skipReason(text: string): string | undefined {
  if (text.length > MAX_AST_BYTES) return `larger than ${MAX_AST_BYTES / 1_000_000} MB`;
  let lineStart = 0;
  let depth = 0;
  let maxDepth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      if (i - lineStart > MAX_AST_LINE) return `a line longer than ${MAX_AST_LINE} characters (minified or generated code)`;
      lineStart = i + 1;
    } else if (c === 40 || c === 91 || c === 123) {
      if (++depth > maxDepth) maxDepth = depth;
    } else if (c === 41 || c === 93 || c === 125) {
      if (depth > 0) depth--;
    }
  }
  if (text.length - lineStart > MAX_AST_LINE) return `a line longer than ${MAX_AST_LINE} characters (minified or generated code)`;
  if (maxDepth > MAX_AST_NESTING) return `brackets nested more than ${MAX_AST_NESTING} deep`;
  return undefined;
}
