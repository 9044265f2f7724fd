// SBOMs through the real CLI: CycloneDX 1.6 validated against the CycloneDX JSON schema bundled with
// @cyclonedx/cyclonedx-library; SPDX 2.3 with purls, checksums and relationships; licences and copyleft.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyleftOf, parseSpdx } from '../../src/licenses/spdx.js';
import { hashOf, purlOf } from '../../src/sbom/index.js';
import { project, sentrik } from '../cli/helpers.js';

const LOCK = JSON.stringify({
  name: 'demo',
  lockfileVersion: 3,
  packages: {
    '': { name: 'demo', dependencies: { express: '4.0.0' }, devDependencies: { vitest: '1.0.0' } },
    'node_modules/express': { version: '4.0.0', integrity: 'sha512-qVzd1f7JQc0Ms2sp9ZkUUX/6jlyxaArrNXk8GNRifnxn+hHvaVP1lJaRfe94NrXCa1fsCFoWRvZd7nF5zTP0Vw==', license: 'MIT', dependencies: { 'readable-x': '1.0.0' } },
    'node_modules/readable-x': { version: '1.0.0', license: 'GPL-3.0-only' },
    'node_modules/vitest': { version: '1.0.0', dev: true, license: 'MIT OR GPL-2.0-only' },
  },
});

const files = { 'package-lock.json': LOCK, 'requirements.txt': 'Django==4.2.1\n', 'node_modules/vitest/package.json': '{}' };

