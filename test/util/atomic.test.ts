// writeFileAtomic, the one write-then-rename helper: the target holds the old or the new bytes, never half,
// and nothing is left beside it, also when the rename fails.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/util/atomic.js';

describe('writeFileAtomic', () => {
  it('replaces a file (creating its folder) with the mode asked for, leaving no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentrik-atomic-'));
    const file = join(dir, 'sub', 'state.json');
    writeFileAtomic(file, 'one\n');
    writeFileAtomic(file, 'two\n', { mode: 0o600 });
    expect(readFileSync(file, 'utf8')).toBe('two\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['state.json']);
  });

  it('keeps an existing file\'s mode and replaces a symlink instead of writing through it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentrik-atomic-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'a: 1\n', { mode: 0o600 });
    writeFileAtomic(file, 'a: 2\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const outside = join(dir, 'outside.yaml');
    writeFileSync(outside, 'kept\n');
    const link = join(dir, 'link.yaml');
    symlinkSync(outside, link);
    writeFileAtomic(link, 'new\n');
    expect(readFileSync(outside, 'utf8')).toBe('kept\n');
    expect(lstatSync(link).isFile()).toBe(true);
  });

  it('a failed rename keeps the target as it was and removes the temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentrik-atomic-'));
    const target = join(dir, 'taken');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'x');
    expect(() => writeFileAtomic(target, 'new')).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('x');
  });
});
