// The literal prefilter of repository globs must never drop a file picomatch would match.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { filesMatching } from '../../src/engine/matchers/repo-globs.js';
import { requiredLiteral } from '../../src/engine/path-index.js';
import { ruleView } from '../../src/engine/source.js';
import { builtinPacksDir, loadPack, packDirs } from '../../src/packs/load.js';

const repo = (files: string[]) => ({ files, size: () => 0, read: () => undefined });

describe('repository globs', () => {
  it('reads the text a glob cannot match without', () => {
    expect(requiredLiteral('**/SECURITY.md')).toBe('security.md');
    expect(requiredLiteral('docs/{threat-model,threat_model}*.md')).toBe('docs');
    expect(requiredLiteral('**/[Ii]ncident*')).toBe('ncident');
    expect(requiredLiteral('**/*.{yml,yaml}')).toBeUndefined();
    expect(requiredLiteral('!**/test/**')).toBeUndefined();
    expect(requiredLiteral('**/@(risk|hazard)-*.md')).toBe('.md'); // the group is a choice
    expect(requiredLiteral('a\\*b/file.txt')).toBeUndefined();
  });

  it('finds exactly what picomatch finds, for every glob of the built-in packs', () => {
    const files = corpusPaths();
    const globs = new Set<string[]>();
    const collect = (node: unknown): void => {
      if (Array.isArray(node) && node.length && node.every((x) => typeof x === 'string')) globs.add(node as string[]);
      else if (Array.isArray(node)) node.forEach(collect);
      else if (node && typeof node === 'object') Object.values(node).forEach(collect);
    };
    for (const dir of packDirs(builtinPacksDir())) {
      for (const r of loadPack(dir, true).rules) if (r.scope === 'repo') collect(r.def.match);
    }
    expect(globs.size).toBeGreaterThan(30);
    const view = repo(files);
    let matched = 0;
    for (const g of globs) {
      const isMatch = picomatch(g, { dot: true, nocase: true });
      const want = files.filter((f) => isMatch(f));
      matched += want.length;
      expect(filesMatching(view, g), JSON.stringify(g)).toEqual(want);
    }
    expect(matched).toBeGreaterThan(10);
  });

  it("gives a repository rule exactly the files its own files/exclude globs select (case-sensitive)", () => {
    const view = repo(corpusPaths());
    let rules = 0;
    for (const dir of packDirs(builtinPacksDir())) {
      for (const r of loadPack(dir, true).rules) {
        if (!r.def.files?.length) continue;
        rules++;
        expect(ruleView(view, r).files, r.def.id).toEqual(view.files.filter((f) => r.appliesTo(f)));
      }
    }
    expect(rules).toBeGreaterThan(20);
  });
});

/** Real paths (two third-party corpora) plus paths shaped like what the obligations and file globs look for. */
function corpusPaths(): string[] {
  const files: string[] = [];
  const walk = (d: string, base: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p, base);
      else files.push(relative(base, p));
    }
  };
  walk('../shared/corpora/zizmor/files', '../shared/corpora/zizmor/files');
  walk('../shared/corpora/lockfiles', '../shared/corpora/lockfiles');
  files.push('SECURITY.md', '.github/SECURITY.md', 'docs/Security.MD', 'docs/threat-model.md', 'THREAT_MODEL.md', 'Incident-Response.md',
    '.github/dependabot.yml', 'renovate.json', 'docs/risk/hazard-analysis.md', 'SBOM.cdx.json', 'requirements.txt', 'docs/SOUP.md',
    'certs/server.p12', 'certs/SERVER.P12', 'keys/a.pfx', '.env', '.env.local', '.env.prod.local', 'app/.env.production', '.env.example', 'Dockerfile', 'src/app.py', 'src/index.ts');
  return files;
}
