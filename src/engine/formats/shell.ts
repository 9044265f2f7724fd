// A small, forgiving shell reader: splits a script into simple commands (words with offsets), grouped into
// pipelines, with command substitutions `$(…)`, backticks and process substitutions `<(…)` read as nested
// scripts. It never executes anything and never fails: unbalanced quotes just end at the end of the text.
// Good enough for POSIX sh/bash, and for the simple command lines of PowerShell and cmd that CI uses.
//
// GitHub/Azure expressions `${{ … }}` and `$(var)` macros stay inside one word.
import type { ScriptSource } from './script-source.js';

export type ShellDialect = 'sh' | 'pwsh' | 'cmd';

export interface Word {
  /** The word with quotes removed (escapes resolved loosely). */
  text: string;
  /** Offsets in the script text. */
  start: number;
  end: number;
  /** Some part of the word was quoted. */
  quoted: boolean;
}

export interface Command {
  /** Program and arguments, after leading `VAR=value` assignments. */
  words: Word[];
  /** `VAR=value` words before the program. */
  assignments: Word[];
  redirects: { op: string; target?: Word }[];
  /** Index of the pipeline in the script and of this command within it (0 = first). */
  pipeline: number;
  stage: number;
  /** Depth of command substitution: 0 for top level. */
  depth: number;
  /** For a command inside `$(…)`/`<(…)`: the command whose word contains it. */
  parent?: Command;
  start: number;
  end: number;
}

export interface ShellScript {
  source: ScriptSource;
  dialect: ShellDialect;
  commands: Command[];
}

const MAX_DEPTH = 8;

export function parseShell(source: ScriptSource, dialect: ShellDialect = 'sh'): ShellScript {
  const commands: Command[] = [];
  new Reader(source.text, dialect, commands).run(0, source.text.length, 0, undefined);
  return { source, dialect, commands };
}

/** Splits `text[from, to)` into commands; nested substitutions are read recursively. */
class Reader {
  private pipelineCounter = 0;

  constructor(
    private readonly t: string,
    private readonly dialect: ShellDialect,
    private readonly out: Command[],
  ) {}

  run(from: number, to: number, depth: number, parent: Command | undefined): void {
    const t = this.t;
    let i = from;
    let cmd = this.newCommand(depth, parent, this.pipelineCounter++, 0, from);
    let word: Word | undefined;
    let pendingRedirect: { op: string; target?: Word } | undefined;
    const heredocs: string[] = [];
    const escape = this.dialect === 'pwsh' ? '`' : this.dialect === 'cmd' ? '^' : '\\';

    const endWord = (): void => {
      if (!word) return;
      word.end = i;
      if (pendingRedirect) {
        pendingRedirect.target = word;
        cmd.redirects.push(pendingRedirect);
        pendingRedirect = undefined;
      } else if (cmd.words.length === 0 && !word.quoted && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word.text)) {
        cmd.assignments.push(word);
      } else {
        cmd.words.push(word);
      }
      word = undefined;
    };
    const endCommand = (newPipeline: boolean, at: number): void => {
      endWord();
      if (pendingRedirect) {
        cmd.redirects.push(pendingRedirect);
        pendingRedirect = undefined;
      }
      cmd.end = at;
      dropKeywords(cmd);
      if (cmd.words.length || cmd.assignments.length) this.out.push(cmd);
      const pipeline = newPipeline ? this.pipelineCounter++ : cmd.pipeline;
      const stage = newPipeline ? 0 : cmd.stage + 1;
      cmd = this.newCommand(depth, parent, pipeline, stage, at);
    };
    const wordAt = (start: number): Word => (word ??= { text: '', start, end: start, quoted: false });

