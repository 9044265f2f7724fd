#!/usr/bin/env node
// Dependency scanning numbers: importing the OSV snapshot (time, DB size, peak RSS) and matching a generated
// 2,000-package package-lock.json against it (target < 1 s after import). Uses dist/ (run `npm run build`).
// `--big N` also imports a synthetic N-record PyPI/all.zip (the snapshot's records repeated with new ids),
// to show that the import's peak memory stays flat as the dump grows (npm's real dump has ~200k records).
//
//   node bench/vulns.mjs [--runs N] [--big N] [--out FILE]
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { strToU8, unzipSync, Zip, ZipDeflate } from 'fflate';
import { measure } from './measure.mjs';
import { BIN, REPO } from './sentrik.mjs';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 5;
const big = args.includes('--big') ? Number(args[args.indexOf('--big') + 1]) : 0;
const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : join(REPO, 'out', 'bench', 'vulns.json');
const SNAPSHOT = join(REPO, '..', 'shared', 'corpora', 'osv');
const work = mkdtempSync(join(tmpdir(), 'sentrik-vulns-bench-'));
const db = join(work, 'db');
const env = { PATH: process.env.PATH ?? '', HOME: work, NO_COLOR: '1' };

const mb = (x) => (x == null ? null : Math.round(x));
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

/**
 * `<dir>/PyPI/all.zip` with `n` records, written one at a time the way Go's archive/zip writes the OSV dumps
 * (sizes in data descriptors). fflate writes no zip64 end record, so past 65,535 entries the entry count in the
 * end record wraps; sentrik walks the central directory by its size, and the bench checks every record arrived.
 */
function syntheticDump(dir, n) {
  const records = Object.values(unzipSync(readFileSync(join(SNAPSHOT, 'PyPI', 'all.zip')))).map((d) => JSON.parse(new TextDecoder().decode(d)));
  const file = join(dir, 'PyPI', 'all.zip');
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    writeSync(fd, chunk);
  });
  for (let i = 0; i < n; i++) {
    const r = records[i % records.length];
    const id = `${r.id}-SYN${i}`;
    const entry = new ZipDeflate(`${id}.json`, { level: 6 });
    zip.add(entry);
    entry.push(strToU8(JSON.stringify({ ...r, id, aliases: (r.aliases ?? []).map((a) => `${a}-SYN${i}`) })), true);
  }
  zip.end();
  closeSync(fd);
  return { file, bytes: statSync(file).size };
}

const imp = await measure(process.execPath, [BIN, 'vulns', 'db', 'import', SNAPSHOT, '--db', db], { runs: 1, env });
const project = join(work, 'project');
mkdirSync(project);
writeFileSync(join(project, 'package-lock.json'), lockfile(2000));
const match = await measure(process.execPath, [BIN, 'vulns', project, '--db', db, '--format', 'json', '-q'], { runs, warmups: 1, env });
const json = await measure(process.execPath, [BIN, 'vulns', project, '--db', db, '--format', 'json'], { runs: 1, env });

let bigImport;
if (big) {
  const dump = syntheticDump(join(work, 'big'), big);
  const bigDb = join(work, 'big-db');
  const r = await measure(process.execPath, [BIN, 'vulns', 'db', 'import', dump.file, '--db', bigDb], { runs: 1, env, timeoutSec: 1800 });
  const imported = Number(/PyPI\s+(\d+) advisories/.exec(r.last.stdout ?? '')?.[1]);
  if (imported !== big) throw new Error(`the synthetic dump imported ${imported} of ${big} records`);
  bigImport = { records: big, zipMB: +(dump.bytes / 1048576).toFixed(1), seconds: r.median, rssMB: mb(r.rssMB), dbMB: +(dirSize(bigDb) / 1048576).toFixed(1) };
}

const result = {
  loadavg: loadavg().map((l) => +l.toFixed(2)),
  import: { seconds: imp.median, rssMB: mb(imp.rssMB), dbBytes: dirSize(db), dbMB: +(dirSize(db) / 1048576).toFixed(1) },
  ...(bigImport ? { bigImport } : {}),
  match2000: { runs: match.runs, medianSeconds: match.median, minSeconds: match.min, rssMB: mb(match.rssMB), targetSeconds: 1, ok: match.median < 1 },
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
if (bigImport) console.log(`import of a synthetic ${big}-record PyPI/all.zip (${bigImport.zipMB} MB): ${bigImport.seconds.toFixed(2)} s, DB ${bigImport.dbMB} MB, peak RSS ${bigImport.rssMB ?? '?'} MB`);
console.log(`match 2,000-package lockfile (whole CLI run, median of ${runs}): ${match.median.toFixed(3)} s (min ${match.min.toFixed(3)} s), peak RSS ${result.match2000.rssMB ?? '?'} MB — target < 1 s: ${result.match2000.ok ? 'met' : 'MISSED'}`);
console.log(`load average (1, 5, 15 min): ${result.loadavg.join(' ')}; results in ${out}`);
rmSync(work, { recursive: true, force: true });
