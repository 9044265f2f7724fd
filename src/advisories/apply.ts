// Applying fix plans to manifests, as text edits that keep the file's formatting: package.json ranges (and
// npm `overrides` for transitive packages), requirements.txt pins. Lockfiles with integrity hashes are never
// rewritten — the package manager's own command regenerates them, and sentrik prints it.
import { posix } from 'node:path';
import type { FixPlan } from './fix.js';

export interface Edit {
  file: string;
  before: string;
  after: string;
  changes: string[];
}

export interface ApplyResult {
  edits: Edit[];
  /** Commands to run afterwards (lockfile regeneration) or instead (formats sentrik does not edit). */
  commands: string[];
}

type Read = (file: string) => string | undefined;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Keep the range operator the user chose: ^1.2.3 → ^1.4.0, ~1.2.3 → ~1.2.5, 1.2.3 → 1.4.0. */
function newRange(old: string, to: string): string {
  const op = /^(\^|~|>=|=)?/.exec(old)?.[1] ?? '';
  return `${op}${to}`;
}

function editPackageJson(text: string, plans: FixPlan[], changes: string[]): string {
  let out = text;
  const overrides: [string, string][] = [];
  for (const p of plans) {
    const name = p.package.name;
    const re = new RegExp(`("(?:dependencies|devDependencies|optionalDependencies)"\\s*:\\s*\\{[^}]*?"${escapeRe(name)}"\\s*:\\s*")([^"]*)(")`);
    const m = re.exec(out);
    if (m && p.package.direct !== false) {
      out = out.replace(re, (_, a: string, range: string, c: string) => `${a}${newRange(range, p.to!)}${c}`);
      changes.push(`${name}: "${m[2]}" → "${newRange(m[2], p.to!)}"`);
    } else overrides.push([name, p.to!]);
  }
  if (overrides.length) {
    const indent = /\n(\s+)"/.exec(out)?.[1] ?? '  ';
    const existing = /("overrides"\s*:\s*\{)(\s*)/.exec(out);
    const entries = overrides.map(([n, v]) => `"${n}": "${v}"`);
    if (existing) {
      out = out.replace(existing[0], `${existing[1]}${existing[2]}${entries.join(`,${existing[2]}`)},${existing[2]}`);
    } else {
      const close = out.lastIndexOf('}');
      const body = out.slice(0, close).replace(/\s*$/, '');
      out = `${body},\n${indent}"overrides": {\n${entries.map((e) => `${indent}${indent}${e}`).join(',\n')}\n${indent}}\n${out.slice(close)}`;
    }
    for (const [n, v] of overrides) changes.push(`${n}: override → "${v}" (transitive)`);
  }
  return out;
}

function editRequirements(text: string, plans: FixPlan[], changes: string[], commands: string[]): string {
  const lines = text.split('\n');
  for (const p of plans) {
    const i = (p.package.line ?? 0) - 1;
    const line = lines[i];
    if (line === undefined) continue;
    if (/--hash/.test(line) || /\\\s*$/.test(line)) {
      commands.push(`pip-compile --upgrade-package '${p.package.name}==${p.to}'   # hashes must be regenerated, not forged`);
      continue;
    }
    const re = new RegExp(`(===?\\s*)${escapeRe(p.from)}(?=\\s|$|;|,|#)`);
    if (!re.test(line)) continue;
    lines[i] = line.replace(re, `$1${p.to}`);
    changes.push(`${p.package.name}: ${p.from} → ${p.to}`);
  }
  return lines.join('\n');
}

const COMMANDS: Record<string, (p: FixPlan) => string> = {
  'poetry.lock': (p) => `poetry add '${p.package.name}@^${p.to}'`,
  'uv.lock': (p) => `uv lock --upgrade-package '${p.package.name}==${p.to}'`,
  'pdm.lock': (p) => `pdm update ${p.package.name}`,
  'Pipfile.lock': (p) => `pipenv install '${p.package.name}==${p.to}'`,
  'pylock.toml': (p) => `pip lock '${p.package.name}==${p.to}'`,
  'go.mod': (p) => `go get ${p.package.name}@v${p.to!.replace(/^v/, '')} && go mod tidy`,
  'Cargo.lock': (p) => `cargo update -p ${p.package.name} --precise ${p.to}`,
  'Gemfile.lock': (p) => `bundle update ${p.package.name} --conservative   # target ${p.to}`,
  'composer.lock': (p) => `composer require '${p.package.name}:^${p.to!.replace(/^v/, '')}' --update-with-dependencies`,
  'pom.xml': (p) => `set ${p.package.name} to ${p.to} in pom.xml (<version> or its property)`,
  'gradle.lockfile': (p) => `set ${p.package.name} to ${p.to} in build.gradle, then ./gradlew dependencies --write-locks`,
};

/** Edits for plans with a target version. `lockfileFormat` names each plan's source format. */
export function applyPlans(plans: FixPlan[], formatOf: (p: FixPlan) => string, read: Read): ApplyResult {
  const result: ApplyResult = { edits: [], commands: [] };
  const groups = new Map<string, FixPlan[]>();
  for (const p of plans.filter((x) => x.to)) {
    const format = formatOf(p);
    const dir = posix.dirname(p.package.file);
    const key = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'].includes(format) ? `npm\0${dir}\0${format}` : format === 'requirements.txt' ? `req\0${p.package.file}` : `cmd\0${format}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  for (const [key, list] of groups) {
    const [kind, where, format] = key.split('\0');
    if (kind === 'npm') {
      const file = posix.join(where, 'package.json');
      const before = read(file);
      if (before === undefined) {
        result.commands.push(...list.map((p) => `npm install ${p.package.name}@${p.to}   # no package.json beside ${p.package.file}`));
        continue;
      }
      const changes: string[] = [];
      const after = editPackageJson(before, list, changes);
      if (after !== before) result.edits.push({ file, before, after, changes });
      const install = format === 'yarn.lock' ? 'yarn install' : format === 'pnpm-lock.yaml' ? 'pnpm install' : 'npm install';
      result.commands.push(`(cd ${where} && ${install})   # regenerates ${format} with real integrity hashes`);
    } else if (kind === 'req') {
      const before = read(where);
      if (before === undefined) continue;
      const changes: string[] = [];
      const after = editRequirements(before, list, changes, result.commands);
      if (after !== before) result.edits.push({ file: where, before, after, changes });
    } else {
      for (const p of list) result.commands.push(COMMANDS[where]?.(p) ?? `upgrade ${p.package.name} to ${p.to}`);
    }
  }
  return result;
}
