// Shared helper for repository-level kinds: which discovered files match a set of globs (case-insensitive:
// SECURITY.md, security.md and Security.md are the same obligation). Only the paths that hold a glob's literal
// part (see path-index.ts) go through picomatch.
import picomatch from 'picomatch';
import { candidatePaths } from '../path-index.js';
import type { RepoView } from '../source.js';

const matchers = new Map<string, (path: string) => boolean>();

export function filesMatching(repo: RepoView, globs: string[]): string[] {
  const key = JSON.stringify(globs);
  let isMatch = matchers.get(key);
  if (!isMatch) matchers.set(key, (isMatch = picomatch(globs, { dot: true, nocase: true })));
  return (candidatePaths(repo.files, globs) ?? repo.files).filter(isMatch);
}
