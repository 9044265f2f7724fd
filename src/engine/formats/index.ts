// Document formats that structured rules apply to. A file has at most one format, decided cheaply from its
// path and first bytes before anything is parsed; each format is parsed once per file and shared by every
// rule (a WeakMap keyed by the SourceFile). A parse failure is remembered too and re-thrown as the same
// SentrikError, which the scanner reports once per file.
import { isRequirementsFile, isRequirementsInput } from '../../ecosystems/pypi/requirements-file.js';
import { SentrikError } from '../../util/errors.js';
import type { SourceFile } from '../source.js';
import { parseDockerfile, type DockerfileModel } from './dockerfile.js';
import { buildGhModel, stepShell, type GhJob, type GhModel, type GhStep } from './github.js';
import { lineSource, wholeFileSource, type ScriptSource } from './script-source.js';
import { parseShell, type ShellDialect, type ShellScript } from './shell.js';
import { asMap, entries, get, items, parseYamlDoc, parseYamlDocs, scalarSource, str, type YamlDoc } from './yaml-doc.js';

export const FORMATS = [
  'github-workflow',
  'github-action',
  'gitlab-ci',
  'azure-pipelines',
  'docker-compose',
  'kubernetes',
  'dependabot',
  'pre-commit',
  'dockerfile',
  'shell',
  'makefile',
  'package-json',
  'requirements',
  'npmrc',
  'c',
] as const;
export type FormatName = (typeof FORMATS)[number];

export const YAML_FORMATS: readonly FormatName[] = ['github-workflow', 'github-action', 'gitlab-ci', 'azure-pipelines', 'docker-compose', 'kubernetes', 'dependabot', 'pre-commit', 'package-json'];
/** Formats whose documents contain shell scripts. */
export const SCRIPT_FORMATS: readonly FormatName[] = ['github-workflow', 'github-action', 'gitlab-ci', 'azure-pipelines', 'dockerfile', 'shell', 'makefile', 'package-json'];
export const CI_FORMATS: readonly FormatName[] = ['github-workflow', 'github-action', 'gitlab-ci', 'azure-pipelines'];

/** Structured parsing is superlinear in practice; bigger documents are reported, not parsed. */
export const MAX_STRUCTURED_BYTES = 512 * 1024;

const formatCache = new WeakMap<SourceFile, FormatName | null>();
const parseCache = new WeakMap<SourceFile, Map<string, { value?: unknown; error?: unknown }>>();

/** Parse-once memo per file; failures are cached and re-thrown. */
export function memo<T>(file: SourceFile, key: string, make: () => T): T {
  let m = parseCache.get(file);
  if (!m) parseCache.set(file, (m = new Map()));
  let e = m.get(key);
  if (!e) {
    try {
      e = { value: make() };
    } catch (err) {
      e = { error: err };
    }
    m.set(key, e);
  }
  if (e.error) throw e.error;
  return e.value as T;
}

