// Sub-rules written more than once in a search are compiled once (ast-grep compiles a search's rule on every
// call): the rewritten search must find exactly what the original finds, with the same bindings.
import { describe, expect, it } from 'vitest';
import type { NapiConfig, SgNode } from '@ast-grep/napi';
import { withSharedRules } from '../../src/engine/ast/parse.js';
import { astGrep } from '../../src/engine/ast/languages.js';

const CODE = [
  'const q = "SELECT * FROM t WHERE id = " + req.query.id;',
  'db.query(`SELECT * FROM u WHERE n = ${req.body.name}`);',
  'eval(req.body.x);',
  'log("select nothing");',
  '',
].join('\n');

const SQL = '(?is)\\b(select\\b.+\\bfrom|where\\b.+=)';
const SOURCE = { pattern: '$R.$P', regex: '^req\\.(query|body)\\b' };
// The shapes rules share through YAML anchors: one source and one SQL regex on two node kinds, used twice.
const SEARCH: NapiConfig = {
  rule: {
    any: [
      { all: [{ kind: 'binary_expression', regex: SQL }, { has: { ...SOURCE, stopBy: 'end' } }] },
      { all: [{ kind: 'template_string', regex: SQL }, { has: { ...SOURCE, stopBy: 'end' } }] },
      { pattern: 'eval($X)', has: { ...SOURCE, stopBy: 'end' } },
      { any: [SOURCE, { kind: 'call_expression', has: { field: 'function', regex: '^eval$' } }] },
    ],
  } as NapiConfig['rule'],
};

const describeNodes = (nodes: SgNode[]): string[] =>
  nodes.map((n) => `${n.range().start.index}:${n.kind()}:${n.getMatch('R')?.text() ?? '-'}:${n.getMatch('P')?.text() ?? '-'}:${n.getMatch('X')?.text() ?? '-'}`);

describe('withSharedRules', () => {
  const root = astGrep().parse('javascript', CODE).root();

  it('finds the same nodes with the same bindings as the search as written', () => {
    const shared = withSharedRules(SEARCH);
    expect(describeNodes(root.findAll(shared))).toEqual(describeNodes(root.findAll(SEARCH)));
    expect(root.findAll(SEARCH).length).toBeGreaterThan(4);
  });

  it('names each repeated costly sub-rule and regex once, leaving the original untouched', () => {
    const before = JSON.stringify(SEARCH);
    const shared = withSharedRules(SEARCH);
    const text = JSON.stringify(shared);
    expect(text.split(JSON.stringify(SQL)).length - 1).toBe(1);
    expect(text.split(JSON.stringify(SOURCE.regex)).length - 1).toBe(1);
    expect(JSON.stringify(SEARCH)).toBe(before);
  });

  it('returns a search with nothing repeated as it is', () => {
    const single: NapiConfig = { rule: { pattern: '$C.query($SINK)' } };
    expect(withSharedRules(single)).toBe(single);
  });
});