    while (i < to) {
      const c = t[i];
      // line continuation
      if (c === escape && (t[i + 1] === '\n' || (t[i + 1] === '\r' && t[i + 2] === '\n'))) {
        i += t[i + 1] === '\r' ? 3 : 2;
        continue;
      }
      if (c === '\n') {
        endCommand(true, i);
        i++;
        // skip here-document bodies: their lines are data, not commands
        while (heredocs.length) i = skipHeredoc(t, i, to, heredocs.shift()!);
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r') {
        endWord();
        i++;
        continue;
      }
      if (c === '#' && !word && this.dialect !== 'cmd') {
        while (i < to && t[i] !== '\n') i++;
        continue;
      }
      if (this.dialect === 'cmd' && !word && cmd.words.length === 0 && /^(rem|::)\b/i.test(t.slice(i, i + 4))) {
        while (i < to && t[i] !== '\n') i++;
        continue;
      }
      if (c === ';' || (c === '&' && t[i + 1] === '&') || (c === '|' && t[i + 1] === '|')) {
        endCommand(true, i);
        i += c === ';' ? 1 : 2;
        continue;
      }
      if (c === '|') {
        endCommand(false, i);
        i += t[i + 1] === '&' ? 2 : 1;
        continue;
      }
      if (c === '&' && t[i + 1] !== '>') {
        endCommand(true, i);
        i++;
        continue;
      }
      if ((c === '(' || c === ')' || c === '{' || c === '}') && !word && this.dialect === 'sh') {
        // grouping: `( … )`, `{ …; }`
        if (c === '(' || c === ')') endCommand(true, i);
        else endWord();
        i++;
        continue;
      }
      if (c === ')' && this.dialect !== 'sh') {
        // pwsh: `iex (iwr …)` — treat parentheses as separators inside a pipeline stage
        endWord();
        i++;
        continue;
      }
      if (c === '(' && this.dialect === 'pwsh') {
        endWord();
        const close = matchParen(t, i + 1, to);
        // a parenthesised pipeline is an argument: read it nested, keep a placeholder word
        const w = wordAt(i);
        w.text += '(…)';
        this.run(i + 1, close, Math.min(depth + 1, MAX_DEPTH), cmd);
        i = Math.min(close + 1, to);
        continue;
      }
      // redirections
      if ((c === '<' || c === '>') && t[i + 1] !== '(') {
        const m = /^(\d*)(<<<|<<-?|>>|>&|<&|>\||<>|<|>)/.exec(t.slice(word && /^\d+$/.test(word.text) ? word.start : i, i + 4));
        if (word && /^\d+$/.test(word.text)) word = undefined; // `2>` : the fd belongs to the operator
        else endWord();
        const op = m ? m[2] : c;
        i += op.length;
        if (op === '<<' || op === '<<-') {
          while (t[i] === ' ' || t[i] === '\t') i++;
          const dm = /^['"]?([A-Za-z0-9_.-]+)['"]?/.exec(t.slice(i, i + 64));
          if (dm) {
            heredocs.push(dm[1]);
            i += dm[0].length;
          }
          continue;
        }
        pendingRedirect = { op };
        continue;
      }
      if (c === '&' && t[i + 1] === '>') {
        endWord();
        i += t[i + 2] === '>' ? 3 : 2;
        pendingRedirect = { op: '>' };
        continue;
      }
      // words
      const w = wordAt(i);
      if (c === "'" && this.dialect !== 'cmd') {
        const close = t.indexOf("'", i + 1);
        const end = close === -1 || close >= to ? to : close;
        w.text += t.slice(i + 1, end);
        w.quoted = true;
        i = end + 1;
        continue;
      }
      if (c === '"') {
        w.quoted = true;
        i = this.readDouble(i + 1, to, w, depth, cmd);
        continue;
      }
      if (c === '$' && t[i + 1] === '{' && t[i + 2] === '{') {
        const close = t.indexOf('}}', i + 3);
        const end = close === -1 || close >= to ? to : close + 2;
        w.text += t.slice(i, end);
        i = end;
        continue;
      }
      if (c === '$' && t[i + 1] === '{') {
        const close = t.indexOf('}', i + 2);
        const end = close === -1 || close >= to ? to : close + 1;
        w.text += t.slice(i, end);
        i = end;
        continue;
      }
      if ((c === '$' || c === '<' || c === '>') && t[i + 1] === '(' && t[i + 2] !== '(') {
        const close = matchParen(t, i + 2, to);
        this.run(i + 2, close, Math.min(depth + 1, MAX_DEPTH), cmd);
        w.text += t.slice(i, Math.min(close + 1, to));
        i = Math.min(close + 1, to);
        continue;
      }
      if (c === '`' && this.dialect === 'sh') {
        const close = t.indexOf('`', i + 1);
        const end = close === -1 || close >= to ? to : close;
        this.run(i + 1, end, Math.min(depth + 1, MAX_DEPTH), cmd);
        w.text += t.slice(i, end + 1);
        i = end + 1;
        continue;
      }
      if (c === escape && i + 1 < to && this.dialect === 'sh') {
        w.text += t[i + 1];
        i += 2;
        continue;
      }
      w.text += c;
      i++;
    }
    endCommand(true, to);
  }

