// The `ast` rule kind: patterns with metavariables and conditions, constant tracking and local taint,
// per language — through the real kind (schema + compile + match) on real parses.
import { describe, expect, it } from 'vitest';
import { astKind, astMatchSchema } from '../../src/engine/matchers/ast.js';
import type { CompiledFileMatcher } from '../../src/engine/matchers/matcher.js';
import { SourceFile } from '../../src/engine/source.js';
import { parseSource } from '../../src/engine/ast/parse.js';
import { SentrikError } from '../../src/util/errors.js';

function rule(match: unknown): CompiledFileMatcher {
  const parsed = astMatchSchema.parse(match);
  return astKind.compile(parsed, { ruleId: 'T-1', packFile: 'test.yaml' }) as CompiledFileMatcher;
}

const lines = (m: CompiledFileMatcher, path: string, code: string): number[] => m.match(new SourceFile(path, code)).map((r) => r.line!);

describe('patterns', () => {
  it('match metavariable patterns and honour where / where_not / not', () => {
    const m = rule({
      languages: ['python'],
      patterns: ['$C.set_cookie($$$)'],
      where: { $C: '^resp' },
      not: [{ pattern: '$C.set_cookie($$$)', has: { kind: 'keyword_argument', regex: '^secure\\s*=\\s*True' } }],
    });
    const code = ['resp.set_cookie("a", v)', 'resp.set_cookie("b", v, secure=True)', 'jar.set_cookie(c)', ''].join('\n');
    expect(lines(m, 'app.py', code)).toEqual([1]);
  });

  it('apply inside / not_inside', () => {
    const m = rule({
      languages: ['java'],
      patterns: ['DocumentBuilderFactory.newInstance()'],
      not_inside: [{ kind: 'method_declaration', regex: 'disallow-doctype-decl' }],
    });
    const code = `class A {
  void bad() { DocumentBuilderFactory f = DocumentBuilderFactory.newInstance(); }
  void good() { DocumentBuilderFactory f = DocumentBuilderFactory.newInstance(); f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true); }
}`;
    expect(lines(m, 'A.java', code)).toEqual([2]);
  });

  it('not_under drops the routes whose path a filter of the file covers', () => {
    const m = rule({
      languages: ['java'],
      patterns: ['post($PATH, $$$)'],
      not_under: { path: '$PATH', filters: [{ pattern: 'before($FILTER, $$$)', regex: 'halt' }] },
    });
    const code = `class A { void routes() {
  before("/admin/*", (q, s) -> halt(401));
  before("/api", (q, s) -> halt(403));
  before("/ops/*", (q, s) -> log(q));
  post("/admin/reindex", h);
  post("/api/items/1", h);
  post("/apiary", h);
  post("/ops/print", h);
  post("/admin", h);
} }`;
    expect(lines(m, 'A.java', code)).toEqual([7, 8]);
    const all = rule({ languages: ['java'], patterns: ['post($PATH, $$$)'], not_under: { path: '$PATH', filters: ['before($FILTER, $$$)'] } });
    expect(lines(all, 'A.java', 'class A { void r() {\n  before("/*", f);\n  post("/x", h);\n} }')).toEqual([]);
    expect(lines(all, 'A.java', 'class A { void r() {\n  post("/x", h);\n} }')).toEqual([2]);
  });

  it('not_under matches the paths of the scanned file in linear time: a filter of many `*` cannot hang the scan', () => {
    const m = rule({ languages: ['java'], patterns: ['post($PATH, $$$)'], not_under: { path: '$PATH', filters: ['before($FILTER, $$$)'] } });
    // As a backtracking regex, /^\/.+a.+a…(\/.*)?$/ tried on "/aaa…ab" takes time of the order of n^30.
    const code = `class A { void r() {\n  before("/${'*a'.repeat(30)}", f);\n  post("/${'a'.repeat(900)}b", h);\n  post("/${'xa'.repeat(40)}", h);\n} }`;
    expect(lines(m, 'A.java', code)).toEqual([3]);
  });

  it('`follows` is the sibling right before a node, `after` any sibling before it, `before` any sibling after it', () => {
    const code = 'package p\n\nfunc f() {\n\tr.Use(auth)\n\tr.Use(logger)\n\tr.Get("/a", h)\n}\n\nfunc g() {\n\tr.Get("/b", h)\n\tr.Use(auth)\n}\n';
    const after = rule({ languages: ['go'], patterns: [{ kind: 'expression_statement', regex: 'Get', after: { kind: 'expression_statement', regex: 'Use\\(auth' } }] });
    expect(lines(after, 'p.go', code)).toEqual([6]);
    const follows = rule({ languages: ['go'], patterns: [{ kind: 'expression_statement', regex: 'Get', follows: { kind: 'expression_statement', regex: 'Use\\(auth' } }] });
    expect(lines(follows, 'p.go', code)).toEqual([]);
    const before = rule({ languages: ['go'], patterns: [{ kind: 'expression_statement', regex: 'Get', before: { kind: 'expression_statement', regex: 'Use\\(auth' } }] });
    expect(lines(before, 'p.go', code)).toEqual([10]);
  });

  it('matches Go calls written as bare patterns (package-qualified calls need a statement context)', () => {
    const m = rule({ languages: ['go'], patterns: ['exec.Command($CMD $$$)'], nonconstant: ['$CMD'] });
    const code = 'package p\n\nfunc f(name string) {\n\texec.Command(name).Run()\n\texec.Command("git", "status").Run()\n}\n';
    expect(lines(m, 'p.go', code)).toEqual([4]);
  });

  it('runs one rule over JS, TS and TSX, and skips JSX-only kinds where the parser has none', () => {
    const m = rule({ languages: ['javascript', 'typescript'], patterns: [{ kind: 'jsx_attribute', regex: '^dangerouslySetInnerHTML' }] });
    expect(lines(m, 'a.jsx', 'const x = <div dangerouslySetInnerHTML={{ __html: h }} />;')).toEqual([1]);
    expect(lines(m, 'a.tsx', 'const x = <div dangerouslySetInnerHTML={{ __html: h }} />;')).toEqual([1]);
    expect(lines(m, 'a.ts', 'const x = 1;')).toEqual([]);
    expect(lines(m, 'a.py', 'x = 1')).toEqual([]);
  });

  it('leaves TypeScript declaration files alone (types only, nothing to run)', () => {
    const m = rule({ languages: ['typescript'], patterns: ['eval($X)'] });
    expect(lines(m, 'lib.ts', 'export const run = (s: string) => eval(s);')).toEqual([1]);
    expect(lines(m, 'lib.d.ts', 'export declare const x: typeof eval(s);')).toEqual([]);
    expect(lines(m, 'lib.d.mts', 'export declare const x: typeof eval(s);')).toEqual([]);
  });

  it('tells constants from variables (literals, variables only assigned literals, conversions)', () => {
    const m = rule({ languages: ['python'], patterns: ['eval($X)'], nonconstant: ['$X'] });
    const code = ['A = "1 + 1"', 'eval(A)', 'eval("2")', 'eval(f"3")', 'eval(int(n))', 'eval(user_expr)', ''].join('\n');
    expect(lines(m, 'c.py', code)).toEqual([6]);
  });

  it('derives prefilter keywords from the literal words of the patterns', () => {
    expect(rule({ languages: ['python'], patterns: ['hashlib.md5($X)', '$C.execute($Q)'] }).keywords?.sort()).toEqual(['execute', 'hashlib']);
    expect(rule({ languages: ['python'], patterns: [{ kind: 'string' }] }).keywords).toBeUndefined();
  });
});

