// Checks over shell commands, wherever the shell lives: `run:`/`script:` blocks of CI files, Dockerfile RUN,
// *.sh, Makefile recipes, package.json scripts — one reader (formats/shell.ts), one set of checks.
import type { Node } from 'yaml';
import { z } from 'zod';
import { dockerfileOf, formatOf, scriptsOf, yamlOf, CI_FORMATS, SCRIPT_FORMATS, YAML_FORMATS, type FormatName, type ScriptBlock } from '../formats/index.js';
import { asMap, asSeq, asScalar, items, posOf, str, type YamlDoc } from '../formats/yaml-doc.js';
import { compileRegex, testRegex, type SafeRegex } from '../regex.js';
import { effectiveArgs, parseShell, pipelines, programName, runs, subcommands, type Command, type ShellScript, type Word } from '../formats/shell.js';
import type { RawMatch } from '../matchers/matcher.js';
import type { SourceFile } from '../source.js';
import type { Check } from './check.js';
import { atOffset, atWord, isLoopback, onePerLine } from './util.js';

type Hit = { word?: Word; message: string };

/** Runs `fn` over every command of every script in the file; one finding per line. */
export function eachCommand(file: SourceFile, fn: (cmd: Command, block: ScriptBlock) => Hit | undefined): RawMatch[] {
  const out: RawMatch[] = [];
  for (const b of scriptsOf(file)) {
    for (const cmd of b.script.commands) {
      const hit = fn(cmd, b);
      if (!hit) continue;
      const w = hit.word ?? cmd.words[0] ?? cmd.assignments[0];
      const start = (cmd.assignments[0] ?? cmd.words[0])?.start ?? cmd.start;
      out.push(hit.word ? atWord(b.script.source, w, { message: hit.message }) : atOffset(b.script.source, start, cmd.end, { message: hit.message }));
    }
  }
  return onePerLine(out);
}

const noOptions = z.object({}).strict();

const DOWNLOADERS = new Set(['curl', 'wget', 'iwr', 'irm', 'invoke-webrequest', 'invoke-restmethod', 'fetch', 'http', 'aria2c']);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish', 'ash']);
const INTERPRETERS = new Set(['python', 'python2', 'python3', 'perl', 'ruby', 'node', 'php', 'pwsh', 'powershell', 'deno', 'bun']);
const EVALUATORS = new Set(['iex', 'invoke-expression', 'eval', 'source', '.']);

function isDownloader(c: Command): boolean {
  return DOWNLOADERS.has(programName(effectiveArgs(c)[0]));
}

/** Does this command execute a program read from its stdin? */
function runsStdin(c: Command): boolean {
  const args = effectiveArgs(c);
  const p = programName(args[0]);
  const rest = args.slice(1).map((w) => w.text);
  const positional = rest.filter((a) => !a.startsWith('-') || a === '-');
  if (EVALUATORS.has(p)) return p === 'iex' || p === 'invoke-expression';
  if (SHELLS.has(p)) return rest.includes('-s') || positional.length === 0 || positional[0] === '-';
  if (INTERPRETERS.has(p0(args[0])) || INTERPRETERS.has(p)) {
    if (rest.some((a) => a === '-c' || a === '-e' || a === '-m' || a === '--eval' || a === '-command' || a === '-Command')) return false;
    return positional.length === 0 || positional[0] === '-';
  }
  return false;
}

function p0(w: Word | undefined): string {
  return programName(w).replace(/[\d.]+$/, '');
}

