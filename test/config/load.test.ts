// Configuration loading: file errors point at file:line, env and flags override in order, zero-config detects.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { SentrikError } from '../../src/util/errors.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A temporary repository with `.sentrik/config.yaml` (when given) and optional extra files. */
function repo(config?: string, files: Record<string, string> = {}, name = 'config.yaml'): string {
  const root = mkdtempSync(join(tmpdir(), 'sentrik-config-'));
  dirs.push(root);
  if (config !== undefined) {
    mkdirSync(join(root, '.sentrik'));
    writeFileSync(join(root, '.sentrik', name), config);
  }
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
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
  throw new Error('expected a SentrikError');
}

describe('config file', () => {
  it('reads every key of the PRODUCT.md example', () => {
    const root = repo(`standards_packs: [owasp-top-10, supply-chain-security]
gate:
  fail_on: [critical, high]
governance:
  profile: strict
  human_review_required:
    on_critical_finding: true
    on_auto_patch_above: medium
  audit: { enabled: true, log_file: out/agent_audit.jsonl }
severity_rescoring_enabled: false
parallel_scan: true
agent_scan: true
output_dir: reports
reporters: [json, sarif, html]
scan_exclude: [node_modules, dist, .git]
pack_overrides: { owasp-top-10: { OWASP-A03-001: { severity: medium } } }
max_file_size: 500KB
jobs: 3
`);
    const { config, file, origins, sources, detected, warnings } = loadConfig({ root, env: {} });
    expect(file).toBe(join(root, '.sentrik', 'config.yaml'));
    expect(config.standards_packs).toEqual(['owasp-top-10', 'supply-chain-security']);
    expect(config.governance.profile).toBe('strict');
    expect(config.severity_rescoring_enabled).toBe(false);
    expect(config.output_dir).toBe('reports');
    expect(config.pack_overrides).toEqual({ 'owasp-top-10': { 'OWASP-A03-001': { severity: 'medium' } } });
    expect(config.max_file_size).toBe(500_000);
    expect(config.jobs).toBe(3);
    expect(config.cache).toBe(true);
    expect(origins['governance.profile']).toBe('file');
    expect(origins.cache).toBe('default');
    expect(sources['governance.profile']).toBe(`${file}:5`);
    expect(detected).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('fills defaults for an empty file, including the audit log under output_dir', () => {
    const root = repo('output_dir: build/sentrik\n');
    const { config } = loadConfig({ root, env: {} });
    expect(config.gate.fail_on).toEqual(['critical', 'high']);
    expect(config.max_file_size).toBe(2 * 1024 * 1024);
    expect(config.governance.audit.log_file).toBe('build/sentrik/agent_audit.jsonl');
    expect(config.respect_gitignore).toBe(true);
    expect(loadConfig({ root: repo(''), env: {} }).config.reporters).toContain('sarif');
  });

  it('accepts max_file_size with units', () => {
    expect(loadConfig({ root: repo('max_file_size: 2MiB\n'), env: {} }).config.max_file_size).toBe(2097152);
    expect(loadConfig({ root: repo('max_file_size: 4096\n'), env: {} }).config.max_file_size).toBe(4096);
    const err = loadError(() => loadConfig({ root: repo('gate:\n  fail_on: [high]\nmax_file_size: 2 parsecs\n'), env: {} }));
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/max_file_size: '2 parsecs' is not a size/);
  });

  it('reads config.yml when there is no config.yaml', () => {
    const root = repo('output_dir: yml-out\n', {}, 'config.yml');
    expect(loadConfig({ root, env: {} }).config.output_dir).toBe('yml-out');
  });

  it('reports a YAML syntax error with its line', () => {
    const root = repo('gate:\n  fail_on: [critical, high\noutput_dir: out\n');
    const err = loadError(() => loadConfig({ root, env: {} }));
    expect(err.file).toBe(join(root, '.sentrik', 'config.yaml'));
    expect(err.message).toMatch(/invalid YAML/);
    expect(err.line).toBeGreaterThanOrEqual(2);
    expect(err.line).toBeLessThanOrEqual(3);
  });

  it('reports a duplicate key with its line', () => {
    const err = loadError(() => loadConfig({ root: repo('cache: true\noutput_dir: a\ncache: false\n'), env: {} }));
    expect(err.line).toBe(3);
  });

  it('reports an unknown key, naming it and its line', () => {
    const root = repo('standards_packs: [owasp-top-10]\ngate:\n  fail_on: [high]\n  fail_onn: [low]\n');
    const err = loadError(() => loadConfig({ root, env: {} }));
    expect(err.line).toBe(4);
    expect(err.message).toContain("unknown key 'fail_onn'");
    expect(err.format()).toMatch(/config\.yaml:4: invalid config: gate: unknown key 'fail_onn'/);
    expect(err.hint).toBe("did you mean 'fail_on'? keys allowed under gate: fail_on");
  });

  it('reports an unknown top-level key', () => {
    const err = loadError(() => loadConfig({ root: repo('output_dir: out\nparalel_scan: true\n'), env: {} }));
    expect(err.line).toBe(2);
    expect(err.message).toContain("'paralel_scan'");
    expect(err.hint).toMatch(/^did you mean 'parallel_scan'\? keys allowed at the top level: standards_packs, gate, governance, /);
  });

  it('reports a wrong enum value with the expected shape', () => {
    const root = repo('gate:\n  fail_on:\n    - critical\n    - hgh\n');
    const err = loadError(() => loadConfig({ root, env: {} }));
    expect(err.line).toBe(4);
    expect(err.message).toContain('gate.fail_on.1');
    expect(err.message).toContain("'hgh' is not allowed");
    expect(err.hint).toBe('expected one of: critical, high, medium, low, info');
  });

  it('reports a wrong type with the expected type', () => {
    const err = loadError(() => loadConfig({ root: repo('output_dir: out\nparallel_scan: sometimes\n'), env: {} }));
    expect(err.line).toBe(2);
    expect(err.message).toContain('parallel_scan');
    expect(err.hint).toBe('expected boolean');
    const list = loadError(() => loadConfig({ root: repo('reporters: sarif\n'), env: {} }));
    expect(list.hint).toBe('expected array');
  });

  it('names every problem of the file in one error: the first in full, the others by key and line', () => {
    const err = loadError(() => loadConfig({ root: repo('standards_packs: owasp-top-10\ngate:\n  fail_on: [hihg]\njobs: many\nparalel_scan: true\ncolour: blue\n'), env: {} }));
    expect(err.line).toBe(1);
    expect(err.message).toBe('invalid config: standards_packs: wrong type');
    expect(err.hint).toBe('expected array; also wrong: gate.fail_on.0 (line 3), jobs (line 4), paralel_scan (unknown key, line 5), colour (unknown key, line 6)');
  });

  it('rejects a top level that is not a mapping', () => {
    const err = loadError(() => loadConfig({ root: repo('- owasp-top-10\n'), env: {} }));
    expect(err.message).toMatch(/mapping/);
  });

  it('rejects a bad rule override', () => {
    const root = repo('pack_overrides:\n  owasp-top-10:\n    OWASP-A03-001: { severity: urgent }\n');
    const err = loadError(() => loadConfig({ root, env: {} }));
    expect(err.line).toBe(3);
    expect(err.hint).toMatch(/expected one of: critical/);
  });

  it('keeps paths from the file inside the repository', () => {
    const out = loadError(() => loadConfig({ root: repo('cache: true\noutput_dir: ../../home/user/.ssh\n'), env: {} }));
    expect(out.line).toBe(2);
    expect(out.message).toMatch(/output_dir: '..\/..\/home\/user\/.ssh' points outside the repository/);
    const log = loadError(() => loadConfig({ root: repo('governance:\n  audit:\n    log_file: /var/log/x.jsonl\n'), env: {} }));
    expect(log.line).toBe(3);
    expect(loadConfig({ root: repo('output_dir: reports/../out\n'), env: {} }).config.output_dir).toBe('reports/../out');
    // The person running sentrik may write anywhere.
    expect(loadConfig({ root: repo(''), env: { SENTRIK_OUTPUT_DIR: '/tmp/reports' } }).config.output_dir).toBe('/tmp/reports');
  });

  it('refuses a config file that links outside the repository', () => {
    const elsewhere = repo(undefined, { 'secret.yaml': 'output_dir: out\n' });
    const root = repo();
    mkdirSync(join(root, '.sentrik'));
    symlinkSync(join(elsewhere, 'secret.yaml'), join(root, '.sentrik', 'config.yaml'));
    expect(loadError(() => loadConfig({ root, env: {} })).message).toBe('config file is a link to outside the repository');
  });

  it('requires an explicitly named config file to exist', () => {
    const err = loadError(() => loadConfig({ root: repo(), env: {}, configPath: 'missing.yaml' }));
    expect(err.message).toBe('config file not found');
  });
});

describe('environment and flags', () => {
  const file = 'standards_packs: [owasp-top-10]\ngate:\n  fail_on: [critical]\noutput_dir: from-file\nparallel_scan: true\n';

  it('SENTRIK_ variables override the file', () => {
    const loaded = loadConfig({
      root: repo(file),
      env: {
        SENTRIK_GATE_FAIL_ON: 'critical, high,medium',
        SENTRIK_OUTPUT_DIR: 'from-env',
        SENTRIK_PARALLEL_SCAN: 'no',
        SENTRIK_MAX_FILE_SIZE: '1MiB',
        SENTRIK_JOBS: '8',
        SENTRIK_GOVERNANCE_HUMAN_REVIEW_REQUIRED_ON_CRITICAL_FINDING: '0',
      },
    });
    expect(loaded.config.gate.fail_on).toEqual(['critical', 'high', 'medium']);
    expect(loaded.config.output_dir).toBe('from-env');
    expect(loaded.config.parallel_scan).toBe(false);
    expect(loaded.config.max_file_size).toBe(1048576);
    expect(loaded.config.jobs).toBe(8);
    expect(loaded.config.governance.human_review_required.on_critical_finding).toBe(false);
    expect(loaded.origins['gate.fail_on']).toBe('env');
    expect(loaded.sources['gate.fail_on']).toBe('env SENTRIK_GATE_FAIL_ON');
    expect(loaded.origins.standards_packs).toBe('file');
  });

  it('GUARD_ variables work, and SENTRIK_ wins over GUARD_', () => {
    const loaded = loadConfig({
      root: repo(file),
      env: { GUARD_OUTPUT_DIR: 'guard-out', GUARD_GATE_FAIL_ON: 'low', SENTRIK_GATE_FAIL_ON: 'high', GUARD_STANDARDS_PACKS: 'soc2,hipaa' },
    });
    expect(loaded.config.output_dir).toBe('guard-out');
    expect(loaded.sources.output_dir).toBe('env GUARD_OUTPUT_DIR');
    expect(loaded.config.gate.fail_on).toEqual(['high']);
    expect(loaded.sources['gate.fail_on']).toBe('env SENTRIK_GATE_FAIL_ON');
    expect(loaded.config.standards_packs).toEqual(['soc2', 'hipaa']);
  });

  it('flags win over environment and file; nested flags may be partial', () => {
    const loaded = loadConfig({
      root: repo(file),
      env: { SENTRIK_OUTPUT_DIR: 'from-env', SENTRIK_GATE_FAIL_ON: 'high' },
      overrides: { output_dir: 'from-flag', governance: { profile: 'strict' }, cache: false },
    });
    expect(loaded.config.output_dir).toBe('from-flag');
    expect(loaded.origins.output_dir).toBe('flag');
    expect(loaded.config.gate.fail_on).toEqual(['high']);
    expect(loaded.config.governance.profile).toBe('strict');
    // Siblings of a partial nested flag keep their defaults — here the strict profile's (issue 9).
    expect(loaded.config.governance.human_review_required.on_auto_patch_above).toBe('low');
    expect(loaded.config.cache).toBe(false);
  });

  it('{ append } on gate.fail_on applies to the profile chosen by any layer and is the file\'s, not the default\'s', () => {
    const root = repo('gate:\n  fail_on: { append: [low] }\n');
    const file = join(root, '.sentrik', 'config.yaml');
    const standard = loadConfig({ root, env: {} });
    expect(standard.config.gate.fail_on).toEqual(['critical', 'high', 'low']);
    expect(standard.origins['gate.fail_on']).toBe('file');
    expect(standard.sources['gate.fail_on']).toBe(`default of profile standard + ${file}:2`);
    const strict = loadConfig({ root, env: { SENTRIK_GOVERNANCE_PROFILE: 'strict' } });
    expect(strict.config.gate.fail_on).toEqual(['critical', 'high', 'medium', 'low']);
    expect(strict.sources['gate.fail_on']).toBe(`default of profile strict + ${file}:2`);
  });

  it('an invalid flag value is an error naming the key', () => {
    const err = loadError(() => loadConfig({ root: repo(file), env: {}, overrides: { jobs: 0 } }));
    expect(err.message).toMatch(/^invalid option for jobs/);
  });

  it('a bad environment value is an error naming the variable', () => {
    const bool = loadError(() => loadConfig({ root: repo(file), env: { SENTRIK_CACHE: 'maybe' } }));
    expect(bool.message).toContain("SENTRIK_CACHE='maybe' is not a boolean");
    const sev = loadError(() => loadConfig({ root: repo(file), env: { GUARD_GATE_FAIL_ON: 'critical,severe' } }));
    expect(sev.message).toContain('GUARD_GATE_FAIL_ON');
    expect(sev.hint).toBe('expected one of: critical, high, medium, low, info');
    const jobs = loadError(() => loadConfig({ root: repo(file), env: { SENTRIK_JOBS: 'many' } }));
    expect(jobs.message).toContain('SENTRIK_JOBS');
    const size = loadError(() => loadConfig({ root: repo(file), env: { SENTRIK_MAX_FILE_SIZE: 'huge' } }));
    expect(size.message).toContain('SENTRIK_MAX_FILE_SIZE');
  });

  it('an env variable that looks like ours but is no setting is a warning, not an error', () => {
    const { warnings, config } = loadConfig({
      root: repo(file),
      env: { SENTRIK_GATE_FAILON: 'low', GUARD_OUTPUTDIR: 'x', GUARD_HOME: '/opt/guard', SENTRIK_CONFIG: 'x', PATH: '/bin', SENTRIK_PACK_OVERRIDES: '{}' },
    });
    expect(config.gate.fail_on).toEqual(['critical']);
    expect(warnings).toEqual([
      'GUARD_OUTPUTDIR is not a sentrik setting and is ignored (did you mean GUARD_OUTPUT_DIR?)',
      'SENTRIK_GATE_FAILON is not a sentrik setting and is ignored (did you mean SENTRIK_GATE_FAIL_ON?)',
      'SENTRIK_PACK_OVERRIDES is ignored: pack_overrides can only be set in .sentrik/config.yaml',
    ]);
  });

  it('empty environment values count as unset', () => {
    const { config } = loadConfig({ root: repo(file), env: { SENTRIK_OUTPUT_DIR: '', SENTRIK_CACHE: ' ' } });
    expect(config.output_dir).toBe('from-file');
    expect(config.cache).toBe(true);
  });
});

describe('zero-config', () => {
  const demo = join(import.meta.dirname, '..', '..', 'examples', 'ai-api');

  it('with no file, enables the packs fitting the detected project', () => {
    const loaded = loadConfig({ root: demo, env: {} });
    expect(loaded.file).toBeUndefined();
    expect(loaded.origins.standards_packs).toBe('detected');
    expect(loaded.detected?.languages).toEqual(expect.arrayContaining(['javascript', 'python']));
    expect(loaded.config.standards_packs).toEqual(
      expect.arrayContaining(['owasp-top-10', 'supply-chain-security', 'secrets', 'python-security', 'javascript-typescript-security']),
    );
    expect(loaded.config.standards_packs).not.toContain('go-security');
    expect(loaded.sources.standards_packs).toMatch(/^detected: .*python/);
  });

  it('a file without standards_packs still detects; an explicit list does not', () => {
    const root = repo('output_dir: x\n', { 'main.go': 'package main\n' });
    const loaded = loadConfig({ root, env: {} });
    expect(loaded.config.standards_packs).toContain('go-security');
    expect(loaded.origins.standards_packs).toBe('detected');
    const explicit = loadConfig({ root, env: { SENTRIK_STANDARDS_PACKS: 'soc2' } });
    expect(explicit.config.standards_packs).toEqual(['soc2']);
    expect(explicit.detected).toBeUndefined();
  });

  it('an empty standards_packs list falls back to detection with a warning', () => {
    const loaded = loadConfig({ root: repo('standards_packs: []\n', { 'app.py': 'print(1)\n' }), env: {} });
    expect(loaded.config.standards_packs).toContain('python-security');
    expect(loaded.warnings[0]).toMatch(/standards_packs is empty/);
  });
});
