// Per-file scanning: secrets found by one rule are masked in every finding's snippet on that line.
import { describe, expect, it } from 'vitest';
import { scanText } from '../../src/engine/file-scan.js';
import { buildRuleSet } from '../../src/engine/ruleset.js';
import { builtinPacksDir, loadPack } from '../../src/packs/load.js';
import { join } from 'node:path';

describe('scanText', () => {
  it('masks a secret in the snippets of other rules on the same line', () => {
    const packs = ['owasp-top-10', 'secrets'].map((id) => loadPack(join(builtinPacksDir(), id), true));
    const rules = buildRuleSet(packs, {}, 'test');
    const secret = 'AKIAZ7Q3XK2MLP4WN6RD';
    // The SQL rule knows nothing of secrets; the AWS detector does.
    const line = `db.query("SELECT * FROM keys WHERE id = '${secret}' AND u = " + req.query.u);`;
    const result = scanText('config.js', `${line}\n`, rules);
    expect(result.hits.map((h) => h.ruleId)).toEqual(expect.arrayContaining(['OWASP-A03-002', 'SEC-AWS-001']));
    for (const h of result.hits) expect(h.snippet).not.toContain(secret);
  });
});
