// What counts as a fixed value and what carries taint: calls of unknown functions, hard-coded sources
// (constant_sources), `x += y` in Go and Java, and comparisons — through the real `ast` kind on real parses.
import { describe, expect, it } from 'vitest';
import { astKind, astMatchSchema } from '../../src/engine/matchers/ast.js';
import type { CompiledFileMatcher } from '../../src/engine/matchers/matcher.js';
import { SourceFile } from '../../src/engine/source.js';

function rule(match: unknown): CompiledFileMatcher {
  return astKind.compile(astMatchSchema.parse(match), { ruleId: 'T-1', packFile: 'test.yaml' }) as CompiledFileMatcher;
}
const lines = (m: CompiledFileMatcher, path: string, code: string): number[] => m.match(new SourceFile(path, code)).map((r) => r.line!);

describe('constant values', () => {
  it('treats the result of an unknown call as data from elsewhere, but formatting of constants as constant', () => {
    const m = rule({ languages: ['python'], patterns: ['os.system($CMD)'], nonconstant: ['$CMD'] });
    const code = ['os.system(something())', 'os.system(os.getenv("CMD"))', 'os.system("ls {}".format("-l"))', 'os.system(" ".join(["ls", "-l"]))', ''].join('\n');
    expect(lines(m, 'a.py', code)).toEqual([1, 2]);
  });

  it('settles a check whose failing branch resets the variable from another one (no endless recursion)', () => {
    // The reset's value reads y, whose own checks are asked about while the marks of this scope are being found.
    const m = rule({ languages: ['python'], patterns: ['eval($X)'], nonconstant: ['$X'] });
    const code = ['def f(x, y):', '    if not x in ALLOWED:', '        x = y', '    if not y in ALLOWED:', '        y = x', '    eval(x)', ''].join('\n');
    expect(lines(m, 'a.py', code)).toEqual([6]);
  });

  it('lets a call with constant arguments be a taint source (os.getenv("X"))', () => {
    const m = rule({ languages: ['python'], taint: { sources: ['os.getenv($$$)'], sinks: ['os.system($SINK)'] } });
    expect(lines(m, 'a.py', 'def f():\n    cmd = os.getenv("CMD")\n    os.system(cmd)\n')).toEqual([3]);
  });
});

describe('constant: where a value read through a variable is written', () => {
  const m = rule({ languages: ['javascript', 'python'], patterns: ['sign($K)'], constant: ['$K'] });
  const anchors = (path: string, code: string) => m.match(new SourceFile(path, code)).map((r) => [r.line, r.anchors?.[0]]);

  it('anchors each use to the assignment that gives the variable its value there', () => {
    const js = [
      "const KEY = 'module-key';", // 1
      'function a() {',
      "  let key = 'first';", // 3
      "  key = 'second';", // 4
      '  return sign(key);', // 5: the last assignment before the use
      '}',
      'const b = () => sign(KEY);', // 7: a module constant, set before any function runs
      "const COPY = KEY;", // 8
      'sign(COPY);', // 9: followed through the copy to the literal
      "sign('inline');", // 10: the value is here
    ].join('\n');
    expect(anchors('a.js', js)).toEqual([[5, 4], [7, 1], [9, 1], [10, undefined]]);
    expect(anchors('a.py', 'KEY = "k"\n\ndef f():\n    return sign(KEY)\n')).toEqual([[4, 1]]);
  });

  it('names the written line in the message, after the rule\'s own', () => {
    const named = astKind.compile(astMatchSchema.parse({ languages: ['javascript'], patterns: ['sign($K)'], constant: ['$K'] }), { ruleId: 'T-1', packFile: 't.yaml', message: 'Hard-coded key.' }) as CompiledFileMatcher;
    expect(named.match(new SourceFile('a.js', "const K = 'k';\nsign(K);\n")).map((r) => r.message)).toEqual(['Hard-coded key. The value is written on line 1.']);
  });
});

describe('constant_sources', () => {
  const cleartext = {
    languages: ['python'],
    taint: {
      sources: [
        { kind: 'string', regex: '^["\']http://' },
        { kind: 'default_parameter', has: { field: 'value', kind: 'string', regex: '^["\']http://' } },
      ],
      sinks: ['urlopen($SINK)'],
    },
  };

  it('keeps fixed values as sources when asked, through variables and parameter defaults', () => {
    const code = `def a():
    url = "http://example.com"
    urlopen(url)

def b(url="http://example.com"):
    urlopen(url)

def c():
    url = "https://example.com"
    urlopen(url)
`;
    expect(lines(rule({ ...cleartext, taint: { ...cleartext.taint, constant_sources: true } }), 'u.py', code)).toEqual([3, 6]);
    // Without the flag a literal is no source (string building from constants is not attacker-controlled);
    // a parameter a source matches is tainted either way.
    expect(lines(rule(cleartext), 'u.py', code)).toEqual([6]);
  });
});

describe('taint through assignments', () => {
  it('keeps earlier taint across `+=` in Go and Java', () => {
    const go = rule({ languages: ['go'], taint: { sources: [{ kind: 'call_expression', regex: '^\\w+\\.FormValue\\(' }], sinks: ['$DB.Query($SINK $$$)'] } });
    const goCode = 'package p\n\nfunc h(r *http.Request) {\n\tq := "SELECT * FROM t WHERE a = " + r.FormValue("a")\n\tq += " LIMIT 1"\n\tdb.Query(q)\n}\n';
    expect(lines(go, 'h.go', goCode)).toEqual([6]);
    const java = rule({ languages: ['java'], taint: { sources: [{ pattern: '$R.getParameter($$$)' }], sinks: ['$S.executeQuery($SINK)'] } });
    const javaCode = 'class C {\n  void f(HttpServletRequest req) throws Exception {\n    String q = "select * from t where a = " + req.getParameter("a");\n    q += " limit 1";\n    stmt.executeQuery(q);\n  }\n}\n';
    expect(lines(java, 'C.java', javaCode)).toEqual([5]);
  });

  it('clears taint in comparisons (their value is a boolean)', () => {
    const m = rule({ languages: ['java'], taint: { sources: [{ kind: 'formal_parameter', has: { field: 'type', regex: '^String$' } }], sinks: ['$S.executeQuery($SINK)'] } });
    const code = 'class C {\n  void f(String input) throws Exception {\n    stmt.executeQuery("select * from t where flag = " + (input != null));\n    stmt.executeQuery("select * from t where name = " + input);\n  }\n}\n';
    expect(lines(m, 'C.java', code)).toEqual([4]);
  });
});