  /** Reads a double-quoted string starting after the quote; returns the offset after the closing quote. */
  private readDouble(i: number, to: number, w: Word, depth: number, cmd: Command): number {
    const t = this.t;
    while (i < to && t[i] !== '"') {
      if (t[i] === '\\' && this.dialect === 'sh' && i + 1 < to) {
        if (t[i + 1] !== '\n') w.text += t[i + 1];
        i += 2;
        continue;
      }
      if (t[i] === '`' && this.dialect === 'pwsh' && i + 1 < to) {
        w.text += t[i + 1];
        i += 2;
        continue;
      }
      if (t[i] === '$' && t[i + 1] === '{' && t[i + 2] === '{') {
        const close = t.indexOf('}}', i + 3);
        const end = close === -1 || close >= to ? to : close + 2;
        w.text += t.slice(i, end);
        i = end;
        continue;
      }
      if (t[i] === '$' && t[i + 1] === '(' && t[i + 2] !== '(') {
        const close = matchParen(t, i + 2, to);
        this.run(i + 2, close, Math.min(depth + 1, MAX_DEPTH), cmd);
        w.text += t.slice(i, Math.min(close + 1, to));
        i = Math.min(close + 1, to);
        continue;
      }
      if (t[i] === '`' && this.dialect === 'sh') {
        const close = t.indexOf('`', i + 1);
        const end = close === -1 || close >= to ? to : close;
        this.run(i + 1, end, Math.min(depth + 1, MAX_DEPTH), cmd);
        w.text += t.slice(i, end + 1);
        i = end + 1;
        continue;
      }
      w.text += t[i];
      i++;
    }
    return Math.min(i + 1, to);
  }

  private newCommand(depth: number, parent: Command | undefined, pipeline: number, stage: number, start: number): Command {
    return { words: [], assignments: [], redirects: [], pipeline, stage, depth, parent, start, end: start };
  }
}

