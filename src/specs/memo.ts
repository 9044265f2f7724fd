// Parse once per scanned file: every spec rule of a scan shares the parse (or the parse error, re-thrown as
// the same SentrikError so the scanner reports it once per file).
import type { SourceFile } from '../engine/source.js';

const cache = new WeakMap<SourceFile, Map<string, { value?: unknown; error?: unknown }>>();

export function perFile<T>(file: SourceFile, key: string, make: () => T): T {
  let m = cache.get(file);
  if (!m) cache.set(file, (m = new Map()));
  let e = m.get(key);
  if (!e) {
    try {
      e = { value: make() };
    } catch (error) {
      e = { error };
    }
    m.set(key, e);
  }
  if (e.error) throw e.error;
  return e.value as T;
}
