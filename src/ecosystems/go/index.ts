// Go: go.mod require lines (`// indirect` marks transitive ones), with replace directives applied.
// Versions keep their "v"; pseudo-versions order as semver prereleases. The Go release that builds the module
// — `toolchain go1.20.1`, else `go 1.20` — is read as the packages `stdlib` and `toolchain`, the names Go's
// advisories give the standard library and the go command (as OSV-Scanner reads it).
import { compareSemverLike } from '../semver.js';
import type { Ecosystem, Package, ParseResult } from '../types.js';

interface Replace {
  from: string;
  fromVersion?: string;
  to: string;
  toVersion?: string;
}

function stripComment(line: string): { code: string; comment: string } {
  const i = line.indexOf('//');
  return i === -1 ? { code: line.trim(), comment: '' } : { code: line.slice(0, i).trim(), comment: line.slice(i + 2).trim() };
}

function unquote(s: string): string {
  return s.replace(/^"(.*)"$/, '$1').replace(/^`(.*)`$/, '$1');
}

/** What Go's advisories call the standard library and the go command: both come with the Go release. */
export const GO_RELEASE_PACKAGES: readonly string[] = ['stdlib', 'toolchain'];

export function parseGoMod(file: string, text: string): ParseResult {
  const packages: Package[] = [];
  const replaces: Replace[] = [];
  const problems: ParseResult['problems'] = [];
  let goRelease: { version: string; line: number } | undefined;
  let toolchain: { version: string; line: number } | undefined;
  let block: string | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const { code, comment } = stripComment(raw);
    if (!code) return;
    if (block && code === ')') {
      block = undefined;
      return;
    }
    let directive = block;
    let rest = code;
    if (!block) {
      const m = /^(\w+)\s*(.*)$/.exec(code);
      if (!m) {
        problems.push({ file, line, message: `unreadable go.mod line: ${code.slice(0, 60)}` });
        return;
      }
      directive = m[1];
      rest = m[2];
      if (rest === '(') {
        block = directive;
        return;
      }
    }
    const words = rest.split(/\s+/).map(unquote);
    if (directive === 'require') {
      if (words.length < 2) return problems.push({ file, line, message: 'require needs a module path and a version' }) as unknown as void;
      packages.push({ name: words[0], version: words[1], ecosystem: 'Go', file, line, direct: !/\bindirect\b/.test(comment) });
    } else if (directive === 'go' && words[0]) {
      goRelease = { version: words[0], line };
    } else if (directive === 'toolchain' && /^go\d/.test(words[0] ?? '')) {
      // `go1.23.6-xyz` (a custom build's suffix) is Go 1.23.6; `toolchain default` names no release.
      toolchain = { version: words[0].slice(2).split('-')[0], line };
    } else if (directive === 'replace') {
      const arrow = words.indexOf('=>');
      if (arrow < 1) return;
      replaces.push({ from: words[0], fromVersion: arrow === 2 ? words[1] : undefined, to: words[arrow + 1], toVersion: words[arrow + 2] });
    }
  });
  if (block) problems.push({ file, line: text.split('\n').length, message: `unterminated ${block} ( block` });
  const out: Package[] = [];
  for (const p of packages) {
    const r = replaces.find((x) => x.from === p.name && (!x.fromVersion || x.fromVersion === p.version));
    if (!r) out.push(p);
    else if (r.toVersion && !/^\.{0,2}\//.test(r.to)) out.push({ ...p, name: r.to, version: r.toVersion });
    // a replacement by a local directory is the project's own code: nothing to match
  }
  const release = toolchain ?? goRelease;
  if (release) for (const name of GO_RELEASE_PACKAGES) out.push({ name, version: release.version, ecosystem: 'Go', file, line: release.line, direct: true });
  return { packages: out, problems };
}

export const go: Ecosystem = {
  id: 'go',
  osv: 'Go',
  formats: [{ name: 'go.mod', matches: (f) => f === 'go.mod', parse: (file, text) => parseGoMod(file, text) }],
  compare: compareSemverLike,
  normalizeName: (name) => name,
  project: {
    file: 'go.mod',
    // A module has no version of its own: tags give it one.
    read: (text) => {
      const module = /^\s*module\s+("?)([^\s"]+)\1\s*(?:\/\/.*)?$/m.exec(text);
      return module ? { name: module[2] } : undefined;
    },
  },
};
