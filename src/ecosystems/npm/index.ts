// npm: package-lock.json (v1–v3), npm-shrinkwrap.json, yarn.lock (classic and berry), pnpm-lock.yaml (v5–v9);
// a package.json without any of them is reported as unchecked.
import type { Ecosystem, FixWriter } from '../types.js';
import { jsonIdentity } from '../util.js';
import { packageJsonEditor, type OverrideField } from './edit.js';
import { uncheckedPackageJson } from './manifest.js';
import { parsePackageLock } from './package-lock.js';
import { parsePnpmLock } from './pnpm-lock.js';
import { compareNpm } from './version.js';
import { parseYarnLock } from './yarn-lock.js';

// Transitive pins go where each package manager reads them: npm `overrides`, yarn (classic and berry)
// `resolutions`, pnpm `pnpm.overrides`.
const fix = (install: string, field: OverrideField): FixWriter => ({ manifest: 'package.json', editor: packageJsonEditor(field), relock: install });

export const npm: Ecosystem = {
  id: 'npm',
  osv: 'npm',
  formats: [
    { name: 'npm-shrinkwrap.json', matches: (f) => f === 'npm-shrinkwrap.json', parse: parsePackageLock, fix: fix('npm install', 'overrides') },
    { name: 'package-lock.json', matches: (f) => f === 'package-lock.json', parse: parsePackageLock, fix: fix('npm install', 'overrides') },
    { name: 'yarn.lock', matches: (f) => f === 'yarn.lock', parse: parseYarnLock, fix: fix('yarn install', 'resolutions') },
    { name: 'pnpm-lock.yaml', matches: (f) => f === 'pnpm-lock.yaml', parse: (file, text) => parsePnpmLock(file, text), fix: fix('pnpm install', 'pnpm.overrides') },
  ],
  manifests: [{ name: 'package.json', matches: (f) => f === 'package.json', unchecked: uncheckedPackageJson }],
  compare: compareNpm,
  normalizeName: (name) => name.toLowerCase(),
  project: {
    file: 'package.json',
    read: jsonIdentity,
  },
};
