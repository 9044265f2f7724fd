// Shared helper for repository-level kinds: which discovered files match a set of globs.
import picomatch from 'picomatch';
import type { RepoView } from '../source.js';

export function filesMatching(repo: RepoView, globs: string[]): string[] {
  // nocase: SECURITY.md, security.md and Security.md are the same obligation.
  const isMatch = picomatch(globs, { dot: true, nocase: true });
  return repo.files.filter((f) => isMatch(f));
}