describe('taint', () => {
  const sql = rule({
    languages: ['python'],
    taint: {
      sources: [{ pattern: '$R.$A', regex: '^request\\.(args|form)' }],
      sinks: ['$C.execute($SINK $$$)'],
      sanitizers: ['int($X)'],
    },
  });

  it('follows request data through assignments and string building into the sink argument', () => {
    const code = `def view():
    name = request.args.get("name")
    q = f"SELECT * FROM t WHERE name = '{name}'"
    cur.execute(q)
    cur.execute("SELECT * FROM t WHERE name = %s", (name,))
`;
    expect(lines(sql, 'v.py', code)).toEqual([4]);
  });

  it('is cleared by sanitisers and by a later clean assignment, and stays within the function', () => {
    const code = `def a():
    n = int(request.args["n"])
    cur.execute("SELECT %d" % n)

def b():
    q = "SELECT " + request.form["x"]
    q = "SELECT 1"
    cur.execute(q)

def c(q):
    cur.execute(q)
`;
    expect(lines(sql, 'v.py', code)).toEqual([]);
  });

  it('taints parameters a source pattern matches, and builder receivers (sb.append)', () => {
    const m = rule({
      languages: ['java'],
      taint: {
        sources: [{ kind: 'formal_parameter', has: { kind: 'marker_annotation', regex: '^@RequestParam' } }],
        sinks: ['$S.executeQuery($SINK)'],
      },
    });
    const code = `class C {
  ResultSet f(@RequestParam String name, String other) throws Exception {
    StringBuilder sb = new StringBuilder("select * from t where n = '");
    sb.append(name);
    stmt.executeQuery(sb.toString());
    return stmt.executeQuery(other);
  }
}`;
    expect(lines(m, 'C.java', code)).toEqual([5]);
  });

  it('works the same way in Go and JavaScript', () => {
    const goRule = rule({
      languages: ['go'],
      taint: { sources: [{ kind: 'call_expression', regex: '^\\w+\\.URL\\.Query\\(\\)' }], sinks: ['$DB.Query($SINK $$$)'] },
    });
    const go = 'package p\n\nfunc h(r *http.Request) {\n\tid := r.URL.Query().Get("id")\n\tdb.Query("SELECT * FROM t WHERE id = " + id)\n\tdb.Query("SELECT * FROM t WHERE id = $1", id)\n}\n';
    expect(lines(goRule, 'h.go', go)).toEqual([5]);
    const jsRule = rule({
      languages: ['javascript'],
      taint: { sources: [{ pattern: '$R.$P', regex: '^req\\.query' }], sinks: ['eval($SINK)'] },
    });
    expect(lines(jsRule, 'h.js', 'app.get("/", (req, res) => {\n  const { code } = req.query;\n  eval(`run(${code})`);\n  eval("1");\n});\n')).toEqual([3]);
  });

  it('is cleared by checks (guards): allowlist membership always, a rule\'s own guards (a path prefix) for its sinks', () => {
    const redirect = rule({ languages: ['javascript'], taint: { sources: [{ pattern: '$R.$P', regex: '^req\\.query' }], sinks: ['$RES.redirect($SINK)'] } });
    const js = `app.get('/', (req, res) => {
  const next = req.query.next;
  res.redirect(next);
  if (!ALLOWED.has(next)) return res.status(400).end();
  res.redirect(next);
});
app.get('/b', (req, res) => {
  const next = req.query.next;
  res.redirect(ALLOWED.includes(next) ? next : '/');
  if (ALLOWED.has(next)) {
    res.redirect(next);
  }
  res.redirect(next);
  if (ALLOWED.has(next) || next.length > 0) return;
  res.redirect(next);
});
app.get('/c', (req, res) => {
  const target = new URL(req.query.url);
  if (target.protocol !== 'https:' || !HOSTS.has(target.hostname)) throw new Error('no');
  res.redirect(target.toString());
  if (!OTHER.has(target.hostname)) console.log('not leaving');
});
`;
    // Flagged: before the check (3), after the positive branch (13), after a check an `||` can bypass (15).
    expect(lines(redirect, 'r.js', js)).toEqual([3, 13, 15]);

    const open = rule({
      languages: ['python'],
      taint: { sources: [{ pattern: '$R.$A', regex: '^request\\.args' }], sinks: ['open($SINK $$$)'], guards: ['$V.startswith($$$)'] },
    });
    const py = `def a():
    name = request.args["f"]
    path = os.path.realpath(os.path.join(ROOT, name))
    if not path.startswith(ROOT + os.sep):
        abort(404)
    return open(path)

def b():
    name = request.args["f"]
    if name not in ALLOWED:
        raise Http404()
    open(name)
    other = request.args["g"]
    return open(other)

def c():
    name = request.args["f"]
    return open(name if name in ALLOWED else "default.txt")
`;
    expect(lines(open, 'v.py', py)).toEqual([14]);
    // Without the rule's own guard, a prefix check proves nothing (it is no allowlist).
    const noGuard = rule({ languages: ['python'], taint: { sources: [{ pattern: '$R.$A', regex: '^request\\.args' }], sinks: ['open($SINK $$$)'] } });
    expect(lines(noGuard, 'v.py', py)).toEqual([6, 14]);

    const goRule = rule({ languages: ['go'], taint: { sources: [{ kind: 'call_expression', regex: '^\\w+\\.Query\\(' }], sinks: ['http.Get($SINK)'] } });
    const go = 'package p\n\nfunc h(c *gin.Context) {\n\tu, _ := url.Parse(c.Query("url"))\n\tif !allowedHosts[u.Hostname()] {\n\t\tc.AbortWithStatus(400)\n\t\treturn\n\t}\n\thttp.Get(u.String())\n}\n\nfunc g(c *gin.Context) {\n\tu, _ := url.Parse(c.Query("url"))\n\thttp.Get(u.String())\n}\n';
    expect(lines(goRule, 'h.go', go)).toEqual([14]);

    const javaRule = rule({ languages: ['java'], taint: { sources: [{ kind: 'formal_parameter', has: { kind: 'marker_annotation', regex: '^@RequestParam' } }], sinks: ['$T.getForObject($SINK $$$)'] } });
    const java = `class C {
  String f(@RequestParam String url) {
    URI uri = URI.create(url);
    if (!"https".equals(uri.getScheme()) || !ALLOWED_HOSTS.contains(uri.getHost())) throw new IllegalArgumentException();
    return rest.getForObject(uri, String.class);
  }
  String g(@RequestParam String url) {
    return rest.getForObject(URI.create(url), String.class);
  }
}`;
    expect(lines(javaRule, 'C.java', java)).toEqual([8]);
    expect(() => rule({ languages: ['python'], taint: { sources: ['request.args'], sinks: ['open($SINK)'], guards: ['$X.startswith($$$)'] } })).toThrow(/does not mark the value it checks/);

    // guard_needs: a prefix check proves nothing about a path that was not normalised first ('/srv/../etc').
    const normalised = rule({
      languages: ['python'],
      taint: { sources: [{ pattern: '$R.$A', regex: '^request\\.args' }], sinks: ['open($SINK $$$)'], guards: ['$V.startswith($$$)'], guard_needs: '\\brealpath\\(' },
    });
    const paths = `def a():
    p = os.path.realpath(os.path.join(ROOT, request.args["f"]))
    if not p.startswith(ROOT):
        abort(404)
    return open(p)

def b():
    p = os.path.join(ROOT, request.args["f"])
    if not p.startswith(ROOT):
        abort(404)
    return open(p)

def c():
    p = request.args["f"]
    if p not in ALLOWED:
        abort(404)
    return open(p)
`;
    expect(lines(normalised, 'v.py', paths)).toEqual([11]);

    // A URL parsed from a variable and found in an allowlist: the variable holds that URL.
    const ssrf = rule({ languages: ['python'], taint: { sources: [{ pattern: '$R.$A', regex: '^request\\.args' }], sinks: ['requests.get($SINK $$$)'] } });
    const fetch = `def a():
    url = request.args["u"]
    parsed = urlparse(url)
    if parsed.scheme != "https" or parsed.hostname not in ALLOWED_HOSTS:
        abort(400)
    return requests.get(url)

def b():
    url = request.args["u"]
    parsed = urlparse(url)
    if parsed.hostname in ALLOWED_HOSTS:
        log(parsed)
    return requests.get(url)
`;
    expect(lines(ssrf, 'f.py', fetch)).toEqual([13]);
    const jsFetch = rule({ languages: ['javascript'], taint: { sources: [{ pattern: '$R.$P', regex: '^req\\.query' }], sinks: ['fetch($SINK $$$)'] } });
    expect(lines(jsFetch, 'f.js', "app.get('/', async (req, res) => {\n  const raw = req.query.url;\n  const u = new URL(raw);\n  if (!HOSTS.has(u.hostname)) return res.status(400).end();\n  await fetch(raw);\n  await fetch(req.query.other);\n});\n")).toEqual([6]);
    expect(() => rule({ languages: ['python'], taint: { sources: ['request.args'], sinks: ['open($SINK)'], guard_needs: 'x' } })).toThrow(/`guard_needs` without `guards`/);

    // guards_alone: a check that proves it on its own counts whatever the variable was assigned from; Spark's
    // halt(…) leaves the handler; Go decoding into &v gives v the reader's taint.
    const goPaths = rule({
      languages: ['go'],
      taint: { sources: [{ kind: 'call_expression', regex: '^r\\.(PathValue|FormValue)\\(' }, { kind: 'selector_expression', regex: '^r\\.Body$' }], sinks: ['os.Open($SINK)', 'http.Get($SINK)'], guards: ['strings.HasPrefix($V, $$$)'], guard_needs: '\\bfilepath\\.Clean\\(', guards_alone: ['filepath.IsLocal($V)'] },
    });
    const goCode = `package p

func a(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !filepath.IsLocal(name) {
		return
	}
	os.Open(name)
}

func b(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !strings.HasPrefix(name, "/srv/") {
		return
	}
	os.Open(name)
}

func c(w http.ResponseWriter, r *http.Request) {
	var in struct{ URL string }
	json.NewDecoder(r.Body).Decode(&in)
	http.Get(in.URL)
	var out struct{ URL string }
	json.NewDecoder(resp.Body).Decode(&out)
	http.Get(out.URL)
}
`;
    expect(lines(goPaths, 'p.go', goCode)).toEqual([16, 22]);
    const spark = rule({ languages: ['java'], taint: { sources: [{ kind: 'method_invocation', regex: '^req\\.params\\(' }], sinks: ['Files.readAllBytes($SINK)'], guards: ['$V.startsWith($$$)'] } });
    const sparkCode = `class R {
  void routes() {
    get("/a/:n", (req, res) -> {
      Path p = BASE.resolve(req.params(":n")).normalize();
      if (!p.startsWith(BASE)) halt(404);
      return Files.readAllBytes(p);
    });
    get("/b/:n", (req, res) -> {
      Path p = BASE.resolve(req.params(":n")).normalize();
      if (!p.startsWith(BASE)) log(p);
      return Files.readAllBytes(p);
    });
  }
}`;
    expect(lines(spark, 'R.java', sparkCode)).toEqual([11]);

    // Where a check's guarantee ends (review): a break leaves the loop, not the function; a return inside an
    // inner block guards only that block; a property of an object is not the object; a nested check ends too.
    const exec = rule({ languages: ['javascript'], taint: { sources: [{ pattern: '$R.$P', regex: '^req\\.(query|body)' }], sinks: ['exec($SINK)'] } });
    const regions = `app.get('/a', (req, res) => {
  const cmd = req.query.cmd;
  for (const x of items) {
    if (!ALLOWED.has(cmd)) break;
    exec(cmd);
  }
  exec(cmd);
});
app.get('/b', (req, res) => {
  const cmd = req.query.cmd;
  if (req.query.strict) {
    if (!ALLOWED.has(cmd)) return res.end();
  }
  exec(cmd);
});
app.get('/c', (req, res) => {
  const body = req.body;
  if (ALLOWED.has(body.kind)) exec(body.cmd);
});
app.get('/d', (req, res) => {
  const x = req.query.x;
  if (A.has(x)) {
    if (B.has(x)) { log(x); }
  }
  exec(x);
});
`;
    expect(lines(exec, 'r.js', regions)).toEqual([7, 14, 18, 25]);
  });

  it('takes a value looked up in a constant collection, or found in an allowlist by a ?: check, as fixed (not request data)', () => {
    // Go: the SQL text built with fmt.Sprintf is a source unless what it formats is fixed; a column looked up in
    // a constant map is one of the map's values, whatever the key. A map the file writes into is not constant.
    const goSql = rule({
      languages: ['go'],
      taint: {
        sources: [{ pattern: 'fmt.Sprintf($$$)', regex: '(?i)select' }, { kind: 'parameter_declaration', has: { field: 'type', regex: '^string$' } }],
        sinks: ['$DB.QueryContext($CTX, $SINK $$$)'],
      },
    });
    const go = `package db

var sortColumns = map[string]string{"name": "name", "price": "price"}

var filled = map[string]string{}

func (s *Store) List(ctx context.Context, sort string) {
	col, ok := sortColumns[sort]
	if !ok {
		col = "name"
	}
	query := fmt.Sprintf("SELECT id FROM items ORDER BY %s", col)
	s.db.QueryContext(ctx, query)
}

func (s *Store) ByRequest(ctx context.Context, r *http.Request) {
	query := fmt.Sprintf("SELECT id FROM items ORDER BY %s", sortColumns[r.URL.Query().Get("sort")])
	s.db.QueryContext(ctx, query)
}

func (s *Store) Filled(ctx context.Context, sort string, v string) {
	filled[sort] = v
	query := fmt.Sprintf("SELECT id FROM items ORDER BY %s", filled[sort])
	s.db.QueryContext(ctx, query)
}

func (s *Store) Raw(ctx context.Context, sort string) {
	query := fmt.Sprintf("SELECT id FROM items ORDER BY %s", sort)
	s.db.QueryContext(ctx, query)
}

func (s *Store) Param(ctx context.Context, cols map[string]string, sort string) {
	s.db.QueryContext(ctx, fmt.Sprintf("SELECT id FROM items ORDER BY %s", cols[sort]))
}
`;
    expect(lines(goSql, 'db.go', go)).toEqual([24, 29, 33]);

    // Python: D[k] and D.get(k, "default") on a module-level dict; a default from the request is not fixed.
    const pySql = rule({ languages: ['python'], taint: { sources: [{ pattern: '$R.$A', regex: '^request\\.args' }], sinks: ['$C.execute($SINK $$$)'] } });
    const py = `COLUMNS = {"name": "name", "date": "created_at"}

def a(cur):
    col = COLUMNS.get(request.args.get("sort"), "created_at")
    cur.execute(f"SELECT * FROM r ORDER BY {col}")

def b(cur):
    cur.execute("SELECT * FROM r ORDER BY " + COLUMNS[request.args["sort"]])

def c(cur):
    col = COLUMNS.get(request.args.get("sort"), request.args.get("fallback"))
    cur.execute(f"SELECT * FROM r ORDER BY {col}")

def d(cur):
    col = request.args.get("sort")
    cur.execute(f"SELECT * FROM r ORDER BY {col if col in ALLOWED else 'id'}")
    cur.execute(f"SELECT * FROM r ORDER BY {col}")
`;
    expect(lines(pySql, 'r.py', py)).toEqual([12, 17]);

    // JavaScript: a frozen object literal and a Map built from literals; an object the code writes into is not fixed.
    const jsSql = rule({ languages: ['javascript'], taint: { sources: [{ pattern: '$R.$P', regex: '^req\\.query' }], sinks: ['$C.query($SINK $$$)'] } });
    const js = `const COLUMNS = Object.freeze({ name: 'name', date: 'created_at' });
const ORDER = new Map([['asc', 'ASC'], ['desc', 'DESC']]);
const seen = {};
app.get('/r', (req, res) => {
  const col = COLUMNS[req.query.sort] ?? 'id';
  db.query(\`SELECT * FROM r ORDER BY \${col} \${ORDER.get(req.query.dir) || 'ASC'}\`);
  seen[req.query.k] = req.query.v;
  db.query('SELECT * FROM r WHERE a = ' + seen[req.query.k]);
});
`;
    expect(lines(jsSql, 'r.js', js)).toEqual([8]);

    // Java: a ternary guarded by membership yields a member or the default; a lookup in Map.of(…) is a value of it.
    const javaSql = rule({
      languages: ['java'],
      taint: {
        sources: [{ kind: 'binary_expression', has: { kind: 'identifier' }, regex: '(?i)select' }, { kind: 'formal_parameter', has: { field: 'type', regex: '^String$' } }],
        sinks: ['$J.queryForList($SINK $$$)'],
      },
    });
    const java = `class Repo {
  private static final Set<String> SORTABLE = Set.of("created_at", "total");
  private static final Map<String, String> COLUMNS = Map.of("date", "created_at", "total", "total");
  List<Object> a(String sort) {
    String column = SORTABLE.contains(sort) ? sort : "created_at";
    return jdbc.queryForList("SELECT id FROM orders ORDER BY " + column + " DESC");
  }
  List<Object> b(String sort) {
    return jdbc.queryForList("SELECT id FROM orders ORDER BY " + COLUMNS.getOrDefault(sort, "created_at"));
  }
  List<Object> c(String sort) {
    String column = sort.isEmpty() ? "created_at" : sort;
    return jdbc.queryForList("SELECT id FROM orders ORDER BY " + column);
  }
  List<Object> d(String sort, String fallback) {
    return jdbc.queryForList("SELECT id FROM orders ORDER BY " + COLUMNS.getOrDefault(sort, fallback));
  }
}`;
    expect(lines(javaSql, 'Repo.java', java)).toEqual([13, 16]);

    // The constant test (`nonconstant:`) agrees: a command looked up in a constant map is fixed.
    const cmd = rule({ languages: ['python'], patterns: ['subprocess.run($CMD $$$)'], nonconstant: ['$CMD'] });
    expect(lines(cmd, 'c.py', 'TOOLS = {"lint": ["ruff", "."]}\n\ndef run(name, other):\n    subprocess.run(TOOLS[name])\n    subprocess.run(other)\n')).toEqual([5]);
  });

  it('taints names destructured in a parameter list, and sees module-level variables inside functions', () => {
    const m = rule({
      languages: ['typescript'],
      taint: {
        sources: [
          { kind: 'shorthand_property_identifier_pattern', regex: '^params$', inside: { kind: 'formal_parameters' } },
          { pattern: 'location.search' },
        ],
        sinks: ['$RES.sendFile($SINK)', 'location.href = $SINK'],
      },
    });
    const code = [
      'const next = new URLSearchParams(location.search).get("next");',
      'const home = "/";',
      'export const h = ({ params }: Request, res: Response) => {',
      '  res.sendFile(params.file);',
      '  res.sendFile(home);',
      '};',
      'function go(other: string) {',
      '  location.href = next;',
      '  location.href = home;',
      '  location.href = other;',
      '}',
      '',
    ].join('\n');
    expect(lines(m, 'h.ts', code)).toEqual([4, 8]);
    const fixed = rule({ languages: ['javascript'], patterns: ['eval($X)'], nonconstant: ['$X'] });
    expect(lines(fixed, 'k.js', 'const CODE = "1 + 1";\nfunction f(CODE2) {\n  eval(CODE);\n  eval(CODE2);\n}\n')).toEqual([4]);
  });

  it('never takes an expression that holds a function as a source (a module wrapped in `cond && (function () {…})()`)', () => {
    const m = rule({
      languages: ['javascript'],
      taint: { sources: [{ kind: 'binary_expression', regex: '(?is)where\\b.+=' }], sinks: ['$C.query($SINK)'] },
    });
    const wrapped = [
      '"production" !== process.env.NODE_ENV && (function () {',
      '  function esc(text) {',
      '    return matcher.query(text);',
      '  }',
      '  const q = "SELECT * FROM t WHERE id = " + id;',
      '  db.query(q);',
      '})();',
      '',
    ].join('\n');
    expect(lines(m, 'w.js', wrapped)).toEqual([6]);
  });
});

