// `sentrik vulns db import`: OSV exports (the public dump layout `<Ecosystem>/all.zip`, a single all.zip, or a
// folder of JSON records) into the local index. Records stream through one at a time — read, converted,
// appended to the index, dropped — so memory stays flat however large the export (npm's inflates to GBs).
// Archive entry names are never used as paths, so nothing can be written outside the database folder; zip
// bombs and path-traversal entries are refused in zip.ts, broken records reported by entry name.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ECOSYSTEMS, ecosystemByOsv } from '../ecosystems/index.js';
import type { OsvEcosystem } from '../ecosystems/types.js';
import { visibleText } from '../util/text.js';
import { SentrikError } from '../util/errors.js';
import { IndexWriter, recordImports } from './db.js';
import { convertRecord, type ConvertNotes } from './osv.js';
import { readZipEntries, ZIP_LIMITS, type ZipEntry } from './zip.js';

export interface ImportProblem {
  source: string;
  entry?: string;
  message: string;
}

/**
 * A problem as it is reported: entry names, file names and record fields come from the export, so control
 * characters (terminal escapes, newlines) are shown as visible `\xNN` markers in every output.
 */
function problem(source: string, entry: string | undefined, message: string): ImportProblem {
  return { source: visibleText(source), ...(entry === undefined ? {} : { entry: visibleText(entry) }), message: visibleText(message) };
}

export interface ImportSummary {
  ecosystems: { ecosystem: OsvEcosystem; records: number; advisories: number; source: string }[];
  problems: ImportProblem[];
  ms: number;
}

/** The ecosystem named by a dump path (`…/PyPI/all.zip`) or undefined. */
function ecosystemFromPath(path: string): OsvEcosystem | undefined {
  const dir = basename(dirname(path));
  return ECOSYSTEMS.find((e) => e.osv === dir)?.osv;
}

const decoder = new TextDecoder();
/** Unsupported ranges named one by one per source; the rest only counted. */
const RANGE_NOTES = 50;

/** One source (an all.zip or a folder of records): converts each record and appends it to its ecosystems' indexes. */
class Batch {
  records = 0;
  private readonly notes: ConvertNotes = { skippedRanges: [] };
  private moreRangeNotes = 0;

  constructor(
    readonly source: string,
    private readonly forced: OsvEcosystem | undefined,
    private readonly writers: Writers,
    private readonly problems: ImportProblem[],
  ) {}

  add(e: ZipEntry): void {
    this.records++;
    let raw: unknown;
    try {
      raw = JSON.parse(decoder.decode(e.data));
    } catch {
      this.problems.push(problem(this.source, e.name, 'not valid JSON; skipped'));
      return;
    }
    for (const osv of this.forced ? [this.forced] : recordEcosystems(raw)) {
      const eco = ecosystemByOsv(osv);
      const adv = eco && convertRecord(raw, osv, eco.normalizeName, this.notes);
      if (adv) this.writers.get(osv, this).add(adv);
    }
    // Keep the notes bounded: a dump full of one unsupported range type must not grow memory.
    if (this.notes.skippedRanges.length > RANGE_NOTES) this.moreRangeNotes += this.notes.skippedRanges.splice(RANGE_NOTES).length;
  }

  reportNotes(): void {
    for (const n of this.notes.skippedRanges) this.problems.push(problem(this.source, undefined, `${n} is not supported; that range was skipped`));
    if (this.moreRangeNotes) this.problems.push(problem(this.source, undefined, `… and ${this.moreRangeNotes} more unsupported ranges skipped`));
  }
}

/** One index writer per ecosystem, opened on its first advisory; all committed together at the end. */
class Writers {
  private readonly open = new Map<OsvEcosystem, { writer: IndexWriter; batch: Batch }>();

  constructor(private readonly db: string) {}

  get(eco: OsvEcosystem, batch: Batch): IndexWriter {
    let w = this.open.get(eco);
    if (!w) this.open.set(eco, (w = { writer: new IndexWriter(this.db, eco), batch }));
    return w.writer;
  }

  /** Every index is written and closed before any is put in place, so one that fails replaces none. */
  commit(): ImportSummary['ecosystems'] {
    const open = [...this.open.entries()];
    try {
      for (const [, { writer }] of open) writer.finish();
      for (const [, { writer }] of open) writer.install();
    } catch (err) {
      this.abort();
      throw err;
    }
    const imported = open.map(([ecosystem, { writer, batch }]) => ({ ecosystem, records: batch.records, advisories: writer.advisories, source: batch.source }));
    if (imported.length) recordImports(this.db, imported);
    return imported;
  }

  abort(): void {
    for (const { writer } of this.open.values()) writer.abort();
  }
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

function importZip(file: string, batch: Batch, problems: ImportProblem[]): void {
  readZipEntries(
    file,
    (e) => batch.add(e),
    (entry, message) => problems.push(problem(file, entry, message)),
  );
  batch.reportNotes();
}

/** A folder of OSV JSON records, read one file at a time (in name order, so the index is reproducible). */
function importFolder(dir: string, batch: Batch, problems: ImportProblem[]): void {
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  if (!names.length) throw new SentrikError('no OSV data found', dir, undefined, 'expected <Ecosystem>/all.zip files or *.json records');
  for (const name of names) {
    const file = join(dir, name);
    try {
      if (statSync(file).size > ZIP_LIMITS.maxEntryBytes) {
        problems.push(problem(dir, name, `larger than ${ZIP_LIMITS.maxEntryBytes} bytes, not an OSV record; skipped`));
        continue;
      }
      batch.add({ name, data: readFileSync(file) });
    } catch (err) {
      if (err instanceof SentrikError) throw err;
      problems.push(problem(dir, name, `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}); skipped`));
    }
  }
  batch.reportNotes();
}

/**
 * Import from `source`: an `all.zip`, a dump folder holding `<Ecosystem>/all.zip`, or a folder of OSV JSON
 * files. Each ecosystem found replaces that ecosystem's index in `db`; if the import fails, none does.
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
  const writers = new Writers(db);
  const batch = (from: string, forced?: OsvEcosystem): Batch => new Batch(from, forced, writers, problems);
  try {
    if (st.isFile()) importZip(source, batch(source, ecosystemFromPath(source)), problems);
    else {
      const zips = ECOSYSTEMS.map((e) => join(source, e.osv, 'all.zip')).filter((z) => {
        try {
          return statSync(z).isFile();
        } catch {
          return false;
        }
      });
      for (const z of zips) importZip(z, batch(z, ecosystemFromPath(z)), problems);
      if (!zips.length) importFolder(source, batch(source), problems);
    }
  } catch (err) {
    writers.abort();
    throw err;
  }
  const ecosystems = writers.commit();
  return { ecosystems, problems, ms: performance.now() - started };
}
