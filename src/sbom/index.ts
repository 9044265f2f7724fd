// Bills of materials from the packages sentrik reads out of lockfiles: CycloneDX 1.6 JSON (built and
// serialised with @cyclonedx/cyclonedx-library) and SPDX 2.3 JSON, with purls, hashes where the lockfile
// records them, licences where known, and the dependency graph.
import { createHash, randomUUID } from 'node:crypto';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import type { OsvEcosystem, Package } from '../ecosystems/types.js';
import type { LicenseInfo } from '../licenses/index.js';
import { TOOL } from '../version.js';

/** What the SBOM describes: the project, named by its build file when it has one (else its folder). */
export interface SbomSubject {
  name: string;
  version?: string;
  /** The ecosystem whose build file named it: gives the project a purl. */
  ecosystem?: OsvEcosystem;
}

export function purlOf(p: Pick<Package, 'name' | 'ecosystem'> & { version?: string }): string {
  const split = (full: string, sep: string): [string | undefined, string] => {
    const i = full.lastIndexOf(sep);
    return i <= 0 ? [undefined, full] : [full.slice(0, i), full.slice(i + 1)];
  };
  switch (p.ecosystem) {
    case 'npm': {
      const [ns, name] = p.name.startsWith('@') ? split(p.name, '/') : [undefined, p.name];
      return new PackageURL('npm', ns, name, p.version, undefined, undefined).toString();
    }
    case 'PyPI':
      return new PackageURL('pypi', undefined, p.name.toLowerCase().replace(/[-_.]+/g, '-'), p.version, undefined, undefined).toString();
    case 'Go': {
      const [ns, name] = split(p.name, '/');
      return new PackageURL('golang', ns, name, p.version, undefined, undefined).toString();
    }
    case 'crates.io':
      return new PackageURL('cargo', undefined, p.name, p.version, undefined, undefined).toString();
    case 'Maven': {
      const [group, artifact] = split(p.name, ':');
      return new PackageURL('maven', group, artifact, p.version, undefined, undefined).toString();
    }
    case 'RubyGems':
      return new PackageURL('gem', undefined, p.name, p.version, undefined, undefined).toString();
    case 'Packagist': {
      const [vendor, name] = split(p.name, '/');
      return new PackageURL('composer', vendor, name, p.version, undefined, undefined).toString();
    }
  }
}

/** Lockfile integrity → algorithm and hex digest (`sha512-<base64>`, `sha256:<hex>`, `sha1:<hex>`). */
export function hashOf(integrity: string | undefined): { alg: 'SHA-512' | 'SHA-256' | 'SHA-1' | 'SHA-384'; hex: string } | undefined {
  if (!integrity) return undefined;
  const sri = /^(sha512|sha384|sha256|sha1)-([A-Za-z0-9+/=]+)$/.exec(integrity.split(' ')[0]);
  const alg = (a: string) => (a === 'sha512' ? 'SHA-512' : a === 'sha384' ? 'SHA-384' : a === 'sha256' ? 'SHA-256' : 'SHA-1') as 'SHA-512';
  if (sri) return { alg: alg(sri[1]), hex: Buffer.from(sri[2], 'base64').toString('hex') };
  const hex = /^(sha512|sha256|sha1)[:-]([0-9a-f]{40,128})$/i.exec(integrity);
  return hex ? { alg: alg(hex[1].toLowerCase()), hex: hex[2].toLowerCase() } : undefined;
}

interface Entry {
  pkg: Package;
  ref: string;
  purl: string;
  license?: LicenseInfo;
}

/** Maven coordinates are group:artifact: CycloneDX keeps the group in its own field (as the purl's namespace). */
function groupAndName(name: string, ecosystem: OsvEcosystem | undefined): [string | undefined, string] {
  return ecosystem === 'Maven' && name.includes(':') ? (name.split(':', 2) as [string, string]) : [undefined, name];
}

function entries(packages: Package[], licenses: LicenseInfo[]): Entry[] {
  const byPkg = new Map(licenses.map((l) => [l.package, l]));
  const seen = new Map<string, Entry>();
  for (const pkg of packages) {
    const purl = purlOf(pkg);
    if (!seen.has(purl)) seen.set(purl, { pkg, ref: purl, purl, license: byPkg.get(pkg) });
  }
  return [...seen.values()].sort((a, b) => (a.purl < b.purl ? -1 : 1));
}

/** Graph edges by purl; a package's dependency keys are name@version within its own ecosystem. */
function edges(list: Entry[]): Map<string, string[]> {
  const byKey = new Map(list.map((e) => [`${e.pkg.ecosystem}\0${e.pkg.name}@${e.pkg.version}`, e.purl]));
  return new Map(list.map((e) => [e.purl, (e.pkg.dependencies ?? []).map((k) => byKey.get(`${e.pkg.ecosystem}\0${k}`)).filter((x): x is string => !!x)]));
}

