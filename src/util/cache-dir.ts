// sentrik's per-user cache folder, shared by every project on the machine (advisory database, cache key).
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** ${XDG_CACHE_HOME:-~/.cache}/sentrik */
export function userCacheDir(env: Record<string, string | undefined>): string {
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(env.HOME ?? homedir(), '.cache'), 'sentrik');
}
