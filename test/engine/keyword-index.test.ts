// The one-pass prefilter: rules are picked by their keywords (literals) or by their prefilter patterns, both
// found in a single RE2.Set scan, case-insensitively; rules with neither always run.
import { describe, expect, it } from 'vitest';
import { keywordIndex } from '../../src/engine/ruleset.js';

interface Item {
  id: string;
  keywords?: string[];
  prefilter?: string[];
}

const items: Item[] = [
  { id: 'literal', keywords: ['tok_'] },
  { id: 'pattern', prefilter: ['://[^\\s/@]*:[^\\s/]*@'] },
  { id: 'always' },
];
const pick = keywordIndex(items, (i) => i);
const ids = (text: string): string[] => pick(Buffer.from(text)).map((i) => i.id).sort();

describe('keyword index with prefilter patterns', () => {
  it('picks a rule with a prefilter only where its pattern occurs, not where a keyword would', () => {
    expect(ids('see https://example.com/docs')).toEqual(['always']);
    expect(ids('git clone https://deploy:s3cr3t@git.example.com/app.git')).toEqual(['always', 'pattern']);
  });

  it('matches patterns and keywords case-insensitively', () => {
    expect(ids('HTTPS://DEPLOY:S3CR3T@HOST')).toEqual(['always', 'pattern']);
    expect(ids('TOK_abc')).toEqual(['always', 'literal']);
  });

  it('escapes keywords: they are literals, not patterns', () => {
    const dotted = keywordIndex([{ id: 'dot', keywords: ['sg.'] }], (i) => i);
    expect(dotted(Buffer.from('sgx')).map((i) => i.id)).toEqual([]);
    expect(dotted(Buffer.from('SG.abc')).map((i) => i.id)).toEqual(['dot']);
  });
});
