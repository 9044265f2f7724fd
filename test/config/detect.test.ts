// Zero-config detection over the bundled demo and small synthetic trees.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectProject } from '../../src/config/detect.js';

const demo = join(import.meta.dirname, '..', '..', 'examples', 'ai-api');

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'sentrik-detect-'));
  dirs.push(root);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

describe('detectProject', () => {
  it('recognises the demo project', () => {
    const d = detectProject(demo);
    expect(d.languages).toEqual(expect.arrayContaining(['javascript', 'python', 'dockerfile']));
    expect(d.frameworks).toEqual(expect.arrayContaining(['express', 'fastapi']));
    expect(d.ci).toEqual(['github-actions']);
    expect(d.hasDocker).toBe(true);
    expect(d.truncated).toBe(false);
    expect(d.suggestedPacks.slice(0, 3)).toEqual(['owasp-top-10', 'supply-chain-security', 'secrets']);
    expect(d.suggestedPacks).toEqual(expect.arrayContaining(['python-security', 'javascript-typescript-security']));
  });

  it('reads frameworks from Go, JVM, Python and npm manifests', () => {
    const d = detectProject(
      tree({
        'svc/go.mod': 'module example.com/svc\n\ngo 1.22\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.9.1\n)\n',
        'api/pom.xml': '<project><parent><artifactId>spring-boot-starter-parent</artifactId></parent></project>',
        'web/pyproject.toml': '[project]\nname = "web"\ndependencies = ["Django>=5.0", "requests"]\n',
        'ui/package.json': JSON.stringify({ dependencies: { next: '14.0.0', react: '18.0.0' }, devDependencies: { typescript: '5.4.0' } }),
        'ui/app/page.tsx': 'export default function Page() { return null; }\n',
        'tools/flask-notes.txt': 'not a manifest: flask\n',
      }),
    );
    expect(d.frameworks).toEqual(['django', 'gin', 'nextjs', 'react', 'spring']);
    expect(d.languages).toEqual(expect.arrayContaining(['go', 'java', 'python', 'typescript']));
    expect(d.suggestedPacks).toEqual(expect.arrayContaining(['go-security', 'java-security', 'python-security', 'javascript-typescript-security']));
  });

  it('recognises CI systems and Docker', () => {
    const d = detectProject(
      tree({
        '.gitlab-ci.yml': 'test:\n  script: [make]\n',
        'azure-pipelines.yml': 'steps: []\n',
        '.circleci/config.yml': 'version: 2.1\n',
        Jenkinsfile: 'pipeline {}\n',
        'deploy/docker-compose.yml': 'services: {}\n',
      }),
    );
    expect(d.ci).toEqual(['azure-pipelines', 'circleci', 'gitlab-ci', 'jenkins']);
    expect(d.hasDocker).toBe(true);
    expect(d.languages).toEqual([]);
    expect(d.suggestedPacks).toEqual(['owasp-top-10', 'supply-chain-security', 'secrets']);
  });

  it("recognises the project's API contracts (by name and first lines) and suggests api-security", () => {
    const d = detectProject(
      tree({
        'api/openapi.yaml': 'openapi: 3.0.3\n',
        'docs/petstore.swagger.json': '{ "swagger": "2.0" }',
        'events/asyncapi.yml': 'asyncapi: 2.6.0\n',
        'proto/users.proto': 'syntax = "proto3";\n',
        'notes/openapi-notes.txt': 'not a contract\n',
        'config/swagger.json': '{ "ui": { "deepLinking": true } }', // named like one, is not
        'test/fixtures/openapi.yaml': 'openapi: 3.0.3\n', // test data
        'third_party/google/api/http.proto': 'syntax = "proto3";\n', // someone else's
        // Named otherwise, but name or folder says API: the first lines tell
        'api-contract.yaml': 'openapi: 3.1.0\n',
        'specs/billing.json': '{ "openapi": "3.0.3" }',
        'events.yaml': 'asyncapi: 3.0.0\n',
        'api/settings.yaml': 'debug: false\n', // an API folder's other file
        'deploy/values.yaml': 'openapi: 3.0.3\n', // neither name nor folder says API: not read
      }),
    );
    expect(d.apiSpecs.sort()).toEqual(['api-contract.yaml', 'api/openapi.yaml', 'docs/petstore.swagger.json', 'events.yaml', 'events/asyncapi.yml', 'proto/users.proto', 'specs/billing.json']);
    expect(d.suggestedPacks).toContain('api-security');
    expect(detectProject(demo).suggestedPacks).not.toContain('api-security');
    expect(detectProject(tree({ 'src/app.js': '1;\n', 'test/fixtures/swagger.json': '{ "swagger": "2.0" }' })).suggestedPacks).not.toContain('api-security');
  });

  it('skips dependency and build folders', () => {
    const d = detectProject(tree({ 'node_modules/x/index.js': '', 'vendor/y.go': '', 'dist/z.py': '', 'main.rs': 'fn main() {}\n' }));
    expect(d.languages).toEqual(['rust']);
  });

  it('never follows symbolic links, even into loops', () => {
    const outside = tree({ 'secret.go': 'package x\n' });
    const root = tree({ 'app.rb': 'puts 1\n' });
    symlinkSync(outside, join(root, 'linked'));
    symlinkSync(root, join(root, 'loop'));
    symlinkSync(join(outside, 'secret.go'), join(root, 'file.go'));
    const d = detectProject(root);
    expect(d.languages).toEqual(['ruby']);
  });

  it('stops after maxEntries and says so', () => {
    const files: Record<string, string> = { 'a/go.mod': 'module a\n' };
    for (let i = 0; i < 50; i++) files[`b/f${i}.py`] = '';
    const d = detectProject(tree(files), { maxEntries: 20 });
    expect(d.truncated).toBe(true);
    expect(d.languages).toContain('go');
  });

  it('survives a missing root and broken manifests', () => {
    expect(detectProject('/nonexistent/sentrik-detect').languages).toEqual([]);
    const d = detectProject(tree({ 'package.json': '{ not json', 'composer.json': '{' }));
    expect(d.frameworks).toEqual([]);
  });
});
