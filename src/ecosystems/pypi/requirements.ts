// requirements*.txt: `name[extras]==version` pins (other specifiers carry no installed version: those
// requirements are reported as unchecked unless an included constraints file pins them), `-r`/`-c` includes
// (loops cut), line continuations, per-line options such as --hash, and pip-compile's `# via`. Requirements
// installed from git, a URL or a folder (`name @ url`, `-e git+…`, `./lib`) are reported as unchecked too.
import { posix } from 'node:path';
import type { Package, ParseProblem, ParseResult, ReadSibling, Unchecked } from '../types.js';
import { installedFromElsewhere } from '../util.js';
import { normalizePypiName } from './name.js';
import { parsePep508, pinnedVersion, versionPart } from './pep508.js';

const MAX_INCLUDE_DEPTH = 20;

/** A requirement without a registry version: not pinned, or (elsewhere) installed from git, a URL or a folder. */
interface Unpinned {
  name: string;
  file: string;
  line: number;
}

interface Collected {
  packages: Package[];
  problems: ParseProblem[];
  unpinned: Unpinned[];
  elsewhere: Unpinned[];
}

export function parseRequirements(file: string, text: string, read: ReadSibling): ParseResult {
  const found: Collected = { packages: [], problems: [], unpinned: [], elsewhere: [] };
  parseInto(file, text, read, '.', found, new Set([file]), 0);
  const { packages, problems, unpinned, elsewhere } = found;
  const pinned = new Set(packages.map((p) => normalizePypiName(p.name)));
  const byFile = new Map<string, Unchecked>();
  for (const u of unpinned) {
    if (pinned.has(normalizePypiName(u.name))) continue;
    const entry = byFile.get(u.file);
    if (entry) entry.names.push(u.name);
    else byFile.set(u.file, { file: u.file, line: u.line, ecosystem: 'PyPI', reason: 'not-pinned', names: [u.name], fix: 'pin each with == (`pip freeze` or `pip-compile` write the pins)' });
  }
  const sources = [...new Set(elsewhere.map((e) => e.file))].map((f) => installedFromElsewhere(f, 'PyPI', elsewhere.filter((e) => e.file === f))!);
  return { packages, problems, unchecked: [...byFile.values(), ...sources] };
}

/**
 * What a line installing from outside the registry is called: the name of `name @ url` or of an `#egg=`
 * fragment, else the URL or path as written; undefined for `.`, the project itself.
 */
function sourceName(target: string): string | undefined {
  if (target === '.' || target === './') return undefined;
  return /#egg=([A-Za-z0-9._-]+)/.exec(target)?.[1] ?? target;
}

interface LogicalLine {
  line: number;
  text: string;
}

function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let buf = '';
  let start = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!buf) start = i + 1;
    if (raw.endsWith('\\')) {
      buf += `${raw.slice(0, -1)} `;
      return;
    }
    out.push({ line: start, text: buf + raw });
    buf = '';
  });
  if (buf) out.push({ line: start, text: buf });
  return out;
}

function parseInto(file: string, text: string, read: ReadSibling, relDir: string, found: Collected, seen: Set<string>, depth: number): void {
  const { packages, problems, unpinned, elsewhere } = found;
  const fromElsewhere = (name: string | undefined, line: number): void => {
    if (name) elsewhere.push({ name, file, line });
  };
  let unreadable = 0;
  let firstUnreadable: number | undefined;
  let last: Package | undefined;
  for (const { line, text: raw } of logicalLines(text)) {
    const via = /^\s*#\s+via\s+(.+)$/.exec(raw) ?? /^\s{4,}#\s+(?!via)(\S.*)$/.exec(raw);
    if (via && last) {
      // pip-compile: "# via flask" marks a transitive pin; "# via -r requirements.in" a direct one.
      const from = via[1].trim();
      if (from.startsWith('-r') || from.startsWith('-c')) last.direct = true;
      else if (/^[A-Za-z0-9._-]+$/.test(from) && last.direct !== true) {
        last.direct = false;
        last.chain = [from, last.name];
      }
      continue;
    }
    const content = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!content) continue;
    const include = /^(?:-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)/.exec(content);
    if (include) {
      const rel = posix.join(relDir, include[1]);
      const target = posix.join(posix.dirname(file), include[1]);
      if (seen.has(target) || depth >= MAX_INCLUDE_DEPTH) continue;
      seen.add(target);
      const included = read(rel);
      if (included === undefined) problems.push({ file, line, message: `included file not found: ${include[1]}` });
      else parseInto(target, included, read, posix.dirname(rel), found, seen, depth + 1);
      continue;
    }
    const editable = /^(?:-e|--editable)(?:\s+|=)(\S+)/.exec(content);
    if (editable) {
      fromElsewhere(sourceName(editable[1]), line);
      continue;
    }
    if (content.startsWith('-')) continue; // pip options (--index-url, --hash …)
    if (/^(\.|\/|[a-z+]+:\/\/)/i.test(content) || /\.(whl|zip|tar\.gz)$/.test(content)) {
      fromElsewhere(sourceName(content.split(/\s/)[0]), line);
      continue;
    }
    const req = parsePep508(content);
    if (!req) {
      unreadable++;
      firstUnreadable ??= line;
      continue;
    }
    if (req.url) {
      fromElsewhere(req.name, line); // a PEP 508 direct reference: no registry version
      continue;
    }
    const spec = versionPart(req.spec);
    if (!spec || /^[<>!~=]/.test(spec)) {
      const version = pinnedVersion(spec);
      if (version) {
        last = { name: req.name, version, ecosystem: 'PyPI', file, line };
        const hash = /--hash[=\s]+(\S+)/.exec(raw);
        if (hash) last.integrity = hash[1];
        packages.push(last);
      } else {
        last = undefined;
        unpinned.push({ name: req.name, file, line });
      }
      continue;
    }
    unreadable++;
    firstUnreadable ??= line;
  }
  if (unreadable) problems.push({ file, line: firstUnreadable, message: `${unreadable} line${unreadable === 1 ? '' : 's'} could not be read as requirements (first shown)` });
}
