// Dependency integrity: requirements files without exact pins, dependencies fetched by URL or git branch
// without a commit, registries reached over plain HTTP.
import { z } from 'zod';
import { parsePep508, pinnedVersion } from '../../ecosystems/pypi/pep508.js';
import { isRequirementsInput } from '../../ecosystems/pypi/requirements-file.js';
import { formatOf, yamlOf } from '../formats/index.js';
import { entries, get, items, str } from '../formats/yaml-doc.js';
import type { RawMatch } from '../matchers/matcher.js';
import type { SourceFile } from '../source.js';
import type { Check } from './check.js';
import { eachCommand, httpRegistryArgs, pipInstallArgs, adhocPackages } from './shell-checks.js';
import { atNode, isLoopback, onePerLine } from './util.js';

interface ReqLine {
  line: number;
  column: number;
  text: string;
}

/** Logical lines of a requirements file: comments stripped, `\` continuations joined. */
export function requirementLines(file: SourceFile): ReqLine[] {
  const out: ReqLine[] = [];
  const lines = file.lines;
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let text = lines[i];
    while (/\\\s*$/.test(text) && i + 1 < lines.length) text = text.replace(/\\\s*$/, ' ') + lines[++i];
    const noComment = text.replace(/(^|\s)#.*$/, '').trim();
    if (!noComment) continue;
    out.push({ line: start + 1, column: lines[start].length - lines[start].trimStart().length + 1, text: noComment });
  }
  return out;
}

const VCS = /^(-e\s+)?(git\+|hg\+|svn\+|bzr\+)/i;

/**
 * The URL a requirements line installs from: the line's own (`git+https://…`, `-e git+…`, `https://…`), or a
 * PEP 508 direct reference's (`name @ git+https://…`); undefined for a registry requirement.
 */
function requirementUrl(text: string): string | undefined {
  const spec = text.replace(/^(-e|--editable)\s+/, '').trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) return spec.split(/\s/)[0];
  const req = parsePep508(spec);
  return req?.url ? spec.slice(req.specEnd + 1).trim().split(/\s/)[0] : undefined;
}

/** SCS-DEP-003: requirements*.txt entries without an exact `==` pin. */
export const requirementsUnpinned: Check<Record<string, never>> = {
  name: 'requirements-unpinned',
  description: 'requirements file entry without an exact version pin',
  formats: ['requirements'],
  options: z.object({}).strict(),
  run(file) {
    // pip-compile inputs (*.in) are meant to be loose; their compiled .txt is what gets pinned
    if (isRequirementsInput(file.path)) return [];
    const out: RawMatch[] = [];
    for (const l of requirementLines(file)) {
      if (l.text.startsWith('-') || VCS.test(l.text) || /^(\.|\/|~|https?:|file:)/i.test(l.text) || l.text.includes('$')) continue;
      const spec = l.text.split(/\s+--hash/)[0].replace(/;.*$/, '').trim();
      const req = parsePep508(spec);
      if (req?.url) continue; // PEP 508 direct reference: checked as a URL dependency
      // Only the version part counts: `requests[security,socks]==2.31.0` is pinned.
      if (req && pinnedVersion(req.spec)) continue;
      out.push({ line: l.line, column: l.column, matched: spec, message: `'${spec}' is not pinned to an exact version (==); every install may resolve a different release` });
    }
    return out;
  },
};

