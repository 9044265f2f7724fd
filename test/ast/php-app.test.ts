// A small PHP app (plain PDO scripts, a controller, a template) through the real CLI: the OWASP dataflow rules
// find the injections QA planted and stay quiet on the same app written safely — prepared statements with
// placeholders, escaped output, base names, allowlists, fixed hosts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoStack, project, sentrik } from '../cli/helpers.js';

const VULNERABLE: Record<string, string> = {
  'public/search.php': `<?php
require __DIR__ . '/../src/bootstrap.php';
$pdo = db();
$q = $_GET['q'] ?? '';
$rows = $pdo->query("SELECT id, title FROM posts WHERE title LIKE '%" . $q . "%'")->fetchAll();
echo '<h2>Results for '.$q;
?>
<p>Searched: <?= $_GET['q'] ?></p>
`,
  'public/download.php': `<?php
$name = $_GET['name'];
readfile(__DIR__.'/../../storage/uploads/'.$name);
`,
  'public/preview.php': `<?php
$url = $_GET['url'];
$body = file_get_contents($url);
$next = $_GET['next'] ?? '/';
header('Location: '.$next);
`,
  'src/Controllers/ImageController.php': `<?php
namespace App\\Controllers;

class ImageController
{
    public function thumb(): void
    {
        $file = $_POST['file'];
        $out = shell_exec("convert " . $file . " -resize 100x100 thumb.png");
        echo $out;
    }
}
`,
};

const SAFE: Record<string, string> = {
  'public/search.php': `<?php
require __DIR__ . '/../src/bootstrap.php';
$pdo = db();
$q = $_GET['q'] ?? '';
$where = [];
$params = [];
if ($q !== '') {
    $where[] = 'title LIKE ?';
    $params[] = '%' . $q . '%';
}
$sql = 'SELECT id, title FROM posts' . ($where ? ' WHERE ' . implode(' AND ', $where) : '') . ' LIMIT ' . (int) ($_GET['limit'] ?? 20);
$stmt = $pdo->prepare($sql);
$stmt->execute($params);
echo '<h2>Results for ' . htmlspecialchars($q, ENT_QUOTES, 'UTF-8') . '</h2>';
?>
<p>Searched: <?= htmlspecialchars($_GET['q'] ?? '', ENT_QUOTES) ?></p>
`,
  'public/download.php': `<?php
$name = basename($_GET['name']);
readfile(__DIR__.'/../../storage/uploads/'.$name);
`,
  'public/preview.php': `<?php
$id = rawurlencode($_GET['id'] ?? '');
$body = file_get_contents('https://api.example.com/items/' . $id);
$next = $_GET['next'] ?? '/';
if (!in_array($next, ['/', '/account'], true)) {
    $next = '/';
}
header('Location: ' . $next);
header('Location: index.php?msg=' . urlencode($_GET['msg'] ?? ''));
`,
  'src/Controllers/ImageController.php': `<?php
namespace App\\Controllers;

class ImageController
{
    public function thumb(): void
    {
        $file = $_POST['file'];
        $out = shell_exec("convert " . escapeshellarg($file) . " -resize 100x100 thumb.png");
        echo $this->twig->render('thumb.html.twig', ['file' => $file, 'out' => $out]);
    }
}
`,
};

function scan(files: Record<string, string>): string[] {
  const root = project(files);
  const out = join(root, 'out.json');
  const r = sentrik(['scan', root, '--packs', 'owasp-top-10', '--no-cache', '--format', 'json', '--output', out]);
  expect(r.code).toBe(0);
  expectNoStack(r.stderr);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  expect(report.problems).toEqual([]);
  return report.findings.filter((f: { line?: number }) => f.line).map((f: { ruleId: string; file: string; line: number }) => `${f.ruleId} ${f.file}:${f.line}`).sort();
}

describe('a PHP app scanned with the OWASP pack', () => {
  it('finds SQL injection, XSS, path traversal, SSRF, an open redirect and command injection', () => {
    expect(scan(VULNERABLE)).toEqual([
      'OWASP-A01-001 public/download.php:3',
      'OWASP-A01-002 public/preview.php:5',
      'OWASP-A03-002 public/search.php:5',
      'OWASP-A03-003 src/Controllers/ImageController.php:9',
      'OWASP-A03-004 public/search.php:6',
      'OWASP-A03-004 public/search.php:8',
      'OWASP-A03-004 src/Controllers/ImageController.php:10',
      'OWASP-A10-001 public/preview.php:3',
    ]);
  });

  it('reports nothing in the same app written safely', () => {
    expect(scan(SAFE)).toEqual([]);
  });
});
