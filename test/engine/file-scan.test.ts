// Per-file scanning: secrets found by one rule are masked in every finding's snippet on that line.
import { describe, expect, it } from 'vitest';
import { scanText } from '../../src/engine/file-scan.js';
import { buildRuleSet } from '../../src/engine/ruleset.js';
import { builtinPacksDir, loadPack } from '../../src/packs/load.js';
import { join } from 'node:path';

const secretsRules = () => buildRuleSet([loadPack(join(builtinPacksDir(), 'secrets'), true)], {}, 'test');
const AWS = 'AKIAZ7Q3XK2MLP4WN6RD';

describe('scanText', () => {
  it('masks a secret in the snippets of other rules on the same line', () => {
    const packs = ['owasp-top-10', 'secrets'].map((id) => loadPack(join(builtinPacksDir(), id), true));
    const rules = buildRuleSet(packs, {}, 'test');
    const secret = 'AKIAZ7Q3XK2MLP4WN6RD';
    // The SQL rule knows nothing of secrets; the AWS detector does.
    const line = `db.query("SELECT * FROM keys WHERE id = '${secret}' AND u = " + req.query.u);`;
    const result = scanText('config.js', `${line}\n`, rules);
    expect(result.hits.map((h) => h.ruleId)).toEqual(expect.arrayContaining(['OWASP-A03-002', 'SEC-AWS-001']));
    for (const h of result.hits) expect(h.snippet).not.toContain(secret);
  });

  it('masks a secret found on one line wherever else it appears, in every other finding\'s snippet', () => {
    const packs = ['owasp-top-10', 'python-security', 'secrets'].map((id) => loadPack(join(builtinPacksDir(), id), true));
    const rules = buildRuleSet(packs, {}, 'test');
    const key = 'sk-proj-Tq8vN2mLkP4xR7wZ9bC1dF3gH5jK6sA0eY2uI8oQ4tV7nM1pW3zX';
    const text = `import requests\nOPENAI_API_KEY = "${key}"\nr = requests.get("https://api.openai.com/v1/models?k=${key}", verify=False)\nprint(eval(input("${key}")))\n`;
    const result = scanText('app.py', text, rules);
    expect(new Set(result.hits.map((h) => h.line))).toEqual(new Set([2, 3, 4]));
    for (const h of result.hits) expect(h.snippet).not.toContain(key.slice(8, 30));
  });

  it('keys a finding over several lines (a handler) by its first line: an edit inside keeps its identity', () => {
    const rules = buildRuleSet([loadPack(join(builtinPacksDir(), 'javascript-typescript-security'), true)], {}, 'test');
    const handler = (body: string) => `const app = require('express')();\napp.post('/calc', (req, res) => {\n  const result = req.body.a * 2;\n  ${body}\n});\n`;
    const keys = (text: string) => scanText('server.js', text, rules).hits.filter((h) => (h.endLine ?? h.line!) > h.line!).map((h) => [h.ruleId, h.line, h.matchKey]);
    const before = keys(handler('res.json({ result });'));
    expect(before.length).toBeGreaterThan(0);
    expect(keys(handler('res.json({ result, ok: true });'))).toEqual(before);
  });

  it('finds inline ignores in the keyword pass: used ones, unused ones in files no rule looks at, exact case only', () => {
    const rules = secretsRules();
    const used = scanText('a.py', `# sentrik-ignore SEC-AWS-001: test fixture\nkey = "${AWS}"\n`, rules);
    expect(used.hits.map((h) => [h.ruleId, h.inline])).toEqual([['SEC-AWS-001', { reason: 'test fixture', line: 1 }]]);
    const unused = scanText('b.md', 'Nothing here.\n<!-- sentrik-ignore SEC-GH-001: gone -->\n', rules);
    expect([unused.hits, unused.ignores]).toEqual([[], [{ line: 2, ruleIds: ['SEC-GH-001'], reason: 'gone' }]]);
    const shouted = scanText('c.py', `# SENTRIK-IGNORE SEC-AWS-001: not the marker\nkey = "${AWS}"\n`, rules);
    expect([shouted.hits.map((h) => h.inline), shouted.ignores]).toEqual([[undefined], undefined]);
  });

  it('honours an inline ignore only in a comment, never in a string or in code', () => {
    const rules = secretsRules();
    const inline = (file: string, text: string) => scanText(file, text, rules).hits.map((h) => h.inline?.reason);
    // Comments at the start of a line, after code, in a block comment's body, in the languages' own syntaxes.
    expect(inline('a.py', `key = "${AWS}"  # sentrik-ignore SEC-AWS-001: fixture\n`)).toEqual(['fixture']);
    expect(inline('a.js', `const k = '${AWS}'; // sentrik-ignore SEC-AWS-001: fixture\n`)).toEqual(['fixture']);
    expect(inline('a.js', `/*\n  sentrik-ignore SEC-AWS-001: fixture\n*/ const k = '${AWS}';\n`)).toEqual(['fixture']);
    expect(inline('a.js', `/*\n * sentrik-ignore SEC-AWS-001: fixture\n */ const k = '${AWS}';\n`)).toEqual(['fixture']);
    expect(inline('a.sql', `SELECT '${AWS}' -- sentrik-ignore SEC-AWS-001: fixture\n`)).toEqual(['fixture']);
    expect(inline('a.sh', `echo "it's ${AWS}" # sentrik-ignore SEC-AWS-001: fixture\n`)).toEqual(['fixture']);
    // In a string, or after a comment opener that is itself inside a string: not a suppression.
    expect(inline('a.js', `const tag = "sentrik-ignore all: x"; const k = '${AWS}';\n`)).toEqual([undefined]);
    expect(inline('a.py', `tag = "# sentrik-ignore all: x"; k = '${AWS}'\n`)).toEqual([undefined]);
    expect(inline('a.js', `const tag = \`// sentrik-ignore SEC-AWS-001: x\`; const k = '${AWS}';\n`)).toEqual([undefined]);
    expect(inline('a.js', `i--; sentrik-ignore(SEC-AWS-001); const k = '${AWS}';\n`)).toEqual([undefined]);
  });

  it('gives the same result for the bytes of a file as for its text (columns count characters)', () => {
    const rules = secretsRules();
    for (const text of [`key = "${AWS}"\n`, `# café ☕ 😀\nclé = "${AWS}" # ü\n`]) {
      const utf8 = Buffer.from(text);
      expect(scanText('f.py', { utf8, ascii: utf8.length === text.length }, rules)).toEqual(scanText('f.py', text, rules));
    }
    expect(scanText('f.py', { utf8: Buffer.from(`# café\nclé = "${AWS}"\n`), ascii: false }, rules).hits[0]).toMatchObject({ line: 2, column: 8 });
  });
});
