// Layered configuration: extends (files and installed packages), list operations, monorepo directory files,
// reference-product .guard.yaml, and where every key came from. Bad input is one error with file and line.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, networkPolicy } from '../../src/config/load.js';
import { SentrikError } from '../../src/util/errors.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'sentrik-layers-'));
  mkdirSync(join(root, '.git')); // the repository top
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

function loadError(fn: () => unknown): SentrikError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SentrikError);
    return err as SentrikError;
  }
  throw new Error('expected an error');
}

const CFG = '.sentrik/config.yaml';

describe('extends', () => {
  it('merges extended files in order, then the repository file, and says where each key came from', () => {
    const root = tree({
      'policy/base.yaml': 'gate:\n  fail_on: [critical]\noutput_dir: base-out\nstandards_packs: [owasp-top-10, secrets]\n',
      'policy/strict.yaml': 'gate:\n  fail_on: [critical, high, medium]\nmax_file_size: 1MiB\n',
      [CFG]: 'extends: [../policy/base.yaml, ../policy/strict.yaml]\noutput_dir: reports\n',
    });
    const loaded = loadConfig({ root, env: {} });
    expect(loaded.config.gate.fail_on).toEqual(['critical', 'high', 'medium']);
    expect(loaded.config.output_dir).toBe('reports');
    expect(loaded.config.max_file_size).toBe(1024 * 1024);
    expect(loaded.config.standards_packs).toEqual(['owasp-top-10', 'secrets']);
    expect(loaded.sources['gate.fail_on']).toBe(`${join(root, 'policy/strict.yaml')}:2`);
    expect(loaded.sources.output_dir).toBe(`${join(root, CFG)}:2`);
    expect(loaded.sources.standards_packs).toBe(`${join(root, 'policy/base.yaml')}:4`);
    expect(loaded.files).toEqual([join(root, 'policy/base.yaml'), join(root, 'policy/strict.yaml'), join(root, CFG)]);
    expect(loaded.file).toBe(join(root, CFG));
    expect((loaded.config as Record<string, unknown>).extends).toBeUndefined();
  });

  it('reads an installed npm package as data: package.json "sentrik", a sub-path, or sentrik.yaml', () => {
    const root = tree({
      'node_modules/@acme/policy/package.json': '{ "name": "@acme/policy", "sentrik": "org.yaml", "main": "index.js" }',
      'node_modules/@acme/policy/index.js': 'throw new Error("never executed")\n',
      'node_modules/@acme/policy/org.yaml': 'reporters: [json, sarif]\n',
      'node_modules/@acme/policy/strict.yaml': 'gate: { fail_on: [low] }\n',
      'node_modules/plain-policy/package.json': '{ "name": "plain-policy" }',
      'node_modules/plain-policy/sentrik.yaml': 'scan_exclude: [vendor]\n',
      [CFG]: 'extends:\n  - "@acme/policy"\n  - "@acme/policy/strict.yaml"\n  - plain-policy\n',
    });
    const loaded = loadConfig({ root, env: {} });
    expect(loaded.config.reporters).toEqual(['json', 'sarif']);
    expect(loaded.config.gate.fail_on).toEqual(['low']);
    expect(loaded.config.scan_exclude).toEqual(['vendor']);
    expect(loaded.sources.reporters).toBe(`${join(root, 'node_modules/@acme/policy/org.yaml')}:1`);
  });

  it('a missing file or package, a cycle, or a path outside the repository is an error at the extends line', () => {
    const missing = tree({ [CFG]: 'output_dir: x\nextends: ./nope.yaml\n' });
    const e1 = loadError(() => loadConfig({ root: missing, env: {} }));
    expect([e1.file, e1.line]).toEqual([join(missing, CFG), 2]);
    expect(e1.message).toContain("extends: './nope.yaml' not found");

    const pkg = tree({ [CFG]: 'extends:\n  - "@acme/not-installed"\n' });
    const e2 = loadError(() => loadConfig({ root: pkg, env: {} }));
    expect([e2.file, e2.line]).toEqual([join(pkg, CFG), 2]);
    expect(e2.message).toContain("package '@acme/not-installed' is not installed");
    expect(e2.hint).toContain('npm install --save-dev @acme/not-installed');

    const cycle = tree({ 'a.yaml': 'extends: ./b.yaml\n', 'b.yaml': 'cache: false\nextends: ./a.yaml\n', [CFG]: 'extends: ../a.yaml\n' });
    const e3 = loadError(() => loadConfig({ root: cycle, env: {} }));
    expect(e3.message).toMatch(/^extends cycle: .*a\.yaml → .*b\.yaml → .*a\.yaml$/);
    expect([e3.file, e3.line]).toEqual([join(cycle, 'b.yaml'), 2]);

    const self = tree({ [CFG]: 'extends: ./config.yaml\n' });
    expect(loadError(() => loadConfig({ root: self, env: {} })).message).toContain('extends cycle');

    const outside = tree({ [CFG]: 'extends: /etc/hostname\n' });
    const e4 = loadError(() => loadConfig({ root: outside, env: {} }));
    expect(e4.message).toMatch(/outside the repository|not found/);
    expect(e4.line).toBe(1);
  });

  it('an extended file is validated on its own: a wrong type names that file and line', () => {
    const root = tree({ 'base.yaml': 'gate:\n  fail_on: [critical, severe]\n', [CFG]: 'extends: ../base.yaml\n' });
    const err = loadError(() => loadConfig({ root, env: {} }));
    expect([err.file, err.line]).toEqual([join(root, 'base.yaml'), 2]);
    expect(err.message).toContain("gate.fail_on.1: 'severe' is not allowed");
  });
});