/** SCS-CI-001: remote content executed without verification (`curl | bash`, `bash -c "$(curl …)"`, `iex (iwr …)`). */
export const remoteScriptExec: Check<Record<string, never>> = {
  name: 'remote-script-exec',
  description: 'remote script piped or substituted into an interpreter',
  formats: SCRIPT_FORMATS,
  options: noOptions,
  keywords: () => ['curl', 'wget', 'iwr', 'irm', 'invoke-webrequest', 'invoke-restmethod', 'downloadstring', 'fetch', 'aria2c', 'http '],
  run(file) {
    const out: RawMatch[] = [];
    for (const b of scriptsOf(file)) {
      const src = b.script.source;
      for (const hit of remoteExecs(b.script)) out.push(atOffset(src, hit.start, hit.end, { message: hit.message }));
      // `node -e "require('child_process').execSync('curl … | sh')"`: a shell command in the inline code's strings.
      for (const c of b.script.commands) {
        const inner = inlineCode(c)
          .flatMap(shellStrings)
          .flatMap((s) => remoteExecs(parseShell({ text: s, at: () => ({ line: 1, column: 1 }) })))[0];
        if (!inner) continue;
        const start = (c.assignments[0] ?? c.words[0])?.start ?? c.start;
        out.push(atOffset(src, start, c.end, { message: `\`${programName(effectiveArgs(c)[0])}\` runs a shell command in which ${inner.message[0].toLowerCase()}${inner.message.slice(1)}` }));
      }
    }
    return onePerLine(out);
  },
};

/** Remote content executed unverified in a shell script: where (offsets in the script) and why. */
function remoteExecs(script: ShellScript): { start: number; end: number; message: string }[] {
  const out: { start: number; end: number; message: string }[] = [];
  for (const pl of pipelines(script)) {
    const d = pl.findIndex(isDownloader);
    if (d === -1) continue;
    const exec = pl.slice(d + 1).find(runsStdin);
    if (exec) {
      out.push({ start: pl[d].words[0].start, end: exec.end, message: `Output of \`${programName(effectiveArgs(pl[d])[0])}\` is piped into \`${programName(effectiveArgs(exec)[0])}\` and executed unverified; download to a file, verify its checksum or signature, then run it` });
    }
  }
  // Commands with a downloader inside their `$(…)`: one pass, not one per command.
  const fedByDownload = new Set(script.commands.filter((n) => n.parent && isDownloader(n)).map((n) => n.parent));
  for (const c of script.commands) {
    const args = effectiveArgs(c);
    const p = p0(args[0]);
    const substituted = fedByDownload.has(c);
    const interp = SHELLS.has(programName(args[0])) || EVALUATORS.has(programName(args[0])) || INTERPRETERS.has(p);
    const dotNet = /^(iex|invoke-expression)$/i.test(args[0]?.text ?? '') && /downloadstring|downloadfile|\biwr\b|\birm\b|invoke-webrequest|invoke-restmethod/i.test(script.source.text.slice(c.start, c.end));
    if ((substituted && interp) || dotNet) {
      const start = (c.assignments[0] ?? c.words[0])?.start ?? c.start;
      out.push({ start, end: c.end, message: `\`${args[0]?.text}\` executes content downloaded at run time without verification; download to a file and verify its checksum or signature first` });
    }
  }
  return out;
}

/** Short flags after which an interpreter takes its program on the command line (node -e, python -c, php -r …). */
const INLINE_CODE_SHORT = new Set(['e', 'p', 'c', 'r', 'E']);

/** Calls that run a shell command (child_process, subprocess, os.system, Kernel#system, shell_exec …). */
const RUNS_SHELL = /\b(exec|execSync|spawn|spawnSync|system|popen|check_output|check_call|subprocess|shell_exec|passthru)\b/;

/**
 * The program texts an interpreter may be given on its command line: after `-e`, a bundle ending in one of
 * those letters (`-pe`, `-le`), or `--eval=…` / `--eval …` (`--print` too). Every candidate is returned
 * (`python -Werror -c CODE`: `-Werror` ends in r too), never another flag.
 */
