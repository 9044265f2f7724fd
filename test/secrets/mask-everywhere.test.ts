// No credential value is printed in full anywhere: a second credential on the line of a secret finding (one its
// rule did not catch), and the values that hard-coded-credential rules of the language packs (AST rules, which
// flag a line, not a value) report. Every report format, the files a run leaves behind (reports, cache,
// history database) and the MCP server.
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { git, project } from '../cli/helpers.js';
import { startServer, text } from '../mcp/client.js';

const GH = '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';
// Low entropy: no rule reports it, but it sits on the line of the GitHub token under a password-named key.
const WEAK_PW = 'hunter2hunter2';
const DB_PW = 'pG7wDB8VW8gugRIvOIf';
const FLASK_KEY = 'k3v9Lq2Rm8Tz4Wx7Yb1Nc6Pd0Hs5Jf3G';
const JWT_KEY = 'kAAObZnMsqSBTGkkGmaonibKMsFZ4Bko0kniAGdv';
const PY_JWT_KEY = 'hardcoded-signing-key-9f3k2';
const RAW = [GH, WEAK_PW, DB_PW, FLASK_KEY, JWT_KEY, PY_JWT_KEY];

let dir: string;
beforeAll(() => {
  dir = project({
    'deploy.sh': `export GITHUB_TOKEN=${GH} DEPLOY_PASSWORD=${WEAK_PW}\n`,
    'settings.py': `DATABASE_URL = "postgres://svc:${DB_PW}@db.acme.io/app"; API_TOKEN = "${WEAK_PW}"\n`,
    'app.py': `import jwt\napp.config["SECRET_KEY"] = "${FLASK_KEY}"\ntoken = jwt.encode({"sub": 1}, "${PY_JWT_KEY}", algorithm="HS256")\n`,
    'web/auth.js': `const jwt = require('jsonwebtoken');\nexport const sign = (user) => jwt.sign({ sub: user.id }, "${JWT_KEY}", { expiresIn: '1h' });\n`,
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(): CliIO & { out: string; err: string } {
  const o = { out: '', err: '', env: {}, cwd: dir, isTTY: false } as CliIO & { out: string; err: string };
  o.stdout = (t: string) => void (o.out += t);
  o.stderr = (t: string) => void (o.err += t);
  return o;
}

function expectNoRaw(where: string, textOrBytes: string): void {
  for (const raw of RAW) expect(textOrBytes.includes(raw), `${raw} in ${where}`).toBe(false);
}

/** Every file under `d`, recursively. */
function filesUnder(d: string): string[] {
  if (!existsSync(d)) return [];
  return readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? filesUnder(join(d, n)) : [join(d, n)]));
}

describe('masking', () => {
  it('hides every credential value in every scan format', async () => {
    for (const format of ['terminal', 'json', 'sarif', 'junit', 'csv', 'markdown', 'html', 'metrics']) {
      const o = io();
      await main(['scan', dir, '--packs', 'all', '--format', format], o);
      expectNoRaw(format, o.out + o.err);
    }
    const o = io();
    await main(['scan', dir, '--packs', 'all', '--format', 'json'], o);
    const rules = new Set(JSON.parse(o.out).findings.map((f: { ruleId: string }) => f.ruleId));
    // The findings whose snippets are checked were made.
    for (const id of ['SEC-GITHUB-001', 'SEC-DB-001', 'PY-SECRET-001', 'JS-SECRET-001']) expect(rules, id).toContain(id);
  });

  it('hides them in `secrets` reports, git history findings and what runs leave on disk (reports, cache, history)', async () => {
    git(dir, 'init', '-q');
    git(dir, 'add', 'deploy.sh', 'settings.py', 'app.py', 'web/auth.js');
    git(dir, 'commit', '-q', '-m', 'add');
    git(dir, 'mv', 'deploy.sh', 'old-deploy.sh'); // what is shown of it now comes from the history scan only
    git(dir, 'commit', '-q', '-m', 'rename');
    writeFileSync(join(dir, 'old-deploy.sh'), 'export GITHUB_TOKEN="$CI_TOKEN"\n');
    git(dir, 'commit', '-q', '-am', 'remove');
    for (const format of ['terminal', 'json']) {
      const o = io();
      await main(['secrets', dir, '--history', '--format', format], o);
      expect(o.out).toContain('SEC-GITHUB-001');
      expectNoRaw(`secrets --history ${format}`, o.out + o.err);
    }
    await main(['scan', dir, '--packs', 'all', '--format', 'json'], io()); // records a run in the history database
    const left = [...filesUnder(join(dir, 'out')), ...filesUnder(join(dir, '.sentrik'))];
    expect(left.some((f) => f.endsWith('history.db'))).toBe(true);
    for (const f of left) expectNoRaw(f, readFileSync(f).toString('latin1'));
  });

  it('hides them from MCP clients', async () => {
    const s = await startServer(dir);
    try {
      for (const path of ['deploy.sh', 'settings.py', 'app.py', 'web/auth.js']) {
        const r = await s.call('scan_file', { path });
        expectNoRaw(path, text(r) + JSON.stringify(r.structuredContent));
      }
    } finally {
      await s.close();
    }
  });
});
