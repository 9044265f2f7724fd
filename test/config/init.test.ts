// `init` output and `validate-config` output both parse back into the same configuration.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { detectProject } from '../../src/config/detect.js';
import { renderInitConfig } from '../../src/config/init.js';
import { loadConfig } from '../../src/config/load.js';
import { configSchema, DEFAULT_CONFIG } from '../../src/config/schema.js';
import { describeConfig } from '../../src/config/show.js';

const demo = join(import.meta.dirname, '..', '..', 'examples', 'ai-api');

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function withConfig(text: string): string {
  const root = mkdtempSync(join(tmpdir(), 'sentrik-init-'));
  dirs.push(root);
  mkdirSync(join(root, '.sentrik'));
  writeFileSync(join(root, '.sentrik', 'config.yaml'), text);
  return root;
}

describe('renderInitConfig', () => {
  const detection = detectProject(demo);
  const text = renderInitConfig(detection);

  it('parses back through the strict schema, with the detected packs and the defaults', () => {
    const parsed = configSchema.parse(parse(text));
    expect(parsed.standards_packs).toEqual(detection.suggestedPacks);
    const loaded = loadConfig({ root: withConfig(text), env: {} });
    expect(loaded.config).toEqual({ ...DEFAULT_CONFIG, standards_packs: detection.suggestedPacks });
    expect(loaded.origins.standards_packs).toBe('file');
    expect(loaded.warnings).toEqual([]);
  });

  it('explains what was detected and every key', () => {
    expect(text).toMatch(/^# Detected: .*javascript.*python.*express.*fastapi.*github-actions.*Docker/m);
    for (const key of ['standards_packs', 'fail_on', 'profile', 'on_critical_finding', 'on_auto_patch_above', 'log_file',
      'severity_rescoring_enabled', 'parallel_scan', 'agent_scan', 'output_dir', 'reporters', 'scan_exclude',
      'respect_gitignore', 'max_file_size', 'cache', 'pack_overrides']) {
      // Each key sits right under a comment line that explains it.
      expect(text, key).toMatch(new RegExp(`^ *#[^\\n]*\\n *${key}:`, 'm'));
    }
  });

  it('works for a project where nothing was recognised', () => {
    const empty = renderInitConfig({ languages: [], frameworks: [], ci: [], hasDocker: false, apiSpecs: [], suggestedPacks: ['owasp-top-10'], fileCounts: {}, truncated: false });
    expect(empty).toContain('languages (files): none recognised');
    expect(configSchema.parse(parse(empty)).standards_packs).toEqual(['owasp-top-10']);
  });
});

describe('describeConfig', () => {
  it('prints the effective config with where each key came from, and parses back', () => {
    const root = withConfig('gate:\n  fail_on: [critical]\npack_overrides:\n  owasp-top-10:\n    OWASP-A03-001: { severity: low }\n');
    const loaded = loadConfig({ root, env: { SENTRIK_OUTPUT_DIR: 'reports', GUARD_CACHE: 'false' }, overrides: { jobs: 2 } });
    const text = describeConfig(loaded);
    expect(text).toContain(`fail_on: [critical] # from ${join(root, '.sentrik', 'config.yaml')}:2`);
    expect(text).toContain('output_dir: reports # from env SENTRIK_OUTPUT_DIR');
    expect(text).toContain('cache: false # from env GUARD_CACHE');
    expect(text).toContain('jobs: 2 # from command-line flag');
    expect(text).toContain(`pack_overrides: # from ${join(root, '.sentrik', 'config.yaml')}:3`);
    expect(text).toMatch(/^standards_packs: \[.*\] # detected: /m);
    expect(text).toContain('profile: standard # default');
    expect(configSchema.parse(parse(text))).toMatchObject({ ...loaded.config, max_file_size: loaded.config.max_file_size });
  });
});
