// Parsing for AST rules: each file is parsed once per parser and shared by every rule (the scanner hands all
// rules the same SourceFile object). Files an AST is not worth building for — too large, minified, or nested
// deeper than the matchers should walk — are skipped with a reason; their regex rules still run.
//
// Syntax trees live in native memory that V8 does not see: it would collect dead trees only when its own small
// heap fills, long after thousands of them have piled up. So after every few MB of parsed source the scan
// worker forces a collection (releaseSyntaxTrees) and lets the event loop turn, which frees the native trees.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { NapiConfig, SgNode } from '@ast-grep/napi';
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
        parsedSince += file.text.length;
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

const findCache = new WeakMap<SgNode, Map<string, SgNode[]>>();

/**
 * `root.findAll(config)`, remembered per parsed file: rules share sources, sinks and sanitisers (YAML anchors,
 * the built-in conversions), and each search walks the whole tree. Callers must not modify the array.
 */
export function findAllOnce(root: SgNode, config: NapiConfig): SgNode[] {
  let perRoot = findCache.get(root);
  if (!perRoot) findCache.set(root, (perRoot = new Map()));
  const key = JSON.stringify(config);
  let found = perRoot.get(key);
  if (!found) perRoot.set(key, (found = root.findAll(config)));
  return found;
}

/** Source characters parsed since the last forced collection. */
let parsedSince = 0;
/** Parsed text after which dead trees are collected (native trees take some 20 bytes per source character). */
const COLLECT_EVERY_CHARS = 1_000_000;
let forceGc: (() => void) | null | undefined;

/**
 * Runs a full garbage collection when enough source has been parsed since the last one, so dead syntax trees
 * become collectable; returns true if it did. Their native memory is freed by finalisers that run on the next
 * turn of the event loop, so a caller that processes many files in one go should `await` a setImmediate then.
 */
export function releaseSyntaxTrees(): boolean {
  if (parsedSince < COLLECT_EVERY_CHARS) return false;
  parsedSince = 0;
  if (forceGc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      forceGc = runInNewContext('gc') as () => void;
    } catch {
      forceGc = null; // the runtime refuses: V8 collects on its own schedule
    }
  }
  forceGc?.();
  return forceGc !== null;
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
