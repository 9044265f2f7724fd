// PHP as an AST language: patterns after `<?php`, `$`-variables in the taint engine (assignments, `.`
// concatenation, interpolation in double-quoted strings and heredocs, `.=` and `$a[] =`), conversions and
// sanitisers, guards (in_array, a realpath prefix check) and leaving branches (exit, die, throw, return).
import { describe, expect, it } from 'vitest';
import { astKind, astMatchSchema } from '../../src/engine/matchers/ast.js';
import type { CompiledFileMatcher } from '../../src/engine/matchers/matcher.js';
import { SourceFile } from '../../src/engine/source.js';
import { languageOf } from '../../src/engine/ast/languages.js';

function rule(match: unknown): CompiledFileMatcher {
  const parsed = astMatchSchema.parse(match);
  return astKind.compile(parsed, { ruleId: 'T-1', packFile: 'test.yaml' }) as CompiledFileMatcher;
}

const lines = (m: CompiledFileMatcher, path: string, code: string): number[] => m.match(new SourceFile(path, code)).map((r) => r.line!);

const REQUEST = { kind: 'variable_name', regex: '^\\$_(GET|POST|REQUEST|COOKIE)$' };

describe('PHP patterns', () => {
  it('maps .php files to the php parser and matches calls, methods and static calls written without `<?php`', () => {
    expect(languageOf('app/Http/Controllers/UserController.php')).toEqual({ language: 'php', parser: 'php' });
    const m = rule({ languages: ['php'], patterns: ['shell_exec($X)', '$C->query($X $$$)', 'DB::raw($X)'] });
    const code = `<?php
shell_exec("ls");
$pdo->query($sql);
$pdo->query($sql, PDO::FETCH_ASSOC);
DB::raw("count(*)");
$pdo->prepare($sql);
`;
    expect(lines(m, 'a.php', code)).toEqual([2, 3, 4, 5]);
  });

  it('does not read text outside `<?php` tags as code', () => {
    const m = rule({ languages: ['php'], patterns: ['shell_exec($X)'] });
    expect(lines(m, 'a.php', '<p>shell_exec($x)</p>\n<?php shell_exec($cmd); ?>\n')).toEqual([2]);
  });
});

