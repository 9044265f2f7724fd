// The dashboard's config edits validate the file as the loader does: a file that uses list operations
// ({ append | remove | replace }) stays editable, and an edit of a file the loader would refuse is refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { setPackEnabled, setRuleOverride } from '../../src/dashboard/edits.js';
import { changePack } from '../../src/dashboard/api.js';
import { project } from '../cli/helpers.js';

describe('dashboard config edits', () => {
  it('saves a rule override in a file that appends to a list', () => {
    const root = project({ '.sentrik/config.yaml': 'scan_exclude: { append: [vendor] } # ours too\n' });
    setRuleOverride(root, 'secrets', 'SEC-001', { severity: 'low' });
    const text = readFileSync(join(root, '.sentrik', 'config.yaml'), 'utf8');
    expect(text).toContain('# ours too');
    expect(text).toMatch(/scan_exclude: \{ append: \[ ?vendor ?\] \}/);
    const config = loadConfig({ root, env: {} }).config;
    expect(config.scan_exclude).toContain('vendor');
    expect(config.scan_exclude).toContain('node_modules');
    expect(config.pack_overrides.secrets).toEqual({ 'SEC-001': { severity: 'low' } });
  });

  it('refuses a pack switch that the environment overrides, and leaves the file alone', () => {
    const original = 'standards_packs: [secrets, owasp-top-10]\n';
    const root = project({ '.sentrik/config.yaml': original });
    const ctx = { root, project: 'p', store: undefined as never, env: { SENTRIK_STANDARDS_PACKS: 'secrets' } };
    expect(() => changePack(ctx, { pack: 'secrets', enabled: false })).toThrow(/set by env SENTRIK_STANDARDS_PACKS/);
    expect(readFileSync(join(root, '.sentrik', 'config.yaml'), 'utf8')).toBe(original);
  });

  it('refuses to save when a list operation holds an invalid item; the file is unchanged', () => {
    const original = 'scan_exclude: { append: [vendor, ""] }\n';
    const root = project({ '.sentrik/config.yaml': original });
    expect(() => setRuleOverride(root, 'secrets', 'SEC-001', { enabled: false })).toThrow(/the change would make the configuration invalid/);
    expect(readFileSync(join(root, '.sentrik', 'config.yaml'), 'utf8')).toBe(original);
  });

  it('turns packs on and off in the form the file uses: { append, remove } and { replace } stay', () => {
    const root = project({ '.sentrik/config.yaml': 'standards_packs: { append: [hipaa] } # ours\n' });
    const file = join(root, '.sentrik', 'config.yaml');
    const toggle = (pack: string, on: boolean) => setPackEnabled(root, pack, on, loadConfig({ root, env: {} }).config.standards_packs);
    toggle('soc2', true);
    toggle('hipaa', false);
    toggle('secrets', false);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# ours');
    expect(text).toMatch(/standards_packs: \{ append: \[ ?soc2 ?\], remove: \[ ?secrets ?\] \}/);
    expect(loadConfig({ root, env: {} }).config.standards_packs).toEqual(['owasp-top-10', 'supply-chain-security', 'soc2']);
    toggle('secrets', true);
    expect(readFileSync(file, 'utf8')).toMatch(/remove: \[\]/);

    const replaced = project({ '.sentrik/config.yaml': 'standards_packs:\n  replace: [secrets]\n' });
    setPackEnabled(replaced, 'soc2', true, ['secrets']);
    expect(readFileSync(join(replaced, '.sentrik', 'config.yaml'), 'utf8')).toBe('standards_packs:\n  replace: [ secrets, soc2 ]\n');
  });
});
