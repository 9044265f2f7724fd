// Folders of generated files keep themselves out of git: when sentrik creates one (its report folder, its
// cache), it puts a `.gitignore` of `*` in it, as pytest does for its cache, so `git add .` never commits
// reports, audit logs or caches. A folder that existed before is the user's and is left as it is.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SELF_IGNORE = '# Written by sentrik: generated files, not source.\n*\n';

/** mkdir -p `dir`; when this call creates `dir` itself, it also writes `dir/.gitignore` (see above). */
export function makeGeneratedDir(dir: string): void {
  if (existsSync(dir)) return;
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(join(dir, '.gitignore'), SELF_IGNORE, { flag: 'wx' });
  } catch {
    // another process made it first, or the folder is read-only: nothing is lost
  }
}

const SENTRIK_DIR_IGNORE = '# Written by sentrik: its generated files here stay out of git; the configuration is yours to commit.\ncache/\nhistory.db*\n';

/**
 * `.sentrik/` holds configuration (committed) beside generated files (the cache, the run history): its
 * `.gitignore` names the generated ones, written when sentrik first creates one of them there.
 */
export function ignoreGeneratedInSentrikDir(sentrikDir: string): void {
  try {
    mkdirSync(sentrikDir, { recursive: true });
    writeFileSync(join(sentrikDir, '.gitignore'), SENTRIK_DIR_IGNORE, { flag: 'wx' });
  } catch {
    // it exists (the user's own, or ours), or the folder is read-only: nothing is lost
  }
}
