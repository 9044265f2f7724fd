// npm: package-lock.json (v1–v3), npm-shrinkwrap.json, yarn.lock (classic and berry), pnpm-lock.yaml (v5–v9).
import type { Ecosystem, FixWriter } from '../types.js';
import { editPackageJson } from './edit.js';
import { parsePackageLock } from './package-lock.js';
import { parsePnpmLock } from './pnpm-lock.js';
import { compareNpm } from './version.js';
import { parseYarnLock } from './yarn-lock.js';

const fix = (install: string): FixWriter => ({ manifest: 'package.json', editor: editPackageJson, relock: install });

export const npm: Ecosystem = {
  id: 'npm',
  osv: 'npm',
  formats: [
    { name: 'npm-shrinkwrap.json', matches: (f) => f === 'npm-shrinkwrap.json', parse: parsePackageLock, fix: fix('npm install') },
    { name: 'package-lock.json', matches: (f) => f === 'package-lock.json', parse: parsePackageLock, fix: fix('npm install') },
    { name: 'yarn.lock', matches: (f) => f === 'yarn.lock', parse: parseYarnLock, fix: fix('yarn install') },
    { name: 'pnpm-lock.yaml', matches: (f) => f === 'pnpm-lock.yaml', parse: (file, text) => parsePnpmLock(file, text), fix: fix('pnpm install') },
  ],
  compare: compareNpm,
  normalizeName: (name) => name.toLowerCase(),
};
