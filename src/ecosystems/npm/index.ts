// npm: package-lock.json (v1–v3), npm-shrinkwrap.json, yarn.lock (classic and berry), pnpm-lock.yaml (v5–v9).
import type { Ecosystem } from '../types.js';
import { parsePackageLock } from './package-lock.js';
import { parsePnpmLock } from './pnpm-lock.js';
import { compareNpm } from './version.js';
import { parseYarnLock } from './yarn-lock.js';

export const npm: Ecosystem = {
  id: 'npm',
  osv: 'npm',
  formats: [
    { name: 'npm-shrinkwrap.json', matches: (f) => f === 'npm-shrinkwrap.json', parse: parsePackageLock },
    { name: 'package-lock.json', matches: (f) => f === 'package-lock.json', parse: parsePackageLock },
    { name: 'yarn.lock', matches: (f) => f === 'yarn.lock', parse: parseYarnLock },
    { name: 'pnpm-lock.yaml', matches: (f) => f === 'pnpm-lock.yaml', parse: (file, text) => parsePnpmLock(file, text) },
  ],
  compare: compareNpm,
  normalizeName: (name) => name.toLowerCase(),
};
