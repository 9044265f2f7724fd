// Planned searches (one walk of the tree for many rules' searches) give each rule exactly what its own search
// gives: the same nodes in the same order, with its own metavariable bindings.
import { describe, expect, it, vi } from 'vitest';
import type { NapiConfig, SgNode } from '@ast-grep/napi';
import { findAllOnce, parseSource, planSearches } from '../../src/engine/ast/parse.js';
import { astKind, astMatchSchema } from '../../src/engine/matchers/ast.js';
import type { CompiledFileMatcher } from '../../src/engine/matchers/matcher.js';
import { SourceFile } from '../../src/engine/source.js';

const CODE = [
  'const q = "SELECT * FROM t WHERE id = " + req.query.id;',
  'db.query(q);',
  'foo(bar(1), baz(x.y(2)));',
  'pool.query(`SELECT ${name}`, [a]);',
  '',
].join('\n');

// Same metavariable names in different searches, nested matches, a node two searches match.
const SEARCHES: NapiConfig[] = [
  { rule: { pattern: '$C.query($SINK $$$)' } },
  { rule: { any: [{ pattern: '$F($$$)' }, { kind: 'template_string' }] } },
  { rule: { pattern: '$C.y($SINK)' } },
  { rule: { kind: 'binary_expression', regex: 'SELECT' } },
];

const describeNodes = (nodes: SgNode[]): string[] =>
  nodes.map((n) => `${n.range().start.index}:${n.kind()}:${n.getMatch('C')?.text() ?? '-'}:${n.getMatch('SINK')?.text() ?? '-'}:${n.getMatch('F')?.text() ?? '-'}`);

describe('planned searches', () => {
  it('give every search its own nodes and bindings, as a search of its own does', () => {
    const alone = parseSource(new SourceFile('a.js', CODE), 'javascript')!;
    const expected = SEARCHES.map((c) => describeNodes(alone.findAll(c)));

    const file = new SourceFile('a.js', CODE);
    planSearches(file, 'javascript', [SEARCHES.map((config) => ({ config }))]);
    const root = parseSource(file, 'javascript')!;
    expect(SEARCHES.map((c) => describeNodes(findAllOnce(root, c)))).toEqual(expected);
    expect(expected[1].length).toBeGreaterThan(3); // nested calls all found
    expect(expected[0][0]).toContain(':db:q:');
  });

  it('make a later search only where the search it waits for found something', () => {
    const file = new SourceFile('a.js', CODE);
    const sinks: NapiConfig = { rule: { pattern: '$C.execute($SINK)' } }; // not in the code
    const sources: NapiConfig = { rule: { pattern: '$R.query' } };
    planSearches(file, 'javascript', [[{ config: sinks }], [{ config: sources, after: sinks }, { config: SEARCHES[3], after: SEARCHES[0] }]]);
    const root = parseSource(file, 'javascript')!;
    const walks = vi.spyOn(root, 'findAll');
    expect(findAllOnce(root, sinks)).toEqual([]);
    // Asked anyway, the search is still made (on its own) and right.
    expect(findAllOnce(root, sources).map((n) => n.text())).toEqual(['req.query', 'db.query', 'pool.query']);
    expect(findAllOnce(root, SEARCHES[3]).map((n) => n.kind())).toEqual(['binary_expression']);
    // Neither later search joined a shared walk: the searches they wait for found nothing / were not made.
    expect(walks.mock.calls.map(([config]) => config)).toEqual([sinks, sources, SEARCHES[3]]);
  });

  it('label unnamed nodes and leave names that only look like metavariables alone', () => {
    const code = 'if (a === b) { $Foo(1); $FOO(2); }';
    const searches: NapiConfig[] = [{ rule: { regex: '^===$' } }, { rule: { pattern: '$Foo($X)' } }, { rule: { pattern: '$FOO($X)' } }];
    const alone = parseSource(new SourceFile('b.js', code), 'javascript')!;
    const expected = searches.map((c) => alone.findAll(c).map((n) => n.text()));
    expect(expected.map((e) => e.length)).toEqual([1, 1, 2]); // $FOO is a metavariable: both calls
    const file = new SourceFile('b.js', code);
    planSearches(file, 'javascript', [searches.map((config) => ({ config }))]);
    const root = parseSource(file, 'javascript')!;
    expect(searches.map((c) => findAllOnce(root, c).map((n) => n.text()))).toEqual(expected);
  });

  it('keep a failing search to itself: the others are still made and right', () => {
    const file = new SourceFile('a.js', CODE);
    const broken: NapiConfig = { rule: { kind: 'no_such_kind' } };
    planSearches(file, 'javascript', [[{ config: SEARCHES[0] }, { config: broken }, { config: SEARCHES[2] }]]);
    const root = parseSource(file, 'javascript')!;
    expect(describeNodes(findAllOnce(root, SEARCHES[0]))).toEqual(describeNodes(root.findAll(SEARCHES[0])));
    expect(() => findAllOnce(root, broken)).toThrow();
    expect(describeNodes(findAllOnce(root, SEARCHES[2]))).toEqual(describeNodes(root.findAll(SEARCHES[2])));
  });

  it('leave rule results unchanged when a scan plans them (taint and patterns)', () => {
    const compile = (match: unknown) => astKind.compile(astMatchSchema.parse(match), { ruleId: 'T-1', packFile: 't.yaml' }) as CompiledFileMatcher;
    const rules = [
      compile({ languages: ['javascript'], taint: { sources: ['req.query'], sinks: ['$C.query($SINK $$$)'] } }),
      compile({ languages: ['javascript'], patterns: ['$C.query($X $$$)'], where: { $C: '^pool$' } }),
      compile({ languages: ['javascript'], patterns: ['$F($$$)'], where: { $F: '^baz$' } }),
    ];
    const unplanned = rules.map((r) => r.match(new SourceFile('a.js', CODE)).map((m) => [m.line, m.column, m.matched]));
    const file = new SourceFile('a.js', CODE);
    rules.forEach((r) => r.prepare?.(file));
    expect(rules.map((r) => r.match(file).map((m) => [m.line, m.column, m.matched]))).toEqual(unplanned);
    expect(unplanned.map((u) => u.length)).toEqual([1, 1, 1]);
  });

  it('analyse only the sinks in the taint block\'s context (not_inside)', () => {
    const m = astKind.compile(
      astMatchSchema.parse({ languages: ['javascript'], taint: { sources: ['req.query'], sinks: ['$C.query($SINK $$$)'] }, not_inside: ['function migrate($$$) { $$$ }'] }),
      { ruleId: 'T-2', packFile: 't.yaml' },
    ) as CompiledFileMatcher;
    const code = ['function handler(req) { db.query("SELECT " + req.query.id); }', 'function migrate(req) { db.query("SELECT " + req.query.id); }', ''].join('\n');
    const file = new SourceFile('c.js', code);
    m.prepare?.(file);
    expect(m.match(file).map((r) => r.line)).toEqual([1]);
    expect(m.match(new SourceFile('c.js', code)).map((r) => r.line)).toEqual([1]);
  });
});
