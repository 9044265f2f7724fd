// The literal index behind every AST rule's text test: which literals a file holds, in each mode, in one pass.
import { describe, expect, it } from 'vitest';
import { LiteralIndex } from '../../src/engine/ast/literal-index.js';

describe('LiteralIndex', () => {
  const text = 'const Token = req.query.redirect_to; // SELECT * FROM users\nisFunction(x)\n';
  const file = () => ({ text });

  it('finds a literal with its case, in any case, or as a whole word', () => {
    const index = new LiteralIndex();
    const ids = {
      exact: index.id('req.query', 'exact'),
      exactWrongCase: index.id('Req.query', 'exact'),
      caseless: index.id('select', 'caseless'),
      caselessMissing: index.id('insert', 'caseless'),
      word: index.id('Token', 'word'),
      partOfWord: index.id('Function', 'word'),
      wordAtEnd: index.id('x', 'word'),
      inIdentifier: index.id('redirect', 'word'),
    };
    const f = file();
    const got = Object.fromEntries(Object.entries(ids).map(([k, id]) => [k, index.has(f, id)]));
    expect(got).toEqual({ exact: true, exactWrongCase: false, caseless: true, caselessMissing: false, word: true, partOfWord: false, wordAtEnd: true, inIdentifier: false });
  });

  it('finds literals that overlap or end inside each other', () => {
    const index = new LiteralIndex();
    const [a, b, c] = [index.id('query.redirect', 'exact'), index.id('redirect_to', 'exact'), index.id('to', 'caseless')];
    const f = file();
    expect([a, b, c].map((id) => index.has(f, id))).toEqual([true, true, true]);
  });

  it('answers again for literals added after a file was scanned', () => {
    const index = new LiteralIndex();
    const f = file();
    expect(index.has(f, index.id('users', 'word'))).toBe(true);
    const later = index.id('FROM users', 'exact');
    expect(index.has(f, later)).toBe(true);
    expect(index.has(f, index.id('DELETE', 'exact'))).toBe(false);
  });

  it('leaves non-ASCII literals to RE2, with Unicode case folding', () => {
    const index = new LiteralIndex();
    const f = { text: 'título = "ÉTÉ"' };
    expect([index.id('Título', 'caseless'), index.id('été', 'caseless'), index.id('título', 'word'), index.id('ÉTÉS', 'exact')].map((id) => index.has(f, id))).toEqual([true, true, true, false]);
  });

  it('reads the bytes it is given (SourceFile.utf8) instead of encoding the text again', () => {
    const index = new LiteralIndex();
    const id = index.id('eval', 'word');
    expect(index.has({ text: 'ignored', utf8: Buffer.from('x = eval(y)') }, id)).toBe(true);
  });
});
