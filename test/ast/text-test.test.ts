// Text tests decide, before a file is parsed, that a pattern cannot match in it. They must never be wrong in
// that direction: checked on literal extraction cases, and against every regex of the built-in AST rules run
// over the real semgrep-rules corpus (a regex that matches a file must never have its test fail on it).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { regexTest, textTest } from '../../src/engine/ast/text-test.js';
import { deriveKeywords } from '../../src/engine/matchers/regex.js';
import { builtinPacksDir, loadPack, packDirs } from '../../src/packs/load.js';
import { compileRegex, testRegex } from '../../src/engine/regex.js';

const file = (text: string) => ({ text, lower: text.toLowerCase() });
const passes = (re: string, text: string): boolean => regexTest(re)?.(file(text)) ?? true;

describe('regex literals', () => {
  it('requires the literals every match contains, across groups and alternatives', () => {
    const re = '^(algorithms\\.(ARC4|TripleDES)|modes\\.ECB)\\(';
    expect(passes(re, 'c = algorithms.ARC4(key)')).toBe(true);
    expect(passes(re, 'c = modes.ECB(iv)')).toBe(true);
    expect(passes(re, 'c = algorithms.AES(key)')).toBe(false);
    expect(passes('^debug\\s*=\\s*True$', 'debug = False')).toBe(false);
    expect(passes('^["\'`]http://', 'fetch("https://example.org")')).toBe(false);
  });

  it('leaves out what may be absent: optional atoms and groups, classes, escapes', () => {
    expect(passes('abcd?e', 'abce')).toBe(true);
    expect(passes('ab(cde)?fgh', 'abfgh')).toBe(true);
    expect(passes('foo{0,1}bar', 'fobar')).toBe(true);
    expect(passes('[abc]def', 'cdef')).toBe(true);
    expect(passes('ab(cde)+fgh', 'abfgh')).toBe(false);
    expect(passes('\\bMODE_ECB\\b', 'AES.MODE_CBC')).toBe(false);
  });

  it('reads a leading (?i) as case-insensitive literals', () => {
    expect(passes('(?i)^(jwt|jsonwebtoken)$', 'const t = JWT.sign(p, k);')).toBe(true);
    expect(passes('(?i)^(jwt|jsonwebtoken)$', 'const t = Math.sign(p);')).toBe(false);
  });

  it('reads no literals from inner case-insensitive parts or syntax it does not follow, and still searches the regex', () => {
    expect(passes('a(?i)select', 'x = aSeLeCt')).toBe(true);
    expect(passes('a(?i)select', 'x = bselect')).toBe(false);
    expect(passes('\\Qa.b\\E', 'a.b')).toBe(true);
    expect(passes('\\Qa.b\\E', 'axb')).toBe(false);
    expect(regexTest('(?x) select')).toBeUndefined(); // RE2 has no verbose mode
  });

  it('reads escapes with arguments as escapes, and gives no test for syntax Rust and RE2 read differently', () => {
    expect(passes('\\x27SELECT', "cur.execute('SELECT 1')")).toBe(true);
    expect(passes('\\x27SELECT', 'no quote, no select')).toBe(false);
    expect(passes('\\u0041pple', 'Apple')).toBe(true);
    expect(passes('\\pLine', 'xine')).toBe(true);
    expect(passes('[a[bc]]xyz', 'axyz')).toBe(true); // a nested class in Rust
    expect(passes('[\\w&&[^\\d]]val', 'xval')).toBe(true);
    expect(deriveKeywords(['\\x27SELECT \\*'])).toEqual(['select *']);
  });

  it('searches the regex itself in the file, without the anchors of the node and wider than the rule', () => {
    // Rust's \w \s \d and negated classes are Unicode: never narrower here.
    expect(passes('x[^\\W]y', 'x\u00e9y')).toBe(true);
    expect(passes('a\\sb', 'a\u000bb')).toBe(true);
    expect(passes('a\\sb', 'a\u0085b')).toBe(true);
    expect(passes('a\\wb', 'a\u24b6b')).toBe(true);
    expect(passes('[abc]def', 'zdef')).toBe(false);
    expect(passes('^debug\\s*=\\s*True$', 'app.run(host, debug = True)\n')).toBe(true);
    // Rule regexes are Unicode-aware (\w matches é), RE2's classes are ASCII: the search must not be narrower.
    expect(passes('^\\w+_llm\\.run\\(', 'r = é_llm.run(q)')).toBe(true);
    expect(passes('(?i)^\\w*(llm|chain)\\w*\\.(invoke|call)\\(', 'fn.call(this, chainable)')).toBe(false);
    expect(passes('\\beval\\b', 'x = éeval')).toBe(true); // a word boundary is never required
    expect(passes('a^b', 'xyz')).toBe(true); // an anchor in the middle: no search (nor literals)
  });
});

