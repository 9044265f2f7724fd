// Applying fix plans: each lockfile format says (src/ecosystems/<eco>/index.ts, `fix`) which manifest to edit
// and with which editor — package.json ranges and npm `overrides`, requirements.txt pins, pyproject.toml
// requirements, pom.xml versions and properties — and which command regenerates the lockfile afterwards.
// Editors change only the bytes of version requirements. Lockfiles with integrity hashes are never
// rewritten; formats without an editor get the package manager's command instead.
import { posix } from 'node:path';
import { GO_RELEASE_PACKAGES } from '../ecosystems/go/index.js';
import type { LockfileFormat, Upgrade } from '../ecosystems/types.js';
import type { FixPlan } from './fix.js';

export interface Edit {
  file: string;
  before: string;
  after: string;
  changes: string[];
}

export interface ApplyResult {
  edits: Edit[];
  /** Commands to run afterwards (lockfile regeneration) or instead (what no editor could write). */
  commands: string[];
}

type Read = (file: string) => string | undefined;

/** What to run when a format has no editor, or the editor could not write an upgrade. */
const COMMANDS: Record<string, (p: FixPlan) => string> = {
  'poetry.lock': (p) => `poetry add '${p.package.name}@^${p.to}'`,
  'uv.lock': (p) => `uv lock --upgrade-package '${p.package.name}==${p.to}'`,
  'pdm.lock': (p) => `pdm update ${p.package.name}`,
  'Pipfile.lock': (p) => `pipenv install '${p.package.name}==${p.to}'`,
  'pylock.toml': (p) => `pip lock '${p.package.name}==${p.to}'`,
  'requirements.txt': (p) => `pip-compile --upgrade-package '${p.package.name}==${p.to}'`,
  'go.mod': (p) => (GO_RELEASE_PACKAGES.includes(p.package.name) ? `go get toolchain@go${p.to}   # the Go release that builds the module` : `go get ${p.package.name}@v${p.to!.replace(/^v/, '')} && go mod tidy`),
  'Cargo.lock': (p) => `cargo update -p ${p.package.name} --precise ${p.to}`,
  'Gemfile.lock': (p) => `bundle update ${p.package.name} --conservative   # target ${p.to}`,
  'composer.lock': (p) => `composer require '${p.package.name}:^${p.to!.replace(/^v/, '')}' --update-with-dependencies`,
  'pom.xml': (p) => `set ${p.package.name} to ${p.to} in pom.xml (<version> or its property)`,
  'gradle.lockfile': (p) => `set ${p.package.name} to ${p.to} in build.gradle, then ./gradlew dependencies --write-locks`,
  'package-lock.json': (p) => `npm install ${p.package.name}@${p.to}`,
  'npm-shrinkwrap.json': (p) => `npm install ${p.package.name}@${p.to}`,
  'yarn.lock': (p) => `yarn add ${p.package.name}@${p.to}`,
  'pnpm-lock.yaml': (p) => `pnpm add ${p.package.name}@${p.to}`,
};

function commandFor(p: FixPlan, format: string): string {
  return COMMANDS[format]?.(p) ?? `upgrade ${p.package.name} to ${p.to}`;
}

const upgradeOf = (p: FixPlan): Upgrade => ({ name: p.package.name, from: p.from, to: p.to!, direct: p.package.direct, line: p.package.line });

/** Edits for plans with a target version. `formatOf` names each plan's lockfile format. */
export function applyPlans(plans: FixPlan[], formatOf: (p: FixPlan) => string, read: Read): ApplyResult {
  const result: ApplyResult = { edits: [], commands: [] };
  const groups = new Map<string, { manifest: string; format: LockfileFormat; plans: FixPlan[] }>();
  for (const p of plans.filter((x) => x.to)) {
    const name = formatOf(p);
    const format = p.ecosystem.formats.find((f) => f.name === name);
    if (!format?.fix) {
      result.commands.push(commandFor(p, name));
      continue;
    }
    const manifest = format.fix.manifest ? posix.join(posix.dirname(p.package.file), format.fix.manifest) : p.package.file;
    const key = `${manifest}\0${name}`;
    const group = groups.get(key) ?? { manifest, format, plans: [] };
    group.plans.push(p);
    groups.set(key, group);
  }
  for (const { manifest, format, plans: list } of groups.values()) {
    const fix = format.fix!;
    const before = read(manifest);
    if (before === undefined) {
      result.commands.push(...list.map((p) => `${commandFor(p, format.name)}   # no ${posix.basename(manifest)} beside ${p.package.file}`));
      continue;
    }
    const upgrades = list.map(upgradeOf);
    const edited = fix.editor(before, upgrades);
    if (edited.text !== before) result.edits.push({ file: manifest, before, after: edited.text, changes: edited.changes });
    for (const s of edited.skipped) {
      // Editors hand back the upgrade they were given: two plans may name one package (nested npm copies).
      const plan = list[upgrades.indexOf(s.upgrade)] ?? list.find((p) => p.package.name === s.upgrade.name)!;
      result.commands.push(s.command ?? `${commandFor(plan, format.name)}   # ${s.reason}`);
    }
    const dir = posix.dirname(manifest);
    if (fix.relock && edited.text !== before) result.commands.push(`(cd ${dir} && ${fix.relock})   # regenerates ${format.name} with real integrity hashes`);
  }
  return result;
}
