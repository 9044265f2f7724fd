// PyPI: requirements*.txt, poetry.lock, Pipfile.lock, uv.lock, pdm.lock, pylock.toml.
import type { Ecosystem } from '../types.js';
import { parsePdmLock, parsePipfileLock, parsePoetryLock, parsePylock, parseUvLock } from './locks.js';
import { normalizePypiName } from './name.js';
import { parseRequirements } from './requirements.js';
import { comparePep440 } from './version.js';

export const pypi: Ecosystem = {
  id: 'pypi',
  osv: 'PyPI',
  formats: [
    { name: 'poetry.lock', matches: (f) => f === 'poetry.lock', parse: parsePoetryLock },
    { name: 'uv.lock', matches: (f) => f === 'uv.lock', parse: (file, text) => parseUvLock(file, text) },
    { name: 'pdm.lock', matches: (f) => f === 'pdm.lock', parse: parsePdmLock },
    { name: 'pylock.toml', matches: (f) => f === 'pylock.toml' || /^pylock\.[^.]+\.toml$/.test(f), parse: (file, text) => parsePylock(file, text) },
    { name: 'Pipfile.lock', matches: (f) => f === 'Pipfile.lock', parse: (file, text) => parsePipfileLock(file, text) },
    { name: 'requirements.txt', matches: (f) => /^requirements.*\.txt$/.test(f) || /^(constraints|dev-requirements|test-requirements)\.txt$/.test(f), parse: parseRequirements },
  ],
  compare: comparePep440,
  normalizeName: normalizePypiName,
};
