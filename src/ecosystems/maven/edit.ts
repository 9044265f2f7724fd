// --fix for pom.xml: the `<version>` of a `<dependency>` (in `<dependencies>` or `<dependencyManagement>`), or
// the `<properties>` entry a `${property}` version refers to. Only the version text changes, in place.
import type { EditResult, Upgrade } from '../types.js';
import { BadFile } from '../util.js';
import { child, children, parseXml, textOf, type XmlElement } from './xml.js';

interface Splice {
  start: number;
  end: number;
  text: string;
}

/** The trimmed text range of an element (leading/trailing whitespace kept as written). */
function valueRange(text: string, el: XmlElement): { start: number; end: number; value: string } {
  const raw = text.slice(el.textStart, el.textEnd);
  const start = el.textStart + (raw.length - raw.trimStart().length);
  const value = raw.trim();
  return { start, end: start + value.length, value };
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
  for (const u of upgrades) {
    const entries = declared.filter((d) => `${textOf(child(d, 'groupId'))}:${textOf(child(d, 'artifactId'))}` === u.name && child(d, 'version'));
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
        if (splices.has(value.start)) continue;
        const others = text.split(`\${${property}}`).length - 2;
        splices.set(value.start, { start: value.start, end: value.end, text: u.to });
        result.changes.push(`${u.name}: property ${property} ${u.from} → ${u.to}${others > 0 ? ` (also used by ${others} other declaration${others === 1 ? '' : 's'})` : ''}`);
      } else if (version.value === u.from) {
        splices.set(version.start, { start: version.start, end: version.end, text: u.to });
        result.changes.push(`${u.name}: ${u.from} → ${u.to}`);
      } else if (version.value !== u.to) result.skipped.push({ upgrade: u, reason: `its <version> is '${version.value}', not ${u.from}` });
    }
  }
  let out = text;
  for (const s of [...splices.values()].sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  result.text = out;
  return result;
}
