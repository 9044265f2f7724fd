// The `recursion` check (MISRA C:2012 Rule 17.2): a per-file call graph over real C parses, through the
// structured rule kind that packs use. The rule's own examples (packs/misra-c) cover the basic cases.
import { describe, expect, it } from 'vitest';
import { structuredKind, structuredMatchSchema } from '../../src/engine/matchers/structured.js';
import type { CompiledFileMatcher, RawMatch } from '../../src/engine/matchers/matcher.js';
import { SourceFile } from '../../src/engine/source.js';
import { SentrikError } from '../../src/util/errors.js';

const matcher = structuredKind.compile(structuredMatchSchema.parse({ check: 'recursion' }), { ruleId: 'T-1', packFile: 'test.yaml' }) as CompiledFileMatcher;
const run = (path: string, code: string): RawMatch[] => matcher.match(new SourceFile(path, code));
const cyclesIn = (code: string): [number, string][] => run('src/a.c', code).map((m) => [m.line!, m.matched!]);

describe('recursion check', () => {
  it('names the shortest cycle through each function, on the line of its name', () => {
    const code = [
      'static int\nwalk(node_t *n)', //          1-2: the name is on line 2
      '{ return n ? walk(n->next) : 0; }', //   3
      'int a(int x) { return b(x) + c(x); }', // 4
      'int b(int x) { return x ? a(x - 1) : 0; }', // 5
      'int c(int x) { return d(x); }', //       6
      'int d(int x) { return a(x); }', //       7
      'int leaf(int x) { return a(x); }', //    8: calls into the cycle, is not on it
    ].join('\n');
    expect(cyclesIn(code)).toEqual([
      [2, 'walk → walk'],
      [4, 'a → b → a'],
      [5, 'b → a → b'],
      [6, 'c → d → a → c'],
      [7, 'd → a → c → d'],
    ]);
    const [direct, indirect] = run('src/a.c', code);
    expect(direct.message).toContain("Function 'walk' calls itself (walk → walk)");
    expect(indirect.message).toContain("Function 'a' calls itself indirectly (a → b → a)");
  });

  it('follows declarators: pointer returns, functions returning function pointers', () => {
    const code = ['char **split(char *s) { return split(s + 1); }', 'int (*pick(int k))(int) { return pick(k - 1); }'].join('\n');
    expect(cyclesIn(code)).toEqual([
      [1, 'split → split'],
      [2, 'pick → pick'],
    ]);
  });

  it('ignores calls through members and pointers, and names shadowed by parameters or locals', () => {
    const code = [
      'int run(ops_t *o) { return o->run(o) + o[0].run(o) + (*o->run)(o); }',
      'int apply(int (*apply)(int), int x) { return apply(x); }',
      'int emit(int x) { int (*emit)(int) = sink; return emit(x); }',
    ].join('\n');
    expect(cyclesIn(code)).toEqual([]);
  });

  it('a local prototype does not hide the function it declares', () => {
    expect(cyclesIn('int ping(int n) { int pong(int); return pong(n); }\nint pong(int n) { return ping(n); }')).toEqual([
      [1, 'ping → pong → ping'],
      [2, 'pong → ping → pong'],
    ]);
  });

  it('sees only the functions defined in the file: a call to a declared-only function closes no cycle', () => {
    expect(cyclesIn('int ping(int n);\nint pong(int n) { return ping(n); }')).toEqual([]);
  });

  it('reports each definition of a name defined in two #if branches', () => {
    const code = ['#ifdef FAST', 'int f(int n) { return n ? f(n - 1) : 0; }', '#else', 'int f(int n) { return g(n); }', '#endif', 'int g(int n) { return f(n); }'].join('\n');
    expect(cyclesIn(code).map(([line]) => line)).toEqual([2, 4, 6]);
  });

  it('joins calls only to definitions that can be in the same build: no cycle made of two #if branches', () => {
    const platform = [
      '#ifdef _WIN32',
      'static int sleep_ms(int ms){ Sleep(ms); return 0; }',
      'static int do_sleep(int ms){ return sleep_ms(ms); }',
      '#else',
      'static int sleep_ms(int ms){ return do_sleep(ms); }',
      'static int do_sleep(int ms){ return usleep(ms*1000); }',
      '#endif',
    ].join('\n');
    expect(cyclesIn(platform)).toEqual([]);
    // #elif and #else chains, nested groups: a cycle inside one branch is reported, one across branches is not
    const chains = [
      '#if defined(A)', //                                         1
      'int p(int n) { return q(n); }', //                           2
      '#elif defined(B)', //                                       3
      'int q(int n) { return p(n); }', //                           4: p is only in the #if part
      '#else', //                                                  5
      'int p(int n) { return r(n); }', //                           6
      '#ifdef DEBUG', //                                           7
      'int r(int n) { return p(n); }', //                           8: #else + DEBUG: p → r → p
      '#endif', //                                                 9
      '#endif', //                                                 10
      'int q(int n) { return 0; }', //                              11
    ].join('\n');
    expect(cyclesIn(chains)).toEqual([
      [6, 'p → r → p'],
      [8, 'r → p → r'],
    ]);
    // every edge fits a build, but the whole cycle does not: f (X) → g → h (not X) → k → f
    const mixed = ['#ifdef X', 'int f(int n) { return g(n); }', '#else', 'int h(int n) { return k(n); }', '#endif', 'int g(int n) { return h(n); }', 'int k(int n) { return f(n); }'].join('\n');
    expect(cyclesIn(mixed)).toEqual([]);
    // one C function with other parameters on another platform is not an overload
    const variants = ['#ifdef _WIN32', 'int wait(HANDLE h) { return wait(h); }', '#else', 'int wait(int fd, int ms) { return 0; }', '#endif'].join('\n');
    expect(cyclesIn(variants)).toEqual([[2, 'wait → wait']]);
  });

  it('tests for C++ on code only: comments, strings and goto labels do not hide the file', () => {
    const commented = [
      '/* Walk the tree in order; the comparison function of the',
      '   class decides the order. */',
      'static int walk(node_t *n) { return n ? walk(n->next) : 0; }',
    ].join('\n');
    expect(cyclesIn(commented)).toEqual([[3, 'walk → walk']]);
    const label = ['int retry(int n)', '{', '  if (n > 3) goto private;', '  return retry(n + 1);', 'private:', '  return -1;', '}'].join('\n');
    expect(cyclesIn(label)).toEqual([[1, 'retry → retry']]);
    const text = 'const char *usage = "usage:\\n\\\ntemplate <file>";\nint f(int n) { return f(n); }';
    expect(cyclesIn(text)).toEqual([[3, 'f → f']]); // the string continues on line 2
    // the same words in code still mark C++
    expect(run('include/tree.h', 'class Tree {\npublic:\n  int walk(int n) { return walk(n); }\n};\n')).toEqual([]);
    expect(run('include/tree.h', 'struct Tree {\n private:\n  int n;\n};\nint walk(int n) { return walk(n); }\n')).toEqual([]);
  });

  it('leaves out what is not one C function per name: C++ sections, overloads, names made by macros', () => {
    const cpp = [
      '#ifdef __cplusplus',
      'struct heap_alloc {',
      '  T* allocate(size_type n) { return raw(n); }',
      '  T* allocate(size_type n, const void*) { return allocate(n); }',
      '};',
      '#endif',
    ].join('\n');
    expect(cyclesIn(cpp)).toEqual([]);
    // the extern "C" guard of C files and headers keeps C inside
    const guarded = '#ifdef __cplusplus\nextern "C" {\n#endif\nstatic int walk(node_t *n) { return n ? walk(n->next) : 0; }\n#ifdef __cplusplus\n}\n#endif\n';
    expect(cyclesIn(guarded)).toEqual([[4, 'walk → walk']]);
    // a C++ header named .h: methods forwarding to the global function of the same name
    expect(run('include/cursesw.h', 'class NCursesWindow {\n  virtual int mvwin(int y, int x) {\n    return ::mvwin(w, y, x); }\n};\n')).toEqual([]);
    // C++ overloads in a header the C parser accepts: the same name with different parameters
    expect(cyclesIn('int area(int s) { return s * s; }\nint area(int w, int h) { return w * h + area(w); }')).toEqual([]);
    // X11's Xtrans: `TRANS(Open)` expands to a prefixed name; calls `TRANS(Parse)(a)` are other functions
    const macroNames = 'int TRANS(Open) (const char *a) { return TRANS(Parse)(a); }\nint TRANS(Parse) (const char *a) { return TRANS(Open)(a); }';
    expect(cyclesIn(macroNames)).toEqual([]);
    // the same signature in two #if branches is one C function; only the variant that recurses is reported
    expect(cyclesIn('#if A\nint f(int n) { return f(n); }\n#else\nint f(int n) { return 0; }\n#endif').map(([l]) => l)).toEqual([2]);
  });

  it('reads C files only', () => {
    const code = 'int f(int n) { return f(n); }';
    expect(run('src/a.h', code)).toHaveLength(1);
    expect(run('src/a.cpp', code)).toEqual([]);
    expect(run('src/a.py', 'def f(n):\n    return f(n)\n')).toEqual([]);
  });

  it('reports a file it cannot parse as a problem naming the file, once', () => {
    const file = new SourceFile('gen/table.c', `int t[] = {${'1,'.repeat(4_000)}};\nint f(void) { return f(); }\n`);
    expect(() => matcher.match(file)).toThrow(/AST rules skipped: a line longer than/);
    expect(matcher.match(file)).toEqual([]);
    try {
      matcher.match(new SourceFile('gen/other.c', `/*${'x'.repeat(6_000)}*/\n`));
      expect.unreachable();
    } catch (err) {
      expect((err as SentrikError).format()).toMatch(/^gen\/other\.c: AST rules skipped/);
    }
  });
});
