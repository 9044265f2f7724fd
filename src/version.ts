// Tool name and version, read once from package.json (the single source of truth).
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

export const TOOL = { name: 'sentrik', version: pkg.version } as const;
