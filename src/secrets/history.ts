// Secrets in git history: one streamed `git log -p` over every reachable commit (or a range), the secret
// rules run on the lines each commit ADDED (for a merge, the lines no parent had; a rename adds none), and one
// `git cat-file --batch` to tell whether each secret is still present at HEAD. For one that is not, what is
// known and nothing more: whether the commit that added it is in HEAD's history (then it was removed from the
// current branch) and which branch and tag tips still hold it (`--all` also scans branches HEAD never had).
// Commits are never checked out and no repository content is executed.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { LoadedRule } from '../packs/load.js';
import type { Confidence, Severity } from '../engine/model.js';
import { SAFE_CONFIG } from '../engine/git.js';
import { keywordIndex } from '../engine/ruleset.js';
import { SourceFile } from '../engine/source.js';
import { aboutCredential, secretsToMask, snippetOf } from '../engine/file-scan.js';
import { SentrikError } from '../util/errors.js';
import { maskSecret } from '../util/mask.js';
import type { RawMatch } from '../engine/matchers/matcher.js';
import { secretFingerprint } from './baseline.js';

export interface HistoryHit {
  ruleId: string;
  /** Commit that added the secret (the oldest one when several did). */
  commit: string;
  /** Author date of that commit, ISO 8601. */
  date: string;
  path: string;
  /** Line in the file as of that commit. */
  line: number;
  column?: number;
  /** Where the match ends, when it ends on the same line. */
  endColumn?: number;
  /** The added line with the secret masked. */
  snippet: string;
  /** Masked value, e.g. `ghp_…(40 chars)`. */
  masked: string;
  /** Baseline fingerprint (rule, path, hash of the secret). */
  fingerprint: string;
  /** The match's own weaker evidence, when the detector gave it (a token that fails its checksum). */
  severity?: Severity;
  confidence?: Confidence;
  message?: string;
  /** Is the secret still in the file at HEAD? False = not on the current branch now (still needs revoking). */
  presentAtHead: boolean;
  /** When not at HEAD: is the commit that added it in HEAD's history (removed from this branch since)? */
  inHeadHistory?: boolean;
  /** When not at HEAD: branches and tags (short names) whose tip still has the secret in that file. */
  presentOn?: string[];
  /** When not at HEAD: how many branch and tag tips were not looked at (more than MAX_REFS). */
  refsNotChecked?: number;
}

export interface HistoryOptions {
  /** A revision range (`A..B`, `A...B`, `main`); default: every reachable commit (`--all`). */
  range?: string;
  rules: LoadedRule[];
}

const COMMIT_MARK = '\x1ecommit ';
/** Branch and tag tips looked at for a secret gone from HEAD, most recently committed first. */
const MAX_REFS = 200;

interface Pending {
  commit: string;
  date: string;
  path: string;
  lines: string[];
  numbers: number[];
}

interface RawHit {
  hit: Omit<HistoryHit, 'presentAtHead'>;
  secret: string;
}

