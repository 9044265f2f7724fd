// File-change detection for `watch`. Events from fs.watch where the platform offers them — one recursive
// watcher on macOS and Windows; elsewhere one watcher per folder, so ignored trees (node_modules, .git) cost
// nothing — else, or when the system runs out of watches, polling by mtime and size. Ignored paths never
// report a change. Symlinks are not followed.
import { lstatSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import { join, sep } from 'node:path';

export type ChangeMode = 'events' | 'poll';

export interface ChangeSource {
  readonly mode: ChangeMode;
  close(): void;
}

export interface ChangeOptions {
  root: string;
  /** Repository-relative path (forward slashes) → never watched or reported. */
  ignored(rel: string, isDir: boolean): boolean;
  /** A path changed (relative, forward slashes). */
  onChange(rel: string): void;
  /** Why events were given up for polling. */
  onFallback?(reason: string): void;
  pollMs: number;
  /** Force polling (network file systems, containers with bind mounts). */
  poll?: boolean;
}

/** Beyond this many folders per-folder watchers cost more than polling. */
const MAX_WATCHED_DIRS = 20_000;
const MAX_POLLED_FILES = 200_000;

const rel = (p: string): string => (sep === '/' ? p : p.split(sep).join('/'));

export function watchChanges(o: ChangeOptions): ChangeSource {
  if (!o.poll) {
    try {
      return process.platform === 'darwin' || process.platform === 'win32' ? recursiveWatcher(o) : perFolderWatchers(o);
    } catch (err) {
      o.onFallback?.(`file events unavailable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); polling every ${o.pollMs / 1000} s`);
    }
  }
  return poller(o);
}

function recursiveWatcher(o: ChangeOptions): ChangeSource {
  const w = watch(o.root, { recursive: true, persistent: true }, (_event, name) => {
    const r = name ? rel(name.toString()) : '';
    if (r && !ignoredAnywhere(o, r)) o.onChange(r);
  });
  let fallback: ChangeSource | undefined;
  w.on('error', (err) => {
    w.close();
    o.onFallback?.(`file events stopped (${(err as NodeJS.ErrnoException).code ?? err.message}); polling every ${o.pollMs / 1000} s`);
    fallback = poller(o);
  });
  return {
    get mode() {
      return fallback ? 'poll' : 'events';
    },
    close: () => (w.close(), fallback?.close()),
  };
}

/** A recursive watcher reports paths inside ignored folders too: check every parent. */
function ignoredAnywhere(o: ChangeOptions, r: string): boolean {
  const parts = r.split('/');
  for (let i = 1; i < parts.length; i++) if (o.ignored(parts.slice(0, i).join('/'), true)) return true;
  return o.ignored(r, false);
}

function perFolderWatchers(o: ChangeOptions): ChangeSource {
  const watchers = new Map<string, FSWatcher>();
  let fallback: ChangeSource | undefined;
  const giveUp = (why: string): void => {
    if (fallback) return;
    for (const w of watchers.values()) w.close();
    watchers.clear();
    o.onFallback?.(`${why}; polling every ${o.pollMs / 1000} s`);
    fallback = poller(o);
  };
  const add = (dir: string): void => {
    if (fallback || watchers.has(dir)) return;
    if (watchers.size >= MAX_WATCHED_DIRS) throw Object.assign(new Error(`more than ${MAX_WATCHED_DIRS} folders`), { code: 'TOO_MANY_FOLDERS' });
    const w = watch(dir ? join(o.root, dir) : o.root, { persistent: true }, (_event, name) => {
      if (!name) return o.onChange(dir || '.');
      const r = dir ? `${dir}/${rel(name.toString())}` : rel(name.toString());
      const st = statOrUndefined(join(o.root, r));
      const isDir = st?.isDirectory() ?? false;
      if (o.ignored(r, isDir)) return;
      if (isDir && !watchers.has(r)) {
        try {
          walkDirs(o, r, add);
        } catch (err) {
          return giveUp(`cannot watch new folder ${r} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
        }
        // Files written before its watcher existed are new too.
        for (const f of filesBelow(o, r)) o.onChange(f);
      }
      if (!st && watchers.has(r)) (watchers.get(r)!.close(), watchers.delete(r));
      o.onChange(r);
    });
    w.on('error', () => {
      w.close();
      watchers.delete(dir);
      // A deleted folder's watcher ends with an error; anything else means events can no longer be trusted.
      if (statOrUndefined(join(o.root, dir))) giveUp(`file events stopped for ${dir || '.'}`);
    });
    watchers.set(dir, w);
  };
  try {
    walkDirs(o, '', add);
  } catch (err) {
    for (const w of watchers.values()) w.close();
    throw err;
  }
  return {
    get mode() {
      return fallback ? 'poll' : 'events';
    },
    close: () => {
      for (const w of watchers.values()) w.close();
      fallback?.close();
    },
  };
}

function statOrUndefined(p: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

function entries(o: ChangeOptions, dir: string): { name: string; isDir: boolean; isFile: boolean }[] {
  try {
    return readdirSync(dir ? join(o.root, dir) : o.root, { withFileTypes: true }).map((d) => ({ name: d.name, isDir: d.isDirectory(), isFile: d.isFile() }));
  } catch {
    return []; // vanished or unreadable: nothing to watch there
  }
}

/** `dir` and every folder below it that is not ignored (symlinked folders are not followed). */
function walkDirs(o: ChangeOptions, dir: string, visit: (dir: string) => void): void {
  visit(dir);
  for (const e of entries(o, dir)) {
    const r = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDir && !o.ignored(r, true)) walkDirs(o, r, visit);
  }
}

function filesBelow(o: ChangeOptions, dir: string): string[] {
  const files: string[] = [];
  walkDirs(o, dir, (d) => {
    for (const e of entries(o, d)) if (e.isFile && !o.ignored(`${d}/${e.name}`, false)) files.push(`${d}/${e.name}`);
  });
  return files;
}

/** Polling: compare mtime and size of every file that is not ignored. */
function poller(o: ChangeOptions): ChangeSource {
  const snapshot = (): Map<string, string> => {
    const files = new Map<string, string>();
    const walk = (dir: string): void => {
      for (const e of entries(o, dir)) {
        if (files.size >= MAX_POLLED_FILES) return;
        const r = dir ? `${dir}/${e.name}` : e.name;
        if (o.ignored(r, e.isDir)) continue;
        if (e.isDir) walk(r);
        else if (e.isFile) {
          const st = statOrUndefined(join(o.root, r));
          if (st) files.set(r, `${st.mtimeMs}:${st.size}`);
        }
      }
    };
    walk('');
    return files;
  };
  let last = snapshot();
  const timer = setInterval(() => {
    const now = snapshot();
    for (const [f, sig] of now) if (last.get(f) !== sig) o.onChange(f);
    for (const f of last.keys()) if (!now.has(f)) o.onChange(f);
    last = now;
  }, o.pollMs);
  return { mode: 'poll', close: () => clearInterval(timer) };
}
