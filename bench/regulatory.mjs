// Precision of the regulatory packs on third-party code (issue 11, "Measured"): one scan of the bench corpus
// with the regulatory and framework packs, findings per 100k lines by pack and severity, and a fixed sample of
// findings per pack (file, line, rule and the code around it) for review by hand. A pack's findings are those
// of its own rules and of the rules its clauses map onto (what a user who enables the pack sees). Verdicts of
// the review are kept in bench/regulatory-review.json ({ "RULE path:line": "accept" | "reject: why" }) and
// counted here; every high/critical finding is reviewed, not only the sample.
//
//   node bench/regulatory.mjs [--corpus DIR] [--packs a,b] [--sample N] [--out FILE] [--findings FILE]
//
// --findings FILE reads an earlier scan's JSON report instead of scanning again. The scan writes its state
// (.sentrik/, out/) into the corpus root: whatever it created there is removed afterwards.
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO, removeNewEntries, sentrikSync, topLevelEntries } from './sentrik.mjs';

const PACKS = [
  'soc2', 'hipaa', 'pci-dss', 'iso-27001', 'gdpr', 'nist-800-53', 'cmmc', 'fda-iec-62304', 'iec-81001-5-1',
  'fda-21cfr11', 'iso-14971', 'nist-ai-rmf', 'eu-ai-act', 'misra-c', 'do-178c', 'iso-26262', 'php-security', 'kotlin-security',
];
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const corpus = flag('--corpus', '/tmp/sentrik-corpus');
const packs = flag('--packs', PACKS.join(',')).split(',');
const sampleSize = Number(flag('--sample', '30'));
const outFile = flag('--out', join(REPO, 'out/bench/regulatory.json'));

if (!existsSync(corpus)) {
  console.error(`no corpus at ${corpus}: build it with ../shared/bench/make-corpus.sh (see bench/README.md)`);
  process.exit(2);
}

const report = flag('--findings') ? JSON.parse(readFileSync(flag('--findings'), 'utf8')) : scan();
const findings = report.findings;
// the denominator is what the scan read: files and folders it skipped (excluded, binary, too large) are left out
const lines = countLines(corpus, new Set(report.skipped.map((s) => s.file)));
const review = readReview();

const rows = packs.map((pack) => {
  const mine = findings.filter((f) => !f.suppressed && (f.packId === pack || (f.clauses ?? []).some((c) => c.packId === pack)));
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, mine.filter((f) => f.severity === s).length]));
  const sample = pickSample(mine, sampleSize);
  const verdicts = sample.map((f) => review[key(f)]);
  const rejected = sample.filter((f, i) => verdicts[i]?.startsWith('reject'));
  // issue 11's target: high/critical findings a reviewer rejects, per 100k lines
  const severe = mine.filter((f) => f.severity === 'high' || f.severity === 'critical');
  const severeRejected = severe.filter((f) => review[key(f)]?.startsWith('reject')).length;
  return {
    pack,
    findings: mine.length,
    own: mine.filter((f) => f.packId === pack).length,
    per100k: Object.fromEntries(SEVERITIES.map((s) => [s, round((bySeverity[s] / lines) * 100_000)])),
    sampled: sample.length,
    reviewed: verdicts.filter(Boolean).length,
    rejected: rejected.length,
    highCritical: severe.length,
    highCriticalReviewed: severe.filter((f) => review[key(f)]).length,
    highCriticalRejected: severeRejected,
    highCriticalRejectedPer100k: round((severeRejected / lines) * 100_000),
    sample: sample.map((f, i) => ({ key: key(f), severity: f.severity, message: f.message, verdict: verdicts[i] ?? null, code: context(f) })),
  };
});

mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify({ corpus, lines, packs, rows }, null, 2)}\n`);
console.log(`${lines.toLocaleString('en')} lines in ${corpus}; sample of up to ${sampleSize} findings per pack written to ${outFile}\n`);
const cols = ['pack', 'findings', 'own', ...SEVERITIES.map((s) => `${s}/100k`), 'sampled', 'reviewed', 'rejected', 'high+crit', 'rejected', 'rej/100k'];
console.log(`| ${cols.join(' | ')} |\n|${cols.map(() => '---').join('|')}|`);
for (const r of rows) {
  const cells = [r.pack, r.findings, r.own, ...SEVERITIES.map((s) => r.per100k[s]), r.sampled, r.reviewed, r.rejected, r.highCritical, `${r.highCriticalRejected}${r.highCriticalReviewed < r.highCritical ? ` (${r.highCritical - r.highCriticalReviewed} unreviewed)` : ''}`, r.highCriticalRejectedPer100k];
  console.log(`| ${cells.join(' | ')} |`);
}

/** Scans the corpus with the packs; returns the JSON report and removes what the scan left in the corpus. */
function scan() {
  const before = topLevelEntries(corpus);
  const tmp = mkdtempSync(join(tmpdir(), 'sentrik-regulatory-'));
  try {
    const report = join(tmp, 'findings.json');
    const r = sentrikSync(['scan', corpus, '--packs', packs.join(','), '--no-cache', '--format', 'json', '--output', report, '--output-dir', join(tmp, 'out'), '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) {
      console.error(`scan failed (exit ${r.status}): ${r.stderr.trim()}`);
      process.exit(2);
    }
    return JSON.parse(readFileSync(report, 'utf8'));
  } finally {
    removeNewEntries(corpus, before);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Lines of the text files in the corpus that the scan read (a NUL byte in the first 8 KB means binary). */
function countLines(dir, skipped) {
  let total = 0;
  const buf = Buffer.alloc(1 << 16);
  const walk = (d, rel) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (skipped.has(r) || (!rel && (e.name === '.git' || e.name === '.sentrik' || e.name === 'out'))) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p, r);
      else if (e.isFile() && statSync(p).size > 0) total += linesOf(p, buf);
    }
  };
  walk(dir, '');
  return total;
}

function linesOf(path, buf) {
  const fd = openSync(path, 'r');
  try {
    let n = 0;
    let first = true;
    let last = 10;
    for (let read; (read = readSync(fd, buf, 0, buf.length, null)) > 0; first = false) {
      if (first && buf.subarray(0, Math.min(read, 8192)).includes(0)) return 0;
      for (let i = 0; i < read; i++) if (buf[i] === 10) n++;
      last = buf[read - 1];
    }
    return last === 10 ? n : n + 1;
  } finally {
    closeSync(fd);
  }
}

/** A fixed, spread-out sample: findings sorted by rule and place, every k-th one (so every rule has a chance). */
function pickSample(list, n) {
  const sorted = [...list].sort((a, b) => key(a).localeCompare(key(b)));
  if (sorted.length <= n) return sorted;
  const step = sorted.length / n;
  return Array.from({ length: n }, (_, i) => sorted[Math.floor(i * step)]);
}

function key(f) {
  return `${f.ruleId} ${f.file}:${f.line ?? 0}`;
}

/** The flagged line with two lines around it, for the review. */
function context(f) {
  if (!f.line) return f.snippet ?? '';
  try {
    const text = readFileSync(join(corpus, f.file), 'utf8').split('\n');
    return text.slice(Math.max(0, f.line - 3), f.line + 2).map((l, i) => `${Math.max(1, f.line - 2) + i}: ${l.slice(0, 200)}`).join('\n');
  } catch {
    return f.snippet ?? '';
  }
}

function readReview() {
  const p = join(REPO, 'bench/regulatory-review.json');
  return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : {};
}

function round(x) {
  return Math.round(x * 100) / 100;
}
