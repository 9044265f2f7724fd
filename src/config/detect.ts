// Zero-config detection: which languages, frameworks and CI systems a repository uses, and which packs fit.
// Cheap by design (a bounded walk, manifests read only when small): it runs before every scan without a config.
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { normalizePypiName } from '../ecosystems/pypi/name.js';
import { parsePep508 } from '../ecosystems/pypi/pep508.js';
import { isRequirementsFile, isRequirementsInput } from '../ecosystems/pypi/requirements-file.js';
import { BASE_PACKS } from './schema.js';

export interface Detection {
  /** Most files first. */
  languages: string[];
  frameworks: string[];
  ci: string[];
  hasDocker: boolean;
  /** API contracts found by name (openapi.yaml, swagger.json, asyncapi.yaml, *.proto); at most 20. */
  apiSpecs: string[];
  suggestedPacks: string[];
  /** Files seen per language (for `init` comments). */
  fileCounts: Record<string, number>;
  /** The walk stopped at its entry limit: results describe only part of the tree. */
  truncated: boolean;
}

export interface DetectOptions {
  /** Directory entries to look at before giving up (default 5000). */
  maxEntries?: number;
}

/** Folders that hold dependencies or build output, not the project's own code. */
const SKIP_DIRS = new Set([
  '.git', '.hg', '.svn', 'node_modules', 'vendor', 'dist', 'build', 'target', 'out', '.venv', 'venv',
  '__pycache__', '.tox', '.mypy_cache', '.pytest_cache', '.next', '.nuxt', '.gradle', '.idea', 'coverage', 'bower_components',
]);

const LANGUAGE_BY_EXT: Record<string, string> = {
  '.py': 'python', '.pyw': 'python',
  '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascript',
  '.ts': 'typescript', '.mts': 'typescript', '.cts': 'typescript', '.tsx': 'typescript',
  '.java': 'java', '.go': 'go', '.php': 'php', '.kt': 'kotlin', '.kts': 'kotlin',
  '.c': 'c', '.h': 'c', '.cpp': 'cpp', '.cc': 'cpp', '.cxx': 'cpp', '.hpp': 'cpp', '.hh': 'cpp',
  '.cs': 'csharp', '.rb': 'ruby', '.rs': 'rust', '.sh': 'shell', '.bash': 'shell', '.zsh': 'shell',
};

/** Pack ids suggested per language, on top of BASE_PACKS. */
const PACKS_BY_LANGUAGE: Record<string, string> = {
  python: 'python-security',
  go: 'go-security',
  javascript: 'javascript-typescript-security',
  typescript: 'javascript-typescript-security',
  java: 'java-security',
  php: 'php-security',
  kotlin: 'kotlin-security',
};

/** Dependency name (as written in a manifest) → framework id. */
const FRAMEWORK_DEPS: Record<string, string> = {
  // npm
  express: 'express', fastify: 'fastify', '@nestjs/core': 'nestjs', next: 'nextjs', koa: 'koa', '@hapi/hapi': 'hapi',
  react: 'react', vue: 'vue', '@angular/core': 'angular', nuxt: 'nuxt', 'socket.io': 'socket.io',
  // PyPI (lower-cased)
  fastapi: 'fastapi', flask: 'flask', django: 'django', starlette: 'starlette', tornado: 'tornado', aiohttp: 'aiohttp',
  // Go modules
  'github.com/gin-gonic/gin': 'gin', 'github.com/labstack/echo': 'echo', 'github.com/labstack/echo/v4': 'echo',
  'github.com/gofiber/fiber': 'fiber', 'github.com/gofiber/fiber/v2': 'fiber', 'github.com/gorilla/mux': 'gorilla',
  'github.com/go-chi/chi': 'chi', 'github.com/go-chi/chi/v5': 'chi',
  // PHP / Ruby / Rust
  'laravel/framework': 'laravel', 'symfony/framework-bundle': 'symfony', rails: 'rails', sinatra: 'sinatra',
  'actix-web': 'actix', axum: 'axum', rocket: 'rocket',
};

/** JVM build files are matched by coordinates fragments rather than exact names. */
const JVM_FRAMEWORKS: [string, string][] = [
  ['spring-boot', 'spring'], ['org.springframework', 'spring'], ['io.quarkus', 'quarkus'], ['io.micronaut', 'micronaut'], ['io.ktor', 'ktor'],
];

const MAX_MANIFEST_BYTES = 1024 * 1024;

