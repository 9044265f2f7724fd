// A regex rule's findings are on lines of the file: the text after a final newline is not a line, so a pattern
// that matches the empty string (`^$`) finds nothing there.
import { describe, expect, it } from 'vitest';
import { regexKind } from '../../src/engine/matchers/regex.js';
import { SourceFile } from '../../src/engine/source.js';

const linesFlagged = (pattern: string, text: string, bytes = false): (number | undefined)[] => {
  const matcher = regexKind.compile({ any: [pattern] }, { ruleId: 'T-1', packFile: 'pack.yaml' });
  if (matcher.scope !== 'file') throw new Error('a regex rule is a file rule');
  const file = new SourceFile('t.txt', bytes ? { utf8: Buffer.from(text), ascii: Buffer.byteLength(text) === text.length } : text);
  return matcher.match(file).map((m) => m.line);
};

describe('regex rules report lines that exist', () => {
  it.each([
    ['a\n\nb\n', [2]],
    ['a\n\nb', [2]],
    ['a\n\n', [2]],
    ['\n', [1]],
    ['', []],
    ['é\n\nü\n', [2]],
  ])('^$ in %j', (text, lines) => {
    expect(linesFlagged('^$', text)).toEqual(lines);
    expect(linesFlagged('^$', text, true)).toEqual(lines);
  });

  it('a match that ends at the final newline stays on its line', () => {
    expect(linesFlagged('b\\s*$', 'a\nb\n')).toEqual([2]);
    expect(linesFlagged('\\s*$', 'a\nb\n')).toEqual([1, 2]);
  });
});
