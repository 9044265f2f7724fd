import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { discoverFiles, excludeMatcher, type DiscoverOptions } from '../../src/engine/discovery.js';

const MiB = 1024 * 1024;
const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) {
    fs.chmodSync(t, 0o755);
    fs.rmSync(t, { recursive: true, force: true });
  }
});

/** A real temp tree: `{ 'a/b.txt': 'text' }`; returns its (real) root. */
function tree(files: Record<string, string | Buffer>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sentrik-disc-')));
  temps.push(root);
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
  return root;
}

function discover(root: string, over: Partial<DiscoverOptions> = {}) {
  return discoverFiles({ root, exclude: [], respectGitignore: true, maxFileSize: 2 * MiB, ...over });
}
const paths = (r: ReturnType<typeof discover>) => r.files.map((f) => f.path);
const skips = (r: ReturnType<typeof discover>) => Object.fromEntries(r.skipped.map((s) => [s.file, s.reason]));

describe('discoverFiles', () => {
  it('lists files sorted, relative and posix, with size, mtime and inode; always skips .git', () => {
    const root = tree({ 'b.ts': 'bb', 'a/z.py': 'z', 'a/b/c.go': 'ccc', '.git/config': '[core]', '.github/workflows/ci.yml': 'on: push' });
    const r = discover(root);
    expect(paths(r)).toEqual(['.github/workflows/ci.yml', 'a/b/c.go', 'a/z.py', 'b.ts']);
    const c = r.files.find((f) => f.path === 'a/b/c.go')!;
    expect(c).toMatchObject({ abs: path.join(root, 'a', 'b', 'c.go'), stat: { size: 3 } });
    expect(c.stat!.mtimeMs).toBeGreaterThan(0);
    expect(c.stat!.ino).toBe(fs.statSync(c.abs).ino);
    expect(r.problems).toEqual([]);
  });

  it('excludes exactly the files the ignore library excludes, for plain, anchored, glob and negated patterns', () => {
    const all = ['dist', 'a/dist', 'a/dist.js', 'b/dist/x.js', 'vendor/lib.js', 'src/vendor', 'src/gen/a.ts', 'gen/a.ts', 'x.min.js',
      'deep/y.min.js', 'docs/readme.md', 'a/docs/readme.md', '.sentrik/history.db-wal', '.sentrik/cache.json', 'keep/dist', 'Dist', 'out/r.json',
      '.sentrik/rules/p/pack.yaml', 'svc/.sentrik/rules/p/pack.yaml', 'svc/.sentrik/config.yaml', 'svc/sentrik/rules/p/pack.yaml', 'x.sentrik/rules/a.yaml'];
    const root = tree(Object.fromEntries(all.map((p) => [p, 'x'])));
    const sets = [
      ['dist', 'vendor/**', 'src/gen/', '/docs', '.sentrik/history.db*', 'out'],
      ['dist', '**/*.min.js', 'gen'],
      ['*.min.js', 'docs/'],
      ['dist', '!keep/dist'],
      ['a/dist*', 'src/vendor'],
      ['**/.sentrik/rules/**/*.yaml', '**/.sentrik/cache/', '**/.sentrik/history.db*'], // a folder name anywhere: only paths through it
    ];
    for (const exclude of sets) {
      const ig = excludeMatcher(exclude);
      const expected = all.filter((p) => !p.split('/').some((_, i, parts) => ig(parts.slice(0, i + 1).join('/'), i < parts.length - 1))).sort();
      expect(paths(discover(root, { exclude })), exclude.join(' ')).toEqual(expected);
    }
  });

  it('keeps excluding the files of a start folder named inside an excluded folder', () => {
    const root = tree({ 'node_modules/pkg/index.js': 'x', 'vendor/a/b.js': 'x', 'src/app.js': 'x' });
    for (const [start, exclude] of [['node_modules/pkg', ['node_modules']], ['vendor/a', ['vendor/**']]] as const) {
      const r = discover(root, { paths: [path.join(root, start)], exclude: [...exclude] });
      expect(paths(r), start).toEqual([]);
    }
    expect(paths(discover(root, { paths: [path.join(root, 'src')], exclude: ['node_modules'] }))).toEqual(['src/app.js']);
  });

  it('with stat: false lists the same files without a stat, and leaves the size limit to the reader', () => {
    const root = tree({ 'a.js': 'a', 'big.js': 'x'.repeat(2048), '.gitignore': 'ignored.js\n', 'ignored.js': 'i' });
    const r = discover(root, { stat: false, maxFileSize: 1024 });
    expect(paths(r)).toEqual(['.gitignore', 'a.js', 'big.js']);
    expect(r.files.every((f) => f.stat === undefined)).toBe(true);
    expect(skips(r)).toEqual({ 'ignored.js': 'gitignored' });
    expect(skips(discover(root, { maxFileSize: 1024 }))).toEqual({ 'big.js': 'too-large', 'ignored.js': 'gitignored' });
  });

  it('honours nested .gitignore files, negation, .git/info/exclude and .sentrikignore', () => {
    const root = tree({
      '.gitignore': 'node_modules/\n*.log\nbuild/\n',
      '.git/info/exclude': 'local-notes.md\n',
      '.sentrikignore': 'fixtures/\n',
      'node_modules/x/index.js': 'x',
      'app.log': 'log',
      'local-notes.md': 'n',
      'fixtures/secret.txt': 'AKIA...',
      'src/.gitignore': 'generated/\n!keep.log\n',
      'src/keep.log': 'kept by negation in a deeper .gitignore',
      'src/other.log': 'still ignored by the root .gitignore',
      'src/generated/out.js': 'g',
      'src/main.ts': 'm',
      'lib/generated/ok.js': 'the nested rule applies only under src/',
    });
    const r = discover(root);
    expect(paths(r)).toEqual(['.gitignore', '.sentrikignore', 'lib/generated/ok.js', 'src/.gitignore', 'src/keep.log', 'src/main.ts']);
    expect(skips(r)).toEqual({
      'app.log': 'gitignored',
      'fixtures': 'gitignored',
      'local-notes.md': 'gitignored',
      'node_modules': 'gitignored',
      'src/generated': 'gitignored',
      'src/other.log': 'gitignored',
    });
  });

  it('ignores .gitignore when asked, but still honours .sentrikignore', () => {
    const root = tree({ '.gitignore': '*.log\n', '.sentrikignore': 'vendor/\n', 'a.log': 'x', 'vendor/v.js': 'v' });
    expect(paths(discover(root, { respectGitignore: false }))).toEqual(['.gitignore', '.sentrikignore', 'a.log']);
  });

  it('applies the .gitignore files of the repository above a root that is a subfolder', () => {
    const top = tree({ '.gitignore': 'secret-*.txt\npkg/tmp/\n', 'pkg/secret-1.txt': 's', 'pkg/tmp/t.js': 't', 'pkg/index.js': 'i' });
    fs.mkdirSync(path.join(top, '.git'));
    const r = discover(path.join(top, 'pkg'));
    expect(paths(r)).toEqual(['index.js']);
    expect(skips(r)).toEqual({ 'secret-1.txt': 'gitignored', tmp: 'gitignored' });
  });

  it('honours scan_exclude names and globs', () => {
    const root = tree({
      'dist/bundle.js': 'b',
      'src/dist/keep-not.js': 'dir names match at any level',
      'public/app.min.js': 'min',
      'public/app.js': 'app',
      'vendor/lib/a.js': 'v',
      'docs/guide.md': 'g',
    });
    const r = discover(root, { exclude: ['dist', '**/*.min.js', 'vendor/**', '/docs'] });
    expect(paths(r)).toEqual(['public/app.js']);
    expect(skips(r)).toEqual({ dist: 'excluded', 'src/dist': 'excluded', 'public/app.min.js': 'excluded', vendor: 'excluded', docs: 'excluded' });
  });

  it('skips a 3 MB file as too large with the default cap, without reading it', () => {
    const root = tree({ 'big.json': Buffer.alloc(3_000_000, 'x'), 'small.json': '{}' });
    const r = discover(root);
    expect(paths(r)).toEqual(['small.json']);
    expect(skips(r)).toEqual({ 'big.json': 'too-large' });
  });

  it('terminates on a symlink loop (dir -> ..) and reports it', () => {
    const root = tree({ 'a/file.txt': 'f' });
    fs.symlinkSync('..', path.join(root, 'a', 'up'));
    fs.symlinkSync('.', path.join(root, 'self'));
    fs.symlinkSync('loop2', path.join(root, 'loop1'));
    fs.symlinkSync('loop1', path.join(root, 'loop2'));
    const r = discover(root);
    expect(paths(r)).toEqual(['a/file.txt']);
    expect(skips(r)).toEqual({ 'a/up': 'symlink-loop', self: 'symlink-loop', loop1: 'symlink-loop', loop2: 'symlink-loop' });
  });

  it('refuses symlinks out of the root, follows those that stay inside, reports broken ones', () => {
    const outside = tree({ 'passwd': 'root:x:0:0', 'dir/secret.txt': 's' });
    const root = tree({ 'src/a.ts': 'a', 'shared/util.ts': 'u' });
    fs.symlinkSync(path.join(outside, 'passwd'), path.join(root, 'passwd-link'));
    fs.symlinkSync(path.join(outside, 'dir'), path.join(root, 'dir-link'));
    fs.symlinkSync('src/a.ts', path.join(root, 'a-link.ts'));
    fs.symlinkSync('shared', path.join(root, 'src-shared'));
    fs.symlinkSync('missing.ts', path.join(root, 'broken.ts'));
    const r = discover(root);
    expect(paths(r)).toEqual(['a-link.ts', 'shared/util.ts', 'src/a.ts']);
    expect(skips(r)).toEqual({
      'passwd-link': 'symlink-outside-root',
      'dir-link': 'symlink-outside-root',
      'src-shared': 'symlink-duplicate',
      'broken.ts': 'broken-symlink',
    });
  });

  it('walks a symlinked folder inside the root when its target is not walked otherwise', () => {
    const root = tree({ '.gitignore': 'real/\n', 'real/x.ts': 'x' });
    fs.symlinkSync('real', path.join(root, 'alias'));
    expect(paths(discover(root))).toEqual(['.gitignore', 'alias/x.ts']);
  });

  it('scans only the given paths, with the ignore files of the folders above them', () => {
    const root = tree({ '.gitignore': '*.tmp\n', 'a/.gitignore': 'gen/\n', 'a/b/x.ts': 'x', 'a/b/y.tmp': 'y', 'a/b/gen/z.ts': 'z', 'c/d.ts': 'd', 'e.ts': 'e' });
    const r = discover(root, { paths: [path.join(root, 'a', 'b'), path.join(root, 'e.ts')] });
    expect(paths(r)).toEqual(['a/b/x.ts', 'e.ts']);
    expect(skips(r)).toEqual({ 'a/b/gen': 'gitignored', 'a/b/y.tmp': 'gitignored' });
  });

  it('scans an explicitly named file even when gitignored, but not when excluded', () => {
    const root = tree({ '.gitignore': '*.env\n', 'prod.env': 'K=1', 'dist/x.js': 'x' });
    const r = discover(root, { paths: [path.join(root, 'prod.env'), path.join(root, 'dist', 'x.js')], exclude: ['dist'] });
    expect(paths(r)).toEqual(['prod.env']);
    expect(skips(r)).toEqual({ 'dist/x.js': 'excluded' });
  });

  it('deduplicates overlapping paths', () => {
    const root = tree({ 'src/a.ts': 'a' });
    expect(paths(discover(root, { paths: [path.join(root, 'src'), path.join(root, 'src', 'a.ts'), root] }))).toEqual(['src/a.ts']);
  });

  it.skipIf(os.userInfo().uid === 0)('reports an unreadable directory and goes on', () => {
    const root = tree({ 'locked/x.ts': 'x', 'open/y.ts': 'y' });
    fs.chmodSync(path.join(root, 'locked'), 0o000);
    temps.push(path.join(root, 'locked'));
    const r = discover(root);
    expect(paths(r)).toEqual(['open/y.ts']);
    expect(r.problems).toEqual([{ file: 'locked', code: 'unreadable', message: 'cannot read: EACCES' }]);
  });

  it('reports a start path that vanished instead of throwing', () => {
    const root = tree({ 'a.ts': 'a' });
    const r = discover(root, { paths: [path.join(root, 'gone')] });
    expect(r.files).toEqual([]);
    expect(r.problems).toEqual([{ file: 'gone', code: 'unreadable', message: 'cannot read: ENOENT' }]);
  });

  it('walks a 20k-file tree completely (its speed is measured in bench/, not here)', () => {
    const files: Record<string, string> = { '.gitignore': 'node_modules/\n*.log\n' };
    for (let d = 0; d < 200; d++) for (let f = 0; f < 100; f++) files[`pkg${d % 10}/mod${d}/file${f}.ts`] = 'x';
    const root = tree(files);
    const r = discover(root);
    expect(r.files.length).toBe(20_001);
  });
});

describe('excludeMatcher', () => {
  it('matches names at any level, anchored paths and globs', () => {
    const m = excludeMatcher(['node_modules', '/build', '**/*.min.js', 'gen/**']);
    expect(m('node_modules', true)).toBe(true);
    expect(m('a/node_modules/x.js')).toBe(true);
    expect(m('build', true)).toBe(true);
    expect(m('src/build', true)).toBe(false);
    expect(m('x/y.min.js')).toBe(true);
    expect(m('gen', true)).toBe(true);
    expect(m('src/app.js')).toBe(false);
  });
});
