// `--output FILE` in-process: what lands in the file, and which names are refused before any work is done.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { project } from './helpers.js';

/** An in-process CliIO; `isTTY: true` is a user at a terminal (colour on stdout). */
function io(cwd: string, isTTY = false): CliIO & { out: string; err: string } {
  const o = { out: '', err: '', env: {}, cwd, isTTY } as CliIO & { out: string; err: string };
  o.stdout = (t: string) => void (o.out += t);
  o.stderr = (t: string) => void (o.err += t);
  return o;
}

const ESC = '\u001b[';

describe('-o report.txt from a terminal', () => {
  it('writes no colour codes into the file', async () => {
    const dir = project({ 'app.js': 'const q = "SELECT * FROM t WHERE id = " + req.query.id;\neval(req.body.code);\n' });
    const o = io(dir, true);
    const code = await main(['scan', dir, '-o', 'report.txt', '--no-cache'], o);
    expect(code, o.err).toBeLessThan(2);
    const text = readFileSync(join(dir, 'report.txt'), 'utf8');
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain(ESC);
  });
});

describe('secrets -o / --update-baseline', () => {
  it('refuses an extension that names no format before scanning (and before --history)', async () => {
    // Not a git repository: --history would fail if it ran; the refusal of the file name must come first.
    const dir = project({ 'deploy.sh': 'echo hi\n' });
    const o = io(dir);
    const code = await main(['secrets', dir, '--history', '-o', 'x.unknownext', '--no-cache'], o);
    expect(code).toBe(2);
    expect(o.err).toContain("x.unknownext: cannot write a '.unknownext' report");
  });

  it('refuses --update-baseline with -o rather than ignoring -o', async () => {
    const dir = project({ 'deploy.sh': 'echo hi\n' });
    const o = io(dir);
    const code = await main(['secrets', dir, '--baseline', 'b.json', '--update-baseline', '-o', 'r.json', '--no-cache'], o);
    expect(code).toBe(2);
    expect(o.err).toContain('--update-baseline cannot be combined with --output');
    expect(existsSync(join(dir, 'b.json'))).toBe(false);
  });
});