/** Offset of the `)` that closes a `(` opened just before `from` (quotes and nesting respected). */
function matchParen(t: string, from: number, to: number): number {
  let depth = 1;
  for (let i = from; i < to; i++) {
    const c = t[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === "'") {
      const close = t.indexOf("'", i + 1);
      if (close === -1 || close >= to) return to;
      i = close;
      continue;
    }
    if (c === '"') {
      for (i++; i < to && t[i] !== '"'; i++) if (t[i] === '\\') i++;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return to;
}

function skipHeredoc(t: string, i: number, to: number, delim: string): number {
  while (i < to) {
    const nl = t.indexOf('\n', i);
    const lineEnd = nl === -1 || nl >= to ? to : nl;
    const line = t.slice(i, lineEnd).trim();
    i = lineEnd + 1;
    if (line === delim) break;
  }
  return Math.min(i, to);
}

const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', 'time', 'esac', '{', '}']);

/** `if curl … | sh; then` → the command is `curl …`. */
function dropKeywords(cmd: Command): void {
  while (cmd.words.length && !cmd.words[0].quoted && KEYWORDS.has(cmd.words[0].text)) cmd.words.shift();
}

/** Pipelines (commands sharing a pipeline id), in order. */
export function pipelines(script: ShellScript): Command[][] {
  const map = new Map<number, Command[]>();
  for (const c of script.commands) {
    const list = map.get(c.pipeline);
    if (list) list.push(c);
    else map.set(c.pipeline, [c]);
  }
  return [...map.values()].map((l) => l.sort((a, b) => a.stage - b.stage));
}

/** Program name without directory and `.exe`, lower-case: `/usr/bin/python3` → `python3`. */
export function programName(word: Word | undefined): string {
  if (!word) return '';
  const base = word.text.replace(/^.*[\\/]/, '').toLowerCase();
  return base.endsWith('.exe') ? base.slice(0, -4) : base;
}

const WRAPPERS = new Set(['sudo', 'doas', 'env', 'command', 'exec', 'nohup', 'time', 'nice', 'stdbuf', 'call', 'bunx', 'xvfb-run']);

/**
 * The command's program and arguments with wrappers removed: `sudo -E env X=1 python3 -m pip install`
 * → `pip install`; `bundle exec gem push` → `gem push`; `pipx run twine==6 upload` → `twine upload`;
 * `dotnet nuget push` → `nuget push`; `cargo +nightly publish` → `cargo publish`.
 */
export function effectiveArgs(cmd: Command): Word[] {
  let w = cmd.words;
  for (let guard = 0; guard < 8 && w.length; guard++) {
    const p = programName(w[0]);
    if (WRAPPERS.has(p)) {
      let k = 1;
      // wrapper options (`sudo -u user`, `env -i`) and env assignments
      while (k < w.length && (w[k].text.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[k].text))) {
        k += p === 'sudo' && /^-[ugCDhpRT]$/.test(w[k].text) ? 2 : 1;
      }
      w = w.slice(k);
      continue;
    }
    if (/^python(\d+(\.\d+)?)?w?$|^py$/.test(p) && w[1]?.text === '-m') {
      w = w.slice(2);
      continue;
    }
    if ((p === 'bundle' || p === 'poetry' || p === 'uv' || p === 'pipx' || p === 'pdm' || p === 'hatch') && (w[1]?.text === 'exec' || w[1]?.text === 'run')) {
      w = w.slice(2);
      continue;
    }
    if (p === 'dotnet' && w[1]?.text === 'nuget') {
      w = w.slice(1);
      continue;
    }
    break;
  }
  if (w.length === 0) return w;
  // `twine==6.1.0` (pipx run) → `twine`; `cargo +nightly` toolchain selectors are not arguments
  const first = w[0].text.includes('==') ? [{ ...w[0], text: w[0].text.split('==')[0] }] : [w[0]];
  return [...first, ...w.slice(1).filter((x) => !(x.text.startsWith('+') && x.text.length > 1 && !x.quoted))];
}

/** The first non-option arguments after the program (subcommands), lower-case. */
export function subcommands(args: Word[], count = 2): string[] {
  const out: string[] = [];
  for (let i = 1; i < args.length && out.length < count; i++) {
    const t = args[i].text;
    if (t.startsWith('-')) continue;
    out.push(t.toLowerCase());
  }
  return out;
}

/** Does the command run `spec` (e.g. "npm publish", "yarn npm publish")? Options between words are allowed. */
export function runs(cmd: Command, spec: string): boolean {
  const args = effectiveArgs(cmd);
  const want = spec.toLowerCase().split(/\s+/);
  if (programName(args[0]) !== want[0]) return false;
  const subs = subcommands(args, want.length - 1);
  return want.slice(1).every((w, i) => subs[i] === w);
}