export async function scanHistory(root: string, opts: HistoryOptions): Promise<HistoryHit[]> {
  if (opts.range !== undefined && (opts.range.startsWith('-') || /\s/.test(opts.range) || opts.range === '')) {
    throw new SentrikError(`invalid revision range '${opts.range}'`, undefined, undefined, 'give a range like origin/main..HEAD');
  }
  assertGitRepo(root);
  const rules = opts.rules.filter((r) => r.matcher.scope === 'file' && r.def.enabled);
  const candidates = keywordIndex(rules, (r) => (r.matcher.scope === 'file' ? r.matcher : undefined));
  const found = new Map<string, RawHit>();

  const scanChunk = (p: Pending): void => {
    if (p.lines.length === 0) return;
    const text = p.lines.join('\n');
    const file = new SourceFile(p.path, text);
    const matches: { rule: LoadedRule; raw: RawMatch & { matched: string; line: number }; aboutCredential: boolean }[] = [];
    for (const rule of candidates(file.utf8)) {
      const m = rule.matcher;
      if (m.scope !== 'file' || !rule.appliesTo(p.path)) continue;
      for (const raw of m.match(file)) {
        if (raw.matched && raw.line !== undefined) matches.push({ rule, raw: { ...raw, matched: raw.matched, line: raw.line }, aboutCredential: aboutCredential(rule) });
      }
    }
    // As in a scan: a snippet hides every secret found in the file and the other credential values on its line.
    const masks = secretsToMask(file, matches);
    for (const { rule, raw: r } of matches) {
      const fingerprint = secretFingerprint(rule.def.id, p.path, r.matched);
      const snippet = snippetOf(file.lineText(r.line) ?? '', [r.matched, ...masks(r.line)], r.column);
      // git log lists newest first: a later callback is an older commit, which is the one that introduced it.
      found.set(fingerprint, {
        secret: r.matched,
        hit: {
          ruleId: rule.def.id,
          commit: p.commit,
          date: p.date,
          path: p.path,
          line: p.numbers[r.line - 1] ?? r.line,
          column: r.column,
          ...(r.endLine === r.line && r.endColumn !== undefined ? { endColumn: r.endColumn } : {}),
          snippet,
          masked: maskSecret(r.matched),
          fingerprint,
          ...(r.severity && { severity: r.severity }),
          ...(r.confidence && { confidence: r.confidence }),
          ...(r.message && { message: r.message }),
        },
      });
    }
  };

  const renamedTo = new Map<string, string>();
  await streamLog(root, opts.range, scanChunk, (from, to) => renamedTo.set(from, to));
  // A file renamed since the secret was added holds it under its later names: look there too.
  const namesOf = (path: string): string[] => {
    const names = [path];
    for (let p = renamedTo.get(path); p !== undefined && !names.includes(p); p = renamedTo.get(p)) names.push(p);
    return names;
  };
  const raws = [...found.values()];
  const heads = readBlobs(root, [...new Set(raws.flatMap((r) => namesOf(r.hit.path).map((p) => `HEAD:${p}`)))]);
  // Without HEAD's files every old secret would read as "removed": say that git failed instead.
  if (!heads) throw new SentrikError('could not read the files at HEAD (git cat-file failed)', root, undefined, 'check `git status` works here, then run --history again');
  const hits: HistoryHit[] = raws.map(({ hit, secret }) => ({ ...hit, presentAtHead: namesOf(hit.path).some((p) => heads.get(`HEAD:${p}`)?.includes(secret)) }));
  const gone = raws.filter((_, i) => !hits[i].presentAtHead);
  if (gone.length) {
    const { refs, notChecked } = listRefs(root);
    // Branches mostly share a file's version: look each distinct blob up once.
    const ids = blobIds(root, [...new Set(gone.flatMap((r) => (refs ?? []).flatMap((ref) => namesOf(r.hit.path).map((p) => `${ref.tip}:${p}`))))]);
    const blobs = ids && readBlobs(root, [...new Set(ids.values())]);
    // A failed lookup leaves presentOn unset (unknown), never "at no branch or tag tip".
    const tips = ids && blobs ? new Map([...ids].map(([spec, id]) => [spec, blobs.get(id)])) : undefined;
    const inHead = headHistory(root, new Set(gone.map((r) => r.hit.commit)));
    raws.forEach(({ hit, secret }, i) => {
      if (hits[i].presentAtHead) return;
      hits[i].inHeadHistory = inHead(hit.commit);
      if (refs && tips) hits[i].presentOn = refs.filter((ref) => namesOf(hit.path).some((p) => tips.get(`${ref.tip}:${p}`)?.includes(secret))).map((ref) => ref.name);
      if (notChecked) hits[i].refsNotChecked = notChecked;
    });
  }
  return hits.sort((a, b) => a.date.localeCompare(b.date) || a.path.localeCompare(b.path) || a.line - b.line);
}