const SHA_REF = /[@#]([0-9a-f]{40})([#&]|$)/i;

function unpinnedUrl(spec: string): boolean {
  if (/#(sha256|sha384|sha512|md5)=/i.test(spec)) return false;
  if (VCS.test(spec) || /^(git|git\+ssh|git\+https?|github|gitlab|bitbucket):/i.test(spec)) return !SHA_REF.test(spec);
  if (/^[\w.-]+\/[\w.-]+(#.*)?$/.test(spec)) return !SHA_REF.test(spec); // npm `user/repo#ref`
  return /^https?:\/\//i.test(spec) && !/#sha|integrity/i.test(spec);
}

/** SCS-DEP-004: dependencies fetched by URL or git branch/tag without a commit or hash. */
export const unpinnedUrlDependency: Check<Record<string, never>> = {
  name: 'url-dependency-unpinned',
  description: 'dependency fetched by URL or git ref without a commit SHA or hash',
  formats: ['requirements', 'package-json', 'github-workflow', 'github-action', 'gitlab-ci', 'azure-pipelines', 'dockerfile', 'shell', 'makefile'],
  options: z.object({}).strict(),
  keywords: () => ['git+', 'http', 'github:', 'git:', '/'],
  run(file) {
    const out: RawMatch[] = [];
    const format = formatOf(file);
    if (format === 'requirements') {
      for (const l of requirementLines(file)) {
        const url = requirementUrl(l.text);
        if (url && (VCS.test(url) || /^https?:/i.test(url)) && unpinnedUrl(url)) {
          out.push({ line: l.line, column: l.column, matched: l.text, message: `'${l.text}' is fetched from a URL or branch that can change; pin a commit SHA (@<sha>) or add #sha256=` });
        }
      }
      return out;
    }
    if (format === 'package-json') {
      const y = yamlOf(file);
      for (const section of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
        for (const [name, v] of entries(y, get(y, y.root, section))) {
          const spec = str(y, v) ?? '';
          if (/^(git|git\+ssh|git\+https?|github|gitlab|bitbucket):|^https?:\/\//i.test(spec) || /^[\w.-]+\/[\w.-]+(#.*)?$/.test(spec)) {
            if (unpinnedUrl(spec)) out.push(...atNode(y, v, { matched: spec, message: `'${name}' comes from '${spec}', which can change under you; pin a commit SHA or use a registry version` }));
          }
        }
      }
      return out;
    }
    return eachCommand(file, (cmd) => {
      const pip = pipInstallArgs(cmd);
      const p = pip?.packages.find((x) => (VCS.test(x.spec) || /^https?:/i.test(x.spec)) && unpinnedUrl(x.spec.replace(/^-e\s+/, '')));
      if (p) return { word: p.word, message: `\`pip install ${p.spec}\` fetches a branch or URL that can change; pin a commit SHA or a hash` };
      const a = adhocPackages(cmd);
      const n = a?.packages.find((w) => /^(git|git\+ssh|git\+https?|github):|^https?:\/\//i.test(w.text) && unpinnedUrl(w.text));
      if (n) return { word: n, message: `\`${a!.tool} ${n.text}\` fetches a branch or URL that can change; pin a commit SHA` };
      return undefined;
    });
  },
};

/** SCS-DEP-006: registries and sources over plain HTTP (or git://). */
export const insecureRegistry: Check<Record<string, never>> = {
  name: 'insecure-registry',
  description: 'package registry or source reached over plain HTTP or git://',
  formats: ['requirements', 'npmrc', 'pre-commit', 'package-json', 'github-workflow', 'github-action', 'gitlab-ci', 'azure-pipelines', 'dockerfile', 'shell', 'makefile'],
  options: z.object({}).strict(),
  keywords: () => ['http:', 'git:'],
  run(file) {
    const format = formatOf(file);
    const out: RawMatch[] = [];
    const insecure = (u: string): boolean => (/^http:\/\//i.test(u) && !isLoopback(u)) || /^git:\/\//i.test(u);
    if (format === 'requirements') {
      for (const l of requirementLines(file)) {
        const u = /(?:^|\s)(?:-i|--index-url|--extra-index-url|-f|--find-links)[=\s]+(\S+)/.exec(l.text)?.[1] ?? requirementUrl(l.text)?.replace(/^(git|hg|svn|bzr)\+/i, '') ?? '';
        if (u && insecure(u)) out.push({ line: l.line, column: l.column, matched: u, message: `'${u}' is fetched over an unencrypted connection: packages can be swapped in transit` });
      }
    } else if (format === 'npmrc') {
      file.lines.forEach((l, i) => {
        const m = /^\s*(@[\w.-]+:)?registry\s*=\s*(\S+)/i.exec(l);
        if (m && insecure(m[2])) out.push({ line: i + 1, column: 1, matched: m[2], message: `npm registry '${m[2]}' over plain HTTP: packages and tokens travel unencrypted` });
      });
    } else if (format === 'pre-commit') {
      const y = yamlOf(file);
      for (const r of items(y, get(y, y.root, 'repos'))) {
        const n = get(y, r, 'repo');
        const u = str(y, n) ?? '';
        if (insecure(u)) out.push(...atNode(y, n, { matched: u, message: `pre-commit hook repository '${u}' is cloned over an unencrypted protocol; use https://` }));
      }
    } else if (format === 'package-json') {
      const y = yamlOf(file);
      for (const section of ['dependencies', 'devDependencies', 'optionalDependencies']) {
        for (const [name, v] of entries(y, get(y, y.root, section))) {
          const spec = (str(y, v) ?? '').replace(/^git\+/, '');
          if (insecure(spec)) out.push(...atNode(y, v, { matched: spec, message: `'${name}' is downloaded over plain HTTP` }));
        }
      }
      const reg = get(y, get(y, y.root, 'publishConfig'), 'registry');
      if (reg && insecure(str(y, reg) ?? '')) out.push(...atNode(y, reg, { message: 'publishConfig.registry uses plain HTTP' }));
    } else {
      out.push(...httpRegistryArgs(file));
      out.push(
        ...eachCommand(file, (cmd) => {
          const w = cmd.words.find((x, i) => i > 0 && /^(git\+)?git:\/\//i.test(x.text));
          return w && /^(git|pip\d?|npm|yarn|pnpm|go)$/.test(cmd.words[0]?.text ?? '') ? { word: w, message: `'${w.text}' uses the unauthenticated git:// protocol` } : undefined;
        }),
      );
    }
    return onePerLine(out);
  },
};


/** SCS-DEP-008: Dependabot adopts new releases immediately (no cooldown), before malicious ones are caught. */
export const dependabotCooldown: Check<{ min_days: number }> = {
  name: 'dependabot-cooldown',
  description: 'Dependabot update without a cooldown period',
  formats: ['dependabot'],
  options: z.object({ min_days: z.number().int().min(1).default(7) }).strict(),
  keywords: () => ['package-ecosystem'],
  run(file, o) {
    const y = yamlOf(file);
    const out: RawMatch[] = [];
    for (const u of items(y, get(y, y.root, 'updates'))) {
      const eco = str(y, get(y, u, 'package-ecosystem')) ?? 'this ecosystem';
      const cooldown = get(y, u, 'cooldown');
      const days = get(y, cooldown, 'default-days');
      const n = Number(str(y, days));
      if (!cooldown) out.push(...atNode(y, u, { message: `Updates for ${eco} have no \`cooldown\`: a release published minutes ago (and not yet caught if malicious) is proposed at once; set cooldown.default-days ≥ ${o.min_days}` }));
      else if (!days) out.push(...atNode(y, cooldown, { message: `\`cooldown\` for ${eco} sets no default-days; set default-days ≥ ${o.min_days}` }));
      else if (!(n >= o.min_days)) out.push(...atNode(y, days, { message: `A ${str(y, days)}-day cooldown is short; malicious releases are usually caught within a week — use ≥ ${o.min_days}` }));
    }
    return out;
  },
};

export const dependencyChecks = [requirementsUnpinned, unpinnedUrlDependency, insecureRegistry, dependabotCooldown];
