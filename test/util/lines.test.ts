// One line index for source files, API specs and lockfiles.
import { describe, expect, it } from 'vitest';
import { lineStarts, positionIn } from '../../src/util/lines.js';

describe('positionIn', () => {
  it('gives the 1-based line and column of an offset, the newline belonging to its line', () => {
    const text = 'ab\r\ncd\n\nef';
    const starts = lineStarts(text);
    expect(starts).toEqual([0, 4, 7, 8]);
    expect(positionIn(starts, 0)).toEqual({ line: 1, column: 1 });
    expect(positionIn(starts, 3)).toEqual({ line: 1, column: 4 }); // the \n of line 1
    expect(positionIn(starts, 4)).toEqual({ line: 2, column: 1 });
    expect(positionIn(starts, 7)).toEqual({ line: 3, column: 1 }); // an empty line
    expect(positionIn(starts, 9)).toEqual({ line: 4, column: 2 });
  });
  it('reads a text without newlines as one line', () => {
    expect(positionIn(lineStarts('{"a":1}'), 5)).toEqual({ line: 1, column: 6 });
  });
});
