// Build step: bundle the CLI and its worker scripts into dist/bin/ — what bin/sentrik.js runs.
// Why: Node's ESM loader pays per module, and a run loaded some 350 of them (zod alone is ~250 files, its
// locales included), about 100 ms before any work, once in the main thread and again in every worker.
// One bundle per entry, with the lazily loaded commands as chunks, loads in about half that time.
// dist/bin/ sits two folders below the package root like every src/<area>/ module, so the relative URLs that
// find packs, the manifest and the worker scripts resolve the same in both layouts (see util/package.ts).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';

// zod re-exports every locale (z.locales: some 60 modules, half its code) and so none can be left out; sentrik
// speaks English only (zod's default), so the bundle gets a locales index holding just that one.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'zod-locales', pluginData: dirname(args.importer) } : undefined,
    );
    // Resolved next to the importer (zod/v4/classic or zod/v4/core), as its own `../locales/index.js` was.
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({ contents: "export { default as en } from '../locales/en.js';", resolveDir: args.pluginData }));
  },
};

const outdir = 'dist/bin';
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { main: 'src/cli/main.ts', 'scan-worker': 'src/engine/scan-worker.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // Native addons and the packages that load optional parts at run time stay in node_modules.
  external: ['re2', '@ast-grep/*', 'better-sqlite3', 'pg', 'playwright-core', '@cyclonedx/cyclonedx-library', 'undici'],
  // CommonJS dependencies bundled into ESM still call require() for Node's built-ins.
  plugins: [zodEnglishOnly],
  banner: { js: "import { createRequire as __sentrikRequire } from 'node:module'; const require = __sentrikRequire(import.meta.url);" },
});
