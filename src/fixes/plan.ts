// `sentrik fix`: turn the fixable findings of a scan into line edits, write each file's edits as a unified
// diff under <output_dir>/patches/, and (unless --dry-run) apply the ones the profile allows without review.
// Safety: only files inside the scan root, only regular files, and a file is written only when every fix
// for it applied cleanly, the rule no longer flags the line, and the file did not change meanwhile.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { isDuplicate, SEVERITY_RANK, standingOf, type Finding, type Severity } from '../engine/model.js';
import { aboutCredential } from '../engine/file-scan.js';
import { SourceFile } from '../engine/source.js';
import type { LoadedRule } from '../packs/load.js';
import type { FixDef } from '../packs/schema.js';
import { writeFileAtomic } from '../util/atomic.js';
import { resolveInsideRoot } from '../util/paths.js';
import { fixRange, splitLines, applyEdits, type LineEdit } from './apply.js';
import { unifiedDiff } from './patch.js';

/** not-applied: the fix's `requires` is not met (a lockfile for `npm ci`): left out on purpose, not an error. */
export type FixStatus = 'applied' | 'would-apply' | 'needs-review' | 'not-applied' | 'failed';

export interface FixOutcome {
  ruleId: string;
  severity: Severity;
  file: string;
  line: number;
  status: FixStatus;
  /** Why a fix failed, or why it needs a review. */
  reason?: string;
  /** Patch file (relative to the patch folder) that holds this fix. */
  patch?: string;
}

export interface FixRun {
  outcomes: FixOutcome[];
  /** Patch files written, relative to the patch folder. */
  patches: string[];
  filesChanged: string[];
}

export interface FixOptions {
  root: string;
  findings: Finding[];
  rules: Map<string, LoadedRule>;
  /** Fixes of findings at or below this severity apply without review. */
  autoUpTo: Severity;
  dryRun: boolean;
  patchDir: string;
}

/** `src/app.py` → `src__app.py.patch`: one flat, readable file name per scanned file. */
export function patchName(file: string): string {
  return `${file.replace(/[\\/]/g, '__').replace(/[^A-Za-z0-9._-]/g, '_')}.patch`;
}

export function runFixes(opts: FixOptions): FixRun {
  const run: FixRun = { outcomes: [], patches: [], filesChanged: [] };
  clearOldPatches(opts.patchDir);
  const byFile = new Map<string, Finding[]>();
  const hasFix = (f: Finding): boolean => Boolean(opts.rules.get(f.ruleId)?.def.fix);
  // A detection two rules saw is fixed once: by the finding that stands for it, or, when its rule has no fix,
  // by the first duplicate whose rule has one.
  const standingFor = standingOf(opts.findings);
  const fixedBy = new Set<string>();
  const wanted = (f: Finding): boolean => {
    if (!f.suppressed) return true;
    const standing = isDuplicate(f) ? standingFor(f) : undefined;
    if (!standing || standing.suppressed || hasFix(standing) || fixedBy.has(standing.fingerprint)) return false;
    fixedBy.add(standing.fingerprint);
    return true;
  };
  for (const f of opts.findings) {
    if (!f.line || !hasFix(f) || !wanted(f)) continue;
    const list = byFile.get(f.file) ?? [];
    if (!list.some((g) => g.ruleId === f.ruleId && g.line === f.line)) list.push(f);
    byFile.set(f.file, list);
  }
  const secrets = secretLines(opts.findings, opts.rules);
  for (const [file, findings] of [...byFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    fixFile(file, findings.sort((a, b) => a.line! - b.line!), opts, run, secrets.get(file) ?? new Set());
  }
  return run;
}

/**
 * The lines of each file that hold a secret (a finding of a secret rule or of a hard-coded-credential rule,
 * suppressed ones too: a suppressed secret is still in the text). A patch is a file that CI uploads: these
 * lines never go into one.
 */
function secretLines(findings: Finding[], rules: Map<string, LoadedRule>): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const f of findings) {
    const rule = rules.get(f.ruleId);
    if (!f.line || !rule || !(rule.def.kind === 'secret' || aboutCredential(rule))) continue;
    const set = out.get(f.file) ?? new Set<number>();
    for (let l = f.line; l <= (f.endLine ?? f.line); l++) set.add(l);
    out.set(f.file, set);
  }
  return out;
}