describe('lists', () => {
  const base = 'standards_packs: [owasp-top-10, supply-chain-security, secrets]\nscan_exclude: [vendor]\n';

  it('append, remove and replace say what happens to an inherited list', () => {
    const root = tree({
      'base.yaml': base,
      [CFG]: 'extends: ../base.yaml\nstandards_packs:\n  append: [python-security]\n  remove: [secrets]\nscan_exclude: { replace: [build] }\n',
    });
    const loaded = loadConfig({ root, env: {} });
    expect(loaded.config.standards_packs).toEqual(['owasp-top-10', 'supply-chain-security', 'python-security']);
    expect(loaded.config.scan_exclude).toEqual(['build']);
    expect(loaded.sources.standards_packs).toBe(`${join(root, 'base.yaml')}:1 + ${join(root, CFG)}:2`);
    expect(loaded.warnings).toEqual([`${join(root, CFG)}:2: standards_packs removes secrets`]);
  });

  it('append with nothing inherited extends the defaults (detected packs, default excludes)', () => {
    const root = tree({ 'app.py': 'print(1)\n', [CFG]: 'standards_packs: { append: [soc2] }\nscan_exclude: { append: [generated] }\n' });
    const loaded = loadConfig({ root, env: {} });
    expect(loaded.config.standards_packs).toEqual(expect.arrayContaining(['owasp-top-10', 'secrets', 'python-security', 'soc2']));
    expect(loaded.config.scan_exclude).toEqual(expect.arrayContaining(['node_modules', '.git', 'generated']));
    expect(loaded.sources.standards_packs).toMatch(/^detected: .* \+ .*config\.yaml:1$/);
  });

  it('a plain list that drops inherited packs is applied with a warning; { replace } confirms it silently', () => {
    const plain = tree({ 'base.yaml': base, [CFG]: 'extends: ../base.yaml\nstandards_packs: [owasp-top-10]\n' });
    const loaded = loadConfig({ root: plain, env: {} });
    expect(loaded.config.standards_packs).toEqual(['owasp-top-10']);
    expect(loaded.warnings).toHaveLength(1);
    expect(loaded.warnings[0]).toContain('leaves out supply-chain-security, secrets');
    const confirmed = tree({ 'base.yaml': base, [CFG]: 'extends: ../base.yaml\nstandards_packs: { replace: [owasp-top-10] }\n' });
    expect(loadConfig({ root: confirmed, env: {} }).warnings).toEqual([]);
  });

  it('a bad list operation or item names its own line', () => {
    const op = tree({ [CFG]: 'cache: true\nreporters:\n  add: [json]\n' });
    const e1 = loadError(() => loadConfig({ root: op, env: {} }));
    expect([e1.line, e1.message]).toEqual([3, "invalid config: reporters: unknown list operation 'add'"]);
    const item = tree({ [CFG]: 'standards_packs:\n  append:\n    - soc2\n    - Not_A_Pack\n' });
    const e2 = loadError(() => loadConfig({ root: item, env: {} }));
    expect(e2.line).toBe(4);
    expect(e2.message).toContain('standards_packs.append.1');
  });
});

