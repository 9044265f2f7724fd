// Spec documents with positions: YAML and JSON (incl. minified), $ref validation, bad input.
import { describe, expect, it } from 'vitest';
import { parseSpecText } from '../../src/specs/doc.js';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRefs, deref, resolveRefs } from '../../src/specs/refs.js';
import { SentrikError } from '../../src/util/errors.js';

const refOpts = { external: false, absPath: '/tmp/x/spec.yaml', root: '/tmp/x' };

function error(fn: () => unknown): SentrikError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SentrikError) return e;
    throw e;
  }
  throw new Error('expected a SentrikError');
}

describe('parseSpecText', () => {
  it('gives YAML keys and items their lines', () => {
    const d = parseSpecText('openapi: 3.0.0\npaths:\n  /a:\n    get:\n      parameters:\n        - name: id\n          in: path\n', 'a.yaml');
    const root = d.root as any;
    const op = root.paths['/a'].get;
    expect(d.lineOf(op)?.line).toBe(4);
    expect(d.keyLine(op.parameters, 0)?.line).toBe(6);
    expect(d.keyLine(op.parameters[0], 'in')?.line).toBe(7);
  });

  it('gives JSON keys lines, and columns on minified JSON', () => {
    const pretty = parseSpecText('{\n  "openapi": "3.0.0",\n  "paths": {\n    "/a": { "get": {} }\n  }\n}', 'a.json');
    expect(pretty.lineOf((pretty.root as any).paths['/a'].get)).toEqual({ line: 4, column: 13 });
    const text = '{"openapi":"3.0.0","paths":{"/a":{"get":{}},"/b":{"get":{}}}}';
    const min = parseSpecText(text, 'm.json');
    const b = min.lineOf((min.root as any).paths['/b'].get)!;
    expect(b.line).toBe(1);
    expect(text.slice(b.column - 1)).toMatch(/^"get"/);
  });

  it('keys with escapes and strings with brackets do not confuse the JSON position scan', () => {
    const d = parseSpecText('{"a\\"b": {"x": "}]{["},\n"c": {"y": 1}}', 'e.json');
    expect(d.lineOf((d.root as any).c)?.line).toBe(2);
  });

  it('invalid YAML and JSON are one-line errors with the line', () => {
    expect(error(() => parseSpecText('openapi: 3.0.0\npaths:\n  /a: [\n', 'bad.yaml')).format()).toMatch(/^bad\.yaml:\d+: invalid YAML/);
    const e = error(() => parseSpecText('{\n  "openapi": "3.0.0",\n  "paths": {,}\n}', 'bad.json'));
    expect(e.file).toBe('bad.json');
    expect(e.line).toBe(3);
  });

  it('a .json file is strict JSON: the error says where and what JSON expected, in JSON terms', () => {
    const cases: [string, number, RegExp][] = [
      ['{\n  "a": {"b": 1},\n}', 2, /expected another property after ','/], // at the comma to delete
      ['{"a": [1,\n2,]}', 2, /expected another element after ','/],
      ['{"a": 1\n "b": 2}', 2, /expected ',' or '\}' after a property value/],
      ['{"a": "x\ny"}', 1, /expected an escape/],
      ['{"a": tru}', 1, /expected a value/],
      ['{"a": 1} x', 1, /expected the end of the document/],
      ['{"a": 1', 1, /expected ',' or '\}'/],
    ];
    for (const [text, line, re] of cases) {
      const e = error(() => parseSpecText(text, 'api.json'));
      expect([text, e.line]).toEqual([text, line]);
      expect(e.message).toMatch(/^invalid JSON: /);
      expect(e.message).toMatch(re);
      expect(e.message).not.toMatch(/indented|flow|block/i); // not YAML's words
    }
    // A YAML file may be written in flow style: it stays YAML.
    expect((parseSpecText('{"a": 1,}', 'api.yaml').root as any).a).toBe(1);
    expect((parseSpecText('\ufeff{"a": 1}', 'api.json').root as any).a).toBe(1);
  });

  it('an alias bomb neither expands nor hangs', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 20; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`);
    const d = parseSpecText(lines.join('\n'), 'bomb.yaml');
    expect(Array.isArray((d.root as any).u)).toBe(true);
  });

  it('parses a 20 MB JSON description', () => {
    const schemas: Record<string, unknown> = {};
    for (let i = 0; i < 60_000; i++) schemas[`S${i}`] = { type: 'object', properties: { name: { type: 'string', maxLength: 10 }, ref: { $ref: `#/components/schemas/S${(i + 1) % 60_000}` } } };
    const text = JSON.stringify({ openapi: '3.0.0', info: { title: 'big', version: '1' }, paths: {}, components: { schemas } }, null, 1);
    expect(text.length).toBeGreaterThan(20_000_000 / 2);
    const d = parseSpecText(text, 'big.json');
    expect(d.lineOf((d.root as any).components.schemas.S59999)!.line).toBeGreaterThan(100_000);
    expect(checkRefs(d, refOpts).local).toBe(60_000);
  });
});

