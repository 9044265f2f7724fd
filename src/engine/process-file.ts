// Read one file from disk (or take it from memory) and scan it, consulting the cache's content hash.
// Runs in the main thread or in a worker thread: inputs and outputs are plain, serialisable data.
import { contentHash } from './cache.js';
import { scanText, type FileResult } from './file-scan.js';
import { readSourceContent } from './read.js';
import type { RuleSet } from './ruleset.js';
import type { ScanProblem, SkippedFile } from './model.js';
import type { SourceBytes } from './source.js';

export interface FileJob {
  path: string;
  /** Absolute path to read; absent for in-memory content. */
  abs?: string;
  text?: string;
  /** Size in bytes (or characters for in-memory text) as known before reading: what scheduling goes by. */
  size?: number;
  /** Content hash the cache holds for this path, if any. */
  knownHash?: string;
  /** Compute the content hash (only the cache needs it); default true. */
  hash?: boolean;
}

export type FileOutcome =
  | { path: string; status: 'scanned'; result: FileResult; hash: string; bytes: number; problems: ScanProblem[] }
  | { path: string; status: 'unchanged'; hash: string; bytes: number }
  | { path: string; status: 'skipped'; reason: SkippedFile['reason']; detail?: string };

export function processFile(job: FileJob, rules: RuleSet, maxFileSize: number): FileOutcome {
  let content: string | SourceBytes | undefined = job.text;
  const problems: ScanProblem[] = [];
  if (content === undefined) {
    const read = readSourceContent(job.abs!, maxFileSize);
    if ('skip' in read) return { path: job.path, status: 'skipped', reason: read.skip, detail: read.detail };
    if ('bytes' in read) content = read.bytes;
    else {
      content = read.text;
      problems.push({ file: job.path, code: 'invalid-utf8', message: 'not valid UTF-8: scanned with replacement characters' });
    }
  }
  // A text's hash is that of its UTF-8 bytes: the same whether the file was decoded or not.
  const data = typeof content === 'string' ? content : content.utf8;
  const hash = job.hash === false ? '' : contentHash(data);
  const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (job.knownHash === hash) return { path: job.path, status: 'unchanged', hash, bytes };
  const result = scanText(job.path, content, rules);
  return { path: job.path, status: 'scanned', result, hash, bytes, problems };
}
