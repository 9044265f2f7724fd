// Format detection, parsers with positions, parse-once caching and bad input.
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/engine/source.js';
import { contextAccesses, findExpressions } from '../../src/engine/formats/expressions.js';
import { detect, dockerfileOf, githubOf, scriptsOf, yamlOf } from '../../src/engine/formats/index.js';
import { SentrikError } from '../../src/util/errors.js';

describe('detect', () => {
  it.each([
    ['.github/workflows/ci.yml', 'x: 1', 'github-workflow'],
    ['templates/build.yml', 'name: b\non:\n  push:\njobs:\n  a:\n    runs-on: x\n', 'github-workflow'],
    ['files/quoted.yml', '"on": push\njobs: {}\n', 'github-workflow'],
    ['actions/setup/action.yml', 'runs:\n  using: composite\n', 'github-action'],
    ['ci/template.yml', 'runs:\n  using: node20\n  main: index.js\n', 'github-action'],
    ['.gitlab-ci.yml', 'x: 1', 'gitlab-ci'],
    ['ci/jobs.yml', 'stages: [test]\ntest:\n  stage: test\n  script:\n    - make\n', 'gitlab-ci'],
    ['azure-pipelines.yml', 'x: 1', 'azure-pipelines'],
    ['pipelines/build.yml', 'trigger: [main]\nsteps:\n  - script: make\n', 'azure-pipelines'],
    ['deploy/compose.yaml', 'services: {}', 'docker-compose'],
    ['Dockerfile', '', 'dockerfile'],
    ['build/app.Dockerfile', '', 'dockerfile'],
    ['Dockerfile.prod', '', 'dockerfile'],
    ['scripts/x.sh', '', 'shell'],
    ['bin/tool', '#!/usr/bin/env bash\necho hi\n', 'shell'],
    ['Makefile', '', 'makefile'],
    ['package.json', '{}', 'package-json'],
    ['requirements-dev.txt', '', 'requirements'],
    ['.github/dependabot.yml', '', 'dependabot'],
    ['.pre-commit-config.yaml', '', 'pre-commit'],
    ['.npmrc', '', 'npmrc'],
  ])('%s → %s', (path, text, want) => {
    expect(detect(path, text)).toBe(want);
  });
  it('leaves other files alone', () => {
    expect(detect('config/app.yml', 'database:\n  host: x\n')).toBeUndefined();
    expect(detect('src/index.ts', 'on: 1\njobs: 2\n')).toBeUndefined();
  });
});

describe('expressions', () => {
  it('finds spans, including `}}` inside string literals', () => {
    const spans = findExpressions("a ${{ format('{0}}}', x) }} b ${{ y }}");
    expect(spans.map((s) => s.body.trim())).toEqual(["format('{0}}}', x)", 'y']);
  });
  it('normalises index syntax and case, and records enclosing functions', () => {
    const acc = contextAccesses("github['EVENT'].issue.Title || toJSON(secrets) || fromJson(steps.x.outputs.y).z[0] || 'lit' || true");
    expect(acc.map((a) => [a.path, a.functions])).toEqual([
      ['github.event.issue.title', []],
      ['secrets', ['tojson']],
      ['steps.x.outputs.y', ['fromjson']],
    ]);
  });
});

describe('GitHub model', () => {
  it('reads triggers, jobs, steps and their nodes with lines', () => {
    const f = new SourceFile('w.yml', 'on:\n  push:\n    tags: [v*]\n  workflow_dispatch:\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo hi\n        shell: pwsh\n');
    const m = githubOf(f)!;
    expect([...m.triggers.keys()]).toEqual(['push', 'workflow_dispatch']);
    expect(m.jobs[0].steps.map((s) => s.uses ?? s.run)).toEqual(['actions/checkout@v4', 'echo hi']);
    const [block] = scriptsOf(f);
    expect(block.script.dialect).toBe('pwsh');
    expect(block.script.source.at(0)).toEqual({ line: 10, column: 14 });
  });
});

describe('Dockerfile', () => {
  it('joins continuations (skipping comment lines), tracks stages and maps RUN back to its lines', () => {
    const f = new SourceFile('Dockerfile', 'FROM golang:1.23 AS build\nRUN apt-get update && \\\n# a comment inside\n    curl -fsSL https://x | sh\nFROM scratch\nCOPY --from=build /app /app\n');
    const d = dockerfileOf(f)!;
    expect(d.stages.map((s) => [s.image, s.alias])).toEqual([['golang:1.23', 'build'], ['scratch', undefined]]);
    const run = d.instructions.find((i) => i.keyword === 'RUN')!;
    expect(run.args).toContain('curl -fsSL https://x | sh');
    const curl = scriptsOf(f)[0].script.commands.find((c) => c.words[0].text === 'curl')!;
    expect(scriptsOf(f)[0].script.source.at(curl.words[0].start)).toEqual({ line: 4, column: 5 });
  });
  it('reads RUN heredocs and exec-form shells as scripts', () => {
    const f = new SourceFile('Dockerfile', 'FROM x\nRUN <<EOF\nset -e\nwget -qO- https://x | bash\nEOF\nRUN ["/bin/sh", "-c", "curl https://y | sh"]\n');
    const cmds = scriptsOf(f).flatMap((b) => b.script.commands.map((c) => [c.words[0].text, b.script.source.at(c.words[0].start).line]));
    expect(cmds).toContainEqual(['wget', 4]);
    expect(cmds).toContainEqual(['curl', 6]);
  });
  it('reports a dangling continuation as a SentrikError with the line', () => {
    const f = new SourceFile('Dockerfile', 'FROM x\nRUN echo a && \\\n');
    try {
      dockerfileOf(f);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SentrikError);
      expect((err as SentrikError).line).toBe(2);
    }
  });
});

describe('bad input', () => {
  it('invalid YAML: SentrikError with file and line, parsed once and re-thrown identically', () => {
    const f = new SourceFile('.github/workflows/x.yml', 'on: push\njobs:\n  a: [unclosed\n');
    let first: unknown;
    try {
      yamlOf(f);
    } catch (err) {
      first = err;
    }
    expect(first).toBeInstanceOf(SentrikError);
    expect((first as SentrikError).file).toBe('.github/workflows/x.yml');
    expect((first as SentrikError).line).toBeGreaterThan(0);
    let second: unknown;
    try {
      githubOf(f);
    } catch (err) {
      second = err;
    }
    expect(second).toBe(first); // the cached failure, not a second parse
  });
  it('a YAML alias bomb is refused', () => {
    const bomb = ['on: push', 'a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    bomb.push('jobs: *i');
    expect(() => githubOf(new SourceFile('.github/workflows/bomb.yml', bomb.join('\n')))).toThrow(SentrikError);
  }, 20_000);
  it('a 5 MB workflow is reported, not parsed', () => {
    let text = 'on: push\njobs:\n';
    for (let i = 0; text.length < 5_000_000; i++) text += `  j${i}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: curl https://x | sh\n`;
    expect(() => githubOf(new SourceFile('.github/workflows/big.yml', text))).toThrow(/too large/);
  }, 20_000);
});