describe('$ref', () => {
  it('follows local references and handles recursive schemas', () => {
    const d = parseSpecText('components:\n  schemas:\n    Tree:\n      properties:\n        kids: { type: array, items: { $ref: "#/components/schemas/Tree" } }\n', 't.yaml');
    const tree = (d.root as any).components.schemas.Tree;
    expect(deref(d, tree.properties.kids.items)).toBe(tree);
    expect(checkRefs(d, refOpts).local).toBe(1);
  });

  it('an unresolvable reference names its line', () => {
    const d = parseSpecText('a: 1\nb:\n  $ref: "#/nope"\n', 'u.yaml');
    const e = error(() => checkRefs(d, refOpts));
    expect(e.format()).toMatch(/^u\.yaml:3: unresolvable \$ref '#\/nope'/);
  });

  it('a reference cycle is an error, not a hang', () => {
    const d = parseSpecText('A:\n  $ref: "#/B"\nB:\n  $ref: "#/A"\n', 'c.yaml');
    expect(error(() => checkRefs(d, refOpts)).message).toMatch(/reference cycle: #\/[AB] → #\/[AB] → #\/[AB]/);
    expect(deref(d, (d.root as any).A)).toBeUndefined();
  });

  it('every broken or looping reference is a problem at its line, without throwing', () => {
    const d = parseSpecText('A:\n  $ref: "#/B"\nB:\n  $ref: "#/A"\nC:\n  $ref: "#/nope"\nD:\n  $ref: "#/C"\n', 'c.yaml');
    // D leads to a broken reference: reported once, at C, the line to fix.
    expect(resolveRefs(d, refOpts).problems.map((p) => `${p.line}: ${p.message}`)).toEqual(['2: reference cycle: #/B → #/A → #/B', '4: reference cycle: #/A → #/B → #/A', "6: unresolvable $ref '#/nope'"]);
  });

  it('followed external files: cycles across them are found, deref reaches into them, positions name their file', () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'sentrik-refs-')));
    mkdirSync(join(root, 'schemas'));
    writeFileSync(join(root, 'a.yaml'), "A: { $ref: './b.yaml#/B' }\n");
    writeFileSync(join(root, 'b.yaml'), "B: { $ref: './a.yaml#/A' }\n");
    writeFileSync(join(root, 'schemas', 'pet.yaml'), "Pet:\n  type: object\n  properties:\n    owner: { $ref: '#/Owner' }\nOwner: { type: string }\n");
    const opts = { external: true, absPath: join(root, 'spec.yaml'), root };
    const cyclic = parseSpecText("S: { $ref: './a.yaml#/A' }\n", 'spec.yaml');
    expect(error(() => checkRefs(cyclic, opts)).format()).toBe('spec.yaml:1: reference cycle: ./a.yaml#/A → ./b.yaml#/B → ./a.yaml#/A — one of these must define something instead of referring on');
    const d = parseSpecText("x: 1\nP: { $ref: './schemas/pet.yaml#/Pet' }\n", 'spec.yaml');
    const { problems, files } = resolveRefs(d, opts);
    expect(problems).toEqual([]);
    d.files = files;
    const pet = deref(d, (d.root as any).P) as any;
    expect(pet.type).toBe('object');
    // A reference inside the other file is relative to that file.
    expect(deref(d, pet.properties.owner)).toEqual({ type: 'string' });
    expect(d.keyLine(pet.properties, 'owner')).toEqual({ line: 4, column: 5, file: 'schemas/pet.yaml' });
    expect(d.keyLine(d.root, 'P')).toEqual({ line: 2, column: 1 });
  });

  it('external references are listed, not followed, unless allowed', () => {
    const d = parseSpecText('a:\n  $ref: "common.yaml#/Pet"\nexample:\n  $ref: "#/not-a-ref"\n', 'x.yaml');
    expect(checkRefs(d, refOpts).externalSkipped).toEqual(['common.yaml#/Pet']);
  });
});
