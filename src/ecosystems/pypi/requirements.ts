// requirements*.txt: `name[extras]==version` pins (other specifiers carry no installed version: those
// requirements are reported as unchecked unless an included constraints file pins them), `-r`/`-c` includes
// (loops cut), line continuations, per-line options such as --hash, and pip-compile's `# via`.
import { posix } from 'node:path';
import type { Package, ParseProblem, ParseResult, ReadSibling, Unchecked } from '../types.js';
import { normalizePypiName } from './name.js';
import { parsePep508 } from './pep508.js';

const MAX_INCLUDE_DEPTH = 20;

interface Unpinned {
  name: string;
  file: string;
  line: number;
}

export function parseRequirements(file: string, text: string, read: ReadSibling): ParseResult {
  const packages: Package[] = [];
  const problems: ParseProblem[] = [];
  const unpinned: Unpinned[] = [];
  parseInto(file, text, read, '.', packages, problems, unpinned, new Set([file]), 0);
  const pinned = new Set(packages.map((p) => normalizePypiName(p.name)));
  const byFile = new Map<string, Unchecked>();
  for (const u of unpinned) {
    if (pinned.has(normalizePypiName(u.name))) continue;
    const entry = byFile.get(u.file);
    if (entry) entry.names.push(u.name);
    else byFile.set(u.file, { file: u.file, line: u.line, ecosystem: 'PyPI', reason: 'not-pinned', names: [u.name], fix: 'pin each with == (`pip freeze` or `pip-compile` write the pins)' });
  }
  return { packages, problems, unchecked: [...byFile.values()] };
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

function parseInto(file: string, text: string, read: ReadSibling, relDir: string, packages: Package[], problems: ParseProblem[], unpinned: Unpinned[], seen: Set<string>, depth: number): void {
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
      else parseInto(target, included, read, posix.dirname(rel), packages, problems, unpinned, seen, depth + 1);
      continue;
    }
    if (content.startsWith('-') || /^(\.|\/|[a-z+]+:\/\/)/i.test(content) || /\.(whl|zip|tar\.gz)$/.test(content)) continue;
    const req = parsePep508(content);
    if (!req) {
      unreadable++;
      firstUnreadable ??= line;
      continue;
    }
    if (req.url) continue; // direct URL reference: no registry version
    const spec = req.spec.replace(/\s--?\S.*$/, '').trim();
    const pins = spec.split(',').map((s) => /^===?\s*([^\s,*=<>!~]+)$/.exec(s.trim())?.[1]).filter(Boolean) as string[];
    if (!spec || /^[<>!~=]/.test(spec)) {
      if (pins.length) {
        last = { name: req.name, version: pins[0], ecosystem: 'PyPI', file, line };
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
