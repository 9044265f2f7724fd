// Every path an agent passes goes through the one guard (resolveInsideRoot), confined to the workspace root.
// A table of real attacks against each path-taking tool: each is refused with a clear error, nothing from
// outside leaks into the answer, and the server keeps serving.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoStack } from '../cli/helpers.js';
import { startServer, text, type Session } from './client.js';

const OUTSIDE_SECRET = 'AKIAQ7XW3PLMNB5RT2YK outside-the-root-marker';
let base: string;
let root: string;
let s: Session;

beforeAll(async () => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sentrik-mcp-guard-')));
  root = path.join(base, 'repo');
  fs.mkdirSync(path.join(root, 'src'), { recursive: true });
  fs.writeFileSync(path.join(root, 'src', 'app.py'), 'print("hello")\n');
  fs.mkdirSync(path.join(base, 'repo2'));
  fs.writeFileSync(path.join(base, 'repo2', 'secret.py'), `KEY = "${OUTSIDE_SECRET}"\n`);
  fs.writeFileSync(path.join(base, 'outside.py'), `KEY = "${OUTSIDE_SECRET}"\n`);
  fs.symlinkSync(path.join(base, 'outside.py'), path.join(root, 'link-out.py'));
  fs.symlinkSync(path.join(base, 'repo2'), path.join(root, 'dir-link-out'));
  fs.symlinkSync('../outside-new.py', path.join(root, 'dangling-out.py'));
  s = await startServer(root);
});
afterAll(async () => {
  await s?.close();
  fs.rmSync(base, { recursive: true, force: true });
});

const ATTACKS: [string, () => string, RegExp][] = [
  ['parent traversal', () => '../outside.py', /outside the scan root/],
  ['deep traversal', () => 'src/../../outside.py', /outside the scan root/],
  ['absolute path elsewhere', () => '/etc/passwd', /outside the scan root/],
  ['absolute path of a file outside', () => path.join(base, 'outside.py'), /outside the scan root/],
  ['sibling directory with the root as prefix (relative)', () => '../repo2/secret.py', /outside the scan root/],
  ['sibling directory with the root as prefix (absolute)', () => `${root}2/secret.py`, /outside the scan root/],
  ['symlink to a file outside', () => 'link-out.py', /outside the scan root/],
  ['file under a directory symlink pointing out', () => 'dir-link-out/secret.py', /outside the scan root/],
  ['dangling symlink pointing out', () => 'dangling-out.py', /outside the scan root/],
  ['backslash traversal', () => '..\\..\\etc\\passwd', /outside the scan root/],
  ['NUL byte', () => 'src/app.py\u0000../../etc/passwd', /NUL byte/],
];

const TOOLS: [string, (p: string) => Record<string, unknown>][] = [
  ['scan_file', (p) => ({ path: p })],
  ['get_compliance_context', (p) => ({ path: p })],
  ['check_code_snippet', (p) => ({ code: 'x = 1\n', filename: p })],
];

describe.each(TOOLS)('%s refuses paths outside the workspace', (tool, args) => {
  it.each(ATTACKS)('%s', async (_label, attack, message) => {
    const r = await s.call(tool, args(attack()));
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(message);
    expect(text(r).startsWith(`${tool}: `)).toBe(true);
    expect(JSON.stringify(r)).not.toContain('outside-the-root-marker');
    expect(JSON.stringify(r)).not.toContain('root:x:0'); // /etc/passwd content
    expectNoStack(text(r));
  });
});

describe('inside paths still work after the attacks', () => {
  it.each([
    ['relative', 'src/app.py'],
    ['absolute inside', () => path.join(root, 'src', 'app.py')],
    ['with a harmless ..', 'src/../src/app.py'],
  ])('%s', async (_label, p) => {
    const r = await s.call('scan_file', { path: typeof p === 'function' ? p() : p });
    expect(r.isError).toBeFalsy();
    expect((r.structuredContent as { path: string }).path).toBe('src/app.py');
  });
});

describe('a workspace reached through a symlinked folder', () => {
  it('accepts a file named through the link or the real folder, under the root\'s name; a symlink inside pointing out stays refused', async () => {
    const link = path.join(base, 'repo-link');
    fs.symlinkSync(root, link);
    // Started from the symlinked folder: the process sees the real path, an agent names files through the link.
    const fromLink = await startServer('.', [], {}, link);
    const byLink = await startServer(link);
    try {
      for (const [session, given] of [
        [fromLink, path.join(link, 'src', 'app.py')],
        [byLink, path.join(root, 'src', 'app.py')],
      ] as const) {
        const r = await session.call('scan_file', { path: given });
        expect(r.isError, text(r)).toBeFalsy();
        expect((r.structuredContent as { path: string }).path).toBe('src/app.py');
        const ctx = await session.call('get_compliance_context', { path: path.join(path.dirname(given), 'new.py') });
        expect((ctx.structuredContent as { path: string }).path).toBe('src/new.py');
      }
      for (const out of ['link-out.py', 'dir-link-out/secret.py', 'dangling-out.py']) {
        const r = await fromLink.call('scan_file', { path: path.join(link, out) });
        expect(r.isError, out).toBe(true);
        expect(text(r)).toMatch(/outside the scan root/);
        expect(JSON.stringify(r)).not.toContain('outside-the-root-marker');
      }
    } finally {
      await fromLink.close();
      await byLink.close();
    }
  });
});
