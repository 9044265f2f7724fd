// Self-integrity: the built-in packs ship with a manifest of content hashes, generated at build time
// (scripts/pack-manifest.mjs → dist/pack-manifest.json). A built-in pack whose files differ from the manifest
// is refused, with the file that differs named; custom packs are not in the manifest (their hashes go to the
// audit log instead). Running from the TypeScript sources there is no manifest, and nothing to compare.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SentrikError } from '../util/errors.js';

export interface PackManifest {
  tool: string;
  generatedAt: string;
  packs: Record<string, { hash: string; files: Record<string, string> }>;
}

export const MANIFEST_NAME = 'pack-manifest.json';

/** Where the manifest of this installation lives (beside the compiled code). */
export function manifestPath(): string {
  return fileURLToPath(new URL(`../${MANIFEST_NAME}`, import.meta.url));
}

let cached: { path: string; manifest: PackManifest | undefined } | undefined;

export function readManifest(path = manifestPath()): PackManifest | undefined {
  if (cached?.path === path) return cached.manifest;
  let manifest: PackManifest | undefined;
  if (existsSync(path)) {
    try {
      manifest = JSON.parse(readFileSync(path, 'utf8')) as PackManifest;
    } catch {
      throw new SentrikError('the pack manifest is damaged', path, undefined, 'reinstall sentrik, or run `npm run build`');
    }
    if (!manifest || typeof manifest.packs !== 'object') throw new SentrikError('the pack manifest has no packs', path, undefined, 'reinstall sentrik, or run `npm run build`');
  }
  cached = { path, manifest };
  return manifest;
}

/** Files of a pack folder, relative (posix), with their sha256. */
export function fileHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out[relative(dir, p).split('\\').join('/')] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** What differs between a pack folder and its manifest entry: one line, naming the file(s). */
export function describeDifference(dir: string, expected: Record<string, string>): string {
  const actual = fileHashes(dir);
  const changed = Object.keys(expected).filter((f) => actual[f] !== undefined && actual[f] !== expected[f]);
  const missing = Object.keys(expected).filter((f) => actual[f] === undefined);
  const added = Object.keys(actual).filter((f) => expected[f] === undefined);
  const parts = [
    changed.length ? `changed: ${changed.join(', ')}` : '',
    missing.length ? `missing: ${missing.join(', ')}` : '',
    added.length ? `added: ${added.join(', ')}` : '',
  ].filter(Boolean);
  return parts.join('; ') || 'content differs';
}

/**
 * Refuse a built-in pack whose content hash differs from the manifest (no-op without a manifest).
 * `hash` is the loader's pack hash, so an intact pack costs one comparison.
 */
export function verifyBuiltinPack(id: string, dir: string, hash: string): void {
  const manifest = readManifest();
  if (!manifest) return;
  const entry = manifest.packs[id];
  if (!entry) throw new SentrikError(`built-in pack '${id}' is not in the pack manifest (added after the build?)`, join(dir, 'pack.yaml'), undefined, 'reinstall sentrik, or run `npm run build` after adding a pack');
  if (entry.hash === hash) return;
  throw new SentrikError(
    `built-in pack '${id}' does not match its manifest (${describeDifference(dir, entry.files)}); refusing to run it`,
    dir,
    undefined,
    'reinstall sentrik (the pack was modified or corrupted), or run `npm run build` after editing a pack',
  );
}