function inlineCode(c: Command): string[] {
  const args = effectiveArgs(c);
  if (!INTERPRETERS.has(p0(args[0])) && !INTERPRETERS.has(programName(args[0]))) return [];
  const out: string[] = [];
  for (let k = 1; k < args.length; k++) {
    const t = args[k].text;
    const long = /^--(eval|print)(=|$)/.exec(t);
    const code = long ? (long[2] ? t.slice(long[0].length) : args[k + 1]?.text) : /^-[A-Za-z]+$/.test(t) && INLINE_CODE_SHORT.has(t[t.length - 1]) ? args[k + 1]?.text : undefined;
    if (code !== undefined && !code.startsWith('-')) out.push(code);
  }
  return out;
}

/**
 * The string literals of inline code that a shell-running call could receive: none unless such a call is named
 * outside the strings (a string that only mentions `exec` runs nothing). One pass over the code.
 */
function shellStrings(code: string): string[] {
  const strings: string[] = [];
  let outside = '';
  let quote = '';
  let current = '';
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (!quote) {
      if (ch === "'" || ch === '"' || ch === '`') quote = ch;
      else outside += ch;
      continue;
    }
    if (ch === '\\' && i + 1 < code.length) current += code[++i];
    else if (ch === quote) {
      strings.push(current);
      quote = current = '';
      outside += ' ';
    } else current += ch;
  }
  return RUNS_SHELL.test(outside) ? strings : [];
}

const CURL_ARG_FLAGS = new Set('AbcdDeEFHKmoPQrtTuUwxXyYzC'.split(''));

function curlInsecure(args: Word[]): Word | undefined {
  for (const w of args.slice(1)) {
    const t = w.text;
    if (t === '--insecure' || t === '-k') return w;
    if (/^-[A-Za-z]+$/.test(t)) {
      for (const ch of t.slice(1)) {
        if (ch === 'k') return w;
        if (CURL_ARG_FLAGS.has(ch)) break;
      }
    }
  }
  return undefined;
}

const tlsOptions = z
  .object({
    /** Flags that switch certificate verification off, for any program. */
    flags: z.array(z.string()).default([]),
    /** Environment variables and the values (RE2, whole value) that switch it off. */
    env: z.record(z.string(), z.string()).default({}),
  })
  .strict();