describe('block severity', () => {
  it('reports a block\'s own severity; the first block that matches a line wins (strongest evidence first)', () => {
    const m = rule({
      any: [
        { languages: ['python'], taint: { sources: ['input($$$)'], sinks: ['eval($SINK $$$)'] } },
        { languages: ['python'], patterns: ['eval($X $$$)'], nonconstant: ['$X'], severity: 'medium' },
      ],
    });
    const code = 'def f(expr):\n    line = input("> ")\n    eval(line)\n    eval(expr)\n    eval("1")\n';
    expect(m.match(new SourceFile('f.py', code)).map((r) => [r.line, r.severity])).toEqual([
      [3, undefined],
      [4, 'medium'],
    ]);
  });
});

describe('bad input', () => {
  const m = rule({ languages: ['javascript'], patterns: ['eval($X)'] });

  it('parses each file once for all rules', () => {
    const file = new SourceFile('a.js', 'eval(x)');
    expect(parseSource(file, 'JavaScript')).toBe(parseSource(file, 'JavaScript'));
  });

  it('skips minified, huge and deeply nested files with one reported reason per file', () => {
    const other = rule({ languages: ['javascript'], patterns: ['Function($X)'] });
    const cases: [string, RegExp][] = [
      [`var a=1;${'eval(x);'.repeat(2000)}`, /minified/],
      [`${'// padding line\n'.repeat(70_000)}eval(x)\n`, /larger than/],
      [`x = ${'[\n'.repeat(1000)}1${']\n'.repeat(1000)};\neval(x)\n`, /nested/],
    ];
    for (const [code, reason] of cases) {
      const file = new SourceFile('bundle.js', code);
      let error: unknown;
      try {
        m.match(file);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(SentrikError);
      expect((error as SentrikError).message).toMatch(reason);
      expect((error as SentrikError).file).toBe('bundle.js');
      expect(other.match(file)).toEqual([]); // reported once; the other rules just skip the file
    }
  });

  it('still matches files with local syntax errors (tree-sitter recovers)', () => {
    expect(lines(m, 'broken.js', 'const a = ;\neval(x)\nif (\n')).toEqual([2]);
  });

  it('rejects invalid rules when the pack loads', () => {
    expect(() => rule({ languages: ['python'], patterns: [{ kind: 'no_such_kind' }] })).toThrow(/invalid ast pattern.*no_such_kind/);
    expect(() => rule({ languages: ['python'], patterns: ['$X'], where: { $X: '(?=look)' } })).toThrow(SentrikError);
    expect(astMatchSchema.safeParse({ languages: ['cobol'], patterns: ['x'] }).success).toBe(false);
    // A pattern cut short matched nothing, silently; a condition on a metavariable no pattern binds was ignored.
    expect(() => rule({ languages: ['python'], patterns: ['eval($X'] })).toThrow(/ast pattern "eval\(\$X" is missing '\)'/);
    expect(() => rule({ languages: ['javascript'], patterns: ['f($X))'] })).toThrow(/unmatched '\)'/);
    // An unpaired quote may be a regex literal's character: no verdict, the pattern loads.
    expect(() => rule({ languages: ['javascript'], patterns: ['$X.replace(/\'/g, "")'] })).not.toThrow();
    expect(() => rule({ languages: ['python'], patterns: [{ pattern: 'def ($$$' }] })).toThrow(/is missing '\)'/);
    expect(() => rule({ languages: ['python'], patterns: ['eval($X)'], where: { $Y: 'request' } })).toThrow(/`where` names \$Y, which no pattern of this block binds \(they bind: \$X\)/);
    expect(() => rule({ languages: ['python'], patterns: ['eval($X)'], nonconstant: ['$Y'] })).toThrow(/`nonconstant` names \$Y/);
    expect(() => rule({ languages: ['python'], patterns: ['subprocess.$F($CMD, $$$ARGS)'], where: { $ARGS: 'shell' } })).toThrow(/`where` names \$\$\$ARGS, a list of nodes/);
    // Brackets inside strings do not count; metavariables bound by `inside` may be tested.
    expect(() => rule({ languages: ['python'], patterns: ['$C.execute("SELECT (", $X)'], where: { $X: 'q' } })).not.toThrow();
    expect(() => rule({ languages: ['python'], patterns: ['eval($X)'], inside: ['def $F($$$): $$$'], where: { $F: 'handler' } })).not.toThrow();
    expect(astMatchSchema.safeParse({ languages: ['python'], patterns: ['x'], taint: { sources: ['a'], sinks: ['b'] } }).success).toBe(false);
    expect(astMatchSchema.safeParse({ languages: ['python'], patterns: ['x'], extra: 1 }).success).toBe(false);
  });
});