export function cycloneDx(subject: SbomSubject, packages: Package[], licenses: LicenseInfo[]): string {
  const list = entries(packages, licenses);
  const bom = new CDX.Models.Bom();
  bom.serialNumber = `urn:uuid:${randomUUID()}`;
  bom.metadata.timestamp = new Date();
  bom.metadata.tools.components.add(new CDX.Models.Component(CDX.Enums.ComponentType.Application, TOOL.name, { version: TOOL.version }));
  const [rootGroup, rootName] = groupAndName(subject.name, subject.ecosystem);
  const root = new CDX.Models.Component(CDX.Enums.ComponentType.Application, rootName, {
    bomRef: `project:${subject.name}`,
    ...(subject.version && { version: subject.version }),
    ...(rootGroup && { group: rootGroup }),
    ...(subject.ecosystem && { purl: purlOf({ name: subject.name, version: subject.version, ecosystem: subject.ecosystem }) as never }),
  });
  bom.metadata.component = root;
  const components = new Map<string, CDX.Models.Component>();
  for (const e of list) {
    const [group, name] = groupAndName(e.pkg.name, e.pkg.ecosystem);
    const c = new CDX.Models.Component(CDX.Enums.ComponentType.Library, name, { bomRef: e.ref, version: e.pkg.version, purl: e.purl as never, ...(group ? { group } : {}) });
    const h = hashOf(e.pkg.integrity);
    if (h) c.hashes.set(h.alg as CDX.Enums.HashAlgorithm, h.hex);
    if (e.license?.license) c.licenses.add(e.license.valid ? new CDX.Models.LicenseExpression(e.license.license) : new CDX.Models.NamedLicense(e.license.license));
    if (e.pkg.dev) c.scope = CDX.Enums.ComponentScope.Optional;
    components.set(e.purl, c);
    bom.components.add(c);
  }
  for (const [from, tos] of edges(list)) for (const to of tos) components.get(from)!.dependencies.add(components.get(to)!.bomRef);
  for (const e of list) if (e.pkg.direct) root.dependencies.add(components.get(e.purl)!.bomRef);
  const serializer = new CDX.Serialize.JsonSerializer(new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot6));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}

export function spdx(subject: SbomSubject, packages: Package[], licenses: LicenseInfo[]): string {
  const list = entries(packages, licenses);
  const id = (purl: string): string => `SPDXRef-Package-${createHash('sha256').update(purl).digest('hex').slice(0, 16)}`;
  const spdxAlg = { 'SHA-512': 'SHA512', 'SHA-384': 'SHA384', 'SHA-256': 'SHA256', 'SHA-1': 'SHA1' } as const;
  const doc = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: subject.name,
    documentNamespace: `https://spdx.org/spdxdocs/${encodeURIComponent(subject.name)}-${randomUUID()}`,
    creationInfo: { created: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), creators: [`Tool: ${TOOL.name}-${TOOL.version}`] },
    packages: [
      {
        SPDXID: 'SPDXRef-Project',
        name: subject.name,
        ...(subject.version && { versionInfo: subject.version }),
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        licenseConcluded: 'NOASSERTION',
        licenseDeclared: 'NOASSERTION',
        copyrightText: 'NOASSERTION',
        ...(subject.ecosystem && { externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purlOf({ name: subject.name, version: subject.version, ecosystem: subject.ecosystem }) }] }),
      },
      ...list.map((e) => {
        const h = hashOf(e.pkg.integrity);
        return {
          SPDXID: id(e.purl),
          name: e.pkg.name,
          versionInfo: e.pkg.version,
          downloadLocation: 'NOASSERTION',
          filesAnalyzed: false,
          licenseConcluded: 'NOASSERTION',
          licenseDeclared: e.license?.valid ? e.license.license : 'NOASSERTION',
          copyrightText: 'NOASSERTION',
          ...(h ? { checksums: [{ algorithm: spdxAlg[h.alg], checksumValue: h.hex }] } : {}),
          externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: e.purl }],
        };
      }),
    ],
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Project' },
      ...list.filter((e) => e.pkg.direct).map((e) => ({ spdxElementId: 'SPDXRef-Project', relationshipType: e.pkg.dev ? 'DEV_DEPENDENCY_OF' : 'DEPENDS_ON', relatedSpdxElement: id(e.purl) })),
      ...[...edges(list)].flatMap(([from, tos]) => tos.map((to) => ({ spdxElementId: id(from), relationshipType: 'DEPENDS_ON', relatedSpdxElement: id(to) }))),
    ],
  };
  // DEV_DEPENDENCY_OF points from the dependency to the project.
  for (const r of doc.relationships) if (r.relationshipType === 'DEV_DEPENDENCY_OF') [r.spdxElementId, r.relatedSpdxElement] = [r.relatedSpdxElement, r.spdxElementId];
  return `${JSON.stringify(doc, null, 2)}\n`;
}
