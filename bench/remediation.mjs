#!/usr/bin/env node
// sentrik's fix choice against OSV-Scanner's guided-remediation fixtures (../shared/corpora/remediation):
// for every vulnerable package version a case lists, sentrik's chooser runs on that case's advisories
// (vulnerabilities.json) and its universe of existing versions (universe.yaml), and the version it picks is
// compared with the version the package ends up at in OSV-Scanner's expected result — whether they upgrade
// the package itself (in-place, override) or a direct dependency that pulls in a newer one (relax).
// Where sentrik can read the case's input (package-lock.json, requirements.txt, pom.xml), the whole
// `vulns --fix` chain (parse → match → plan → edit) also runs and its manifest is compared with theirs.
// Uses dist/ (run `npm run build`).
//
//   node bench/remediation.mjs [--json FILE] [--verbose]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import semver from 'semver';
import { parse as parseYaml } from 'yaml';
import { REPO } from './sentrik.mjs';

const dist = (p) => import(join(REPO, 'dist', p));
const { ecosystemByOsv } = await dist('ecosystems/index.js');
const { convertRecord } = await dist('advisories/osv.js');
const { AdvisoryIndex, isAffected } = await dist('advisories/match.js');
const { planFix, planFixes } = await dist('advisories/fix.js');
const { applyPlans } = await dist('advisories/apply.js');

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
const GR = join(REPO, '..', 'shared', 'corpora', 'remediation', 'osv-scalibr', 'guidedremediation');
const read = (p) => readFileSync(p, 'utf8');

// Why a case differs other than by minimal-vs-latest, where the fixture's own configuration explains it.
const NOTES = {
  'maven/nodepmgmt pkg:a@1.0.0': 'their run may not add <dependencyManagement> entries (nodepmgmt), so the transitive pkg:a stays; sentrik picks 1.1.0 (for a pom.xml it prints the step, it does not add managed entries)',
  'relax/npm/deepen @bad/one@1.0.0': 'their relax of `indirect` to ^3.0.0 pushes @bad/one 1.0.0 below their depth limit (indirect > indirect2 > indirect3 > @bad/one ^1.0.0 still resolves to 1.0.0); sentrik pins @bad/one itself (an npm override) to 2.0.0',
};

const MANIFEST_NOTES = {
  'npm/basicrelax': 'they relax the parent `dep` ^1.0.0 → ^2.0.0; sentrik adds `overrides` for the transitive vuln 2.0.0 and baz 1.0.1 (npm then installs the same versions)',
  'maven/patchchoice': 'set pkg:d to 2.0.0 (still affected by two advisories) and add a managed pkg:a 1.1.0 (transitive, not visible in a pom.xml without resolving it)',
  'maven/maxupgrades': 'add a managed pkg:a 1.1.0 (transitive, not visible in a pom.xml without resolving it)',
  'maven/nodepmgmt': 'set pkg:d to 2.0.0 (still affected by two advisories)',
};

/** universe.yaml → name → [{ version, deps: [{ name, spec }] }] */
function parseUniverse(file) {
  const doc = parseYaml(read(file));
  const out = new Map();
  let pkg;
  for (const line of doc.schema.split('\n')) {
    const indent = line.length - line.trimStart().length;
    const text = line.trim();
    if (!text) continue;
    if (indent === 0) out.set(text, (pkg = []));
    else if (indent === 2) pkg.push({ version: text, deps: [] });
    else {
      const dep = text.replace(/^[A-Za-z]+\|/, ''); // Dev| / Opt| markers
      const at = dep.lastIndexOf('@');
      pkg.at(-1).deps.push({ name: dep.slice(0, at), spec: dep.slice(at + 1) });
    }
  }
  return out;
}

/** Highest version satisfying a requirement, in the ecosystem's own syntax. */
function maxSatisfying(eco, versions, spec) {
  const sorted = [...versions].sort(eco.compare);
  if (eco.osv === 'npm') return semver.maxSatisfying(sorted, spec === 'latest' ? '*' : spec) ?? undefined;
  const ok = (v) =>
    spec
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean)
      .every((c) => {
        const m = /^(===|==|~=|!=|<=|>=|<|>)?\s*(.+)$/.exec(c);
        const op = m[1] ?? '==';
        const x = eco.compare(v, m[2]);
        if (op === '~=') {
          const parts = m[2].split('.');
          const upper = [...parts.slice(0, -2), String(Number(parts.at(-2)) + 1)].join('.');
          return x >= 0 && eco.compare(v, upper) < 0;
        }
        return { '==': x === 0, '===': x === 0, '!=': x !== 0, '<=': x <= 0, '>=': x >= 0, '<': x < 0, '>': x > 0 }[op];
      });
  return sorted.filter(ok).at(-1);
}