/** Detect what `root` holds. Never follows symlinks; never throws for unreadable folders. */
export function detectProject(root: string, opts: DetectOptions = {}): Detection {
  const maxEntries = opts.maxEntries ?? 5000;
  const counts = new Map<string, number>();
  const frameworks = new Set<string>();
  const ci = new Set<string>();
  let hasDocker = false;
  const apiSpecs: string[] = [];
  let seen = 0;
  let truncated = false;

  const count = (lang: string): void => {
    counts.set(lang, (counts.get(lang) ?? 0) + 1);
  };

  // Breadth-first, so a huge subfolder cannot hide the top-level manifests and CI files.
  const queue: string[] = [''];
  while (queue.length > 0 && !truncated) {
    const rel = queue.shift()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      continue; // unreadable folder: detection is best effort
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (++seen > maxEntries) {
        truncated = true;
        break;
      }
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name === '.circleci') ci.add('circleci');
        if (e.name === '.azure-pipelines') ci.add('azure-pipelines');
        if (!SKIP_DIRS.has(e.name)) queue.push(path);
        continue;
      }
      if (!e.isFile()) continue; // symlinks, sockets, devices
      const name = e.name;
      const lower = name.toLowerCase();
      const ciName = ciSystemOf(path, lower);
      if (ciName) ci.add(ciName);
      if (lower === 'dockerfile' || lower === 'containerfile' || lower.startsWith('dockerfile.') || lower.endsWith('.dockerfile')) {
        hasDocker = true;
        count('dockerfile');
        continue;
      }
      if (/^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(lower)) hasDocker = true;
      if (apiSpecs.length < 20 && isApiContract(root, path, lower)) apiSpecs.push(path);
      const lang = LANGUAGE_BY_EXT[extOf(lower)];
      if (lang && !lower.endsWith('.d.ts')) count(lang);
      readManifest(root, path, lower, frameworks, count);
    }
  }

  const languages = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([l]) => l);
  return {
    languages,
    frameworks: [...frameworks].sort(),
    ci: [...ci].sort(),
    hasDocker,
    apiSpecs,
    suggestedPacks: suggestPacks(languages, apiSpecs.length > 0),
    fileCounts: Object.fromEntries(counts),
    truncated,
  };
}

/**
 * BASE_PACKS plus one pack per detected language that has one, and api-security when the repository holds API
 * contracts; ids only (the caller keeps those that exist).
 */
export function suggestPacks(languages: readonly string[], hasApiSpecs = false): string[] {
  const packs: string[] = [...BASE_PACKS];
  for (const lang of languages) {
    const p = PACKS_BY_LANGUAGE[lang];
    if (p && !packs.includes(p)) packs.push(p);
  }
  if (hasApiSpecs) packs.push('api-security');
  return packs;
}

/** openapi.yaml, swagger.json, asyncapi.yml, openapi-v2.yaml, petstore.openapi.json … */
const API_SPEC_NAME = /^([\w-]+\.)?(openapi|swagger|asyncapi)([.-][\w-]+)?\.(ya?ml|json)$/;
/**
 * Other YAML/JSON files whose name or folder says API (api.yaml, api-contract.yaml, specs/billing.yaml,
 * events.yaml): their first lines are read to tell. Reading every YAML/JSON file would cost every scan.
 */
const API_HINT = /(^|[/._-])(api|apis|spec|specs|contracts?|schemas?|petstore|events?|messages?|channels?)([/._-]|$)/i;
/** Contracts in these folders are test data or someone else's (a vendored google/api/*.proto), not the project's API. */
const NOT_OWN_CONTRACTS = /(^|\/)(tests?|__tests__|fixtures?|__fixtures__|testdata|examples?|samples?|third[_-]?party|vendor|node_modules)\//i;