/** SCS-BUILD-001: TLS certificate verification switched off. */
export const tlsDisabled: Check<z.infer<typeof tlsOptions>> = {
  name: 'tls-verification-disabled',
  description: 'TLS certificate verification disabled in a build or CI command',
  formats: [...SCRIPT_FORMATS, 'docker-compose', 'npmrc'] as FormatName[],
  options: tlsOptions,
  // Every path below needs one of these in the file: an env name, a flag, or the tool-specific setting.
  keywords: (o) => [...o.flags, ...Object.keys(o.env), 'curl', 'strict-ssl', 'sslverify', 'trusted-host'].map((k) => k.toLowerCase()),
  run(file, o) {
    const format = formatOf(file);
    const envRe = Object.entries(o.env).map(([k, v]) => ({ name: k, value: new RegExpLite(v) }));
    const badEnv = (name: string, value: string): boolean => envRe.some((e) => e.name === name && e.value.test(value.replace(/^["']|["']$/g, '')));
    const out: RawMatch[] = [];
    if (format === 'npmrc') {
      file.lines.forEach((l, i) => {
        if (/^\s*strict-ssl\s*=\s*false\s*$/i.test(l)) out.push({ line: i + 1, column: 1, matched: l.trim(), message: '`strict-ssl=false` makes npm accept any certificate' });
      });
      return out;
    }
    out.push(
      ...eachCommand(file, (cmd) => {
        for (const a of cmd.assignments) {
          const [k, ...v] = a.text.split('=');
          if (badEnv(k, v.join('='))) return { word: a, message: `\`${a.text}\` disables certificate verification` };
        }
        const args = effectiveArgs(cmd);
        const prog = programName(args[0]);
        if (prog === 'export' || prog === 'set' || prog === 'setx') {
          for (const w of args.slice(1)) {
            const [k, ...v] = w.text.split('=');
            if (v.length && badEnv(k, v.join('='))) return { word: w, message: `\`${w.text}\` disables certificate verification` };
          }
          if (prog === 'setx' && args[2] && badEnv(args[1]?.text ?? '', args[2].text)) return { word: args[1], message: `\`${args[1].text}\` set to disable certificate verification` };
        }
        // PowerShell: $env:NODE_TLS_REJECT_UNAUTHORIZED = 0
        const pw = /^\$env:([A-Za-z_][A-Za-z0-9_]*)$/i.exec(args[0]?.text ?? '');
        if (pw && args[1]?.text === '=' && args[2] && badEnv(pw[1], args[2].text)) return { word: args[0], message: `\`${pw[1]}\` set to disable certificate verification` };
        if (prog === 'curl') {
          const w = curlInsecure(args);
          if (w) return { word: w, message: '`curl -k/--insecure` accepts any certificate: a network attacker can replace what is downloaded' };
        }
        const flag = args.slice(1).find((w) => o.flags.some((f) => w.text === f || (f.endsWith('=') ? w.text.startsWith(f) : w.text.startsWith(`${f}=`))));
        if (flag) return { word: flag, message: `\`${flag.text}\` disables certificate verification` };
        if ((prog === 'npm' || prog === 'yarn' || prog === 'pnpm') && runs(cmd, `${prog} config set`) ) {
          const rest = args.slice(3).map((w) => w.text.toLowerCase());
          if ((rest[0] === 'strict-ssl' && rest[1] === 'false') || rest[0] === 'strict-ssl=false') return { word: args[3], message: '`strict-ssl false` makes the package manager accept any certificate' };
        }
        if (prog === 'git') {
          const texts = args.map((w) => w.text.toLowerCase());
          const i = texts.findIndex((t) => /^http(\..*)?\.sslverify=(false|0|no|off)$/.test(t));
          if (i > 0) return { word: args[i], message: '`http.sslVerify=false` makes git accept any certificate' };
          const c = texts.indexOf('config');
          const k = texts.findIndex((t, j) => j > c && /^http(\..*)?\.sslverify$/.test(t));
          if (c > 0 && k > 0 && /^(false|0|no|off)$/.test(texts[k + 1] ?? '')) return { word: args[k], message: '`git config http.sslVerify false` makes git accept any certificate' };
        }
        if ((prog === 'pip' || prog === 'pip3' || prog === 'uv') && args.some((w) => w.text === 'config') && args.some((w) => /trusted-host/.test(w.text))) {
          return { message: 'pip is told to trust a host without certificate verification' };
        }
        return undefined;
      }),
    );
    // environment maps in YAML (workflow/job/step env, GitLab variables, compose environment) and Dockerfile ENV
    out.push(...envSettings(file, badEnv));
    return onePerLine(out);
  },
};

/** Whole-value RE2 test helper without exposing regex construction to callers. */
class RegExpLite {
  private re;
  constructor(p: string) {
    this.re = compileWhole(p);
  }
  test(v: string): boolean {
    return testWhole(this.re, v);
  }
}


function compileWhole(p: string): SafeRegex {
  return compileRegex(`^(?:${p})$`, { ignoreCase: true });
}
function testWhole(re: SafeRegex, v: string): boolean {
  return testRegex(re, v);
}

function envSettings(file: SourceFile, bad: (name: string, value: string) => boolean): RawMatch[] {
  const format = formatOf(file);
  const out: RawMatch[] = [];
  if (format === 'dockerfile') {
    for (const ins of dockerfileOf(file)!.instructions) {
      if (ins.keyword !== 'ENV' && ins.keyword !== 'ARG') continue;
      const pairs = /=/.test(ins.args.split(' ')[0]) ? ins.args.split(/\s+/).map((p) => p.split('=')) : [[ins.args.split(' ')[0], ins.args.split(' ').slice(1).join(' ')]];
      for (const [k, ...v] of pairs) if (k && bad(k, v.join('='))) out.push({ line: ins.line, column: ins.column, matched: `${k}=${v.join('=')}`, message: `\`${k}=${v.join('=')}\` disables certificate verification for everything in the image` });
    }
    return out;
  }
  if (!format || !YAML_FORMATS.includes(format) || format === 'package-json') return out;
  const y = yamlOf(file);
  walkPairs(y, y.root ?? undefined, (key, value, keyNode, valueNode) => {
    if (value !== undefined && bad(key, value)) out.push(at(y, keyNode, `\`${key}: ${value}\` disables certificate verification`));
    // compose/GitLab list form: - NODE_TLS_REJECT_UNAUTHORIZED=0
    if (valueNode && asSeq(y, valueNode)) {
      for (const it of items(y, valueNode)) {
        const s = str(y, it);
        const eq = s?.indexOf('=') ?? -1;
        if (s && eq > 0 && bad(s.slice(0, eq), s.slice(eq + 1))) out.push(at(y, it, `\`${s}\` disables certificate verification`));
      }
    }
  });
  return out;
}

function at(y: YamlDoc, n: Node | undefined, message: string): RawMatch {
  const p = posOf(y, n) ?? { line: 1, column: 1 };
  return { line: p.line, column: p.column, matched: y.file.lineText(p.line).trim(), message };
}

/** Every key/value pair in the document (aliases not followed). */
export function walkPairs(y: YamlDoc, n: Node | undefined, fn: (key: string, value: string | undefined, keyNode: Node, valueNode: Node | undefined) => void, depth = 0): void {
  if (!n || depth > 64) return;
  const map = asMap(y, n);
  if (map && map === n) {
    for (const p of map.items) {
      const key = asScalar(y, p.key);
      const v = p.value as Node | undefined;
      fn(key ? String(key.value) : '', str(y, v), p.key as Node, v);
      walkPairs(y, v, fn, depth + 1);
    }
    return;
  }
  const seq = asSeq(y, n);
  if (seq && seq === n) for (const it of seq.items) walkPairs(y, it as Node, fn, depth + 1);
}

const PIP_VALUE_FLAGS = new Set(['-r', '--requirement', '-c', '--constraint', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '-t', '--target', '--prefix', '--root', '--src', '--python-version', '--platform', '--implementation', '--abi', '--only-binary', '--no-binary', '--progress-bar', '--log', '--cache-dir', '--trusted-host', '--proxy', '--retries', '--timeout', '--exists-action', '--upgrade-strategy', '--python', '-p', '--report', '--config-settings', '-C', '--global-option']);

export interface PackageArg {
  word: Word;
  spec: string;
}

/** Positional package arguments of `pip install …` (values of flags skipped). */
export function pipInstallArgs(cmd: Command): { packages: PackageArg[]; flags: string[] } | undefined {
  const args = effectiveArgs(cmd);
  const prog = programName(args[0]);
  let i: number;
  if ((prog === 'pip' || /^pip\d(\.\d+)?$/.test(prog)) && args[1]?.text === 'install') i = 2;
  else if (prog === 'uv' && args[1]?.text === 'pip' && args[2]?.text === 'install') i = 3;
  else return undefined;
  const packages: PackageArg[] = [];
  const flags: string[] = [];
  for (; i < args.length; i++) {
    const t = args[i].text;
    if (t.startsWith('-')) {
      flags.push(t.split('=')[0]);
      if (PIP_VALUE_FLAGS.has(t) || t === '-e' || t === '--editable') {
        if (t === '-e' || t === '--editable') packages.push({ word: args[i + 1], spec: `-e ${args[i + 1]?.text ?? ''}` });
        i++;
      }
      continue;
    }
    packages.push({ word: args[i], spec: t });
  }
  return { packages: packages.filter((p) => p.word), flags };
}

function isLocalOrDynamic(spec: string): boolean {
  return /^(\.|\/|~|-e\s+[./~])/.test(spec) || /\.(whl|tar\.gz|zip|tgz)$/i.test(spec) || spec.includes('$') || spec.includes('%') || spec.includes('{{') || spec === '';
}

/** SCS-DEP-001: `pip install pkg` without an exact version pin (or hashes / a requirements file). */
export const pipUnpinned: Check<{ allow: string[] }> = {
  name: 'pip-install-unpinned',
  description: 'pip install of a package without an exact version pin',
  formats: SCRIPT_FORMATS,
  options: z.object({ allow: z.array(z.string()).default(['pip', 'setuptools', 'wheel']) }).strict(),
  keywords: () => ['pip'],
  run(file, o) {
    const allow = new Set(o.allow.map((a) => a.toLowerCase()));
    return eachCommand(file, (cmd) => {
      const pip = pipInstallArgs(cmd);
      if (!pip || pip.flags.includes('--require-hashes')) return undefined;
      const loose = pip.packages.find((p) => {
        if (isLocalOrDynamic(p.spec) || /^(-e\s+)?(git\+|hg\+|svn\+|bzr\+|https?:|file:)/i.test(p.spec)) return false;
        const name = p.spec.split(/[<>=!~;[ @]/)[0].toLowerCase();
        if (allow.has(name)) return false;
        return !/===?[^=*]+$/.test(p.spec.replace(/;.*$/, '').trim()) || /==.*\*/.test(p.spec);
      });
      return loose ? { word: loose.word, message: `\`pip install ${loose.spec}\` installs whatever version the index serves at build time; pin it (\`==x.y.z\`), ideally from a requirements file with --require-hashes` } : undefined;
    });
  },
};

const NPM_VALUE_FLAGS = new Set(['--registry', '--prefix', '-w', '--workspace', '--tag', '--cache', '--omit', '--include', '--install-strategy', '--userconfig', '-C', '--dir', '--filter', '--cwd']);
const GEM_VALUE_FLAGS = new Set(['-v', '--version', '-i', '--install-dir', '-n', '--bindir', '-s', '--source', '-P', '--trust-policy', '--platform', '--build-root']);

/** Package names given to an install command of npm/yarn/pnpm/bun/gem; undefined if it is not one. */
export function adhocPackages(cmd: Command): { tool: string; packages: Word[] } | undefined {
  const args = effectiveArgs(cmd);
  const prog = programName(args[0]);
  const sub = subcommands(args, 1)[0];
  let valueFlags: Set<string>;
  if (prog === 'npm' && (sub === 'install' || sub === 'i' || sub === 'add' || sub === 'isntall')) valueFlags = NPM_VALUE_FLAGS;
  else if ((prog === 'yarn' || prog === 'pnpm' || prog === 'bun') && sub === 'add') valueFlags = NPM_VALUE_FLAGS;
  else if (prog === 'gem' && (sub === 'install' || sub === 'i')) valueFlags = GEM_VALUE_FLAGS;
  else return undefined;
  const packages: Word[] = [];
  let seenSub = false;
  for (let i = 1; i < args.length; i++) {
    const t = args[i].text;
    if (t.startsWith('-')) {
      if (valueFlags.has(t)) i++;
      continue;
    }
    if (!seenSub) {
      seenSub = true;
      continue;
    }
    if (/^(\.|\/|~|file:)/.test(t) || /\.(tgz|gem)$/.test(t)) continue;
    packages.push(args[i]);
  }
  return { tool: `${prog} ${sub}`, packages };
}

/** SCS-CI-016: packages installed ad hoc in CI steps, outside any lockfile. */
export const adhocInstall: Check<Record<string, never>> = {
  name: 'adhoc-install',
  description: 'package installed ad hoc in a CI step instead of from a lockfile',
  formats: CI_FORMATS,
  options: noOptions,
  keywords: () => ['npm', 'yarn', 'pnpm', 'gem', 'bun'],
  run(file) {
    return eachCommand(file, (cmd) => {
      const a = adhocPackages(cmd);
      if (!a || a.packages.length === 0) return undefined;
      return { word: a.packages[0], message: `\`${a.tool} ${a.packages.map((p) => p.text).join(' ')}\` installs outside the lockfile: the version (and its dependencies) are resolved at build time` };
    });
  },
};

/** SCS-DEP-002: `npm install` in CI, which may rewrite the lockfile, instead of `npm ci`. */
export const npmInstallInCi: Check<Record<string, never>> = {
  name: 'npm-install-in-ci',
  description: 'npm install used in CI instead of npm ci',
  formats: CI_FORMATS,
  options: noOptions,
  keywords: () => ['npm'],
  run(file) {
    return eachCommand(file, (cmd) => {
      const a = adhocPackages(cmd);
      if (!a || a.tool === 'gem install' || a.tool === 'gem i' || !a.tool.startsWith('npm') || a.packages.length > 0) return undefined;
      if (effectiveArgs(cmd).some((w) => w.text === '-g' || w.text === '--global')) return undefined;
      return { message: '`npm install` resolves ranges and may update package-lock.json; use `npm ci` to install exactly what the lockfile pins' };
    });
  },
};

/** SCS-BUILD-006: world-writable permissions. */
export const chmodWorldWritable: Check<Record<string, never>> = {
  name: 'chmod-world-writable',
  description: 'chmod that makes files world-writable',
  formats: SCRIPT_FORMATS,
  options: noOptions,
  keywords: () => ['chmod'],
  run(file) {
    return eachCommand(file, (cmd) => {
      const args = effectiveArgs(cmd);
      if (programName(args[0]) !== 'chmod') return undefined;
      const mode = args.slice(1).find((w) => !w.text.startsWith('-') || /^-[0-7]/.test(w.text));
      if (!mode) return undefined;
      const t = mode.text;
      const octal = /^[0-7]{3,4}$/.test(t) && (Number(t[t.length - 1]) & 2) !== 0;
      const symbolic = /(^|,)[ugo]*[ao][ugo]*[+=][rwxXst]*w/.test(t);
      return octal || symbolic ? { word: mode, message: `\`chmod ${t}\` makes files writable by every user (and process) on the machine` } : undefined;
    });
  },
};

/** SCS-BUILD-007: sudo inside a Dockerfile RUN. */
export const sudoInDockerfile: Check<Record<string, never>> = {
  name: 'sudo-in-dockerfile',
  description: 'sudo used in a Dockerfile RUN',
  formats: ['dockerfile'],
  options: noOptions,
  keywords: () => ['sudo'],
  run(file) {
    return eachCommand(file, (cmd) => (programName(cmd.words[0]) === 'sudo' ? { word: cmd.words[0], message: 'RUN already runs as the image user; `sudo` in a Dockerfile hides privilege changes and needs sudo installed in the image' } : undefined));
  },
};

const DOCKER_VALUE_FLAGS = new Set('-e --env -v --volume -p --publish --name -w --workdir --network --net -u --user --entrypoint --env-file -l --label --mount --platform -h --hostname --add-host --cpus -m --memory --device --cap-add --cap-drop --security-opt --shm-size --ulimit --log-driver --log-opt --restart --pull --gpus --dns --expose --link --tmpfs --volumes-from --ipc --pid --cidfile --group-add --health-cmd --stop-signal --runtime --userns --uts --ip --mac-address --cgroupns --isolation -a --attach --memory-swap --cpu-shares -c --cpuset-cpus --label-file --init-path --storage-opt'.split(' '));

/** The image of `docker|podman run|pull|create …`, and the command's flags. */
export function dockerRunImage(cmd: Command): { image?: Word; flags: Word[]; sub: string } | undefined {
  const args = effectiveArgs(cmd);
  const prog = programName(args[0]);
  if (prog !== 'docker' && prog !== 'podman' && prog !== 'nerdctl') return undefined;
  let i = 1;
  // global options before the subcommand (`docker --config x run`)
  while (i < args.length && args[i].text.startsWith('-')) i += args[i].text.includes('=') ? 1 : 2;
  let sub = args[i]?.text;
  if (sub === 'container' || sub === 'image') sub = args[++i]?.text;
  if (sub !== 'run' && sub !== 'pull' && sub !== 'create') return undefined;
  const flags: Word[] = [];
  for (i++; i < args.length; i++) {
    const t = args[i].text;
    if (t === '--') continue;
    if (t.startsWith('-')) {
      flags.push(args[i]);
      if (DOCKER_VALUE_FLAGS.has(t)) i++;
      continue;
    }
    return { image: args[i], flags, sub };
  }
  return { flags, sub };
}

export function hasDigest(image: string): boolean {
  return /@sha256:[0-9a-f]{64}$/i.test(image.trim());
}

/**
 * Why an image's `@…` digest is not a valid sha256 digest (wrong length, not hexadecimal, another or no
 * algorithm), or undefined when it has none or a valid one: such an image is pinned to nothing a registry
 * can serve, which is a different mistake from a mutable tag.
 */
export function digestProblem(image: string): string | undefined {
  const at = image.trim().lastIndexOf('@');
  if (at === -1 || hasDigest(image)) return undefined;
  const digest = image.trim().slice(at + 1);
  const m = /^([A-Za-z0-9+._-]*):(.*)$/.exec(digest);
  if (!m) return `'@${digest}' is not a digest (expected @sha256: and 64 hex digits)`;
  if (m[1].toLowerCase() !== 'sha256') return `'${m[1]}' is not a supported digest algorithm (expected sha256: and 64 hex digits)`;
  if (/^[0-9a-f]*$/i.test(m[2])) return `not a valid sha256 digest: ${m[2].length} hex digit${m[2].length === 1 ? '' : 's'}, expected 64`;
  return 'not a valid sha256 digest: it must be 64 hex digits (0-9, a-f)';
}

/** SCS-BUILD-003 (shell part): `docker run --privileged`. */
export function privilegedRuns(file: SourceFile): RawMatch[] {
  return eachCommand(file, (cmd) => {
    const d = dockerRunImage(cmd);
    const flag = d?.flags.find((f) => f.text === '--privileged' || f.text === '--privileged=true' || /^--cap-add=?(ALL|SYS_ADMIN)$/i.test(f.text));
    return flag ? { word: flag, message: `\`${d!.sub} ${flag.text}\` gives the container full control of the host` } : undefined;
  });
}

/** Arguments of package-manager commands that point at a registry over plain HTTP. */
export function httpRegistryArgs(file: SourceFile): RawMatch[] {
  return eachCommand(file, (cmd) => {
    const args = effectiveArgs(cmd);
    const prog = programName(args[0]);
    if (!/^(pip\d?(\.\d+)?|uv|npm|yarn|pnpm|gem|bundle|poetry|pipenv|composer|nuget|dotnet|go|cargo)$/.test(prog)) return undefined;
    const w = args.slice(1).find((a) => {
      const v = a.text.includes('=') && a.text.startsWith('-') ? a.text.slice(a.text.indexOf('=') + 1) : a.text;
      return /^http:\/\//i.test(v) && !isLoopback(v);
    });
    return w ? { word: w, message: `\`${prog}\` is pointed at a plain-HTTP registry (${w.text.replace(/^[^=]*=/, '')}): packages can be swapped in transit` } : undefined;
  });
}

export const shellChecks = [remoteScriptExec, tlsDisabled, pipUnpinned, adhocInstall, npmInstallInCi, chmodWorldWritable, sudoInDockerfile];
