// PyPI: requirements files (requirements-file.ts), poetry.lock, Pipfile.lock, uv.lock, pdm.lock, pylock.toml; a pyproject.toml or
// Pipfile without any of them is reported as unchecked.
import type { Ecosystem, FixWriter } from '../types.js';
import { identityOf, isRecord, parseTomlText, readIdentity } from '../util.js';
import { editPyproject } from './edit-pyproject.js';
import { editRequirements } from './edit-requirements.js';
import { parsePdmLock, parsePipfileLock, parsePoetryLock, parsePylock, parseUvLock } from './locks.js';
import { uncheckedPipfile, uncheckedPyproject } from './manifest.js';
import { normalizePypiName } from './name.js';
import { isRequirementsFile } from './requirements-file.js';
import { parseRequirements } from './requirements.js';
import { comparePep440 } from './version.js';

const pyproject = (relock: string): FixWriter => ({ manifest: 'pyproject.toml', editor: editPyproject, relock });

export const pypi: Ecosystem = {
  id: 'pypi',
  osv: 'PyPI',
  formats: [
    { name: 'poetry.lock', matches: (f) => f === 'poetry.lock', parse: parsePoetryLock, fix: pyproject('poetry lock') },
    { name: 'uv.lock', matches: (f) => f === 'uv.lock', parse: (file, text) => parseUvLock(file, text), fix: pyproject('uv lock') },
    { name: 'pdm.lock', matches: (f) => f === 'pdm.lock', parse: parsePdmLock, fix: pyproject('pdm lock') },
    { name: 'pylock.toml', matches: (f) => f === 'pylock.toml' || /^pylock\.[^.]+\.toml$/.test(f), parse: (file, text) => parsePylock(file, text) },
    { name: 'Pipfile.lock', matches: (f) => f === 'Pipfile.lock', parse: (file, text) => parsePipfileLock(file, text) },
    { name: 'requirements.txt', matches: (_, path) => isRequirementsFile(path), parse: parseRequirements, fix: { editor: editRequirements }, declares: true },
  ],
  manifests: [
    { name: 'pyproject.toml', matches: (f) => f === 'pyproject.toml', unchecked: uncheckedPyproject },
    { name: 'Pipfile', matches: (f) => f === 'Pipfile', unchecked: uncheckedPipfile },
  ],
  compare: comparePep440,
  normalizeName: normalizePypiName,
  project: {
    file: 'pyproject.toml',
    read: (text) =>
      readIdentity(() => {
        const toml = parseTomlText(text);
        const tool = toml.tool;
        // PEP 621 [project], else Poetry's own table.
        for (const table of [toml.project, isRecord(tool) ? tool.poetry : undefined]) {
          const identity = isRecord(table) ? identityOf(table.name, table.version) : undefined;
          if (identity) return identity;
        }
        return undefined;
      }),
  },
};
