// The `structured` kind: strict schema with errors that point into the pack, path queries, and how a broken
// document is reported by the scanner (once per file, the scan goes on).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanText } from '../../src/engine/file-scan.js';
import { structuredKind, parseQuery } from '../../src/engine/matchers/structured.js';
import { buildRuleSet } from '../../src/engine/ruleset.js';
import { SourceFile } from '../../src/engine/source.js';
import { builtinPacksDir, loadPack } from '../../src/packs/load.js';
import { SentrikError } from '../../src/util/errors.js';

function compile(match: unknown) {
  const parsed = structuredKind.schema.safeParse(match);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const m = structuredKind.compile(parsed.data, { ruleId: 'T-1', packFile: 'p.yaml' });
  if (m.scope !== 'file') throw new Error('expected a file matcher');
  return m;
}

describe('schema', () => {
  it.each([
    [{ check: 'unpinned-uses', bogus: 1 }, /bogus|Unrecognized/i],
    [{ check: 'no-such-check' }, /unknown check 'no-such-check'/],
    [{ check: 'unpinned-uses', options: { allow: 'x' } }, /options\.allow/],
    [{ check: 'unpinned-uses', options: { nope: true } }, /options/],
    [{ given: 'jobs.*' }, /needs a `format`/],
    [{ given: 'x', format: 'dockerfile' }, /YAML/],
    [{ check: 'unpinned-uses', given: 'x', format: 'github-workflow' }, /either `check` or `given`/],
    [{ check: 'dockerfile-add-url', format: 'github-workflow' }, /does not read github-workflow/],
  ])('rejects %j', (match, msg) => {
    expect(() => compile(match)).toThrow(msg);
  });

  it('an invalid rule in a pack file is reported at its line', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'scs-pack-')), 't'); // the folder name is the pack id
    mkdirSync(join(dir, 'rules'), { recursive: true });
    writeFileSync(join(dir, 'pack.yaml'), 'id: t\nname: t\nversion: "1"\nstandard: s\ndescription: d\n');
    writeFileSync(
      join(dir, 'rules', 'r.yaml'),
      ['- id: T-001', '  title: test rule', '  severity: low', '  kind: structured', '  message: m m', '  remediation: r r', '  match:', '    check: unpinned-uses', '    options:', '      allow: 3', '  examples:', '    bad: [{ file: a.yml, code: "x" }]', ''].join('\n'),
    );
    try {
      loadPack(dir, false);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SentrikError);
      expect((err as SentrikError).line).toBe(10);
    }
  });
});

describe('path queries', () => {
  it('parses segments', () => {
    expect(parseQuery('jobs.*.steps[*].uses')).toEqual([{ key: 'jobs' }, { any: true }, { key: 'steps' }, { any: true }, { key: 'uses' }]);
    expect(parseQuery('**."a.b"[0]')).toEqual([{ deep: true }, { key: 'a.b' }, { index: 0 }]);
  });

  it('finds values with exact line and column, with pattern and not_pattern', () => {
    const m = compile({ format: 'github-workflow', given: ['jobs.*.steps[*].uses'], pattern: '@', not_pattern: '@[0-9a-f]{40}$' });
    const f = new SourceFile('.github/workflows/ci.yml', 'on: push\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n');
    expect(m.match(f)).toEqual([{ line: 5, column: 15, matched: 'actions/checkout@v4' }]);
  });

  it('`**` reaches any depth; presence without a pattern points at the key of a null value', () => {
    const m = compile({ format: 'github-workflow', given: '**.ACTIONS_ALLOW_UNSECURE_COMMANDS' });
    const f = new SourceFile('w.yml', 'on: push\njobs:\n  a:\n    strategy:\n      matrix:\n        env:\n          - ACTIONS_ALLOW_UNSECURE_COMMANDS:\n');
    expect(m.match(f).map((r) => [r.line, r.column])).toEqual([[7, 13]]);
  });

  it('ignores files of other formats without parsing them', () => {
    const m = compile({ format: 'github-workflow', given: 'jobs' });
    expect(m.match(new SourceFile('config.yml', 'key: [broken'))).toEqual([]);
  });
});

describe('scanning broken documents', () => {
  const pack = loadPack(join(builtinPacksDir(), 'supply-chain-security'), true);
  const rules = buildRuleSet([pack], {}, 'test');

  it('invalid YAML in a workflow: one problem with file and line, other files still scanned', () => {
    const bad = scanText('.github/workflows/bad.yml', 'on: push\njobs:\n  a:\n    steps: [\n      - run: curl https://x | sh\n', rules);
    expect(bad.problems).toHaveLength(1);
    expect(bad.problems[0]).toMatchObject({ file: '.github/workflows/bad.yml', code: 'parse-error' });
    expect(bad.problems[0].line).toBeGreaterThan(0);
    const good = scanText('.github/workflows/ok.yml', 'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: curl https://x | sh\n', rules);
    expect(good.problems).toEqual([]);
    expect(good.hits.map((h) => [h.ruleId, h.line])).toContainEqual(['SCS-CI-001', 7]);
  });

  it('a Dockerfile with a dangling continuation: one problem; a 5 MB workflow: one problem, promptly', () => {
    const d = scanText('Dockerfile', 'FROM alpine:3\nRUN apk add curl \\\n', rules);
    expect(d.problems.map((p) => [p.code, p.line])).toEqual([['parse-error', 2]]);
    let text = 'on: push\njobs:\n';
    for (let i = 0; text.length < 5_000_000; i++) text += `  j${i}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${i}\n`;
    const big = scanText('.github/workflows/big.yml', text, rules);
    expect(big.problems).toHaveLength(1);
    expect(big.problems[0].message).toMatch(/too large/);
  }, 20_000);

  it('secrets found by SCS-CI-005 are masked in the snippet', () => {
    const r = scanText('.gitlab-ci.yml', 'deploy:\n  script:\n    - curl -H "Authorization: token ghp_abcdefghijklmnopqrstuvwxyz0123456789" https://api.github.com\n', rules);
    const hit = r.hits.find((h) => h.ruleId === 'SCS-CI-005')!;
    expect(hit.line).toBe(3);
    expect(hit.snippet).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
  });

  it('every keyword prefilter is lower-case', () => {
    for (const r of pack.rules) {
      if (r.matcher.scope !== 'file') continue;
      for (const k of r.matcher.keywords ?? []) expect(k, r.def.id).toBe(k.toLowerCase());
    }
  });
});