/** A contract of the project's own: a .proto, or a spec file by name whose start says what it is (cheapest test first). */
function isApiContract(root: string, path: string, lower: string): boolean {
  const proto = lower.endsWith('.proto');
  const named = API_SPEC_NAME.test(lower) || (/\.(ya?ml|json)$/.test(lower) && API_HINT.test(path));
  if ((!proto && !named) || NOT_OWN_CONTRACTS.test(path)) return false;
  if (proto) return true;
  const head = readSmall(join(root, path))?.slice(0, 4096) ?? '';
  return /(^|[\s{,])["']?(openapi|swagger|asyncapi)["']?\s*:/.test(head);
}

function ciSystemOf(path: string, lower: string): string | undefined {
  if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) return 'github-actions';
  if (lower === '.gitlab-ci.yml' || lower === '.gitlab-ci.yaml') return 'gitlab-ci';
  if (lower === 'azure-pipelines.yml' || lower === 'azure-pipelines.yaml') return 'azure-pipelines';
  if (path === '.circleci/config.yml') return 'circleci';
  if (lower === 'jenkinsfile') return 'jenkins';
  if (lower === 'bitbucket-pipelines.yml') return 'bitbucket-pipelines';
  return undefined;
}

function extOf(lower: string): string {
  const dot = lower.lastIndexOf('.');
  return dot > 0 ? lower.slice(dot) : '';
}

/** Read a dependency manifest (if `path` is one) and record the frameworks and languages it declares. */
function readManifest(root: string, path: string, lower: string, frameworks: Set<string>, count: (lang: string) => void): void {
  const kind = manifestKind(path, lower);
  if (!kind) return;
  const text = readSmall(join(root, path));
  if (text === undefined) return;
  const add = (dep: string): void => {
    const fw = FRAMEWORK_DEPS[dep];
    if (fw) frameworks.add(fw);
  };
  switch (kind) {
    case 'npm': {
      let pkg: Record<string, unknown>;
      try {
        pkg = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return; // a broken package.json is the scanner's finding, not detection's problem
      }
      const deps = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((k) =>
        pkg[k] && typeof pkg[k] === 'object' ? Object.keys(pkg[k] as object) : [],
      );
      deps.forEach(add);
      if (deps.includes('typescript')) count('typescript');
      else count('javascript');
      return;
    }
    case 'pip':
      for (const line of text.split('\n')) {
        const name = parsePep508(line)?.name;
        if (name) add(normalizePypiName(name));
      }
      count('python');
      return;
    case 'pyproject':
      // PEP 621, Poetry and Pipfile spell dependencies differently; any word naming a framework is enough here.
      for (const word of text.toLowerCase().split(/[^a-z0-9._-]+/)) add(word.replace(/_/g, '-'));
      count('python');
      return;
    case 'gomod':
      for (const m of text.matchAll(/^\s*(?:require\s+)?([a-z0-9.-]+\.[a-z]{2,}\/[^\s]+)\s+v/gm)) add(m[1]);
      count('go');
      return;
    case 'jvm':
      for (const [needle, fw] of JVM_FRAMEWORKS) if (text.includes(needle)) frameworks.add(fw);
      if (lower.endsWith('.kts') || text.includes('kotlin')) count('kotlin');
      else count('java');
      return;
    case 'composer':
      try {
        const pkg = JSON.parse(text) as { require?: Record<string, string> };
        Object.keys(pkg.require ?? {}).forEach(add);
      } catch {
        return;
      }
      count('php');
      return;
    case 'gem':
      for (const m of text.matchAll(/^\s*gem\s+['"]([^'"]+)['"]/gm)) add(m[1]);
      count('ruby');
      return;
    case 'cargo':
      for (const m of text.matchAll(/^\s*([A-Za-z0-9_-]+)\s*=/gm)) add(m[1]);
      count('rust');
      return;
  }
}

type ManifestKind = 'npm' | 'pip' | 'pyproject' | 'gomod' | 'jvm' | 'composer' | 'gem' | 'cargo';

function manifestKind(path: string, lower: string): ManifestKind | undefined {
  if (lower === 'package.json') return 'npm';
  if (isRequirementsFile(path) || isRequirementsInput(path)) return 'pip';
  if (lower === 'pyproject.toml' || lower === 'pipfile') return 'pyproject';
  if (lower === 'go.mod') return 'gomod';
  if (lower === 'pom.xml' || lower === 'build.gradle' || lower === 'build.gradle.kts') return 'jvm';
  if (lower === 'composer.json') return 'composer';
  if (lower === 'gemfile') return 'gem';
  if (lower === 'cargo.toml') return 'cargo';
  return undefined;
}

function readSmall(file: string): string | undefined {
  try {
    if (statSync(file).size > MAX_MANIFEST_BYTES) return undefined;
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Short description for comments and logs, e.g. "javascript, python; express, fastapi; github-actions; Docker". */
export function describeDetection(d: Detection): string {
  const parts = [
    d.languages.length ? d.languages.join(', ') : 'no known languages',
    d.frameworks.length ? d.frameworks.join(', ') : undefined,
    d.ci.length ? d.ci.join(', ') : undefined,
    d.hasDocker ? 'Docker' : undefined,
    d.apiSpecs.length ? `API contracts: ${d.apiSpecs.slice(0, 3).join(', ')}${d.apiSpecs.length > 3 ? ', …' : ''}` : undefined,
  ].filter(Boolean);
  return parts.join('; ') + (d.truncated ? ' (partial: large tree)' : '');
}
