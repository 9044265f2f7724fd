// OpenAPI checks against the Spectral OWASP test cases (../shared/corpora/spectral-owasp), read in place:
// every labelled problem is found within two lines, and files the whole Spectral ruleset accepts stay clean.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/engine/source.js';
import { getSpecCheck, specChecks } from '../../src/specs/index.js';

const CORPUS = join(__dirname, '..', '..', '..', 'shared', 'corpora', 'spectral-owasp');
const labels = readFileSync(join(CORPUS, 'labels.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { file: string; line: number | null; expect: 'finding' | 'clean'; category: string });

function findings(file: string): { check: string; line?: number }[] {
  const src = new SourceFile(file, readFileSync(join(CORPUS, 'files', file), 'utf8'));
  return specChecks('openapi').flatMap((c) => c.run(src, c.options.parse({})).map((m) => ({ check: c.name, line: m.line })));
}

describe('OpenAPI checks on the Spectral OWASP cases', () => {
  const byFile = new Map<string, typeof labels>();
  for (const l of labels) byFile.set(l.file, [...(byFile.get(l.file) ?? []), l]);
  for (const [file, ls] of byFile) {
    it(file, () => {
      const got = findings(file);
      for (const l of ls) {
        if (l.expect === 'finding') expect(got.some((g) => g.line !== undefined && Math.abs(g.line - l.line!) <= 2), `${l.category} at line ${l.line}`).toBe(true);
        else expect(got).toEqual([]);
      }
    });
  }
});

describe('OpenAPI checks', () => {
  const run = (name: string, text: string, options = {}): number[] => {
    const c = getSpecCheck(name)!;
    return c.run(new SourceFile('openapi.yaml', text), c.options.parse(options)).map((m) => m.line!);
  };

  it('finds sensitive response fields nested and through $ref, once, where they are defined', () => {
    const text = [
      'openapi: 3.0.3',
      'paths:',
      '  /a: { get: { responses: { "200": { content: { application/json: { schema: { $ref: "#/components/schemas/U" } } } } } } }',
      '  /b: { get: { responses: { "200": { content: { application/json: { schema: { type: array, items: { $ref: "#/components/schemas/U" } } } } } } } }',
      'components:',
      '  schemas:',
      '    U:',
      '      properties:',
      '        card: { $ref: "#/components/schemas/Card" }',
      '    Card:',
      '      properties:',
      '        cardNumber: { type: string }',
      '        cardholderName: { type: string }',
    ].join('\n');
    expect(run('openapi-sensitive-response-field', text)).toEqual([12]);
  });

  it('honours the public allow-list and optional auth', () => {
    const text = 'openapi: 3.0.3\npaths:\n  /health:\n    get: {}\n  /login:\n    post:\n      security: [{}, {bearer: []}]\n';
    expect(run('openapi-operation-security', text)).toEqual([4, 7]);
    expect(run('openapi-operation-security', text, { public: ['GET /health', '/login'] })).toEqual([]);
  });

  it('input bounds: fields only responses return are not input; sent ones, parameters and unused definitions are', () => {
    const text = [
      'openapi: 3.0.3',
      'paths:',
      '  /users/{id}:',
      '    parameters: [{ name: id, in: path, required: true, schema: { type: string } }]',
      '    put:',
      '      requestBody: { content: { application/json: { schema: { $ref: "#/components/schemas/NewUser" } } } }',
      '      responses:',
      '        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/User" } } } }',
      '        "400": { description: bad, content: { application/json: { schema: { $ref: "#/components/schemas/Error" } } } }',
      'components:',
      '  schemas:',
      '    NewUser:',
      '      properties:',
      '        name: { type: string }',
      '        address: { $ref: "#/components/schemas/Address" }',
      '    User:',
      '      properties:',
      '        bio: { type: string }',
      '        address: { $ref: "#/components/schemas/Address" }',
      '        tags: { type: array, items: { type: string } }',
      '    Address:',
      '      properties:',
      '        street: { type: string }',
      '    Error:',
      '      properties:',
      '        detail: { type: string }',
      '    Draft:',
      '      properties:',
      '        note: { type: string }',
    ].join('\n');
    // id (parameter), name (request), street (sent and returned), note (no operation uses Draft): input.
    // bio, tags and detail are only ever returned.
    expect(run('openapi-unbounded-string', text)).toEqual([14, 23, 29, 4]);
    expect(run('openapi-unbounded-array', text)).toEqual([]);
  });

  it('allows plain HTTP on localhost only', () => {
    const text = 'openapi: 3.0.3\npaths: {}\nservers:\n  - url: http://localhost:3000\n  - url: http://127.0.0.1/api\n  - url: http://internal.example.com\n';
    expect(run('openapi-plain-http-server', text)).toEqual([6]);
  });

  it('ignores files that only mention openapi', () => {
    expect(specChecks('openapi').flatMap((c) => c.run(new SourceFile('README.md', 'We publish an openapi: spec\nopenapi: see docs/'), c.options.parse({})))).toEqual([]);
  });
});
