// pyproject.toml and Pipfile no lockfile covers: their dependencies are declared by range, so `vulns` lists
// them as not checked, with the command that writes the lockfile of the tool the project uses.
import type { ReadSibling, Unchecked } from '../types.js';
import { firstLineMatching, isRecord, lockfileCovers, parseTomlText } from '../util.js';
import { parsePep508 } from './pep508.js';

const table = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : {});

/** Names of PEP 508 strings (`requests>=2`), leaving out anything that is not one. */
function pep508Names(list: unknown): string[] {
  return (Array.isArray(list) ? list : []).flatMap((r) => (typeof r === 'string' ? (parsePep508(r)?.name ?? []) : []));
}

/** Poetry/Pipfile tables `name = "^1.0"` or `{ version = …, path = … }`: local folders are the project's own code. */
function tableNames(deps: unknown): string[] {
  return Object.entries(table(deps))
    .filter(([name, spec]) => name.toLowerCase() !== 'python' && !(isRecord(spec) && ('path' in spec || 'file' in spec)))
    .map(([name]) => name);
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    return parseTomlText(text);
  } catch {
    return undefined; // a broken manifest is the code scan's to report
  }
}

/** The dependencies of a pyproject.toml (PEP 621, dependency groups, Poetry) that no PyPI lockfile covers. */
export function uncheckedPyproject(file: string, text: string, lockfiles: readonly string[], _read: ReadSibling): Unchecked | undefined {
  // Beside it any PyPI lockfile (poetry.lock, uv.lock, pinned requirements …, requirements/*.txt counting as
  // beside it); above it a uv workspace's uv.lock.
  const beside = lockfiles.map((l) => l.replace(/(^|\/)requirements\/[^/]+$/i, '$1requirements.txt'));
  if (lockfileCovers(file, beside, (name) => name === 'uv.lock')) return undefined;
  const doc = parse(text);
  if (!doc) return undefined;
  const project = table(doc.project);
  const tool = table(doc.tool);
  const poetry = table(tool.poetry);
  const names = [
    ...pep508Names(project.dependencies),
    ...Object.values(table(project['optional-dependencies'])).flatMap(pep508Names),
    ...Object.values(table(doc['dependency-groups'])).flatMap(pep508Names),
    ...tableNames(poetry.dependencies),
    ...tableNames(poetry['dev-dependencies']),
    ...Object.values(table(poetry.group)).flatMap((g) => tableNames(table(g).dependencies)),
  ];
  if (!names.length) return undefined;
  const line = firstLineMatching(text, /^[ \t]*(dependencies[ \t]*=|\[(project\.optional-dependencies|dependency-groups|tool\.poetry\.(dev-)?dependencies|tool\.poetry\.group\.[^\]]+\.dependencies)\])/);
  const fix =
    'poetry' in tool
      ? 'run `poetry lock` to create poetry.lock'
      : 'pdm' in tool
        ? 'run `pdm lock` to create pdm.lock'
        : 'uv' in tool
          ? 'run `uv lock` to create uv.lock'
          : 'run `uv lock` to create uv.lock (or `poetry lock` / `pdm lock`, with the tool the project uses)';
  return { file, line, ecosystem: 'PyPI', reason: 'no-lockfile', names: [...new Set(names)], fix };
}

/** The dependencies of a Pipfile without its Pipfile.lock (or another PyPI lockfile beside it). */
export function uncheckedPipfile(file: string, text: string, lockfiles: readonly string[], _read: ReadSibling): Unchecked | undefined {
  if (lockfileCovers(file, lockfiles)) return undefined;
  const doc = parse(text);
  if (!doc) return undefined;
  const names = [...tableNames(doc.packages), ...tableNames(doc['dev-packages'])];
  if (!names.length) return undefined;
  const line = firstLineMatching(text, /^\[(dev-)?packages\]/);
  return { file, line, ecosystem: 'PyPI', reason: 'no-lockfile', names: [...new Set(names)], fix: 'run `pipenv lock` to create Pipfile.lock' };
}