describe('PHP taint', () => {
  const sql = rule({
    languages: ['php'],
    taint: { sources: [REQUEST], sinks: ['$C->query($SINK $$$)', 'mysqli_query($C, $SINK $$$)'], sanitizers: ['$C->quote($X)'] },
  });

  it('follows $-variables through assignments, `.` concatenation, interpolation, heredocs, `.=` and `$a[] =`', () => {
    const code = `<?php
$q = $_GET['q'];
$rows = $pdo->query("SELECT * FROM items WHERE name LIKE '%" . $q . "%'");
$r2 = $pdo->query("SELECT * FROM items WHERE name = '$q'");
$sql = <<<SQL
  SELECT * FROM items WHERE name = '{$q}'
SQL;
$pdo->query($sql);
$where = "1 = 1";
$where .= " AND owner = '" . $_POST['owner'] . "'";
mysqli_query($conn, "SELECT * FROM t WHERE " . $where);
$parts = [];
$parts[] = "tag = '" . $_GET['tag'] . "'";
$pdo->query("SELECT * FROM t WHERE " . implode(' AND ', $parts));
$pdo->query("SELECT * FROM t WHERE name = 'fixed'");
`;
    expect(lines(sql, 'search.php', code)).toEqual([3, 4, 8, 11, 14]);
  });

  it('is cleared by casts, intval, validating filters, sanitisers and a later clean assignment; parameters stay apart', () => {
    const code = `<?php
$id = (int) $_GET['id'];
$pdo->query("SELECT * FROM t WHERE id = " . $id);
$n = intval($_GET['n']);
$pdo->query("SELECT * FROM t LIMIT $n");
$p = filter_var($_GET['p'], FILTER_VALIDATE_INT);
$pdo->query("SELECT * FROM t OFFSET $p");
$name = $pdo->quote($_GET['name']);
$pdo->query("SELECT * FROM t WHERE name = $name");
$s = $_GET['s'];
$s = 'fixed';
$pdo->query("SELECT * FROM t WHERE s = '$s'");
$stmt = $pdo->prepare("SELECT * FROM t WHERE name = ?");
$stmt->execute([$_GET['name']]);
$pdo->query("SELECT * FROM {$this->table} WHERE id = 1");
function other($q) { global $pdo; return $pdo->query($q); }
`;
    expect(lines(sql, 'clean.php', code)).toEqual([]);
  });

  it('keeps taint inside a function and its closures, and taints parameters a source matches', () => {
    const m = rule({
      languages: ['php'],
      taint: {
        sources: [REQUEST, { pattern: '$R->input($$$)', regex: '^\\$request->' }, { kind: 'variable_name', inside: { kind: 'simple_parameter', regex: '^Request\\s' } }],
        sinks: ['shell_exec($SINK)'],
        sanitizers: ['escapeshellarg($X)'],
      },
    });
    const code = `<?php
class ImageController {
    public function resize(Request $request) {
        $file = $request->input('file');
        $out = shell_exec("convert " . $file . " -resize 64x64 out.png");
        $safe = shell_exec("convert " . escapeshellarg($file) . " out.png");
        $cb = function () use ($file) { return shell_exec("identify $file"); };
        return shell_exec("ls " . $request->path());
    }
    public function other() {
        return shell_exec("convert " . $file);
    }
}
`;
    expect(lines(m, 'ImageController.php', code)).toEqual([5, 7, 8]);
  });

  it('is cleared by allowlist membership (in_array, array_key_exists) where the check holds or after it leaves', () => {
    const m = rule({ languages: ['php'], taint: { sources: [REQUEST], sinks: ['shell_exec($SINK)'] } });
    const code = `<?php
function a() {
    $fmt = $_GET['fmt'];
    if (!in_array($fmt, ['png', 'jpg'], true)) {
        http_response_code(400);
        exit;
    }
    shell_exec("convert in.gif out.$fmt");
}
function b() {
    $fmt = $_GET['fmt'];
    if (!in_array($fmt, ALLOWED)) die('bad format');
    shell_exec("convert in.gif out.$fmt");
}
function c() {
    $fmt = $_GET['fmt'];
    if (in_array($fmt, ALLOWED, true)) {
        shell_exec("convert in.gif out.$fmt");
    }
    shell_exec("convert in.gif out.$fmt");
}
function d() {
    $fmt = $_GET['fmt'];
    if (!array_key_exists($fmt, FORMATS)) {
        throw new InvalidArgumentException('format');
    }
    shell_exec("convert in.gif out.$fmt");
    if (!in_array($fmt, ALLOWED, true)) {
        error_log('unknown format');
    }
}
`;
    expect(lines(m, 'convert.php', code)).toEqual([20]);
  });

  it('takes no SQL text built from allowlisted or fixed values for a source (ORDER BY a checked column, an OFFSET from a cast)', () => {
    const built = rule({
      languages: ['php'],
      taint: { sources: [{ kind: 'encapsed_string', has: { kind: 'variable_name' }, regex: '(?i)select' }], sinks: ['$C->query($SINK $$$)'] },
    });
    const code = `<?php
function list_users(PDO $pdo): array {
    $sort = $_GET['sort'] ?? 'id';
    if (!in_array($sort, ['id', 'name'], true)) {
        $sort = 'id';
    }
    $a = $pdo->query("SELECT * FROM users ORDER BY $sort");
    $dir = $_GET['dir'] ?? 'ASC';
    if (!in_array($dir, ['ASC', 'DESC'], true)) exit;
    $b = $pdo->query("SELECT * FROM users ORDER BY id $dir");
    $page = max(1, (int) ($_GET['page'] ?? 1));
    $offset = ($page - 1) * 20;
    $c = $pdo->query("SELECT * FROM users LIMIT 20 OFFSET $offset");
    $col = $_GET['col'];
    if (!in_array($col, ['id', 'name'], true)) {
        error_log('unknown column');
    }
    $d = $pdo->query("SELECT $col FROM users");
    return [$a, $b, $c, $d];
}
`;
    expect(lines(built, 'users.php', code)).toEqual([18]);
  });

  it('honours a rule\'s own guard only for a normalised value (a realpath checked against its base folder)', () => {
    const m = rule({
      languages: ['php'],
      taint: {
        sources: [REQUEST],
        sinks: ['readfile($SINK)'],
        guards: [{ pattern: 'str_starts_with($V, $$$)', regex: 'DIRECTORY_SEPARATOR|/[\'"]\\s*\\)' }],
        guard_needs: '\\brealpath\\(',
      },
    });
    const code = `<?php
function good() {
    $path = realpath(BASE . '/' . $_GET['f']);
    if ($path === false || !str_starts_with($path, BASE . DIRECTORY_SEPARATOR)) {
        return;
    }
    readfile($path);
}
function bad() {
    $path = BASE . '/' . $_GET['f'];
    if (!str_starts_with($path, BASE . '/')) return;
    readfile($path);
}
`;
    expect(lines(m, 'dl.php', code)).toEqual([12]);
  });

  it('follows a host parsed with parse_url back to its URL when the host is allowlisted', () => {
    const m = rule({ languages: ['php'], taint: { sources: [REQUEST], sinks: ['file_get_contents($SINK $$$)'] } });
    const code = `<?php
function good() {
    $url = $_GET['url'];
    $host = parse_url($url, PHP_URL_HOST);
    if (!in_array($host, ['api.example.com'], true)) exit('host');
    return file_get_contents($url);
}
function good2() {
    $url = $_GET['url'];
    $parts = parse_url($url);
    if (!in_array($parts['host'], ALLOWED_HOSTS, true)) exit('host');
    return file_get_contents($url);
}
function bad() {
    $url = $_GET['url'];
    return file_get_contents($url);
}
`;
    expect(lines(m, 'fetch.php', code)).toEqual([16]);
  });
});
