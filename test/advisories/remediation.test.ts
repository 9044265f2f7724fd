// The comparison with OSV-Scanner's remediation fixtures (bench/remediation.mjs), run as a real process:
// every vulnerable package version gets a verdict, and every difference that is not "sentrik chose the
// smaller clean version" carries its explanation.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO } from '../cli/helpers.js';

it('compares sentrik\'s fix choice with OSV-Scanner\'s on every supported fixture, each difference explained', () => {
  const r = spawnSync(process.execPath, [join(REPO, 'bench', 'remediation.mjs'), '--verbose'], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  const counts = /(\d+) vulnerable package versions in (\d+) cases\n\s+same (\d+)\s+differs because minimal (\d+)\s+differs otherwise (\d+)/.exec(r.stdout);
  expect(counts).not.toBeNull();
  const [total, , same, minimal, otherwise] = counts!.slice(1).map(Number);
  expect(same + minimal + otherwise).toBe(total);
  expect(same).toBeGreaterThan(otherwise);
  // Each "otherwise" row is followed by its explanation line; none is left unexplained.
  const rows = r.stdout.split('\n');
  rows.forEach((line, i) => {
    if (/^\s+otherwise\s/.test(line)) expect(rows[i + 1]).toMatch(/^\s{12}\S.{20,}/);
  });
  expect(r.stdout).not.toMatch(/: \?|they also: \?/);
  // The plain override case: sentrik's pom.xml is byte-identical to OSV-Scanner's expected one.
  expect(r.stdout).toMatch(/maven\/basic\s+pom\.xml: identical to theirs/);
  // On the real pom.xml of their command test, httpclient gets the same version through the same property.
  expect(r.stdout).toMatch(/same\s+osv-scanner\/override-maven\s+org\.apache\.httpcomponents:httpclient@4\.0 sentrik 4\.5\.13/);
});