/** Branch (local and remote) and tag tips, most recently committed first, at most MAX_REFS of them. */
function listRefs(root: string): { refs: { name: string; tip: string }[] | undefined; notChecked: number } {
  const r = spawnSync('git', [...SAFE_CONFIG, 'for-each-ref', '--sort=-committerdate', '--format=%(refname:short)%00%(objectname)%00%(*objectname)', 'refs/heads', 'refs/remotes', 'refs/tags'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) return { refs: undefined, notChecked: 0 }; // unknown, not "none"
  if (!r.stdout) return { refs: [], notChecked: 0 };
  const all = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\0'))
    .filter(([name]) => !name.endsWith('/HEAD') && name !== 'HEAD') // origin/HEAD is another name for a listed branch
    .map(([name, object, peeled]) => ({ name, tip: peeled || object }));
  return { refs: all.slice(0, MAX_REFS), notChecked: Math.max(0, all.length - MAX_REFS) };
}

/**
 * Which of `commits` are in HEAD's history: one `git merge-base --is-ancestor` each while they are few, else
 * one `git rev-list HEAD` for all. Undefined (unknown) for a commit when git could not tell.
 */
function headHistory(root: string, commits: Set<string>): (commit: string) => boolean | undefined {
  if (commits.size <= 8) {
    const known = new Map([...commits].map((c) => [c, spawnSync('git', [...SAFE_CONFIG, 'merge-base', '--is-ancestor', c, 'HEAD'], { cwd: root }).status]));
    return (c) => (known.get(c) === 0 ? true : known.get(c) === 1 ? false : undefined);
  }
  const r = spawnSync('git', [...SAFE_CONFIG, 'rev-list', 'HEAD'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error || r.status !== 0) return () => undefined;
  const all = new Set(r.stdout.split('\n'));
  return (c) => all.has(c);
}

function assertGitRepo(root: string): void {
  const r = spawnSync('git', [...SAFE_CONFIG, 'rev-parse', '--git-dir'], { cwd: root, encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new SentrikError('not a git repository (or git is not installed)', root, undefined, 'run --history inside a git clone');
  }
}

/** Stream `git log -p` and hand each (commit, file) with its added lines to `onChunk`. */
/**
 * `--cc`: a merge commit's own changes (a conflict resolution, or a line added while merging) as a combined diff,
 * where each line carries one mark per parent and `++` is a line that no parent had. Renames are followed (a
 * rename shows as one, not as every line of the file added again by the commit that renamed it) and reported to
 * `onRename`.
 */
function streamLog(root: string, range: string | undefined, onChunk: (p: Pending) => void, onRename: (from: string, to: string) => void): Promise<void> {
  const args = [
    'log', '-p', '--cc', '--no-color', '--no-ext-diff', '--no-textconv', '--unified=0', '--find-renames', '--diff-filter=AMR',
    `--format=${COMMIT_MARK}%H %aI`,
    ...(range ? [range] : ['--all']),
    '--',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...SAFE_CONFIG, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const rl = createInterface({ input: child.stdout, crlfDelay: Infinity });
    let commit = '';
    let date = '';
    let cur: Pending | undefined;
    let next = 0;
    let parents = 1; // marks before each line of a hunk: one per parent (`@@` one, `@@@` two)
    let renamedFrom: string | undefined;
    const flush = (): void => {
      if (cur) onChunk(cur);
      cur = undefined;
    };
    rl.on('line', (line) => {
      if (line.startsWith(COMMIT_MARK)) {
        flush();
        const [sha, d] = line.slice(COMMIT_MARK.length).split(' ');
        commit = sha;
        date = d ?? '';
        return;
      }
      if (line.startsWith('diff --git ') || line.startsWith('diff --cc ')) {
        flush();
        return;
      }
      if (!cur && line.startsWith('rename from ')) renamedFrom = unquotePath(line.slice('rename from '.length));
      if (!cur && line.startsWith('rename to ') && renamedFrom !== undefined) {
        onRename(renamedFrom, unquotePath(line.slice('rename to '.length)));
        renamedFrom = undefined;
      }
      if (line.startsWith('+++ ')) {
        const p = diffPath(line.slice(4));
        cur = p === undefined ? undefined : { commit, date, path: p, lines: [], numbers: [] };
        return;
      }
      if (line.startsWith('@@')) {
        parents = /^@+/.exec(line)![0].length - 1;
        const m = /\+(\d+)/.exec(line);
        next = m ? Number(m[1]) : 0;
        return;
      }
      if (!cur || line.startsWith('\\')) return; // `\ No newline at end of file`
      const marks = line.slice(0, parents);
      if (marks.includes('-')) return; // a parent's line that the commit removed
      // Added by this commit: new to every parent. (` +` in a merge is a line one side already had.)
      if (marks === '+'.repeat(parents)) {
        cur.lines.push(line.slice(parents));
        cur.numbers.push(next);
      }
      next++;
    });
    rl.on('close', () => {
      flush();
    });
    child.on('error', (err) => reject(new SentrikError(`cannot run git: ${err.message}`, root, undefined, 'install git or add it to PATH')));
    child.on('close', (code) => {
      flush();
      if (code === 0) resolve();
      else reject(new SentrikError(`git log failed: ${stderr.trim().split('\n')[0] ?? `exit ${code}`}`, root, undefined, 'check the revision range'));
    });
  });
}

/** `b/path` (possibly C-quoted) → path; `/dev/null` → undefined. */
function diffPath(spec: string): string | undefined {
  const s = unquotePath(spec);
  if (s === '/dev/null') return undefined;
  return s.startsWith('b/') ? s.slice(2) : s;
}

/** A path as git prints it, C-quoted when it has unusual characters. */
function unquotePath(spec: string): string {
  const s = spec.trim();
  if (!(s.startsWith('"') && s.endsWith('"'))) return s;
  try {
    return JSON.parse(s.replace(/\\([0-7]{3})/g, (_, o: string) => `\\u00${parseInt(o, 8).toString(16).padStart(2, '0')}`)) as string;
  } catch {
    return s.slice(1, -1);
  }
}

/** Object ids of `<rev>:<path>` specs that name a blob, with one `git cat-file --batch-check`; undefined if git failed. */
function blobIds(root: string, specs: string[]): Map<string, string> | undefined {
  const out = new Map<string, string>();
  const safe = specs.filter((p) => !p.includes('\n'));
  if (safe.length === 0) return out;
  const r = spawnSync('git', [...SAFE_CONFIG, 'cat-file', '--batch-check'], { cwd: root, input: safe.map((p) => `${p}\n`).join(''), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error || r.status !== 0) return undefined;
  r.stdout.split('\n').forEach((line, i) => {
    const m = /^([0-9a-f]+) blob \d+$/.exec(line);
    if (m && i < safe.length) out.set(safe[i], m[1]);
  });
  return out;
}

/**
 * Blobs by `<rev>:<path>` (or object id), with one `git cat-file --batch`. Missing ones (and trees) are absent;
 * undefined when git failed (or its output outgrew the buffer): nothing can be said of any of them then.
 */
function readBlobs(root: string, specs: string[]): Map<string, string> | undefined {
  const out = new Map<string, string>();
  const safe = specs.filter((p) => !p.includes('\n'));
  if (safe.length === 0) return out;
  const r = spawnSync('git', [...SAFE_CONFIG, 'cat-file', '--batch'], { cwd: root, input: safe.map((p) => `${p}\n`).join(''), maxBuffer: 1 << 30 });
  if (r.error || r.status !== 0) return undefined;
  const buf = r.stdout;
  let pos = 0;
  for (const p of safe) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl === -1) break;
    const header = buf.subarray(pos, nl).toString('utf8');
    pos = nl + 1;
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!m) continue; // "<name> missing" or "ambiguous": the file is gone at HEAD
    const size = Number(m[2]);
    if (m[1] === 'blob') out.set(p, buf.subarray(pos, pos + size).toString('utf8'));
    pos += size + 1;
  }
  return out;
}
