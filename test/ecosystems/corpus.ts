// Shared corpora, read in place (never copied): ../shared/corpora relative to the repository.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO } from '../cli/helpers.js';

export const CORPORA = join(REPO, '..', 'shared', 'corpora');

/** Every file below `dir`, as paths relative to it, sorted. */
export function walk(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.isFile()) out.push(relative(dir, p));
    }
  };
  visit(dir);
  return out.sort();
}