describe('sentrik sbom', () => {
  it('writes CycloneDX 1.6 that validates against the bundled schema, with purls, hashes and the graph', async () => {
    const root = project(files);
    const r = sentrik(['sbom', root]);
    expect(r.code).toBe(0);
    const error = await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(r.stdout);
    expect(error).toBeNull();
    const bom = JSON.parse(r.stdout) as { specVersion: string; components: { purl: string; hashes?: { alg: string; content: string }[] }[]; dependencies: { ref: string; dependsOn?: string[] }[] };
    expect(bom.specVersion).toBe('1.6');
    expect(bom.components.map((c) => c.purl).sort()).toEqual(['pkg:npm/express@4.0.0', 'pkg:npm/readable-x@1.0.0', 'pkg:npm/vitest@1.0.0', 'pkg:pypi/django@4.2.1']);
    expect(bom.components.find((c) => c.purl === 'pkg:npm/express@4.0.0')!.hashes).toEqual([{ alg: 'SHA-512', content: expect.stringMatching(/^[0-9a-f]{128}$/) }]);
    expect(bom.dependencies.find((d) => d.ref === 'pkg:npm/express@4.0.0')!.dependsOn).toEqual(['pkg:npm/readable-x@1.0.0']);
  });

  it('writes SPDX 2.3 JSON with purl external refs, checksums and DEPENDS_ON relationships', () => {
    const root = project(files);
    const out = `${root}/sbom.spdx.json`;
    const r = sentrik(['sbom', root, '-f', 'spdx', '-o', out]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(sentrik(['sbom', root, '-f', 'spdx']).stdout) as { spdxVersion: string; packages: { SPDXID: string; name: string; checksums?: unknown[]; externalRefs?: { referenceLocator: string }[]; licenseDeclared: string }[]; relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[] };
    expect(doc.spdxVersion).toBe('SPDX-2.3');
    const express = doc.packages.find((p) => p.name === 'express')!;
    expect(express.externalRefs![0].referenceLocator).toBe('pkg:npm/express@4.0.0');
    expect(express.checksums).toHaveLength(1);
    expect(express.licenseDeclared).toBe('MIT');
    const readable = doc.packages.find((p) => p.name === 'readable-x')!;
    expect(doc.relationships).toContainEqual({ spdxElementId: express.SPDXID, relationshipType: 'DEPENDS_ON', relatedSpdxElement: readable.SPDXID });
    expect(doc.relationships).toContainEqual({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Project' });
  });

  it('says on stderr what an SBOM leaves out — manifests without a lockfile, with the command — or that it found nothing; exit 0', async () => {
    // QA: a project with no lockfile got an empty BOM and not a word.
    const unlocked = project({ 'package.json': '{\n  "name": "x",\n  "dependencies": { "lodash": "^4" }\n}\n', 'svc/Cargo.toml': '[dependencies]\nserde = "1"\n' });
    const r = sentrik(['sbom', unlocked]);
    expect(r.code).toBe(0);
    expect(await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(r.stdout)).toBeNull();
    expect(r.stderr).toBe(
      'sentrik: warning: 2 dependencies are not in the SBOM:\n' +
        '  package.json:3: 1 dependency left out — no lockfile, versions unknown (lodash); run `npm install` to create package-lock.json\n' +
        '  svc/Cargo.toml:1: 1 dependency left out — no lockfile, versions unknown (serde); run `cargo generate-lockfile` to create Cargo.lock\n',
    );
    const nothing = sentrik(['sbom', project({ 'README.md': '# x\n' }), '-f', 'spdx']);
    expect(nothing.code).toBe(0);
    expect(nothing.stderr).toMatch(/^sentrik: warning: the SPDX document lists no packages: no lockfile or dependency manifest under .+ \(sentrik reads npm-shrinkwrap\.json, package-lock\.json, yarn\.lock, .*, and their manifests\)\n$/);
    // A complete project: not a word.
    expect(sentrik(['sbom', project(files)]).stderr).toBe('');
  });

  it('builds purls and hashes per ecosystem', () => {
    const p = (ecosystem: string, name: string, version: string) => purlOf({ ecosystem, name, version, file: 'x' } as never);
    expect(p('npm', '@babel/core', '7.0.0')).toBe('pkg:npm/%40babel/core@7.0.0');
    expect(p('Maven', 'org.apache.logging.log4j:log4j-core', '2.14.1')).toBe('pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1');
    expect(p('Go', 'github.com/gin-gonic/gin', 'v1.9.0')).toBe('pkg:golang/github.com/gin-gonic/gin@v1.9.0');
    expect(p('PyPI', 'Foo_Bar', '1.0')).toBe('pkg:pypi/foo-bar@1.0');
    expect(hashOf('sha256:ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789')).toEqual({ alg: 'SHA-256', hex: 'abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789' });
  });
});

describe('sentrik licenses', () => {
  it('parses SPDX expressions and classifies copyleft: OR takes the lighter choice, AND the heavier', () => {
    expect(copyleftOf(parseSpdx('MIT OR GPL-2.0-only')!)).toBe('none');
    expect(copyleftOf(parseSpdx('MIT AND (LGPL-2.1-or-later OR GPL-3.0-only)')!)).toBe('weak');
    expect(copyleftOf(parseSpdx('GPL-2.0-only WITH Classpath-exception-2.0')!)).toBe('strong');
    expect(parseSpdx('SEE LICENSE IN LICENSE.txt')).toBeUndefined();
    expect(parseSpdx('(MIT')).toBeUndefined();
  });

  it('operators are case-sensitive, as in the SPDX specification and spdx-expression-parse', () => {
    expect(parseSpdx('MIT OR Apache-2.0')).toEqual({ op: 'OR', left: { id: 'MIT' }, right: { id: 'Apache-2.0' } });
    for (const text of ['MIT or Apache-2.0', '(MIT and BSD-3-Clause)', 'GPL-2.0-only with Classpath-exception-2.0', 'MIT Or ISC']) expect(parseSpdx(text), text).toBeUndefined();
  });

  it('classifies copyleft families, restricted use and LicenseRef- terms (unknown)', () => {
    const cls = (text: string) => copyleftOf(parseSpdx(text)!);
    expect(['CC-BY-SA-4.0', 'GFDL-1.3-or-later', 'GFDL-1.2-only', 'AGPL-3.0-only'].map(cls)).toEqual(['strong', 'strong', 'strong', 'strong']);
    expect(['CC-BY-NC-4.0', 'CC-BY-NC-SA-4.0', 'CC-BY-ND-4.0', 'BUSL-1.1', 'PolyForm-Noncommercial-1.0.0'].map(cls)).toEqual(['restricted', 'restricted', 'restricted', 'restricted', 'restricted']);
    expect(cls('LicenseRef-acme-eula')).toBe('unknown');
    // With a choice the known lighter one is taken; under AND unknown terms stay unknown.
    expect(cls('MIT OR LicenseRef-acme')).toBe('none');
    expect(cls('Apache-2.0 AND LicenseRef-acme')).toBe('unknown');
    expect(cls('CC-BY-NC-4.0 AND GPL-3.0-only')).toBe('restricted');
  });

  it('lists every package with its licence and flags copyleft and unknown; --copyleft-only filters', () => {
    const root = project(files);
    const all = sentrik(['licenses', root]);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/readable-x\s+1\.0\.0\s+GPL-3\.0-only\s+copyleft/);
    expect(all.stdout).toMatch(/Django\s+4\.2\.1\s+-\s+unknown/);
    expect(all.stdout).toContain('4 packages: 1 copyleft, 0 weak copyleft, 0 restricted use, 1 unknown');
    // Where it looked for the one without: the user can act on that.
    expect(all.stdout).toContain('1 with no licence on record: the lockfile does not say, and no installed copy was found in .venv/ or venv/ (PyPI): install the dependencies here and run again.');
    const go = sentrik(['licenses', project({ 'go.mod': 'module example.com/x\n\nrequire golang.org/x/net v0.20.0\n' })]);
    expect(go.stdout).toContain('1 with no licence on record: the lockfile does not say, and sentrik has no offline source of Go licences.');
    const only = sentrik(['licenses', root, '--copyleft-only', '--json']);
    expect((JSON.parse(only.stdout) as { name: string }[]).map((x) => x.name)).toEqual(['readable-x']);
  });
});

describe('CycloneDX fields', () => {
  it('a Maven component has its group apart from its name, as the purl has it (osv-scalibr pom.xml fixture)', () => {
    const root = project({ 'pom.xml': readFileSync(join('..', 'shared', 'corpora', 'lockfiles', 'osv-scalibr', 'java', 'pomxml', 'testdata', 'with-scope.xml'), 'utf8') });
    const bom = JSON.parse(sentrik(['sbom', root]).stdout) as { components: { group?: string; name: string; purl: string }[] };
    expect(bom.components.length).toBeGreaterThan(0);
    for (const c of bom.components) {
      expect(c.name).not.toContain(':');
      expect(c.purl).toBe(`pkg:maven/${c.group}/${c.name}@${c.purl.split('@')[1]}`);
    }
  });
});

describe('the project an SBOM describes', () => {
  type Bom = { metadata: { component: { name: string; version?: string; group?: string; purl?: string } } };
  type Doc = { name: string; packages: { SPDXID: string; name: string; versionInfo?: string; externalRefs?: { referenceLocator: string }[] }[] };
  const described = (root: string) => {
    const r = sentrik(['sbom', root]);
    expect(r.code).toBe(0);
    const spdx = JSON.parse(sentrik(['sbom', root, '-f', 'spdx']).stdout) as Doc;
    return { cdx: (JSON.parse(r.stdout) as Bom).metadata.component, spdx: spdx.packages.find((p) => p.SPDXID === 'SPDXRef-Project')!, json: r.stdout };
  };

  it('is named and versioned as its build file says, with a purl, and still validates', async () => {
    const { cdx, spdx, json } = described(project({ ...files, 'package.json': JSON.stringify({ name: 'shop-api', version: '2.4.0' }) }));
    expect(cdx).toMatchObject({ name: 'shop-api', version: '2.4.0', purl: 'pkg:npm/shop-api@2.4.0' });
    expect(spdx).toMatchObject({ name: 'shop-api', versionInfo: '2.4.0', externalRefs: [{ referenceLocator: 'pkg:npm/shop-api@2.4.0' }] });
    expect(await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(json)).toBeNull();
  });

  it('reads pyproject.toml ([project], else [tool.poetry]), Cargo.toml and go.mod', () => {
    const lock = { 'requirements.txt': 'Django==4.2.1\n' };
    expect(described(project({ ...lock, 'pyproject.toml': '[project]\nname = "billing"\nversion = "0.3.1"\n' })).cdx).toMatchObject({ name: 'billing', version: '0.3.1', purl: 'pkg:pypi/billing@0.3.1' });
    expect(described(project({ ...lock, 'pyproject.toml': '[tool.poetry]\nname = "ledger"\nversion = "1.0.0"\n' })).cdx).toMatchObject({ name: 'ledger', version: '1.0.0' });
    expect(described(project({ ...lock, 'Cargo.toml': '[package]\nname = "edge"\nversion.workspace = true\n' })).cdx).toEqual(expect.objectContaining({ name: 'edge', purl: 'pkg:cargo/edge' }));
    const go = described(project({ 'go.mod': 'module github.com/acme/gateway // the API edge\n\ngo 1.22\n\nrequire golang.org/x/net v0.20.0\n' })).cdx;
    expect(go).toMatchObject({ name: 'github.com/acme/gateway', purl: 'pkg:golang/github.com/acme/gateway' });
    expect(go.version).toBeUndefined();
  });

  it("a Maven project keeps its group apart, from its parent when it has none (osv-scalibr pom.xml fixtures)", () => {
    const fixture = (name: string) => readFileSync(join('..', 'shared', 'corpora', 'lockfiles', 'osv-scalibr', 'java', 'pomxml', 'testdata', name), 'utf8');
    expect(described(project({ 'pom.xml': fixture('with-parent.xml') })).cdx).toMatchObject({ group: 'com.mycompany.app', name: 'my-app', version: '1.0', purl: 'pkg:maven/com.mycompany.app/my-app@1.0' });
    const inherited = fixture('with-parent.xml').replace('<groupId>com.mycompany.app</groupId>', '').replace('<version>1.0</version>\n\n  <parent>', '<parent>');
    expect(described(project({ 'pom.xml': inherited })).cdx).toMatchObject({ group: 'org.local', name: 'my-app', version: '1.0' });
  });

  it('is named after its folder when no build file names it, or the build file does not parse', () => {
    for (const extra of [{}, { 'package.json': '{ "name": ' }, { 'package.json': JSON.stringify({ private: true }) }]) {
      const root = project({ ...files, ...extra });
      const { cdx, spdx } = described(root);
      expect(cdx.name).toBe(basename(root));
      expect(cdx.version).toBeUndefined();
      expect(cdx.purl).toBeUndefined();
      expect(spdx.name).toBe(basename(root));
    }
  });
});

describe('dependency graph', () => {
  it('a poetry.lock without a pyproject.toml still gives its edges (osv-scalibr fixture: factory-boy depends on Faker)', () => {
    const root = project({ 'poetry.lock': readFileSync(join('..', 'shared', 'corpora', 'lockfiles', 'osv-scalibr', 'python', 'poetrylock', 'testdata', 'multiple-packages.v2.lock'), 'utf8') });
    const bom = JSON.parse(sentrik(['sbom', root]).stdout) as { dependencies: { ref: string; dependsOn?: string[] }[] };
    const factory = bom.dependencies.find((d) => d.ref.startsWith('pkg:pypi/factory-boy@'));
    expect(factory?.dependsOn?.some((r) => r.startsWith('pkg:pypi/faker@'))).toBe(true);
  });
});

describe('licences that are not SPDX', () => {
  it('an id not on the SPDX list is not declared as SPDX (SBOM: NOASSERTION / a named licence); licenses names what it likely means', () => {
    const root = project({
      'package.json': JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { symbol: '0.2.3', old: '1.0.0' } }),
      'package-lock.json': JSON.stringify({
        name: 'app', version: '1.0.0', lockfileVersion: 3,
        packages: { '': { name: 'app', version: '1.0.0' }, 'node_modules/symbol': { version: '0.2.3', license: 'MPLv2.0' }, 'node_modules/old': { version: '1.0.0', license: 'MIT' } },
      }),
    });
    const spdx = JSON.parse(sentrik(['sbom', root, '-f', 'spdx']).stdout) as { packages: { name: string; licenseDeclared: string }[] };
    expect(spdx.packages.find((p) => p.name === 'symbol')!.licenseDeclared).toBe('NOASSERTION');
    expect(spdx.packages.find((p) => p.name === 'old')!.licenseDeclared).toBe('MIT');
    const cdx = JSON.parse(sentrik(['sbom', root]).stdout) as { components: { name: string; licenses?: { license?: { name?: string; id?: string }; expression?: string }[] }[] };
    expect(cdx.components.find((c) => c.name === 'symbol')!.licenses).toEqual([{ license: { name: 'MPLv2.0' } }]);
    const list = sentrik(['licenses', root]);
    // The hint is shown, never classified by: the licence as written is not known to be MPL.
    expect(list.stdout).toMatch(/symbol\s+0\.2\.3\s+MPLv2\.0\s+unknown, not SPDX \(MPL-2\.0\?\)/);
    const json = JSON.parse(sentrik(['licenses', root, '--json']).stdout) as { name: string; spdxValid: boolean; suggested?: string }[];
    expect(json.find((r) => r.name === 'symbol')).toMatchObject({ spdxValid: false, suggested: 'MPL-2.0' });
  });
});

