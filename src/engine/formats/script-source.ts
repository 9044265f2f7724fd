// A piece of text cut out of a file (a `run:` block, a Dockerfile RUN with its continuation lines, a
// package.json script) together with the map from its offsets back to the original line and column.
import type { SourceFile } from '../source.js';

export interface ScriptSource {
  text: string;
  /** 1-based line and column in the original file of an offset in `text`. */
  at(offset: number): { line: number; column: number };
}

export interface Segment {
  /** Offset in the extracted text where this segment starts. */
  offset: number;
  line: number;
  column: number;
}

/** Maps offsets through segments sorted by offset: each segment is a run of text copied from one place. */
export function segmentSource(text: string, segments: Segment[]): ScriptSource {
  return {
    text,
    at(offset) {
      let lo = 0;
      let hi = segments.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (segments[mid].offset <= offset) lo = mid;
        else hi = mid - 1;
      }
      const s = segments[lo] ?? { offset: 0, line: 1, column: 1 };
      return { line: s.line, column: s.column + Math.max(0, offset - s.offset) };
    },
  };
}

const SEARCH_AHEAD = 50;

/**
 * `value` is text that was written starting at `firstLine` of `file` (a YAML scalar's content, maybe
 * re-indented, folded or unescaped). Each value line is located in the original lines, in order.
 * `firstColumn` is known for single-line scalars that start on the key's line.
 */
export function lineSource(value: string, file: SourceFile, firstLine: number, firstColumn?: number): ScriptSource {
  const segments: Segment[] = [];
  const valueLines = value.split('\n');
  let cursor = firstLine;
  let offset = 0;
  for (let i = 0; i < valueLines.length; i++) {
    const vl = valueLines[i].replace(/\r$/, '');
    if (i === 0 && firstColumn !== undefined && file.lineText(firstLine).startsWith(vl, firstColumn - 1)) {
      segments.push({ offset, line: firstLine, column: firstColumn });
      cursor = firstLine + 1;
    } else if (vl.trim() === '') {
      segments.push({ offset, line: Math.min(cursor, file.lineCount), column: 1 });
      if (firstColumn === undefined) cursor++;
    } else {
      const found = locate(file, vl, cursor);
      segments.push({ offset, line: found.line, column: found.column });
      cursor = found.line + 1;
    }
    offset += valueLines[i].length + 1;
  }
  return segmentSource(value, segments);
}

function locate(file: SourceFile, vl: string, from: number): { line: number; column: number } {
  const last = Math.min(file.lineCount, from + SEARCH_AHEAD);
  const probe = vl.trim().slice(0, 40);
  for (let l = from; l <= last; l++) {
    const text = file.lineText(l);
    const exact = text.endsWith(vl) ? text.length - vl.length : -1;
    if (exact >= 0) return { line: l, column: exact + 1 };
  }
  for (let l = from; l <= last; l++) {
    const idx = file.lineText(l).indexOf(probe);
    if (idx >= 0) return { line: l, column: idx + 1 };
  }
  return { line: Math.min(from, file.lineCount), column: 1 };
}

/** The whole file as a script (shell scripts). */
export function wholeFileSource(file: SourceFile): ScriptSource {
  return { text: file.text, at: (o) => file.position(o) };
}