export function formatOf(file: SourceFile): FormatName | undefined {
  let f = formatCache.get(file);
  if (f === undefined) {
    f = detect(file.path, file) ?? null;
    formatCache.set(file, f);
  }
  return f ?? undefined;
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/**
 * Decide a file's format from its path, then (for YAML) from top-level keys, else from a shell shebang. A
 * SourceFile is decoded only when its path does not decide (every scanned file is asked: see file-kinds.ts).
 */
export function detect(path: string, content: string | Pick<SourceFile, 'text' | 'head'>): FormatName | undefined {
  const text = typeof content === 'string' ? content : undefined;
  const base = basename(path);
  const lower = base.toLowerCase();
  if (/^(dockerfile|containerfile)([._-].*)?$/i.test(base) || /\.(dockerfile|containerfile)$/i.test(base)) return 'dockerfile';
  if (/\.(sh|bash|zsh|ksh)$/i.test(base)) return 'shell';
  if (/^(gnu)?makefile$/i.test(base) || /\.mk$/i.test(base)) return 'makefile';
  if (lower === 'package.json') return 'package-json';
  if (isRequirementsFile(path) || isRequirementsInput(path)) return 'requirements';
  if (lower === '.npmrc') return 'npmrc';
  if (/\.[ch]$/.test(base)) return 'c'; // C sources, read through their syntax tree (checks/recursion.ts)
  if (/\.ya?ml$/i.test(base)) {
    if (lower === 'dependabot.yml' || lower === 'dependabot.yaml') return 'dependabot';
    if (/^\.pre-commit-(config|hooks)\.ya?ml$/.test(lower)) return 'pre-commit';
    if (/^(docker-)?compose([._-].*)?\.ya?ml$/.test(lower)) return 'docker-compose';
    if (/(^|\/)\.github\/workflows\/[^/]+$/.test(path)) return 'github-workflow';
    if (lower === 'action.yml' || lower === 'action.yaml') return 'github-action';
    if (/(^|\.)gitlab-ci\.ya?ml$/.test(lower) || /(^|\/)\.gitlab\/ci\//.test(path)) return 'gitlab-ci';
    if (/^azure-pipelines.*\.ya?ml$/.test(lower) || /(^|\/)\.azure-pipelines\//.test(path)) return 'azure-pipelines';
    return sniffYaml(text ?? (content as SourceFile).text);
  }
  const head = text?.slice(0, 100) ?? (content as SourceFile).head(100);
  if (head.startsWith('#!') && /^#!.*\b(ba|z|k|da)?sh\b/.test(head)) return 'shell';
  return undefined;
}

function sniffYaml(text: string): FormatName | undefined {
  // only the top-level keys matter: a line starting at column 0
  const head = text.length > 200_000 ? text.slice(0, 200_000) : text;
  const top = (k: string): boolean => new RegExp(`^["']?(${k})["']?\\s*:`, 'm').test(head);
  if (top('on|true') && top('jobs')) return 'github-workflow';
  if (top('runs') && /^\s+using\s*:/m.test(head)) return 'github-action';
  if (/^\s*-\s*(script|bash|pwsh|powershell|task|template)\s*:/m.test(head) && (top('steps|stages|jobs|trigger|pr|pool|extends|resources'))) return 'azure-pipelines';
  if (/^[ \t]+script\s*:/m.test(head) && (top('stages|include|default|variables|workflow|image') || /^[ \t]+stage\s*:/m.test(head))) return 'gitlab-ci';
  if (top('services') && /^[ \t]+(image|build)\s*:/m.test(head)) return 'docker-compose';
  if (top('version') && top('updates') && /package-ecosystem/.test(head)) return 'dependabot';
  if (top('repos') && /^\s*-\s*repo\s*:/m.test(head)) return 'pre-commit';
  // A Kubernetes manifest; not a Helm or Kustomize template (`{{ … }}`), which is no YAML until rendered.
  if (top('apiVersion') && top('kind') && !head.includes('{{')) return 'kubernetes';
  return undefined;
}

function tooLarge(file: SourceFile): void {
  if (file.text.length > MAX_STRUCTURED_BYTES) {
    throw new SentrikError(
      `too large for structured analysis (${Math.round(file.text.length / 1024)} KiB > ${MAX_STRUCTURED_BYTES / 1024} KiB)`,
      file.path,
      undefined,
      'split the file, or exclude it from the scan if it is generated',
    );
  }
}

/** The documents of a Kubernetes manifest (one file often holds several, separated by `---`). */
export function yamlDocsOf(file: SourceFile): YamlDoc[] {
  return memo(file, 'yaml-docs', () => {
    tooLarge(file);
    return parseYamlDocs(file);
  });
}

export function yamlOf(file: SourceFile): YamlDoc {
  return memo(file, 'yaml', () => {
    tooLarge(file);
    return parseYamlDoc(file);
  });
}

/** The GitHub model of a workflow or composite action file; undefined for other formats. */
export function githubOf(file: SourceFile): GhModel | undefined {
  const f = formatOf(file);
  if (f !== 'github-workflow' && f !== 'github-action') return undefined;
  return memo(file, 'github', () => buildGhModel(yamlOf(file), f === 'github-workflow' ? 'workflow' : 'action'));
}

export function dockerfileOf(file: SourceFile): DockerfileModel | undefined {
  if (formatOf(file) !== 'dockerfile') return undefined;
  return memo(file, 'dockerfile', () => parseDockerfile(file));
}

/** A shell script found in a document, with where it came from. */
export interface ScriptBlock {
  script: ShellScript;
  format: FormatName;
  /** For GitHub workflows and actions. */
  step?: GhStep;
  job?: GhJob;
  /** Dockerfile stage index. */
  stage?: number;
}

/** Every shell script in the file, parsed once. */
export function scriptsOf(file: SourceFile): ScriptBlock[] {
  const format = formatOf(file);
  if (!format || !SCRIPT_FORMATS.includes(format)) return [];
  return memo(file, 'scripts', () => {
    try {
      return extractScripts(file, format);
    } catch (err) {
      // A CI file whose YAML does not parse: the parse error is reported by the rules that need the document,
      // and the script checks (curl | bash …) still read its run/script values line by line.
      const loose = CI_FORMATS.includes(format) ? looseCiScripts(file, format) : [];
      if (loose.length) return loose;
      throw err;
    }
  });
}

const SCRIPT_KEY = /^(\s*)(?:-\s+)?(run|script|before_script|after_script|bash|sh|pwsh|powershell)\s*:\s*(.*)$/;
const LIST_ITEM = /^(\s*)-\s+(.*)$/;

/**
 * The script lines of a CI file read without a YAML parser: `run: cmd`, the lines of a `run: |` block, and the
 * items of a `script:` list — each checked as a one-line script where it stands.
 */
function looseCiScripts(file: SourceFile, format: FormatName): ScriptBlock[] {
  const out: ScriptBlock[] = [];
  const add = (value: string, line: number, column: number): void => {
    let v = value.replace(/\s+#.*$/, '').trimEnd();
    let col = column;
    if (v.length > 1 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0])) {
      v = v.slice(1, -1);
      col++;
    }
    if (v.trim()) out.push(block(lineSource(v, file, line, col), format));
  };
  let inside: { indent: number; list: boolean } | undefined;
  for (let n = 1; n <= file.lineCount; n++) {
    const text = file.lineText(n);
    const indent = text.length - text.trimStart().length;
    if (inside && text.trim() && indent <= inside.indent && !(inside.list && LIST_ITEM.test(text) && indent === inside.indent)) inside = undefined;
    if (inside) {
      const item = inside.list ? LIST_ITEM.exec(text) : undefined;
      if (item) add(item[2], n, item[1].length + text.slice(item[1].length).indexOf(item[2]) + 1);
      else if (!inside.list && text.trim()) add(text.trim(), n, indent + 1);
      continue;
    }
    const m = SCRIPT_KEY.exec(text);
    if (!m) continue;
    const value = m[3];
    if (value === '' || /^[|>][-+]?\s*$/.test(value)) inside = { indent: m[1].length, list: value === '' };
    else if (!value.startsWith('[')) add(value, n, text.length - value.length + 1);
  }
  return out;
}

function block(source: ScriptSource, format: FormatName, dialect: ShellDialect = 'sh', extra: Partial<ScriptBlock> = {}): ScriptBlock {
  return { script: parseShell(source, dialect), format, ...extra };
}

function extractScripts(file: SourceFile, format: FormatName): ScriptBlock[] {
  switch (format) {
    case 'shell':
      return [block(wholeFileSource(file), format)];
    case 'github-workflow':
    case 'github-action': {
      const m = githubOf(file)!;
      const out: ScriptBlock[] = [];
      for (const step of m.steps) {
        const src = step.runNode ? scalarSource(m.y, step.runNode) : undefined;
        if (src) out.push(block(src, format, stepShell(m, step), { step, job: step.job }));
      }
      return out;
    }
    case 'gitlab-ci':
      return yamlScripts(yamlOf(file), format, gitlabScriptNodes);
    case 'azure-pipelines':
      return yamlScripts(yamlOf(file), format, azureScriptNodes);
    case 'dockerfile': {
      const d = dockerfileOf(file)!;
      return d.instructions
        .filter((i) => i.keyword === 'RUN' && !i.execForm)
        .map((i) => block(i.source, format, i.dialect, { stage: i.stage }));
    }
    case 'makefile':
      return makeRecipes(file).map((s) => block(s, format));
    case 'package-json': {
      const y = yamlOf(file);
      return entries(y, get(y, y.root, 'scripts'))
        .map(([, v]) => scalarSource(y, v))
        .filter((s): s is ScriptSource => !!s)
        .map((s) => block(s, format));
    }
    default:
      return [];
  }
}

type ScriptNode = { node: unknown; dialect: ShellDialect };

function yamlScripts(y: YamlDoc, format: FormatName, find: (y: YamlDoc) => ScriptNode[]): ScriptBlock[] {
  const out: ScriptBlock[] = [];
  for (const { node, dialect } of find(y)) {
    const list = items(y, node);
    for (const n of list.length ? list : [node]) {
      const src = scalarSource(y, n as never);
      if (src) out.push(block(src, format, dialect));
    }
  }
  return out;
}

/** GitLab: `script`, `before_script`, `after_script` of every job and of `default`. */
function gitlabScriptNodes(y: YamlDoc): ScriptNode[] {
  const out: ScriptNode[] = [];
  for (const [, job] of entries(y, y.root)) {
    if (!asMap(y, job)) continue;
    for (const key of ['before_script', 'script', 'after_script']) {
      const n = get(y, job, key);
      if (n) out.push({ node: n, dialect: 'sh' });
    }
  }
  return out;
}

/** Azure Pipelines: `script`/`bash`/`pwsh`/`powershell` steps anywhere in the tree, and inline task scripts. */
function azureScriptNodes(y: YamlDoc): ScriptNode[] {
  const out: ScriptNode[] = [];
  const visit = (n: unknown, depth: number): void => {
    if (depth > 40) return;
    for (const [k, v] of entries(y, n)) {
      if (k === 'script' || k === 'bash') out.push({ node: v, dialect: 'sh' });
      else if (k === 'pwsh' || k === 'powershell') out.push({ node: v, dialect: 'pwsh' });
      else if (k === 'inputs') {
        const inline = get(y, v, 'script') ?? get(y, v, 'inlineScript');
        if (inline) out.push({ node: inline, dialect: /powershell|pwsh/i.test(str(y, get(y, n, 'task')) ?? '') ? 'pwsh' : 'sh' });
      } else visit(v, depth + 1);
    }
    for (const it of items(y, n)) visit(it, depth + 1);
  };
  visit(y.root, 0);
  return out;
}

/** Makefile recipe lines (tab-indented), continuations kept; `$$` stays as written (mapped 1:1). */
function makeRecipes(file: SourceFile): ScriptSource[] {
  const out: ScriptSource[] = [];
  const lines = file.lines;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('\t')) continue;
    const start = i;
    let text = lines[i].slice(1);
    while (/\\\s*$/.test(lines[i]) && i + 1 < lines.length) {
      i++;
      text += '\n' + lines[i];
    }
    // recipe prefixes: @ (silent), - (ignore errors), + (always run)
    const prefix = /^[@+-]*/.exec(text)![0].length;
    // make turns `$$` into `$` before the shell sees the line
    const src = lineSource(text.slice(prefix).replace(/\$\$/g, '$'), file, start + 1);
    out.push(src);
  }
  return out;
}