describe('monorepo directories, environment and flags', () => {
  it('layers the repository file, then the sub-project file; environment and flags still win', () => {
    const top = tree({
      [CFG]: 'gate: { fail_on: [critical] }\noutput_dir: top-out\nreporters: [json]\n',
      'services/api/.sentrik/config.yaml': 'output_dir: api-out\nreporters: { append: [sarif] }\n',
    });
    const api = join(top, 'services/api');
    const loaded = loadConfig({ root: api, env: { SENTRIK_GATE_FAIL_ON: 'high' }, overrides: { cache: false } });
    expect(loaded.config.output_dir).toBe('api-out');
    expect(loaded.config.reporters).toEqual(['json', 'sarif']);
    expect(loaded.config.gate.fail_on).toEqual(['high']);
    expect(loaded.origins['gate.fail_on']).toBe('env');
    expect(loaded.origins.cache).toBe('flag');
    expect(loaded.sources.output_dir).toBe(`${join(api, CFG)}:1`);
    expect(loaded.files).toEqual([join(top, CFG), join(api, CFG)]);
    // Scanned from the top, the sub-project's file does not apply.
    expect(loadConfig({ root: top, env: {} }).config.output_dir).toBe('top-out');
  });

  it('network defaults to off in CI and ask elsewhere; an explicit value wins', () => {
    const root = tree({});
    expect(networkPolicy(loadConfig({ root, env: { CI: 'true' } }).config, { CI: 'true' })).toBe('off');
    expect(networkPolicy(loadConfig({ root, env: {} }).config, {})).toBe('ask');
    const on = loadConfig({ root, env: { CI: 'true', SENTRIK_NETWORK: 'on' } });
    expect(networkPolicy(on.config, { CI: 'true' })).toBe('on');
    expect(on.sources.network).toBe('env SENTRIK_NETWORK');
    const bad = loadError(() => loadConfig({ root: tree({ [CFG]: 'network: sometimes\n' }), env: {} }));
    expect(bad.line).toBe(1);
  });
});

describe('reference-product configuration (.guard.yaml)', () => {
  it('is read where no .sentrik/config.yaml exists, mapped, with a warning per key without an equivalent', () => {
    const root = tree({ '.guard.yaml': 'gate_fail_on: [CRITICAL]\nscan_exclude: [legacy]\nreporters: [json, console, md]\nlicense_key: abc\n' });
    const loaded = loadConfig({ root, env: {} });
    expect(loaded.config.gate.fail_on).toEqual(['critical']);
    expect(loaded.config.scan_exclude).toEqual(['legacy']);
    expect(loaded.config.reporters).toEqual(['json', 'markdown']);
    expect(loaded.sources['gate.fail_on']).toBe(`${join(root, '.guard.yaml')}:1`);
    expect(loaded.warnings).toEqual([
      `${join(root, '.guard.yaml')}: reference-product configuration read and mapped; run \`sentrik migrate\` to convert it to .sentrik/config.yaml`,
      `${join(root, '.guard.yaml')}:3: reporters: console: the terminal report is always printed; dropped`,
      `${join(root, '.guard.yaml')}:4: license_key: no sentrik equivalent; ignored`,
    ]);
    // A sentrik file takes precedence over it.
    writeFileSync(join(root, '.guard.yaml'), 'gate_fail_on: [low]\n');
    mkdirSync(join(root, '.sentrik'));
    writeFileSync(join(root, CFG), 'output_dir: x\n');
    expect(loadConfig({ root, env: {} }).config.gate.fail_on).toEqual(['critical', 'high']);
  });
});
