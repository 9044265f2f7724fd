// Read one file from disk (or take it from memory) and scan it, consulting the cache's content hash.
// Runs in the main thread or in a worker thread: inputs and outputs are plain, serialisable data.
import { contentHash } from './cache.js';
import { scanText, type FileResult } from './file-scan.js';
import { readSourceText } from './read.js';
import type { RuleSet } from './ruleset.js';
import type { ScanProblem, SkippedFile } from './model.js';

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
  let text = job.text;
  let asciiBytes: Buffer | undefined;
  const problems: ScanProblem[] = [];
  if (text === undefined) {
    const read = readSourceText(job.abs!, maxFileSize);
    if ('skip' in read) return { path: job.path, status: 'skipped', reason: read.skip, detail: read.detail };
    text = read.text;
    asciiBytes = read.asciiBytes;
    if (read.invalidUtf8) problems.push({ file: job.path, code: 'invalid-utf8', message: 'not valid UTF-8: scanned with replacement characters' });
  }
  const hash = job.hash === false ? '' : contentHash(asciiBytes ?? text);
  const bytes = asciiBytes?.length ?? Buffer.byteLength(text);
  if (job.knownHash === hash) return { path: job.path, status: 'unchanged', hash, bytes };
  const result = scanText(job.path, text, rules, asciiBytes);
  return { path: job.path, status: 'scanned', result, hash, bytes, problems };
}