describe('licence risk QA found under-reported', () => {
  const lock = (licenses: Record<string, string>) =>
    JSON.stringify({ name: 'app', lockfileVersion: 3, packages: { '': { name: 'app' }, ...Object.fromEntries(Object.entries(licenses).map(([name, license]) => [`node_modules/${name}`, { version: '1.0.0', license }])) } });
  const root = () =>
    project({ 'package-lock.json': lock({ lower: 'MIT or Apache-2.0', closed: 'UNLICENSED', ref: 'LicenseRef-acme', nc: 'CC-BY-NC-4.0', ncsa: 'CC-BY-NC-SA-4.0', sa: 'CC-BY-SA-4.0', gfdl: 'GFDL-1.3-only', mit: 'MIT' }) });

  it('lower-case operators are not SPDX: the suggestion upper-cases them, and SBOMs declare no expression for them', async () => {
    const dir = root();
    const json = JSON.parse(sentrik(['licenses', dir, '--json']).stdout) as { name: string; spdxValid: boolean; suggested?: string; copyleft: string }[];
    expect(json.find((r) => r.name === 'lower')).toMatchObject({ spdxValid: false, suggested: 'MIT OR Apache-2.0', copyleft: 'unknown' });
    expect(sentrik(['licenses', dir]).stdout).toMatch(/lower\s+1\.0\.0\s+MIT or Apache-2\.0\s+unknown, not SPDX \(MIT OR Apache-2\.0\?\)/);
    const cdx = sentrik(['sbom', dir]).stdout;
    expect(await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(cdx)).toBeNull();
    const components = (JSON.parse(cdx) as { components: { name: string; licenses?: unknown[] }[] }).components;
    expect(components.find((c) => c.name === 'lower')!.licenses).toEqual([{ license: { name: 'MIT or Apache-2.0' } }]);
    expect(components.find((c) => c.name === 'closed')!.licenses).toEqual([{ license: { name: 'UNLICENSED' } }]);
    const spdx = JSON.parse(sentrik(['sbom', dir, '-f', 'spdx']).stdout) as { packages: { name: string; licenseDeclared: string }[] };
    expect(spdx.packages.find((p) => p.name === 'lower')!.licenseDeclared).toBe('NOASSERTION');
    expect(spdx.packages.find((p) => p.name === 'mit')!.licenseDeclared).toBe('MIT');
  });

  it('UNLICENSED is proprietary, not "Unlicense"; LicenseRef- is unknown; CC-BY-NC/-SA and GFDL are flagged and kept by --copyleft-only', () => {
    const dir = root();
    const table = sentrik(['licenses', dir]).stdout;
    expect(table).toMatch(/closed\s+1\.0\.0\s+UNLICENSED\s+unknown, proprietary \(no rights granted\)\n/);
    expect(table).not.toContain('Unlicense');
    expect(table).toMatch(/ref\s+1\.0\.0\s+LicenseRef-acme\s+unknown\n/);
    expect(table).toMatch(/nc\s+1\.0\.0\s+CC-BY-NC-4\.0\s+restricted use\n/);
    expect(table).toMatch(/gfdl\s+1\.0\.0\s+GFDL-1\.3-only\s+copyleft\n/);
    expect(table).toContain('8 packages: 2 copyleft, 0 weak copyleft, 2 restricted use, 3 unknown');
    const json = JSON.parse(sentrik(['licenses', dir, '--json']).stdout) as { name: string; copyleft: string; suggested?: string; proprietary?: boolean }[];
    expect(json.find((r) => r.name === 'closed')).toEqual(expect.objectContaining({ copyleft: 'unknown', proprietary: true }));
    expect(json.find((r) => r.name === 'closed')!.suggested).toBeUndefined();
    const only = JSON.parse(sentrik(['licenses', dir, '--copyleft-only', '--json']).stdout) as { name: string }[];
    expect(only.map((r) => r.name)).toEqual(['gfdl', 'nc', 'ncsa', 'sa']);
  });
});