describe('pattern text tests', () => {
  it('need every literal word of a pattern, with its case, and the literals of its regexes and wheres', () => {
    const debug = textTest({ pattern: '$APP.run($$$)', has: { kind: 'keyword_argument', regex: '^debug\\s*=\\s*True$' } })!;
    expect(debug(file('app.run(debug=True)'))).toBe(true);
    expect(debug(file('app.run(debug=False)'))).toBe(false);
    const fn = textTest('new Function($X)')!;
    expect(fn(file('const f = new Function(body);'))).toBe(true);
    expect(fn(file('function f(body) {}'))).toBe(false);
    expect(fn(file('if (isFunction(x)) return new Thing(x);'))).toBe(false); // pattern words are whole words
    expect(textTest('$N.$F(0x1Fabc)')?.(file('n.f(0x1Fabc)')) ?? true).toBe(true); // x1Fabc is no word of its own
    // Dotted names keep their order, with only white space or comments between them.
    const chain = textTest('$C.messages.create($$$)')!;
    expect(chain(file('const r = await client.messages.create({ model });'))).toBe(true);
    expect(chain(file('const r = await client.messages\n  .create({ model });'))).toBe(true);
    expect(chain(file('client.messages /* v2 */ .create(x)'))).toBe(true);
    expect(textTest('os.system($CMD)')!(file('os \\\n    .system(cmd)'))).toBe(true); // Python line continuation
    // Only upper-case names are metavariables: `$queryRawUnsafe` is a JavaScript name the file must hold.
    const raw = textTest('$DB.$queryRawUnsafe($SINK $$$)')!;
    expect(raw(file('await prisma.$queryRawUnsafe(sql)'))).toBe(true);
    expect(raw(file('await db.query(sql)'))).toBe(false);
    expect(chain(file('const messages = []; create(messages);'))).toBe(false);
    const fetch = textTest('fetch($URL $$$)', { URL: '^["\'`]http://' })!;
    expect(fetch(file('fetch("http://a")'))).toBe(true);
    expect(fetch(file('fetch("https://a")'))).toBe(false);
    expect(textTest('fetch($$$URL)', { URL: '^["\'`]http://' })!(file('fetch("https://a")'))).toBe(true); // not bound
    expect(textTest({ any: ['eval($X)', { kind: 'call_expression' }] })).toBeUndefined();
  });

  it('need a called name followed by its parenthesis (and a method by its dot), whatever sits between', () => {
    const evalCall = textTest('eval($X)')!;
    expect(evalCall(file('eval(req.body.code)'))).toBe(true);
    expect(evalCall(file('eval /* why */ (code)'))).toBe(true);
    expect(evalCall(file('window.eval?.(code)'))).toBe(true); // optional call
    expect(evalCall(file('// never eval user input\nrun(code)'))).toBe(false);
    expect(textTest('parse($X)')!(file('parse<Config>(text)'))).toBe(true); // type arguments
    const query = textTest('$C.query($SINK $$$)')!;
    expect(query(file('db\n  .query (sql, [id])'))).toBe(true);
    expect(query(file('rows = await pool?.query(sql)'))).toBe(true);
    expect(query(file('const query = buildQuery(); run(query);'))).toBe(false); // no method call
    expect(query(file('query(sql)'))).toBe(false);
    expect(textTest('print ($X)')!(file('print(x)'))).toBe(true);
  });

  it('never fail a file that a built-in AST rule regex matches (semgrep-rules corpus)', () => {
    const regexes = new Set<string>();
    const collect = (node: unknown, key?: string): void => {
      if (typeof node === 'string' && key === 'regex') regexes.add(node);
      else if (Array.isArray(node)) node.forEach((n) => collect(n));
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'where' && v && typeof v === 'object') Object.values(v).forEach((re) => regexes.add(re as string));
          else collect(v, k);
        }
      }
    };
    for (const dir of packDirs(builtinPacksDir())) for (const r of loadPack(dir, true).rules) if (r.def.kind === 'ast') collect(r.def.match);
    const tested = [...regexes].filter((re) => regexTest(re) !== undefined);
    expect(tested.length).toBeGreaterThan(20);

    const texts: string[] = [];
    const walk = (d: string): void => {
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(py|js|jsx|ts|tsx|java|go)$/.test(name)) texts.push(readFileSync(p, 'utf8'));
      }
    };
    walk('../shared/corpora/semgrep-rules/files');
    let matched = 0;
    for (const re of tested) {
      const compiled = compileRegex(re); // ^ and $ at every line: more texts a match can start or end in
      const test = regexTest(re)!;
      for (const text of texts) {
        if (!testRegex(compiled, text)) continue;
        matched++;
        expect(test(file(text)), `${re} matches a file its test rejects`).toBe(true);
      }
    }
    expect(matched).toBeGreaterThan(100);
  });
});
