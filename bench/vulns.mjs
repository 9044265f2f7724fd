#!/usr/bin/env node
// Dependency scanning numbers: importing the OSV snapshot (time, DB size, peak RSS) and matching a generated
// 2,000-package package-lock.json against it (target < 1 s after import). Uses dist/ (run `npm run build`).
//
//   node bench/vulns.mjs [--runs N] [--out FILE]
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { measure } from './measure.mjs';
import { BIN, REPO } from './sentrik.mjs';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 5;
const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : join(REPO, 'out', 'bench', 'vulns.json');
const SNAPSHOT = join(REPO, '..', 'shared', 'corpora', 'osv');
const work = mkdtempSync(join(tmpdir(), 'sentrik-vulns-bench-'));
const db = join(work, 'db');
const env = { PATH: process.env.PATH ?? '', HOME: work, NO_COLOR: '1' };

const dirSize = (d) => readdirSync(d).reduce((n, f) => n + statSync(join(d, f)).size, 0);

// A 2,000-package lockfile: every npm package the snapshot names (at a vulnerable-looking version), padded
// with synthetic packages, nested one level so the dependency graph is walked too.
function lockfile(n) {
  const names = [...new Set(Object.values(unzipSync(readFileSync(join(SNAPSHOT, 'npm', 'all.zip')))).flatMap((d) => JSON.parse(new TextDecoder().decode(d)).affected.map((a) => a.package.name)))];
  const packages = { '': { name: 'bench', version: '1.0.0', dependencies: {} } };
  for (let i = 0; i < n; i++) {
    const name = names[i] ?? `synthetic-pkg-${i}`;
    const version = `${i % 5}.${i % 13}.${i % 7}`;
    if (i % 2 === 0) packages[''].dependencies[name] = `^${version}`;
    packages[`node_modules/${name}`] = { version, integrity: 'sha512-AAAA', dependencies: i % 2 ? {} : { [names[i + 1] ?? `synthetic-pkg-${i + 1}`]: '*' } };
  }
  return JSON.stringify({ name: 'bench', lockfileVersion: 3, packages }, null, 2);
}

const imp = await measure(process.execPath, [BIN, 'vulns', 'db', 'import', SNAPSHOT, '--db', db], { runs: 1, env });
const project = join(work, 'project');
mkdirSync(project);
writeFileSync(join(project, 'package-lock.json'), lockfile(2000));
const match = await measure(process.execPath, [BIN, 'vulns', project, '--db', db, '--format', 'json', '-q'], { runs, warmups: 1, env });
const json = await measure(process.execPath, [BIN, 'vulns', project, '--db', db, '--format', 'json'], { runs: 1, env });

const result = {
  import: { seconds: imp.median, rssMB: imp.rssMB, dbBytes: dirSize(db), dbMB: +(dirSize(db) / 1048576).toFixed(1) },
  match2000: { runs: match.runs, medianSeconds: match.median, minSeconds: match.min, rssMB: match.rssMB, targetSeconds: 1, ok: match.median < 1 },
  findings: (() => {
    try {
      return JSON.parse(json.last.stdout ?? '{}').findings?.length;
    } catch {
      return undefined;
    }
  })(),
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`import of the OSV snapshot: ${result.import.seconds.toFixed(2)} s, DB ${result.import.dbMB} MB, peak RSS ${result.import.rssMB ?? '?'} MB`);
console.log(`match 2,000-package lockfile (whole CLI run, median of ${runs}): ${match.median.toFixed(3)} s (min ${match.min.toFixed(3)} s), peak RSS ${match.rssMB ?? '?'} MB — target < 1 s: ${result.match2000.ok ? 'met' : 'MISSED'}`);
console.log(`results in ${out}`);
rmSync(work, { recursive: true, force: true });
