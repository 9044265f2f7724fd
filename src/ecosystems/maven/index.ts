// Maven: pom.xml (properties, parent and dependencyManagement applied; ranges and unresolved properties are
// reported, not guessed) and Gradle's gradle.lockfile. Names are `groupId:artifactId`.
import type { Ecosystem, Package, ParseProblem, ParseResult } from '../types.js';
import { guarded, identityOf, readIdentity } from '../util.js';
import { editPom } from './edit.js';
import { compareMaven } from './version.js';
import { child, children, parseXml, textOf, type XmlElement } from './xml.js';

function interpolate(value: string, props: Map<string, string>): string {
  let v = value;
  for (let depth = 0; depth < 10 && v.includes('${'); depth++) v = v.replace(/\$\{([^}]+)\}/g, (m, k: string) => props.get(k) ?? m);
  return v;
}

export function parsePom(file: string, text: string): ParseResult {
  return guarded(file, () => {
    const project = child(parseXml(text), 'project');
    if (!project) return { packages: [], problems: [{ file, line: 1, message: 'no <project> element' }] };
    const props = new Map<string, string>();
    const parent = child(project, 'parent');
    const set = (k: string, v: string | undefined): void => {
      if (v !== undefined) props.set(k, v);
    };
    set('project.parent.version', textOf(child(parent, 'version')));
    set('project.parent.groupId', textOf(child(parent, 'groupId')));
    set('project.version', textOf(child(project, 'version')) ?? textOf(child(parent, 'version')));
    set('project.groupId', textOf(child(project, 'groupId')) ?? textOf(child(parent, 'groupId')));
    set('project.artifactId', textOf(child(project, 'artifactId')));
    for (const k of ['version', 'groupId', 'artifactId']) if (props.has(`project.${k}`)) props.set(`pom.${k}`, props.get(`project.${k}`)!);
    for (const p of child(project, 'properties')?.children ?? []) props.set(p.name, p.text.trim());

    const managed = new Map<string, string>();
    for (const d of children(child(child(project, 'dependencyManagement'), 'dependencies'), 'dependency')) {
      const g = interpolate(textOf(child(d, 'groupId')) ?? '', props);
      const a = interpolate(textOf(child(d, 'artifactId')) ?? '', props);
      const v = textOf(child(d, 'version'));
      if (v) managed.set(`${g}:${a}`, interpolate(v, props));
    }
    const packages: Package[] = [];
    const problems: ParseProblem[] = [];
    const add = (d: XmlElement, fromManagement: boolean): void => {
      const name = `${interpolate(textOf(child(d, 'groupId')) ?? '', props)}:${interpolate(textOf(child(d, 'artifactId')) ?? '', props)}`;
      const raw = textOf(child(d, 'version'));
      const version = raw ? interpolate(raw, props) : managed.get(name);
      if (!version) {
        if (!fromManagement) problems.push({ file, line: d.line, message: `${name}: no version (inherited from a parent POM sentrik does not read)` });
        return;
      }
      if (version.includes('${') || /^[[(]/.test(version)) {
        problems.push({ file, line: d.line, message: `${name}: version '${version}' is a range or an unresolved property` });
        return;
      }
      const scope = textOf(child(d, 'scope'));
      packages.push({ name, version, ecosystem: 'Maven', file, line: child(d, 'version')?.line ?? d.line, direct: true, dev: scope === 'test' });
    };
    for (const d of children(child(project, 'dependencies'), 'dependency')) add(d, false);
    const listed = new Set(packages.map((p) => p.name));
    // Managed versions pin transitive dependencies too: matching them catches vulnerable pins.
    for (const d of children(child(child(project, 'dependencyManagement'), 'dependencies'), 'dependency')) {
      const before = packages.length;
      add(d, true);
      const added = packages[before];
      if (added && (listed.has(added.name) || textOf(child(d, 'type')) === 'pom')) packages.pop();
      else if (added) added.direct = false;
    }
    return { packages, problems };
  });
}

export function parseGradleLockfile(file: string, text: string): ParseResult {
  const packages: Package[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('empty=')) return;
    const m = /^([^:\s]+):([^:\s]+):([^=\s]+)(?:=(.*))?$/.exec(line);
    if (!m) return;
    const configs = (m[4] ?? '').split(',').filter(Boolean);
    const dev = configs.length > 0 && configs.every((c) => /^test/i.test(c));
    packages.push({ name: `${m[1]}:${m[2]}`, version: m[3], ecosystem: 'Maven', file, line: i + 1, dev });
  });
  return { packages, problems: [] };
}

export const maven: Ecosystem = {
  id: 'maven',
  osv: 'Maven',
  formats: [
    { name: 'gradle.lockfile', matches: (f) => f === 'gradle.lockfile' || f.endsWith('-gradle.lockfile'), parse: (file, text) => parseGradleLockfile(file, text) },
    { name: 'pom.xml', matches: (f) => f === 'pom.xml', parse: (file, text) => parsePom(file, text), fix: { editor: editPom }, declares: true },
  ],
  compare: compareMaven,
  normalizeName: (name) => name,
  project: {
    file: 'pom.xml',
    read: (text) =>
      readIdentity(() => {
        const project = child(parseXml(text), 'project');
        const parent = child(project, 'parent');
        const group = textOf(child(project, 'groupId')) ?? textOf(child(parent, 'groupId'));
        const artifact = textOf(child(project, 'artifactId'));
        if (!artifact) return undefined;
        return identityOf(group ? `${group}:${artifact}` : artifact, textOf(child(project, 'version')) ?? textOf(child(parent, 'version')));
      }),
  },
};