describe('package hashes', () => {
  const goof = (version: string) => {
    const dir = join('..', 'shared', 'corpora', 'lockfiles', 'snyk', version, 'real', 'goof');
    const bom = JSON.parse(sentrik(['sbom', project({ 'yarn.lock': readFileSync(join(dir, 'yarn.lock')), 'package.json': readFileSync(join(dir, 'package.json')) })]).stdout) as { components: { purl: string; hashes?: { alg: string; content: string }[] }[] };
    return bom.components.find((c) => c.purl === 'pkg:npm/concat-map@0.0.1')!;
  };

  it("yarn classic's integrity is the tarball's hash; berry's checksum hashes Yarn's cache zip and is left out (Snyk goof fixtures)", () => {
    expect(goof('yarn-lock-v1').hashes).toEqual([{ alg: 'SHA-1', content: 'd8a96bd77fd68df7793a73036a3ba0d5405d477b' }]);
    const berry = goof('yarn-lock-v4');
    expect(berry).toBeDefined();
    expect(berry.hashes ?? []).toEqual([]);
  });
});

describe('sbom and vulns count the same packages', () => {
  const CORPORA = join('..', 'shared', 'corpora');
  const fixture = (...parts: string[]): string => readFileSync(join(CORPORA, 'lockfiles', ...parts), 'utf8');
  let db: string;
  beforeAll(() => {
    db = join(project({}), 'db');
    expect(sentrik(['vulns', 'db', 'import', join(CORPORA, 'osv', 'npm', 'all.zip'), '--db', db]).code).toBe(0);
  });

  const count = (root: string): { sbom: number; vulns: number } => {
    const bom = JSON.parse(sentrik(['sbom', root]).stdout) as { components: unknown[] };
    const report = JSON.parse(sentrik(['vulns', root, '--db', db, '--format', 'json']).stdout) as { dependencies: { packages: number } };
    return { sbom: bom.components.length, vulns: report.dependencies.packages };
  };

  it('yarn: git installs left out by both, an entry of several descriptors and a built-in patch counted once', () => {
    // QA: osv-scalibr's commits.v1.lock gave "7 packages" in vulns and 6 components in the SBOM; every entry is a git install.
    expect(count(project({ 'yarn.lock': fixture('osv-scalibr', 'javascript', 'yarnlock', 'testdata', 'commits.v1.lock') }))).toEqual({ sbom: 0, vulns: 0 });
    const berry = count(project({ 'yarn.lock': fixture('snyk', 'yarn-lock-v4', 'real', 'goof', 'yarn.lock'), 'package.json': fixture('snyk', 'yarn-lock-v4', 'real', 'goof', 'package.json') }));
    expect(berry.sbom).toBeGreaterThan(500);
    expect(berry.vulns).toBe(berry.sbom);
    const classic = count(project({ 'yarn.lock': fixture('snyk', 'aliases', 'yarn-lock-v1', 'yarn.lock'), 'package.json': fixture('snyk', 'aliases', 'yarn-lock-v1', 'package.json') }));
    expect(classic.vulns).toBe(classic.sbom);
  });

  it('packages installed from git, a URL or a folder are named as not checked / left out, never silently dropped (package-lock, yarn, pnpm fixtures)', () => {
    const cases: [Record<string, string>, string, string[]][] = [
      [{ 'yarn.lock': fixture('osv-scalibr', 'javascript', 'yarnlock', 'testdata', 'commits.v1.lock') }, 'yarn.lock', ['mine1', 'mine2', 'mine3']],
      [{ 'package-lock.json': fixture('snyk', 'npm-lock-v2', 'missing-integrity', 'package-lock.json'), 'package.json': fixture('snyk', 'npm-lock-v2', 'missing-integrity', 'package.json') }, 'package-lock.json', ['git-dep']],
      [{ 'pnpm-lock.yaml': fixture('snyk', 'pnpm-lock-v9', 'git-ssh-url-deps', 'pnpm-lock.yaml'), 'package.json': fixture('snyk', 'pnpm-lock-v9', 'git-ssh-url-deps', 'package.json') }, 'pnpm-lock.yaml', ['body-parser']],
      [{ 'pnpm-lock.yaml': fixture('snyk', 'pnpm-lock-v9', 'external-tarball', 'pnpm-lock.yaml'), 'package.json': fixture('snyk', 'pnpm-lock-v9', 'external-tarball', 'package.json') }, 'pnpm-lock.yaml', ['body-parser']],
    ];
    for (const [files, lockfile, names] of cases) {
      const root = project(files);
      const sbom = sentrik(['sbom', root]);
      const bom = JSON.parse(sbom.stdout) as { components: { name: string; version: string }[] };
      for (const name of names) expect(bom.components.map((c) => c.name)).not.toContain(name);
      expect(sbom.stderr).toMatch(new RegExp(`${lockfile}:\\d+: \\d+ packages? installed from git, a URL or a folder, left out \\(${names[0]}`));
      const report = JSON.parse(sentrik(['vulns', root, '--db', db, '--format', 'json']).stdout) as { dependencies: { notChecked: { file: string; reason: string; names: string[] }[] } };
      const elsewhere = report.dependencies.notChecked.find((u) => u.reason === 'not-registry')!;
      expect(elsewhere.file).toBe(lockfile);
      expect(elsewhere.names).toEqual(expect.arrayContaining(names));
    }
    const text = sentrik(['vulns', project(cases[1][0]), '--db', db]);
    expect(text.stdout).toContain('; NOT checked: 1 package installed from git, a URL or a folder (package-lock.json)');
  });

  it('a package pinned by two lockfiles is one package in both', () => {
    const root = project({ 'a/package-lock.json': LOCK, 'b/package-lock.json': LOCK });
    expect(count(root)).toEqual({ sbom: 3, vulns: 3 });
  });
});