/** The version `target` resolves to below `name@version` in the universe (breadth first, highest match). */
function resolveBelow(eco, universe, name, version, target, depth = 0) {
  const entry = universe.get(name)?.find((e) => e.version === version);
  if (!entry || depth > 6) return undefined;
  for (const d of entry.deps) if (d.name === target) return maxSatisfying(eco, universe.get(target).map((e) => e.version), d.spec);
  for (const d of entry.deps) {
    const v = maxSatisfying(eco, (universe.get(d.name) ?? []).map((e) => e.version), d.spec);
    const found = v && resolveBelow(eco, universe, d.name, v, target, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The version OSV-Scanner's expected result leaves `pair` at, and how it gets there. */
function theirOutcome(eco, universe, patches, pair, unactionable) {
  const plain = (v) => v.replace(/^[=^~>< ]+/, '');
  for (const p of patches) {
    const own = (p.packageUpdates ?? []).find((u) => u.name === pair.name && (u.versionFrom === pair.version || u.versionFrom === ''));
    if (own) return { version: plain(own.versionTo), how: own.versionFrom === '' ? 'override (added)' : own.transitive ? 'in-place/override' : 'direct' };
  }
  for (const p of patches) {
    if (!(p.fixed ?? []).some((f) => f.packages.some((x) => x.name === pair.name && x.version === pair.version))) continue;
    for (const u of p.packageUpdates ?? []) {
      const parent = maxSatisfying(eco, (universe.get(u.name) ?? []).map((e) => e.version), u.versionTo);
      const v = parent && resolveBelow(eco, universe, u.name, parent, pair.name);
      if (v) return { version: v, how: `relax ${u.name} ${u.versionFrom} → ${u.versionTo}` };
    }
    const parents = (p.packageUpdates ?? []).map((u) => `${u.name} ${u.versionFrom} → ${u.versionTo}`);
    if (parents.length) return { version: 'removed', how: `relax ${parents.join(', ')}: its new version no longer depends on ${pair.name}` };
    // Fixed with no update at all: re-resolving the existing range picks a newer version.
    for (const [name, entries] of universe) {
      for (const e of entries) {
        const d = e.deps.find((x) => x.name === pair.name);
        if (d) return { version: maxSatisfying(eco, universe.get(pair.name).map((x) => x.version), d.spec), how: `re-resolve ${name}'s ${d.spec}` };
      }
    }
  }
  return { version: undefined, how: unactionable ? 'unactionable' : 'not chosen' };
}

function advisoriesOf(file, eco) {
  const notes = { skippedRanges: [] };
  return JSON.parse(read(file)).vulns.map((r) => convertRecord(r, eco.osv, eco.normalizeName, notes)).filter(Boolean);
}

const cases = [];
const top = (eco, id, input, opts = {}) => cases.push({ eco, id, dir: join(GR, 'testdata', id), data: join(GR, 'testdata', id.split('/')[0]), input, ...opts });
top('npm', 'npm/basic', 'package-lock.json', { want: 'want.package-lock.json' });
top('npm', 'npm/basicrelax', 'package-lock.json', { want: 'want.package.json' });
top('Maven', 'maven/basic', 'pom.xml', { want: 'want.pom.xml' });
top('Maven', 'maven/patchchoice', 'pom.xml', { want: 'want.pom.xml' });
top('Maven', 'maven/maxupgrades', '../patchchoice/pom.xml', { want: 'want.pom.xml' });
top('Maven', 'maven/nodepmgmt', '../patchchoice/pom.xml', { want: 'want.pom.xml' });
for (const m of ['requirements', 'poetry', 'pipfile']) top('PyPI', `python/relax/${m}`, m === 'requirements' ? 'requirements.txt' : undefined, { data: join(GR, 'testdata', 'python') });
for (const [eco, sys, names] of [
  ['PyPI', 'python', ['deepen', 'diamond', 'introduce', 'max-depth', 'no-fix', 'non-constraining', 'removed', 'simple']],
  ['npm', 'npm', ['deepen', 'diamond', 'introduce-vuln', 'non-constraining', 'removed-vuln', 'simple', 'vuln-without-fix']],
]) {
  const data = join(GR, 'internal', 'strategy', 'relax', 'testdata', sys);
  for (const n of names) cases.push({ eco, id: `relax/${sys}/${n}`, dir: join(data, n), data, patchesFile: 'patches.json' });
}

const rows = [];
const manifests = [];
for (const c of cases) {
  const eco = ecosystemByOsv(c.eco);
  const universe = parseUniverse(join(c.data, 'universe.yaml'));
  const index = new AdvisoryIndex(eco, advisoriesOf(join(c.data, 'vulnerabilities.json'), eco));
  const available = (_e, name) => universe.get(name)?.map((e) => e.version);
  let patches;
  let pairs;
  const unactionable = new Set();
  if (c.patchesFile) {
    patches = JSON.parse(read(join(c.dir, c.patchesFile)));
    pairs = patches.flatMap((p) => p.fixed.flatMap((f) => f.packages));
  } else {
    const result = JSON.parse(read(join(c.dir, 'result.json')));
    patches = result.patches;
    pairs = result.vulnerabilities.flatMap((v) => v.packages);
    for (const v of result.vulnerabilities) if (v.unactionable) for (const p of v.packages) unactionable.add(`${p.name}@${p.version}`);
  }
  const seen = new Set();
  for (const pair of pairs) {
    const key = `${pair.name}@${pair.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const ours = planFix({ name: pair.name, version: pair.version, ecosystem: eco.osv, file: '' }, index, 'major', available(eco, pair.name));
    const theirs = theirOutcome(eco, universe, patches, pair, unactionable.has(key));
    const theirsAffected = theirs.version ? index.entriesFor(pair.name).filter(({ entry }) => isAffected(theirs.version, entry, eco)).map(({ advisory }) => advisory.id) : [];
    let verdict;
    let why = '';
    if (ours.to === theirs.version) verdict = 'same';
    else if (ours.to && theirs.version && eco.compare(ours.to, theirs.version) < 0 && !theirsAffected.length) {
      verdict = 'minimal';
      why = `sentrik takes the smallest clean version, they resolve to ${theirs.version}`;
    } else {
      verdict = 'otherwise';
      why = NOTES[`${c.id} ${key}`] ?? (theirs.version === 'removed' ? `they drop the dependency (${theirs.how.replace(/: .*/, '')}); sentrik has no dependency graph for versions that are not installed, so it upgrades ${pair.name} itself to the smallest clean version` : !ours.to && theirs.version && theirsAffected.length ? `no version free of all advisories exists; they accept ${theirs.version}, still affected by ${theirsAffected.join(', ')} (fewer than before)` : !ours.to ? ours.reason : `they leave it at ${theirs.how}`);
    }
    rows.push({ case: c.id, package: key, sentrik: ours.to ?? '-', theirs: theirs.version ?? '-', how: theirs.how, verdict, why });
  }
  // The whole --fix chain, where sentrik reads the case's input file.
  if (c.input) {
    const inputPath = join(c.dir, c.input);
    const name = c.input.split('/').pop();
    const format = eco.formats.find((f) => f.matches(name, name));
    const dir = dirname(inputPath);
    const rel = (p) => join(dir, p);
    const parsed = format.parse(c.input.split('/').pop(), read(inputPath), (p) => (existsSync(rel(p)) ? read(rel(p)) : undefined));
    const matches = index.match(parsed.packages);
    const plans = planFixes(matches, new Map([[eco, index]]), () => eco, 'major', available);
    const applied = applyPlans(plans, () => format.name, (f) => (existsSync(rel(f)) ? read(rel(f)) : undefined));
    const edit = applied.edits[0];
    const wantText = c.want && existsSync(join(c.dir, c.want)) ? read(join(c.dir, c.want)) : undefined;
    let outcome;
    if (c.want?.includes('lock')) outcome = 'their edit is to the lockfile itself (sentrik prints `npm install` instead of writing lockfile hashes)';
    else if (!edit) outcome = `no manifest edit (${applied.commands.length} command${applied.commands.length === 1 ? '' : 's'} printed)`;
    else if (edit.after === wantText) outcome = 'identical to theirs';
    else {
      // Every line sentrik changed, as theirs has it? Then theirs does more (transitive pins, relaxed parents).
      const before = edit.before.split('\n');
      const changed = edit.after.split('\n').filter((l, i) => l !== before[i]);
      const wantLines = new Set((wantText ?? '').split('\n'));
      outcome = changed.every((l) => wantLines.has(l)) ? `sentrik's edits are a subset of theirs; they also: ${MANIFEST_NOTES[c.id] ?? '?'}` : `differs: ${MANIFEST_NOTES[c.id] ?? '?'}`;
    }
    manifests.push({ case: c.id, file: edit?.file ?? c.input, outcome, changes: edit?.changes ?? [], commands: applied.commands });
  }
}

// OSV-Scanner's own command test on a real pom.xml (their versions come from Maven Central, ours from the
// advisories in the Maven snapshot: sentrik's offline mode, with no list of published versions).
{
  const eco = ecosystemByOsv('Maven');
  const zip = unzipSync(readFileSync(join(REPO, '..', 'shared', 'corpora', 'osv', 'Maven', 'all.zip')));
  const notes = { skippedRanges: [] };
  const index = new AdvisoryIndex(eco, Object.values(zip).map((d) => convertRecord(JSON.parse(new TextDecoder().decode(d)), 'Maven', eco.normalizeName, notes)).filter(Boolean));
  const snap = read(join(GR, '..', '..', 'osv-scanner', 'cmd', 'osv-scanner', 'fix', '__snapshots__', 'command_test.snap'));
  const section = snap.slice(snap.indexOf('[TestCommand/fix_non-interactive_override_pom.xml - 1]'));
  const jsonSection = snap.slice(snap.indexOf('[TestCommand/fix_non-interactive_json_override_pom.xml - 1]'));
  const installed = new Map();
  for (const m of jsonSection.slice(0, jsonSection.indexOf('\n---')).matchAll(/"name": "([^"]+)",\s*"version": "([^"]+)"/g)) installed.set(m[1], m[2]);
  for (const m of section.slice(0, section.indexOf('\n---')).matchAll(/OVERRIDE-PACKAGE: ([^,\s]+),(\S+)/g)) {
    const [name, theirs] = [m[1], m[2]];
    const version = installed.get(name);
    const known = index.entriesFor(name).length;
    const ours = planFix({ name, version, ecosystem: 'Maven', file: '' }, index, 'major');
    let verdict = 'otherwise';
    let why = known ? ours.reason : `the snapshot (356 GHSA records) has no advisory for ${name}`;
    if (ours.to === theirs) verdict = 'same';
    else if (ours.to && eco.compare(ours.to, theirs) < 0) {
      verdict = 'minimal';
      why = `smallest version no advisory in the snapshot affects; they take the latest release, ${theirs}`;
    }
    rows.push({ case: 'osv-scanner/override-maven', package: `${name}@${version}`, sentrik: ours.to ?? '-', theirs, how: 'override', verdict, why });
  }
}

const count = (v) => rows.filter((r) => r.verdict === v).length;
const lines = [];
lines.push(`sentrik vs OSV-Scanner remediation fixtures: ${rows.length} vulnerable package versions in ${cases.length + 1} cases`);
lines.push(`  same ${count('same')}   differs because minimal ${count('minimal')}   differs otherwise ${count('otherwise')}`);
lines.push('');
for (const r of rows.filter((x) => verbose || x.verdict !== 'same')) lines.push(`  ${r.verdict.padEnd(9)} ${r.case.padEnd(30)} ${r.package.padEnd(16)} sentrik ${r.sentrik.padEnd(6)} theirs ${r.theirs.padEnd(6)} (${r.how})${r.why ? `\n            ${r.why}` : ''}`);
lines.push('');
lines.push('Manifest edits (parse → match → plan → edit, as `vulns --fix`):');
for (const m of manifests) lines.push(`  ${m.case.padEnd(22)} ${m.file}: ${m.outcome}${m.changes.length ? `\n      ${m.changes.join('\n      ')}` : ''}`);
process.stdout.write(`${lines.join('\n')}\n`);
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify({ rows, manifests }, null, 2)}\n`);