function fixFile(file: string, findings: Finding[], opts: FixOptions, run: FixRun, secretLines: ReadonlySet<number>): void {
  const outcome = (f: Finding, status: FixStatus, reason?: string, patch?: string): FixOutcome => ({ ruleId: f.ruleId, severity: f.severity, file, line: f.line!, status, reason, patch });
  const failAll = (reason: string): void => void run.outcomes.push(...findings.map((f) => outcome(f, 'failed', reason)));

  let abs: string;
  try {
    abs = resolveInsideRoot(opts.root, file);
  } catch {
    return failAll('the file is outside the scan root; not touched');
  }
  if (!existsSync(abs) || !lstatSync(abs).isFile()) return failAll('not a regular file (missing, or a symlink); not touched');
  const original = readFileSync(abs);
  const text = original.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(original)) return failAll('not valid UTF-8; not touched');

  // A fix that needs a file the repository lacks (a lockfile for `npm ci`) would break the build: not applied.
  const unmet = new Map<Finding, string>();
  for (const f of findings) {
    const why = unmetRequirement(opts.root, file, opts.rules.get(f.ruleId)!.def.fix!);
    if (why) unmet.set(f, why);
  }
  run.outcomes.push(...[...unmet].map(([f, why]) => outcome(f, 'not-applied', why)));
  findings = findings.filter((f) => !unmet.has(f));
  if (!findings.length) return;

  const auto = findings.filter((f) => SEVERITY_RANK[f.severity] <= SEVERITY_RANK[opts.autoUpTo]);
  const review = findings.filter((f) => SEVERITY_RANK[f.severity] > SEVERITY_RANK[opts.autoUpTo]);

  // Fixes for one file apply together or not at all.
  const autoResult = applyAll(file, text, auto, opts.rules);
  if ('error' in autoResult) {
    run.outcomes.push(...auto.map((f) => outcome(f, 'failed', f === autoResult.finding ? autoResult.error : `left unchanged: the fix for ${autoResult.finding.ruleId} on line ${autoResult.finding.line} did not apply cleanly`)));
  } else if (autoResult.edits.length) {
    // A fix on a line that holds a secret is applied, but no patch records it (it would hold the secret).
    const secretEdit = autoResult.edits.find((e) => secretLines.has(e.line));
    const name = secretEdit ? undefined : patchName(file);
    const noPatch = secretEdit && `no patch written: line ${secretEdit.line} holds a secret, which sentrik never writes to a file`;
    if (name) {
      writePatch(opts.patchDir, name, header(auto) + unifiedDiff(file, text, autoResult.edits, secretLines));
      run.patches.push(name);
    }
    if (opts.dryRun) {
      run.outcomes.push(...auto.map((f) => outcome(f, 'would-apply', noPatch || undefined, name)));
    } else {
      // The file must be exactly what we read: never overwrite a concurrent edit.
      if (!readFileSync(abs).equals(original)) {
        run.outcomes.push(...auto.map((f) => outcome(f, 'failed', 'the file changed while fixing; left as it is now', name)));
      } else {
        writeFileAtomic(abs, autoResult.text); // keeps the file's mode
        run.filesChanged.push(file);
        run.outcomes.push(...auto.map((f) => outcome(f, 'applied', noPatch || undefined, name)));
      }
    }
  }

  if (review.length) {
    // Proposed on top of the automatic fixes, so the review patch applies after them.
    const base = 'error' in autoResult ? text : autoResult.text;
    const reviewResult = applyAll(file, base, review, opts.rules);
    if ('error' in reviewResult) {
      run.outcomes.push(...review.map((f) => outcome(f, 'failed', f === reviewResult.finding ? reviewResult.error : `not proposed: the fix for ${reviewResult.finding.ruleId} on line ${reviewResult.finding.line} did not apply cleanly`)));
    } else if (reviewResult.edits.some((e) => secretLines.has(e.line))) {
      const { line } = reviewResult.edits.find((e) => secretLines.has(e.line))!;
      const why = `not proposed: line ${line} holds a secret, which sentrik never writes to a file; remove the secret first (see its finding), then run fix again`;
      run.outcomes.push(...review.map((f) => outcome(f, 'failed', why)));
    } else {
      const name = `review/${patchName(file)}`;
      writePatch(opts.patchDir, name, header(review) + unifiedDiff(file, base, reviewResult.edits, secretLines));
      run.patches.push(name);
      run.outcomes.push(...review.map((f) => outcome(f, 'needs-review', `${f.severity} is above ${opts.autoUpTo}: review the patch, then apply it with \`sentrik fix --patch\``, name)));
    }
  }
}

