// `sentrik vulns db import`: OSV exports (the public dump layout `<Ecosystem>/all.zip`, a single all.zip, or a
// folder of JSON records) into the local index. Archives are read in memory only — entry names are never
// used as paths, so nothing can be written outside the database folder — and every entry is size-checked
// before it is inflated (zip bombs) and name-checked (path traversal is reported, not followed).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { ECOSYSTEMS, ecosystemByOsv } from '../ecosystems/index.js';
import type { OsvEcosystem } from '../ecosystems/types.js';
import { SentrikError } from '../util/errors.js';
import { writeEcosystem } from './db.js';
import { convertRecord, type Advisory, type ConvertNotes } from './osv.js';

export const ZIP_LIMITS = {
  /** One OSV record is a few KiB; anything above this is not a record. */
  maxEntryBytes: 16 * 1024 * 1024,
  maxTotalBytes: 4 * 1024 * 1024 * 1024,
  /** Compression ratio above which an entry is treated as a bomb (JSON compresses ~10:1). */
  maxRatio: 200,
  maxEntries: 2_000_000,
};

export interface ImportProblem {
  source: string;
  entry?: string;
  message: string;
}

export interface ImportSummary {
  ecosystems: { ecosystem: OsvEcosystem; records: number; advisories: number; source: string }[];
  problems: ImportProblem[];
  ms: number;
}

interface Entry {
  name: string;
  data: Uint8Array;
}

function unsafeName(name: string): boolean {
  return name.includes('\0') || name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.split(/[\\/]/).includes('..');
}

/** Read the JSON entries of a zip archive, refusing traversal names, oversize entries and bombs. */
export function readZip(file: string, problems: ImportProblem[], limits = ZIP_LIMITS): Entry[] {
  let total = 0;
  let count = 0;
  let data: Uint8Array;
  try {
    data = readFileSync(file);
  } catch (err) {
    throw new SentrikError(`cannot read the archive (${(err as NodeJS.ErrnoException).code ?? 'error'})`, file);
  }
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(data, {
      filter: (f) => {
        if (unsafeName(f.name)) {
          problems.push({ source: file, entry: f.name, message: 'entry name leaves the archive (path traversal); skipped' });
          return false;
        }
        if (!f.name.endsWith('.json')) return false;
        count++;
        const ratio = f.size > 0 ? f.originalSize / f.size : f.originalSize > 0 ? Infinity : 0;
        if (f.originalSize > limits.maxEntryBytes || ratio > limits.maxRatio) {
          problems.push({ source: file, entry: f.name, message: `entry too large or too compressed (${f.originalSize} bytes, ratio ${ratio.toFixed(0)}:1); skipped as a possible zip bomb` });
          return false;
        }
        total += f.originalSize;
        if (total > limits.maxTotalBytes || count > limits.maxEntries) throw new SentrikError(`archive expands beyond ${limits.maxTotalBytes} bytes or ${limits.maxEntries} entries`, file, undefined, 'is this an OSV export?');
        return true;
      },
    });
  } catch (err) {
    if (err instanceof SentrikError) throw err;
    throw new SentrikError(`not a readable zip archive (${(err as Error).message})`, file, undefined, 'download <Ecosystem>/all.zip from the OSV bucket again');
  }
  return Object.entries(files).map(([name, d]) => {
    if (d.length > limits.maxEntryBytes) throw new SentrikError('an entry inflated beyond its declared size', file, undefined, 'the archive is corrupt or hostile');
    return { name, data: d };
  });
}

/** The ecosystem named by a dump path (`…/PyPI/all.zip`) or undefined. */
function ecosystemFromPath(path: string): OsvEcosystem | undefined {
  const dir = basename(dirname(path));
  return ECOSYSTEMS.find((e) => e.osv === dir)?.osv;
}

const decoder = new TextDecoder();

function convertAll(entries: Entry[], source: string, forced: OsvEcosystem | undefined, problems: ImportProblem[]): Map<OsvEcosystem, Advisory[]> {
  const out = new Map<OsvEcosystem, Advisory[]>();
  const notes: ConvertNotes = { skippedRanges: [] };
  for (const e of entries) {
    let raw: unknown;
    try {
      raw = JSON.parse(decoder.decode(e.data));
    } catch {
      problems.push({ source, entry: e.name, message: 'not valid JSON; skipped' });
      continue;
    }
    const ecosystems = forced ? [forced] : recordEcosystems(raw);
    for (const osv of ecosystems) {
      const eco = ecosystemByOsv(osv);
      if (!eco) continue;
      const adv = convertRecord(raw, osv, eco.normalizeName, notes);
      if (!adv) continue;
      const list = out.get(osv);
      if (list) list.push(adv);
      else out.set(osv, [adv]);
    }
  }
  for (const n of notes.skippedRanges.slice(0, 50)) problems.push({ source, message: `${n} is not supported; that range was skipped` });
  if (notes.skippedRanges.length > 50) problems.push({ source, message: `… and ${notes.skippedRanges.length - 50} more unsupported ranges skipped` });
  return out;
}

function recordEcosystems(raw: unknown): OsvEcosystem[] {
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { affected?: unknown }).affected)) return [];
  const names = new Set<OsvEcosystem>();
  for (const a of (raw as { affected: { package?: { ecosystem?: unknown } }[] }).affected) {
    const e = ecosystemByOsv(String(a?.package?.ecosystem ?? ''));
    if (e) names.add(e.osv);
  }
  return [...names];
}

/**
 * Import from `source`: an `all.zip`, a dump folder holding `<Ecosystem>/all.zip`, or a folder of OSV JSON
 * files. Each ecosystem found replaces that ecosystem's index in `db`.
 */
export function importOsv(source: string, db: string): ImportSummary {
  const started = performance.now();
  const problems: ImportProblem[] = [];
  let st;
  try {
    st = statSync(source);
  } catch {
    throw new SentrikError('no such file or directory', source, undefined, 'give an OSV all.zip or a folder of them');
  }
  const batches: { source: string; forced?: OsvEcosystem; entries: Entry[] }[] = [];
  if (st.isFile()) batches.push({ source, forced: ecosystemFromPath(source), entries: readZip(source, problems) });
  else {
    const zips = ECOSYSTEMS.map((e) => join(source, e.osv, 'all.zip')).filter((z) => {
      try {
        return statSync(z).isFile();
      } catch {
        return false;
      }
    });
    if (zips.length) for (const z of zips) batches.push({ source: z, forced: ecosystemFromPath(z), entries: readZip(z, problems) });
    else {
      const entries = readdirSync(source)
        .filter((f) => f.endsWith('.json'))
        .map((f) => ({ name: f, data: readFileSync(join(source, f)) }));
      if (!entries.length) throw new SentrikError('no OSV data found', source, undefined, 'expected <Ecosystem>/all.zip files or *.json records');
      batches.push({ source, entries });
    }
  }
  const summary: ImportSummary = { ecosystems: [], problems, ms: 0 };
  for (const b of batches) {
    const converted = convertAll(b.entries, b.source, b.forced, problems);
    for (const [eco, advisories] of converted) {
      advisories.sort((x, y) => (x.id < y.id ? -1 : 1));
      writeEcosystem(db, eco, advisories, b.source);
      summary.ecosystems.push({ ecosystem: eco, records: b.entries.length, advisories: advisories.length, source: b.source });
    }
  }
  summary.ms = performance.now() - started;
  return summary;
}
