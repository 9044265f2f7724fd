// --fix for pom.xml: the `<version>` of a `<dependency>` (in `<dependencies>` or `<dependencyManagement>`), or
// the `<properties>` entry a `${property}` version refers to. Only the version text changes, in place.
// A property shared with artifacts that are not being upgraded is left alone (they would move silently).
import type { EditResult, Upgrade } from '../types.js';
import { applySplices, BadFile, type Splice } from '../util.js';
import { compareMaven } from './version.js';
import { child, children, parseXml, textOf, type XmlElement } from './xml.js';


/** The trimmed text range of an element (leading/trailing whitespace kept as written). */
function valueRange(text: string, el: XmlElement): { start: number; end: number; value: string } {
  const raw = text.slice(el.textStart, el.textEnd);
  const start = el.textStart + (raw.length - raw.trimStart().length);
  const value = raw.trim();
  return { start, end: start + value.length, value };
}

const nameOf = (d: XmlElement): string => `${textOf(child(d, 'groupId'))}:${textOf(child(d, 'artifactId'))}`;

/** Upgrades that all go through one `<properties>` entry. */
interface PropertyUse {
  property: string;
  value: { start: number; end: number; value: string };
  upgrades: Upgrade[];
  /** How many of the file's `${property}` references are versions of the upgraded dependencies. */
  refs: number;
}

export function editPom(text: string, upgrades: Upgrade[]): EditResult {
  const result: EditResult = { text, changes: [], skipped: [] };
  let project: XmlElement | undefined;
  try {
    project = child(parseXml(text), 'project');
  } catch (err) {
    for (const u of upgrades) result.skipped.push({ upgrade: u, reason: `pom.xml is not well-formed${err instanceof BadFile && err.line ? ` (line ${err.line})` : ''}` });
    return result;
  }
  const properties = child(project, 'properties')?.children ?? [];
  const declared = [...children(child(project, 'dependencies'), 'dependency'), ...children(child(child(project, 'dependencyManagement'), 'dependencies'), 'dependency')];
  const splices = new Map<number, Splice>();
  const viaProperty = new Map<string, PropertyUse>();
  for (const u of upgrades) {
    const entries = declared.filter((d) => nameOf(d) === u.name && child(d, 'version'));
    if (!entries.length) {
      result.skipped.push({ upgrade: u, reason: 'no <version> for it in this pom.xml (inherited or transitive)' });
      continue;
    }
    for (const d of entries) {
      const version = valueRange(text, child(d, 'version')!);
      const property = /^\$\{([^}]+)\}$/.exec(version.value)?.[1];
      if (property) {
        const prop = properties.find((p) => p.name === property);
        if (!prop) {
          result.skipped.push({ upgrade: u, reason: `its version is \${${property}}, which is not set in this pom.xml's <properties>` });
          continue;
        }
        const value = valueRange(text, prop);
        if (value.value !== u.from) {
          if (value.value !== u.to) result.skipped.push({ upgrade: u, reason: `property ${property} is '${value.value}', not ${u.from}` });
          continue;
        }
        const use = viaProperty.get(property) ?? { property, value, upgrades: [], refs: 0 };
        if (!use.upgrades.includes(u)) use.upgrades.push(u);
        use.refs++;
        viaProperty.set(property, use);
      } else if (version.value === u.from) {
        splices.set(version.start, { start: version.start, end: version.end, text: u.to });
        result.changes.push(`${u.name}: ${u.from} → ${u.to}`);
      } else if (version.value !== u.to) result.skipped.push({ upgrade: u, reason: `its <version> is '${version.value}', not ${u.from}` });
    }
  }
  for (const use of viaProperty.values()) writeProperty(text, use, declared, splices, result);
  result.text = applySplices(text, splices.values());
  return result;
}

/**
 * One property shared by several upgrades gets the highest target, named once per package. A property that
 * something else also uses (another artifact, a plugin) is not changed: that would move them silently.
 */
function writeProperty(text: string, use: PropertyUse, declared: XmlElement[], splices: Map<number, Splice>, result: EditResult): void {
  const ref = `\${${use.property}}`;
  const upgraded = new Set(use.upgrades.map((u) => u.name));
  const otherDeps = declared.filter((d) => !upgraded.has(nameOf(d)) && textOf(child(d, 'version'))?.trim() === ref);
  const others = [...new Set(otherDeps.map(nameOf))];
  // References outside dependency versions (plugins, other properties) count too.
  const elsewhere = text.split(ref).length - 1 - use.refs - otherDeps.length;
  if (others.length || elsewhere > 0) {
    const users = [...others, ...(elsewhere > 0 ? [`${elsewhere} other reference${elsewhere === 1 ? '' : 's'}`] : [])].join(', ');
    for (const u of use.upgrades) {
      result.skipped.push({ upgrade: u, reason: `property ${use.property} is also used by ${users}, which would change too; write <version>${u.to}</version> for ${u.name} instead of ${ref}` });
    }
    return;
  }
  const to = use.upgrades.map((u) => u.to).reduce((a, b) => (compareMaven(a, b) >= 0 ? a : b));
  splices.set(use.value.start, { start: use.value.start, end: use.value.end, text: to });
  for (const u of use.upgrades) {
    const shared = use.upgrades.length > 1 ? ` (shared with ${use.upgrades.filter((x) => x !== u).map((x) => x.name).join(', ')}${u.to === to ? '' : `; the highest target, ${u.name} needs ${u.to}`})` : '';
    result.changes.push(`${u.name}: property ${use.property} ${use.value.value} → ${to}${shared}`);
  }
}
