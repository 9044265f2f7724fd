// AST rules through the real CLI: bad input degrades to a reported problem, and the language packs are
// measured against the labelled semgrep-rules corpus (read in place).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoStack, project, REPO, sentrik } from '../cli/helpers.js';
// @ts-expect-error plain ESM script without types
import { loadCorpus, loadSarif, score } from '../../../shared/bench/score.mjs';

const PACKS = 'owasp-top-10,python-security,go-security,javascript-typescript-security,java-security';

describe('scan with AST rules', () => {
  it('skips AST rules for a minified bundle, reports why, and keeps its line-pattern findings', () => {
    const root = project({
      'src/bundle.min.js': `var a=1;${'eval(req.body.x);'.repeat(1000)}\nconst password = "Sup3rS3cret!2024";\n`,
      'src/app.js': 'app.post("/c", (req, res) => { res.json({ r: eval(req.body.expr) }); });\n',
    });
    const out = join(root, 'out.json');
    const r = sentrik(['scan', root, '--packs', 'owasp-top-10', '--no-cache', '--format', 'json', '--output', out]);
    expect(r.code).toBe(0);
    expectNoStack(r.stderr);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const problems = report.problems.filter((p: { file: string }) => p.file === 'src/bundle.min.js');
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/minified/);
    const hits = report.findings.map((f: { ruleId: string; file: string; line?: number }) => `${f.ruleId} ${f.file}:${f.line}`);
    expect(hits).toContain('OWASP-A03-001 src/app.js:1');
    expect(hits).toContain('OWASP-A07-001 src/bundle.min.js:2');
  });

  it('reports weaker evidence at the block\'s lower severity, and never above a configured override', () => {
    const files = { 'calc.py': 'import sys\ndef calc(expr):\n    eval(sys.argv[1])\n    return eval(expr)\n' };
    const severities = (root: string): string[] => {
      const out = join(root, 'out.json');
      const r = sentrik(['scan', root, '--packs', 'python-security', '--no-cache', '--format', 'json', '--output', out]);
      expect(r.code).toBe(0);
      const report = JSON.parse(readFileSync(out, 'utf8'));
      return report.findings.filter((f: { ruleId: string }) => f.ruleId === 'PY-EVAL-001').map((f: { line: number; severity: string }) => `${f.line} ${f.severity}`);
    };
    expect(severities(project(files))).toEqual(['3 high', '4 medium']);
    const lowered = project({ ...files, '.sentrik/config.yaml': 'pack_overrides:\n  python-security:\n    PY-EVAL-001: { severity: low }\n' });
    expect(severities(lowered)).toEqual(['3 low', '4 low']);
  });

  it('stays precise on the semgrep-rules corpus (every language, covered CWE families)', () => {
    const root = project({});
    const sarif = join(root, 'sg.sarif');
    // The scanner keeps history and an audit log under the scan root; leave the shared corpus as we found it.
    const files = join(REPO, '../shared/corpora/semgrep-rules/files');
    const created = ['.sentrik', 'out'].filter((d) => !existsSync(join(files, d)));
    let r;
    try {
      r = sentrik(['scan', files, '--packs', PACKS, '--format', 'sarif', '--output', sarif, '--no-cache'], { timeout: 300_000 });
    } finally {
      for (const d of created) rmSync(join(files, d), { recursive: true, force: true });
    }
    expect(r.code).toBe(0);
    const corpus = loadCorpus(join(REPO, '../shared/corpora/semgrep-rules'));
    const results = loadSarif(sarif);
    const covered = /^CWE-(89|943|78|94|95|79|918|22|23|73|502|327|328|326|916|330|338|295|614|1004|601|611|798|259|183|942|489|215|90|643|347)$/;
    for (const lang of ['python', 'javascript', 'java', 'go']) {
      const labels = corpus.labels.filter((l: { file: string; cwe?: string[] }) => l.file.startsWith(`${lang}/`) && (l.cwe ?? []).some((c) => covered.test(c)));
      const s = score({ ...corpus, labels }, results, 2, false);
      expect(s.precision, `${lang} precision`).toBeGreaterThanOrEqual(0.85);
      expect(s.recall, `${lang} recall`).toBeGreaterThanOrEqual(0.35);
    }
  }, 320_000);
});
