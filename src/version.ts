// Tool name and version, from package.json (the single source of truth).
import { PACKAGE_JSON } from './util/package.js';

export const TOOL = { name: 'sentrik', version: PACKAGE_JSON.version } as const;
