// The local advisory index: one JSON file per ecosystem (`<db>/<Ecosystem>.json`, an array of compact
// advisories) plus `<db>/manifest.json`. Loading one ecosystem is a single JSON.parse.
//
// Location, first that applies: `--db DIR`, $SENTRIK_OSV_DB, $XDG_CACHE_HOME/sentrik/osv,
// ~/.cache/sentrik/osv — one database shared by every project on the machine.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OsvEcosystem } from '../ecosystems/types.js';
import { SentrikError } from '../util/errors.js';
import type { Advisory } from './osv.js';

export interface DbManifest {
  format: 1;
  ecosystems: Partial<Record<OsvEcosystem, { records: number; importedAt: string; source: string }>>;
}

export function defaultDbDir(env: Record<string, string | undefined>, cwd: string, flag?: string): string {
  if (flag) return resolve(cwd, flag);
  if (env.SENTRIK_OSV_DB) return resolve(cwd, env.SENTRIK_OSV_DB);
  const cache = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(env.HOME ?? homedir(), '.cache');
  return join(cache, 'sentrik', 'osv');
}

/** File names are fixed per ecosystem, never derived from archive content. */
function ecosystemFile(db: string, eco: OsvEcosystem): string {
  return join(db, `${eco.replace(/[^A-Za-z0-9.]/g, '_')}.json`);
}

export function readManifest(db: string): DbManifest | undefined {
  const file = join(db, 'manifest.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DbManifest;
  } catch {
    throw new SentrikError('the advisory database manifest is unreadable', file, undefined, 're-run `sentrik vulns db import`');
  }
}

/**
 * Streams one ecosystem's index to `<db>/<Ecosystem>.json.tmp` as advisories arrive (none is kept in memory);
 * `commit` renames it into place, so a failed import never leaves a half-written index behind.
 */
export class IndexWriter {
  advisories = 0;
  private readonly file: string;
  private readonly fd: number;
  private pending: string[] = [];
  private pendingBytes = 0;
  private flushed = false;

  constructor(
    db: string,
    readonly ecosystem: OsvEcosystem,
  ) {
    mkdirSync(db, { recursive: true });
    this.file = ecosystemFile(db, ecosystem);
    this.fd = openSync(`${this.file}.tmp`, 'w');
    writeSync(this.fd, '[');
  }

  add(advisory: Advisory): void {
    const json = JSON.stringify(advisory);
    this.pending.push(json);
    this.pendingBytes += json.length;
    this.advisories++;
    if (this.pendingBytes > 1024 * 1024) this.flush();
  }

  /** Written so that the file holds the same bytes as JSON.stringify(all advisories). */
  private flush(): void {
    writeSync(this.fd, (this.flushed ? ',' : '') + this.pending.join(','));
    this.flushed = true;
    this.pending = [];
    this.pendingBytes = 0;
  }

  commit(): void {
    if (this.pending.length) this.flush();
    writeSync(this.fd, ']');
    closeSync(this.fd);
    renameSync(`${this.file}.tmp`, this.file);
  }

  abort(): void {
    closeSync(this.fd);
    rmSync(`${this.file}.tmp`, { force: true });
  }
}

/** Records what was imported in `<db>/manifest.json` (written then renamed, like the indexes). */
export function recordImports(db: string, imported: { ecosystem: OsvEcosystem; advisories: number; source: string }[]): void {
  const manifest = readManifest(db) ?? { format: 1, ecosystems: {} };
  const importedAt = new Date().toISOString();
  for (const i of imported) manifest.ecosystems[i.ecosystem] = { records: i.advisories, importedAt, source: i.source };
  const file = join(db, 'manifest.json');
  writeFileSync(`${file}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export function loadEcosystem(db: string, eco: OsvEcosystem): Advisory[] | undefined {
  const file = ecosystemFile(db, eco);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Advisory[];
  } catch {
    throw new SentrikError(`the ${eco} advisory index is unreadable`, file, undefined, 're-run `sentrik vulns db import`');
  }
}
