// Build step: write dist/pack-manifest.json, the content hashes of every built-in pack (per pack and per file).
// `sentrik scan` refuses a built-in pack that no longer matches it; `sentrik doctor` reports the difference.
// Runs after tsc (it uses the compiled hashing code, so build and check can never disagree).
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const { builtinPacksDir, packDirs, packContentHash } = await import('../dist/packs/load.js');
const { fileHashes, manifestPath } = await import('../dist/governance/integrity.js');
const { TOOL } = await import('../dist/version.js');

const packs = {};
for (const dir of packDirs(builtinPacksDir())) packs[basename(dir)] = { hash: packContentHash(dir), files: fileHashes(dir) };
const manifest = { tool: `${TOOL.name} ${TOOL.version}`, generatedAt: new Date().toISOString(), packs };
writeFileSync(manifestPath(), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`pack manifest: ${Object.keys(packs).length} built-in packs hashed into ${manifestPath()}`);
