// A Cargo.toml no Cargo.lock covers (beside it, or at a workspace root above it): its dependencies are
// declared by range, so `vulns` lists them as not checked.
import type { ReadSibling, Unchecked } from '../types.js';
import { firstLineMatching, isRecord, lockfileCovers, parseTomlText } from '../util.js';

const DEP_TABLES = ['dependencies', 'dev-dependencies', 'build-dependencies'];

/** `name = "1"` or `name = { version, package, path, workspace }`: a `path` crate is the project's own code. */
function names(deps: unknown): string[] {
  if (!isRecord(deps)) return [];
  return Object.entries(deps).flatMap(([key, spec]) => {
    if (isRecord(spec) && 'path' in spec && !('version' in spec)) return [];
    return [isRecord(spec) && typeof spec.package === 'string' ? spec.package : key];
  });
}

export function uncheckedCargoToml(file: string, text: string, lockfiles: readonly string[], _read: ReadSibling): Unchecked | undefined {
  if (lockfileCovers(file, lockfiles, () => true)) return undefined;
  let doc: Record<string, unknown>;
  try {
    doc = parseTomlText(text);
  } catch {
    return undefined; // a broken manifest is the code scan's to report
  }
  const targets = isRecord(doc.target) ? Object.values(doc.target).filter(isRecord) : [];
  const workspace = isRecord(doc.workspace) ? doc.workspace : {};
  const found = [...[doc, ...targets].flatMap((t) => DEP_TABLES.flatMap((k) => names(t[k]))), ...names(workspace.dependencies)];
  if (!found.length) return undefined;
  const line = firstLineMatching(text, /^\[(workspace\.|target\.[^\]]+\.)?(dev-|build-)?dependencies(\]|\.)/);
  return { file, line, ecosystem: 'crates.io', reason: 'no-lockfile', names: [...new Set(found)], fix: 'run `cargo generate-lockfile` to create Cargo.lock' };
}
