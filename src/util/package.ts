// Where sentrik is installed, and its package.json. This module sits two folders below the package root both
// compiled (dist/util/) and bundled (dist/bin/, see scripts/bundle.mjs), so one relative URL serves both.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The CLI launcher: what a git hook, an MCP client configuration or the dashboard runs. */
export const CLI_SCRIPT = join(PACKAGE_ROOT, 'bin', 'sentrik.js');

export const PACKAGE_JSON = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string; engines?: { node?: string } };

/**
 * A hash of the compiled code (dist/build-id, written by scripts/pack-manifest.mjs): what the scan cache is
 * keyed by besides the rules, so a rebuilt engine never serves results of the code before it, version or not.
 */
export const BUILD_ID = readBuildId();

function readBuildId(): string {
  try {
    return readFileSync(join(PACKAGE_ROOT, 'dist', 'build-id'), 'utf8').trim() || 'unbuilt';
  } catch {
    return 'unbuilt';
  }
}
