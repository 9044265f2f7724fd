// Approvals: a person's sign-off on the exact items a review asked for (finding fingerprints, changed
// requirement files, proposed patches) at one commit. Any change to the items or the code invalidates it —
// except a commit that only adds the approval record itself (and the .gitignore sentrik writes in .sentrik/).
import { existsSync, mkdirSync, readFileSync, appendFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { SentrikError } from '../util/errors.js';
import { toPosix } from '../util/paths.js';
import { filesChangedBetween, repoPrefix } from './context.js';

export interface Approval {
  /** Review run this approves (or the single item id given to `sentrik approve`). */
  id: string;
  items: string[];
  commit: string;
  by: string;
  reason: string;
  at: string;
}

export function readApprovals(file: string): Approval[] {
  if (!existsSync(file)) return [];
  const out: Approval[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let a: Approval;
    try {
      a = JSON.parse(line) as Approval;
    } catch {
      throw new SentrikError('damaged approval record', file, i + 1, 'remove the line, or restore the file from version control');
    }
    if (!Array.isArray(a.items) || typeof a.commit !== 'string' || typeof a.by !== 'string') throw new SentrikError('approval record lacks items, commit or by', file, i + 1);
    out.push(a);
  });
  return out;
}

export function recordApproval(file: string, a: Approval): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(a)}\n`);
}

export interface ApprovalCheck {
  /** Every item is covered by a valid approval. */
  approved: boolean;
  by: string[];
  /** Items with no valid approval. */
  missing: string[];
  /** Approvals that would cover an item but were given for another commit (why they do not count). */
  stale: string[];
}

/**
 * Which items are approved at `commit`. An approval counts for the commit it names, or for a later commit
 * whose only change since then is the approvals file (committing the approval must not void it).
 */
export function checkApprovals(items: string[], approvals: Approval[], commit: string | undefined, root: string, approvalsFile: string): ApprovalCheck {
  const by = new Set<string>();
  const stale = new Set<string>();
  const bound = new Map<string, boolean>();
  const validFor = (a: Approval): boolean => {
    if (!commit) return false;
    if (a.commit === commit) return true;
    if (!bound.has(a.commit)) {
      const changed = filesChangedBetween(root, a.commit, commit);
      const self = toPosix(repoPrefix(root) + relative(root, approvalsFile));
      // sentrik's own .sentrik/.gitignore (which it writes beside its cache) is no change to the code either.
      const ignoreFile = `${toPosix(repoPrefix(root))}.sentrik/.gitignore`;
      bound.set(a.commit, changed !== undefined && changed.every((f) => f === self || f === ignoreFile));
    }
    return bound.get(a.commit)!;
  };
  const missing = items.filter((item) => {
    const candidates = approvals.filter((a) => a.items.includes(item));
    const ok = candidates.find(validFor);
    if (ok) {
      by.add(ok.by);
      return false;
    }
    for (const a of candidates) stale.add(`${a.id} by ${a.by} was for commit ${a.commit.slice(0, 12)}`);
    return true;
  });
  return { approved: items.length > 0 && missing.length === 0, by: [...by], missing, stale: [...stale] };
}
