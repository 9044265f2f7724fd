// The configuration of a long-lived process (the MCP server, the dashboard), loaded once and re-read only when
// it could have changed: an agent or a person may edit .sentrik/config.yaml (or a file it extends) mid-session,
// but loading it on every call would cost each call a parse, a validation and, without a config file, a
// project walk. A file replaced by an atomic rename has a new inode, so a save is always seen.
import { statSync } from 'node:fs';
import { candidateConfigFiles } from './layers.js';
import type { LoadedConfig } from './load.js';
import type { SentrikConfig } from './schema.js';

/** Packs chosen by zero-config detection follow the files in the tree: detection runs again after this long. */
export const REDETECT_MS = 2000;

export interface ConfigCacheOptions {
  root: string;
  /** The CLI's loader (files, environment, detection); it throws a SentrikError on a broken file. */
  load(): Pick<LoadedConfig, 'config' | 'files' | 'detected'>;
  /** Monotonic milliseconds clock (tests pass their own); the wall clock can step back. */
  now?: () => number;
}

/**
 * Returns the effective configuration, re-loaded when a file it came from changes (or a config file
 * appears where the loader would look), and periodically when its packs were detected. A load that fails
 * throws to the caller and is retried on the next call.
 */
export function configCache(opts: ConfigCacheOptions): () => SentrikConfig {
  const now = opts.now ?? (() => performance.now());
  let cached: { config: SentrikConfig; files: string[]; fingerprint: string; detectedAt?: number } | undefined;
  return () => {
    if (cached && versions(cached.files).join('|') === cached.fingerprint && (cached.detectedAt === undefined || now() - cached.detectedAt < REDETECT_MS)) {
      return cached.config;
    }
    // Fingerprint before loading: a file edited during the load then differs on the next call.
    const candidates = candidateConfigFiles(opts.root);
    const before = versions(candidates);
    const loaded = opts.load();
    const contributing = (loaded.files ?? []).filter((f) => !candidates.includes(f));
    const files = [...candidates, ...contributing];
    cached = { config: loaded.config, files, fingerprint: [...before, ...versions(contributing)].join('|'), detectedAt: loaded.detected ? now() : undefined };
    return cached.config;
  };
}

/** Identity and version of each file as the file system reports it ('-' when absent or unreadable). */
function versions(files: string[]): string[] {
  return files.map((f) => {
    try {
      const st = statSync(f, { throwIfNoEntry: false });
      return st ? `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}` : '-';
    } catch {
      return '-'; // e.g. .sentrik is a file: no config there, which the loader will say if it matters
    }
  });
}
