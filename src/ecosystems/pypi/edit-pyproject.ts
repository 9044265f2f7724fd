// --fix for pyproject.toml: PEP 621 `[project] dependencies` and `optional-dependencies`, PEP 735
// `[dependency-groups]` (PEP 508 strings) and Poetry's `[tool.poetry.dependencies]`, `dev-dependencies` and
// groups (a constraint string or `{ version = "…" }`). Only the bytes of each version requirement change;
// smol-toml validates the file, tomlStrings locates the strings.
import { tomlStrings, type TomlString } from '../toml-locate.js';
import type { EditResult, Upgrade } from '../types.js';
import { applySplices, BadFile, parseTomlText, type Splice } from '../util.js';
import { normalizePypiName } from './name.js';
import { parsePep508 } from './pep508.js';
import { raiseRequirement } from './specifier.js';

interface Target {
  token: TomlString;
  /** Offset range of the version requirement inside the file. */
  start: number;
  end: number;
  spec: string;
  where: string;
}

function isPep508List(path: string[]): boolean {
  const p = path.join('\0');
  return p === 'project\0dependencies' || (path.length === 3 && (path[0] === 'project' && path[1] === 'optional-dependencies')) || (path.length === 2 && path[0] === 'dependency-groups');
}

/** The Poetry dependency a token declares (`[…dependencies] name = "^1.0"` or `name = { version = "^1.0" }`). */
function poetryName(path: string[]): string | undefined {
  if (path[0] !== 'tool' || path[1] !== 'poetry') return undefined;
  const rest = path.slice(2);
  const table = rest[0] === 'group' ? rest.slice(2) : rest;
  if (rest[0] === 'group' && rest[2] !== 'dependencies') return undefined;
  if (table[0] !== 'dependencies' && table[0] !== 'dev-dependencies') return undefined;
  if (table.length === 2 || (table.length === 3 && table[2] === 'version')) return table[1] === 'python' ? undefined : table[1];
  return undefined;
}

function targetsFor(tokens: TomlString[], name: string): Target[] {
  const want = normalizePypiName(name);
  const out: Target[] = [];
  for (const token of tokens) {
    if (isPep508List(token.path)) {
      const req = parsePep508(token.raw);
      if (!req || normalizePypiName(req.name) !== want || req.url) continue;
      out.push({ token, start: token.start + req.specStart, end: token.start + req.specEnd, spec: req.spec, where: token.path.join('.') });
    } else {
      const n = poetryName(token.path);
      if (n === undefined || normalizePypiName(n) !== want) continue;
      out.push({ token, start: token.start, end: token.end, spec: token.raw, where: token.path.slice(0, token.path.length - (token.path.at(-1) === 'version' ? 2 : 1)).join('.') });
    }
  }
  return out;
}

export function editPyproject(text: string, upgrades: Upgrade[]): EditResult {
  const result: EditResult = { text, changes: [], skipped: [] };
  let tokens: TomlString[];
  try {
    parseTomlText(text);
    tokens = tomlStrings(text);
  } catch (err) {
    const why = err instanceof BadFile ? `pyproject.toml is not valid TOML${err.line ? ` (line ${err.line})` : ''}` : 'pyproject.toml could not be read';
    for (const u of upgrades) result.skipped.push({ upgrade: u, reason: why });
    return result;
  }
  const splices: Splice[] = [];
  for (const u of upgrades) {
    const targets = targetsFor(tokens, u.name);
    if (!targets.length) {
      result.skipped.push({ upgrade: u, reason: u.direct === false ? 'transitive: not declared in pyproject.toml' : 'not declared in pyproject.toml' });
      continue;
    }
    for (const t of targets) {
      const raised = t.token.plain ? raiseRequirement(t.spec, u.to) : undefined;
      if (raised === undefined) {
        result.skipped.push({ upgrade: u, reason: `cannot raise "${t.spec.trim()}" in ${t.where} safely` });
        continue;
      }
      if (raised === t.spec) continue; // already admits only safe versions
      splices.push({ start: t.start, end: t.end, text: raised });
      result.changes.push(`${u.name}: "${t.token.raw}" → "${t.token.raw.slice(0, t.start - t.token.start)}${raised}${t.token.raw.slice(t.end - t.token.start)}" (${t.where})`);
    }
  }
  result.text = applySplices(text, splices);
  return result;
}