/**
 * Why a fix's `requires` is not met for `file` (none of its files is in the file's folder or any folder above
 * it, up to the root), or undefined when it is met or the fix requires nothing.
 */
export function unmetRequirement(root: string, file: string, fix: FixDef): string | undefined {
  if (!fix.requires) return undefined;
  const folders: string[] = [];
  for (let dir = posix.dirname(file); ; dir = posix.dirname(dir)) {
    folders.push(dir);
    if (dir === '.' || dir === '/' || dir === '') break;
  }
  for (const dir of folders) {
    for (const name of fix.requires.any_file) {
      try {
        if (lstatSync(resolveInsideRoot(root, posix.join(dir, name))).isFile()) return undefined;
      } catch {
        // not there (or outside the root): look further up
      }
    }
  }
  const names = fix.requires.any_file;
  const listed = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
  const where = folders.length === 1 ? 'at the root' : `in ${folders[0]}/ or a folder above it`;
  return `no ${listed} ${where}; ${fix.requires.hint}`;
}

type Applied = { text: string; edits: LineEdit[] } | { error: string; finding: Finding };

/** Apply each finding's fix in turn; then check the rule no longer flags the fixed line. */
function applyAll(file: string, text: string, findings: Finding[], rules: Map<string, LoadedRule>): Applied {
  let cur = text;
  for (const f of findings) {
    const rule = rules.get(f.ruleId)!;
    const stillFlagged = (text: string): boolean =>
      rule.matcher.scope === 'file' && rule.appliesTo(file) && rule.matcher.match(new SourceFile(file, text)).some((m) => m.line !== undefined && m.line >= f.line! && m.line <= (f.endLine ?? f.line!));
    const r = fixRange(rule.def.fix!, cur, f.line!, f.endLine ?? f.line!);
    if ('error' in r) {
      // Another rule's fix on the same line may already have cured this one.
      if (cur !== text && rule.matcher.scope === 'file' && !stillFlagged(cur)) continue;
      return { error: `does not apply cleanly: ${r.error}`, finding: f };
    }
    cur = applyEdits(cur, r.edits);
    if (stillFlagged(cur)) return { error: `does not apply cleanly: ${f.ruleId} still flags line ${f.line} after the fix`, finding: f };
  }
  const before = splitLines(text);
  const after = splitLines(cur);
  const edits: LineEdit[] = [];
  after.forEach((l, i) => l.body !== before[i].body && edits.push({ line: i + 1, before: before[i].body, after: l.body }));
  return { text: cur, edits };
}

/** Comment lines before the diff (tools that apply patches skip them) naming what each fix is for. */
function header(findings: Finding[]): string {
  return findings.map((f) => `# sentrik-fix: ${f.ruleId} ${f.severity} ${f.file}:${f.line}\n`).join('');
}

function writePatch(dir: string, name: string, content: string): void {
  const file = join(dir, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

function clearOldPatches(dir: string): void {
  for (const d of [dir, join(dir, 'review')]) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) if (f.endsWith('.patch')) rmSync(join(d, f), { force: true });
  }
}
