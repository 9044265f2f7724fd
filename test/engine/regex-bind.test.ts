// `bind` in regex rules: names a line gives a value (a variable assigned from request data), held up to the next
// line matching `until` or `reassigned`, and used in patterns as {{KEY}}.
import { describe, expect, it } from 'vitest';
import { regexKind, type RegexMatch } from '../../src/engine/matchers/regex.js';
import { SourceFile } from '../../src/engine/source.js';

const lines = (m: RegexMatch, text: string, path = 'a.php'): (number | undefined)[] => {
  const matcher = regexKind.compile(m, { ruleId: 'T-1', packFile: 'pack.yaml' });
  if (matcher.scope !== 'file') throw new Error('a regex rule is a file rule');
  return matcher.match(new SourceFile(path, text)).map((r) => r.line);
};

const REQ = {
  pattern: '^\\s*\\$(\\w+)\\s*=\\s*\\$_(GET|POST)\\s*\\[',
  until: '\\bfunction\\s+\\w+\\s*\\(',
  reassigned: '\\${{name}}\\s*=[^=]',
};

describe('regex bind', () => {
  it('matches a name bound on the line, up to the next function or reassignment', () => {
    const m: RegexMatch = { any: ['\\breadfile\\s*\\([^;]*\\$({{REQ}}|_GET\\b)'], bind: { REQ } };
    const code = `<?php
function a() {
    $name = $_GET['file'];
    readfile('/srv/' . $name);
    readfile('/srv/' . $other);
}
function b() {
    readfile('/srv/' . $name);
    $name = $_POST['f'];
    $name = basename($name);
    readfile('/srv/' . $name);
    readfile($_GET['x']);
}
`;
    // 4: bound; 5: another name; 8: after the next function; 11: reassigned (basename); 12: the superglobal itself.
    expect(lines(m, code)).toEqual([4, 12]);
  });

  it('matches nothing in the placeholder without bindings, and uses bindings in all / not', () => {
    const m: RegexMatch = { any: ['\\becho\\b[^;]*\\$({{REQ}})\\b'], not: ['htmlspecialchars\\('], bind: { REQ } };
    expect(lines(m, '<?php\necho $q;\n')).toEqual([]);
    expect(lines(m, "<?php\n$q = $_GET['q'];\necho 'x' . $q;\necho htmlspecialchars($q);\necho $qq;\n")).toEqual([3]);
    const withAll: RegexMatch = { any: ['\\becho\\b'], all: ['\\$({{REQ}})\\b'], bind: { REQ } };
    expect(lines(withAll, "<?php\n$q = $_GET['q'];\necho $q;\necho $r;\n")).toEqual([3]);
  });

  it('ignore_case applies to `reassigned` too', () => {
    const m: RegexMatch = {
      ignore_case: true,
      any: ['\\bRUN\\b.*\\b({{CMD}})\\b'],
      bind: { CMD: { pattern: '^\\s*set\\s+(\\w+)\\s*=\\s*input\\b', reassigned: '^\\s*set\\s+{{name}}\\s*=' } },
    };
    // line 3 runs the bound name; line 4 re-sets it in upper case, so line 5 no longer does
    expect(lines(m, 'x\nset cmd = input\nrun cmd\nSET cmd = "ls"\nrun cmd\n', 'a.txt')).toEqual([3]);
  });

  it('derives keywords from the literals around the placeholder', () => {
    const matcher = regexKind.compile({ any: ['\\bheader\\s*\\(\\s*["\']Location:\\s*["\']\\s*\\.\\s*\\$({{REQ}})\\b'], bind: { REQ } }, { ruleId: 'T-1', packFile: 'p.yaml' });
    expect(matcher.keywords).toEqual(['location:']);
  });

  it('rejects a placeholder without a binding, and a binding no pattern uses', () => {
    expect(() => lines({ any: ['\\$({{REQ}})'] }, 'x')).toThrow(/no `bind` defines/);
    expect(() => lines({ any: ['x'], bind: { REQ } }, 'x')).toThrow(/used by no pattern/);
  });
});

describe('regex bind backward', () => {
  it('holds on the lines before the binding line, back to the last `until` line', () => {
    const m: RegexMatch = {
      any: ['^\\s*val\\s+({{SQL}})\\s*=\\s*"[^"]*\\$\\w'],
      bind: { SQL: { pattern: '\\bexecuteQuery\\s*\\(\\s*(\\w+)\\s*\\)', until: '\\bfun\\s', backward: true } },
    };
    const code = `class Repo {
    fun a(owner: String) {
        val sql = "SELECT * FROM t WHERE o = '$owner'"
        st.executeQuery(sql)
    }
    fun b(owner: String) {
        val sql = "SELECT * FROM t WHERE o = '$owner'"
        log(sql)
    }
    fun c(owner: String) {
        val q = "SELECT * FROM t WHERE o = '$owner'"
        st.executeQuery(sql)
    }
}
`;
    // 3: run in its function; 7: never run (the next function's query is another function's); 11: another name.
    expect(lines(m, code, 'Repo.kt')).toEqual([3]);
  });
});
