// Dockerfiles: instructions with their continuation lines joined (comment lines inside a continuation are
// dropped, as Docker does), `# escape=` honoured, RUN heredocs read as the script, stages tracked.
import { SentrikError } from '../../util/errors.js';
import type { SourceFile } from '../source.js';
import { lineSource, segmentSource, type ScriptSource, type Segment } from './script-source.js';
import type { ShellDialect } from './shell.js';

export interface DockerInstruction {
  keyword: string;
  /** Arguments with continuations folded into spaces (for FROM, USER, ADD…). */
  args: string;
  /** Arguments as written (continuations kept), mapped to the file: the script of a RUN. */
  source: ScriptSource;
  line: number;
  column: number;
  stage: number;
  /** For RUN: the shell that runs it (after SHELL instructions). */
  dialect: ShellDialect;
  /** RUN in exec form with a non-shell program: not a script. */
  execForm?: string[];
}

export interface DockerStage {
  index: number;
  image: string;
  alias?: string;
  from: DockerInstruction;
}

export interface DockerfileModel {
  instructions: DockerInstruction[];
  stages: DockerStage[];
}

export function parseDockerfile(file: SourceFile): DockerfileModel {
  const lines = file.lines;
  let escape = '\\';
  const instructions: DockerInstruction[] = [];
  const stages: DockerStage[] = [];
  let dialect: ShellDialect = 'sh';
  let i = 0;
  // parser directives: only at the very top, before any instruction or other comment
  for (; i < lines.length; i++) {
    const m = /^#\s*(\w+)\s*=\s*(\S+)\s*$/.exec(lines[i]);
    if (!m) break;
    if (m[1].toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) escape = m[2];
  }
  while (i < lines.length) {
    const raw = lines[i];
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i++;
      continue;
    }
    const km = /^(\s*)([A-Za-z]+)(\s+|$)/.exec(raw);
    if (!km) {
      i++;
      continue;
    }
    const keyword = km[2].toUpperCase();
    const startLine = i + 1;
    const argCol = km[0].length + 1;
    const segments: Segment[] = [];
    let text = '';
    let col = argCol;
    let cur = raw.slice(km[0].length);
    let line = startLine;
    // join continuation lines
    for (;;) {
      segments.push({ offset: text.length, line, column: col });
      const body = cur.replace(/\s+$/, '');
      const continues = body.endsWith(escape);
      text += cur;
      if (!continues) break;
      text += '\n';
      let next = line; // the next line that is not a comment or blank
      do next++;
      while (next <= lines.length && /^\s*(#|$)/.test(lines[next - 1]));
      if (next > lines.length) {
        throw new SentrikError(`Dockerfile: line continuation '${escape}' at the end of the file`, file.path, line, `remove the trailing '${escape}' or add the rest of the ${keyword} instruction`);
      }
      line = next;
      cur = lines[line - 1];
      col = 1;
    }
    i = line;
    let source = segmentSource(text, segments);
    const args = text.split(escape + '\n').join(' ').replace(/\s+/g, ' ').trim();
    const instr: DockerInstruction = { keyword, args, source, line: startLine, column: km[1].length + 1, stage: Math.max(0, stages.length - 1), dialect };
    if (keyword === 'RUN') {
      // heredoc: `RUN <<EOF` … `EOF` — the body is the script
      const hd = /^(?:--\S+\s+)*<<-?\s*["']?([A-Za-z0-9_]+)["']?\s*$/.exec(args);
      if (hd) {
        const bodyStart = i + 1;
        let end = i;
        while (end < lines.length && lines[end].trim() !== hd[1]) end++;
        const body = lines.slice(i, end).join('\n');
        source = lineSource(body, file, bodyStart);
        instr.source = source;
        i = Math.min(end + 1, lines.length);
      } else {
        const exec = execForm(args);
        if (exec) {
          const isShell = /^(\/bin\/|\/usr\/bin\/)?(ba|da|z|)sh$|^(powershell|pwsh)(\.exe)?$|^cmd(\.exe)?$/i.test(exec[0] ?? '');
          if (isShell && exec.length >= 3) {
            instr.source = lineSource(exec[exec.length - 1], file, startLine);
            if (/powershell|pwsh/i.test(exec[0])) instr.dialect = 'pwsh';
          } else {
            instr.execForm = exec;
          }
        }
      }
    }
    if (keyword === 'SHELL') {
      const exec = execForm(args);
      dialect = exec && /powershell|pwsh/i.test(exec[0] ?? '') ? 'pwsh' : exec && /cmd/i.test(exec[0] ?? '') ? 'cmd' : 'sh';
    }
    if (keyword === 'FROM') {
      const parts = args.split(' ').filter((p) => !p.startsWith('--'));
      const stage: DockerStage = { index: stages.length, image: parts[0] ?? '', from: instr };
      if (parts[1]?.toUpperCase() === 'AS' && parts[2]) stage.alias = parts[2].toLowerCase();
      stages.push(stage);
      instr.stage = stage.index;
      dialect = 'sh';
    }
    instructions.push(instr);
  }
  return { instructions, stages };
}

function execForm(args: string): string[] | undefined {
  const a = args.replace(/^(--\S+\s+)*/, '');
  if (!a.startsWith('[')) return undefined;
  try {
    const v = JSON.parse(a) as unknown;
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}
