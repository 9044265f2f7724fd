// The local advisory index: one JSON file per ecosystem (`<db>/<Ecosystem>.json`, an array of compact
// advisories) plus `<db>/manifest.json`. Loading one ecosystem is a single JSON.parse.
//
// Location, first that applies: `--db DIR`, $SENTRIK_OSV_DB, $XDG_CACHE_HOME/sentrik/osv,
// ~/.cache/sentrik/osv — one database shared by every project on the machine.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

export function writeEcosystem(db: string, eco: OsvEcosystem, advisories: Advisory[], source: string): void {
  mkdirSync(db, { recursive: true });
  const file = ecosystemFile(db, eco);
  // Write then rename: a crash mid-import never leaves a half-written index behind.
  writeFileSync(`${file}.tmp`, JSON.stringify(advisories));
  renameSync(`${file}.tmp`, file);
  const manifest = readManifest(db) ?? { format: 1, ecosystems: {} };
  manifest.ecosystems[eco] = { records: advisories.length, importedAt: new Date().toISOString(), source };
  writeFileSync(join(db, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
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
