// The MCP server is long-lived: it keeps its configuration between calls, and picks up every change an agent
// (or a person) makes mid-session — the config file, a file it extends, a config file that appears, a new
// language in a zero-config project — without a restart. A broken edit is a clear error until it is fixed.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { configCache, REDETECT_MS } from '../../src/config/cache.js';
import { errorMessage, SentrikError } from '../../src/util/errors.js';
import { expectNoStack, project } from '../cli/helpers.js';
import { startServer, text, type Session } from './client.js';

/** The real loader, counting how often it runs. */
function cacheFor(root: string, clock = { now: 0 }) {
  let loads = 0;
  const config = configCache({
    root,
    load: () => {
      loads++;
      return loadConfig({ root, env: {} });
    },
    now: () => clock.now,
  });
  return { config, loads: () => loads, clock };
}

describe('configCache', () => {
  it('loads once while nothing changes', () => {
    const root = project({ '.sentrik/config.yaml': 'standards_packs: [secrets]\n', 'app.py': 'x = 1\n' });
    const c = cacheFor(root);
    const first = c.config();
    expect(first.standards_packs).toEqual(['secrets']);
    c.clock.now += 60_000;
    expect(c.config()).toBe(first);
    expect(c.loads()).toBe(1);
  });

  it('re-reads an edited config file on the next call', () => {
    const root = project({ '.sentrik/config.yaml': 'standards_packs: [secrets]\n' });
    const c = cacheFor(root);
    expect(c.config().standards_packs).toEqual(['secrets']);
    writeFileSync(join(root, '.sentrik/config.yaml'), 'standards_packs: [secrets, python-security]\n');
    expect(c.config().standards_packs).toEqual(['secrets', 'python-security']);
    expect(c.loads()).toBe(2);
  });

  it('re-reads when a file the config extends changes', () => {
    const root = project({ '.sentrik/config.yaml': 'extends: ./base.yaml\nstandards_packs: [secrets]\n', '.sentrik/base.yaml': 'gate:\n  fail_on: [critical]\n' });
    const c = cacheFor(root);
    expect(c.config().gate.fail_on).toEqual(['critical']);
    writeFileSync(join(root, '.sentrik/base.yaml'), 'gate:\n  fail_on: [critical, high, medium]\n');
    expect(c.config().gate.fail_on).toEqual(['critical', 'high', 'medium']);
  });

  it('notices a config file that appears (here at the repository top, above the workspace root) or disappears', () => {
    const top = project({ '.git/HEAD': 'ref: refs/heads/main\n', 'svc/app.py': 'x = 1\n' });
    const root = join(top, 'svc');
    const c = cacheFor(root);
    expect(c.config().standards_packs).toContain('python-security'); // detected
    writeFileSync(join(top, '.guard.yaml'), 'standards_packs: [secrets]\n'); // a reference-product file counts too
    expect(c.config().standards_packs).toEqual(['secrets']);
    mkdirSync(join(top, '.sentrik'));
    writeFileSync(join(top, '.sentrik/config.yaml'), 'standards_packs: [supply-chain-security]\n');
    expect(c.config().standards_packs).toEqual(['supply-chain-security']);
    rmSync(join(top, '.sentrik'), { recursive: true });
    rmSync(join(top, '.guard.yaml'));
    expect(c.config().standards_packs).toContain('python-security');
  });

  it('re-detects the packs of a zero-config project after a while, not on every call', () => {
    const root = project({ 'README.md': '# notes\n' });
    const c = cacheFor(root, { now: 1_000 });
    expect(c.config().standards_packs).not.toContain('python-security');
    writeFileSync(join(root, 'app.py'), 'x = 1\n');
    c.clock.now += REDETECT_MS - 1;
    expect(c.config().standards_packs).not.toContain('python-security');
    expect(c.loads()).toBe(1);
    c.clock.now += 1;
    expect(c.config().standards_packs).toContain('python-security');
    expect(c.loads()).toBe(2);
  });

  it('a broken edit throws the loader\'s one-line error on every call until it is fixed', () => {
    const root = project({ '.sentrik/config.yaml': 'standards_packs: [secrets]\n' });
    const c = cacheFor(root);
    c.config();
    writeFileSync(join(root, '.sentrik/config.yaml'), 'standards_packs: [secrets]\nnot_a_key: 1\n');
    for (let i = 0; i < 2; i++) {
      const err = (() => {
        try {
          c.config();
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(SentrikError);
      expect(errorMessage(err)).toMatch(/config\.yaml:2: .*not_a_key/);
    }
    writeFileSync(join(root, '.sentrik/config.yaml'), 'standards_packs: [secrets, python-security]\n');
    expect(c.config().standards_packs).toEqual(['secrets', 'python-security']);
  });
});

describe('the server picks up configuration changes between calls', () => {
  const EVAL = 'import flask\nresult = eval(flask.request.args["expr"])\n';
  let root: string;
  let s: Session;
  const ruleIds = async () => {
    const r = await s.call('check_code_snippet', { code: EVAL, filename: 'src/calc.py' });
    expect(r.isError, text(r)).toBeFalsy();
    return (r.structuredContent as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId);
  };

  beforeAll(async () => {
    root = project({ '.sentrik/config.yaml': 'standards_packs: [secrets]\n' });
    s = await startServer(root);
  });
  afterAll(() => s?.close());

  it('a pack enabled mid-session applies to the next check; a broken edit is a clear error and the server keeps serving', async () => {
    // After the handshake the server prepares the rules before any call asks for them.
    await vi.waitFor(() => expect(s.stderr()).toMatch(/sentrik mcp: ready in \d+ ms/), { timeout: 20_000 });
    expect(await ruleIds()).not.toContain('PY-EVAL-001');
    writeFileSync(join(root, '.sentrik/config.yaml'), 'standards_packs: [secrets, python-security]\n');
    expect(await ruleIds()).toContain('PY-EVAL-001');

    writeFileSync(join(root, '.sentrik/config.yaml'), 'standards_packs: [secrets, python-security]\ngate: [\n');
    const broken = await s.call('check_code_snippet', { code: EVAL, filename: 'src/calc.py' });
    expect(broken.isError).toBe(true);
    expect(text(broken)).toMatch(/^check_code_snippet: .*config\.yaml:\d+: /);
    expectNoStack(text(broken));

    writeFileSync(join(root, '.sentrik/config.yaml'), 'standards_packs: [secrets]\n');
    expect(await ruleIds()).not.toContain('PY-EVAL-001');
  });
});
