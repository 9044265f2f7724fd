#!/usr/bin/env node
// Thin launcher: the CLI is bundled into dist/bin/main.js (built by `npm ci` through the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/bin/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('sentrik: not built yet: run `npm ci` (or `npm run build`) in the sentrik folder first\n');
  process.exit(2);
}
try {
  const { main } = await import(entry.href);
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  // Last line of defence: never a stack trace for the user, always exit 2.
  process.stderr.write(`sentrik: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
  if (process.env.SENTRIK_DEBUG) process.stderr.write(`${err instanceof Error ? err.stack : ''}\n`);
  process.exitCode = 2;
}
