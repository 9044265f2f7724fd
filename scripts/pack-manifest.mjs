// Build step: write dist/pack-manifest.json, the content hashes of every built-in pack (per pack and per file).
// `sentrik scan` refuses a built-in pack that no longer matches it; `sentrik doctor` reports the difference.
// Runs after tsc (it uses the compiled hashing code, so build and check can never disagree).
// Also writes dist/pack-snapshots.json: every built-in pack as loaded and validated here, so a run reads JSON
// instead of parsing YAML (used only while a pack's files hash to the snapshot's hash).
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const { builtinPacksDir, packDirs, packContentHash, loadPack, packSnapshot, snapshotsPath } = await import('../dist/packs/load.js');
const { fileHashes, manifestPath } = await import('../dist/governance/integrity.js');
const { TOOL } = await import('../dist/version.js');

const packs = {};
for (const dir of packDirs(builtinPacksDir())) packs[basename(dir)] = { hash: packContentHash(dir), files: fileHashes(dir) };
const manifest = { tool: `${TOOL.name} ${TOOL.version}`, generatedAt: new Date().toISOString(), packs };
writeFileSync(manifestPath(), `${JSON.stringify(manifest, null, 2)}\n`);
// After the manifest: loading a built-in pack checks it against the manifest. The old snapshots go first, so
// every pack is read from its YAML by the code just built.
rmSync(snapshotsPath(), { force: true });
const snapshots = {};
for (const dir of packDirs(builtinPacksDir())) {
  try {
    snapshots[basename(dir)] = packSnapshot(loadPack(dir, true));
  } catch (err) {
    console.error(`pack snapshot: ${basename(dir)} left out (${err.message}); it is read from its YAML at run time`);
  }
}
writeFileSync(snapshotsPath(), JSON.stringify(snapshots));
console.log(`pack manifest: ${Object.keys(packs).length} built-in packs hashed into ${manifestPath()}`);

// dist/build-id: a hash of the compiled code, which keys the scan cache with the rules (see BUILD_ID).
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const code = createHash('sha256');
for (const [file, hash] of Object.entries(fileHashes(dist)).sort(([a], [b]) => (a < b ? -1 : 1))) if (file.endsWith('.js')) code.update(`${file}\0${hash}\0`);
writeFileSync(join(dist, 'build-id'), `${code.digest('hex').slice(0, 16)}\n`);
