// Manifest editors (`vulns --fix`), checked against OSV-Scanner's remediation fixtures where their expected
// output applies, and against tables for the parts that are ours (requirement raising, TOML string offsets).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { editPom } from '../../src/ecosystems/maven/edit.js';
import { packageJsonEditor, raiseNpmRange } from '../../src/ecosystems/npm/edit.js';
import { editPyproject } from '../../src/ecosystems/pypi/edit-pyproject.js';
import { editRequirements } from '../../src/ecosystems/pypi/edit-requirements.js';
import { raiseRequirement } from '../../src/ecosystems/pypi/specifier.js';
import { tomlStrings } from '../../src/ecosystems/toml-locate.js';

const GR = '../shared/corpora/remediation/osv-scalibr/guidedremediation/testdata';
const read = (p: string): string => readFileSync(p, 'utf8');
const lines = (text: string, names: string[]): string[] => text.split('\n').filter((l) => names.some((n) => new RegExp(`\\b${n}\\b`).test(l)));

describe('pom.xml editor', () => {
  it('produces OSV-Scanner\'s expected pom.xml for the basic override case', () => {
    const r = editPom(read(`${GR}/maven/basic/pom.xml`), [{ name: 'pkg:a', from: '1.0.0', to: '1.1.0' }]);
    expect(r.text).toBe(read(`${GR}/maven/basic/want.pom.xml`));
    expect(r.changes).toEqual(['pkg:a: 1.0.0 → 1.1.0']);
  });

  it('edits the property a managed version refers to, as OSV-Scanner does', () => {
    const pom = read('../shared/corpora/remediation/osv-scanner/cmd/osv-scanner/fix/testdata/override-maven/pom.xml');
    const r = editPom(pom, [
      { name: 'org.apache.httpcomponents:httpclient', from: '4.0', to: '4.5.13' },
      { name: 'org.codehaus.plexus:plexus-utils', from: '3.0', to: '3.6.1' },
      { name: 'commons-io:commons-io', from: '2.5', to: '2.14.0', direct: false },
    ]);
    // Their snapshot sets the same two values (it also adds a managed commons-io, a transitive dependency
    // sentrik does not resolve from a pom.xml: that one is skipped with a reason).
    expect(r.text).toBe(pom.replace('<httpclient.version>4.0<', '<httpclient.version>4.5.13<').replace('<version>3.0</version>', '<version>3.6.1</version>'));
    expect(r.skipped.map((s) => s.upgrade.name)).toEqual(['commons-io:commons-io']);
  });

  const jackson = (extra = ''): string => `<project>
  <properties>
    <jackson.version>2.13.4</jackson.version>
  </properties>
  <dependencies>
    <dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-databind</artifactId><version>\${jackson.version}</version></dependency>
    <dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-core</artifactId><version>\${jackson.version}</version></dependency>${extra}
  </dependencies>
</project>
`;
  const databind = { name: 'com.fasterxml.jackson.core:jackson-databind', from: '2.13.4', to: '2.13.4.2' };
  const core = { name: 'com.fasterxml.jackson.core:jackson-core', from: '2.13.4', to: '2.15.0' };

  it('writes the highest target into a property several upgrades share, naming each package', () => {
    const r = editPom(jackson(), [databind, core]);
    expect(r.text).toBe(jackson().replace('<jackson.version>2.13.4<', '<jackson.version>2.15.0<'));
    expect(r.changes).toEqual([
      'com.fasterxml.jackson.core:jackson-databind: property jackson.version 2.13.4 → 2.15.0 (shared with com.fasterxml.jackson.core:jackson-core; the highest target, com.fasterxml.jackson.core:jackson-databind needs 2.13.4.2)',
      'com.fasterxml.jackson.core:jackson-core: property jackson.version 2.13.4 → 2.15.0 (shared with com.fasterxml.jackson.core:jackson-databind)',
    ]);
    expect(r.skipped).toEqual([]);
  });

  it('leaves a property alone when artifacts that are not being upgraded use it too, and says to inline the version', () => {
    const r = editPom(jackson(), [databind]);
    expect(r.text).toBe(jackson());
    expect(r.changes).toEqual([]);
    expect(r.skipped.map((s) => s.reason)).toEqual([
      'property jackson.version is also used by com.fasterxml.jackson.core:jackson-core, which would change too; write <version>2.13.4.2</version> for com.fasterxml.jackson.core:jackson-databind instead of ${jackson.version}',
    ]);
    // A reference outside the dependencies (a plugin) counts as a user too.
    const plugin = jackson('\n  </dependencies>\n  <build><plugins><plugin><artifactId>p</artifactId><version>${jackson.version}</version></plugin></plugins></build>\n  <dependencies>');
    expect(editPom(plugin, [databind, core]).skipped.map((s) => s.reason)[0]).toMatch(/also used by 1 other reference/);
  });

  it('skips a range version, and everything in a pom.xml that is not well-formed', () => {
    const pom = '<project><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>[1.0,2.0)</version></dependency></dependencies></project>';
    expect(editPom(pom, [{ name: 'g:a', from: '1.0', to: '1.1' }]).skipped[0].reason).toMatch(/is '\[1\.0,2\.0\)', not 1\.0/);
    const broken = editPom('<project><dependencies>', [{ name: 'g:a', from: '1.0', to: '1.1' }]);
    expect(broken.text).toBe('<project><dependencies>');
    expect(broken.skipped[0].reason).toMatch(/not well-formed \(line 1\)/);
  });
});

describe('package.json editor', () => {
  const PKG = '{\n  "name": "demo",\n  "dependencies": {\n    "a": "^1.0.0"\n  },\n  "overrides": {}\n}\n';
  const transitive = { name: 'minimist', from: '1.2.0', to: '1.2.6', direct: false };

  it('adds an override to an empty "overrides" without a trailing comma, keeping the rest of the file', () => {
    const r = packageJsonEditor('overrides')(PKG, [transitive]);
    expect(r.text).toBe(PKG.replace('"overrides": {}', '"overrides": {\n    "minimist": "1.2.6"\n  }'));
    expect(JSON.parse(r.text).overrides).toEqual({ minimist: '1.2.6' });
  });

  it('replaces an existing override instead of adding a second key, and appends after the last one', () => {
    const text = PKG.replace('"overrides": {}', '"overrides": {\n    "minimist": "1.2.0",\n    "x": "1.0.0"\n  }');
    const r = packageJsonEditor('overrides')(text, [transitive, { name: 'y', from: '1.0.0', to: '1.0.1', direct: false }]);
    expect(r.text).toBe(text.replace('"minimist": "1.2.0"', '"minimist": "1.2.6"').replace('"x": "1.0.0"', '"x": "1.0.0",\n    "y": "1.0.1"'));
    expect(JSON.parse(r.text).overrides).toEqual({ minimist: '1.2.6', x: '1.0.0', y: '1.0.1' });
    expect(r.changes).toEqual(['minimist: overrides "1.2.0" → "1.2.6" (transitive)', 'y: overrides → "1.0.1" (transitive)']);
  });

  it('writes yarn `resolutions` and pnpm `pnpm.overrides`, creating them when missing', () => {
    const text = '{\n  "name": "demo"\n}\n';
    const yarn = packageJsonEditor('resolutions')(text, [transitive]);
    expect(yarn.text).toBe('{\n  "name": "demo",\n  "resolutions": {\n    "minimist": "1.2.6"\n  }\n}\n');
    const pnpm = packageJsonEditor('pnpm.overrides')(text, [transitive]);
    expect(pnpm.text).toBe('{\n  "name": "demo",\n  "pnpm": {\n    "overrides": {\n      "minimist": "1.2.6"\n    }\n  }\n}\n');
    const withPnpm = packageJsonEditor('pnpm.overrides')('{"pnpm": {"neverBuiltDependencies": []}}', [transitive]);
    expect(JSON.parse(withPnpm.text)).toEqual({ pnpm: { neverBuiltDependencies: [], overrides: { minimist: '1.2.6' } } });
  });

  it.each([
    ['^1.0.0', '^1.0.5'],
    ['~1.0.0', '~1.0.5'],
    ['1.0.0', '1.0.5'],
    ['=1.0.0', '=1.0.5'],
    ['>=1.0.0 <2.0.0', '>=1.0.5 <2.0.0'],
    ['>=1.0.0', '>=1.0.5'],
  ])('raises %s to %s', (range, want) => {
    expect(raiseNpmRange(range, '1.0.5')).toEqual({ range: want });
  });

  it.each([['git+https://example.com/a.git#v1.0.0'], ['*'], ['latest'], ['npm:other@^1.0.0'], ['workspace:^1.0.0'], ['file:../a'], ['^0.9.0 || ^1.0.0'], ['1.x'], ['>=1.0.0 <1.0.3']])('skips %s with a reason and leaves it as written', (range) => {
    const text = `{"dependencies": {"a": ${JSON.stringify(range)}}}`;
    const r = packageJsonEditor('overrides')(text, [{ name: 'a', from: '1.0.0', to: '1.0.5' }]);
    expect(r.text).toBe(text);
    expect(r.skipped.map((s) => s.reason)).toHaveLength(1);
    expect(r.skipped[0].reason).toMatch(/not a plain semver range|upper bound that excludes 1\.0\.5/);
  });
});

describe('pyproject.toml editor', () => {
  it('writes the same requirements as OSV-Scanner where both keep the operator', () => {
    const before = read(`${GR}/python/relax/poetry/pyproject.toml`);
    const ups = [
      { name: 'direct1', from: '1.0.0', to: '2.0.0' },
      { name: 'direct2', from: '1.0.0', to: '2.0.0' },
      { name: 'direct6', from: '1.0.0', to: '1.0.1' },
      { name: 'direct7', from: '1.0.0', to: '2.0.0' },
    ];
    const r = editPyproject(before, ups);
    const names = ups.map((u) => u.name);
    expect(lines(r.text, names)).toEqual(lines(read(`${GR}/python/relax/poetry/want.pyproject.toml`), names));
    // Everything else is byte-identical.
    expect(r.text.split('\n').filter((l) => !lines(l, names).length)).toEqual(before.split('\n').filter((l) => !lines(l, names).length));
  });

  it('keeps ~= where OSV-Scanner relaxes to a >=,< pair (sentrik changes the least)', () => {
    const r = editPyproject(read(`${GR}/python/relax/poetry/pyproject.toml`), [{ name: 'direct9', from: '1.0.0', to: '2.0.0' }]);
    expect(r.text).toContain('dev = ["direct9~=2.0.0","direct10~=1.0.0"]');
  });

  it('edits Poetry tables: plain strings, inline tables, sub-tables and groups; skips what it cannot raise', () => {
    const text = [
      '[tool.poetry.dependencies]',
      'python = "^3.9"',
      'Django = { version = ">=2.2,<3" , extras = ["argon2"] }  # web',
      '"zope.interface" = "5.0.0"',
      'attrs = "^19.1 || ^20.0"',
      '[tool.poetry.dependencies.pyyaml]',
      "version = '^5.1'",
      '[tool.poetry.group.test.dependencies]',
      'pytest = "*"',
      '',
    ].join('\n');
    const r = editPyproject(text, [
      { name: 'django', from: '2.2.1', to: '2.2.28' },
      { name: 'zope-interface', from: '5.0.0', to: '5.4.0' },
      { name: 'attrs', from: '19.1.0', to: '19.3.0' },
      { name: 'PyYAML', from: '5.1', to: '5.4' },
      { name: 'pytest', from: '3.0.1', to: '3.0.7' },
    ]);
    expect(r.text).toBe(text.replace('">=2.2,<3"', '">=2.2.28,<3"').replace('"5.0.0"', '"5.4.0"').replace("'^5.1'", "'^5.4'").replace('pytest = "*"', 'pytest = ">=3.0.7"'));
    expect(r.skipped.map((s) => [s.upgrade.name, s.reason])).toEqual([['attrs', 'cannot raise "^19.1 || ^20.0" in tool.poetry.dependencies safely']]);
  });
});

describe('requirements.txt editor', () => {
  it('rewrites == pins as OSV-Scanner does, keeping the spacing', () => {
    const before = read(`${GR}/python/relax/requirements/requirements.txt`);
    const at = (name: string): number => before.split('\n').findIndex((l) => l.startsWith(`${name}=`) || l.startsWith(`${name} `)) + 1;
    const r = editRequirements(before, [
      { name: 'direct1', from: '1.0.0', to: '2.0.0', line: at('direct1') },
      { name: 'direct6', from: '1.0.0', to: '1.0.1', line: at('direct6') },
    ]);
    expect(lines(r.text, ['direct1', 'direct6'])).toEqual(lines(read(`${GR}/python/relax/requirements/want.requirements.txt`), ['direct1', 'direct6']));
  });
});

describe('requirements.txt editor: lines that are not == pins', () => {
  it('raises other specifiers in place', () => {
    const text = 'flask==2.0.0\nrequests[socks] >=2.0.0, <3  ; python_version >= "3.8"  # http\n';
    const r = editRequirements(text, [{ name: 'requests', from: '2.0.0', to: '2.31.0', line: 2 }]);
    expect(r.text).toBe(text.replace('>=2.0.0, <3', '>=2.31.0, <3'));
    expect(r.changes).toEqual(['requests: ">=2.0.0, <3" → ">=2.31.0, <3"']);
  });

  it('skips with a command and the reason when the line is unknown or cannot be raised', () => {
    const text = 'requests>=2.0.0,!=2.31.0\n';
    const r = editRequirements(text, [
      { name: 'requests', from: '2.0.0', to: '2.31.0', line: 1 },
      { name: 'urllib3', from: '1.0', to: '1.26.5' },
    ]);
    expect(r.text).toBe(text);
    expect(r.skipped.map((s) => s.command)).toEqual([
      "pip install 'requests==2.31.0'   # or, for a pip-compile'd file: pip-compile --upgrade-package 'requests==2.31.0'   # not written: cannot raise \">=2.0.0,!=2.31.0\" on line 1 safely",
      "pip install 'urllib3==1.26.5'   # or, for a pip-compile'd file: pip-compile --upgrade-package 'urllib3==1.26.5'   # not written: its line in the requirements file is not known",
    ]);
  });
});

describe('raiseRequirement', () => {
  it.each([
    ['==1.0.0', '2.0.0', '==2.0.0'],
    [' == 1.0 ', '1.0.1', ' == 1.0.1 '],
    ['>=1.0.0,<2.0.0', '2.0.0', '>=2.0.0,<3.0.0'],
    ['>= 1.0, < 1.5', '1.5.2', '>= 1.5.2, < 1.6'],
    ['~=1.0.0', '1.0.3', '~=1.0.3'],
    ['>1.0', '1.2', '>=1.2'],
    ['>=3.0', '2.0', '>=3.0'],
    ['<3', '2.20.0', '>=2.20.0,<3'],
    ['', '1.2', '>=1.2'],
    ['*', '1.2', '>=1.2'],
    ['^1.2', '1.4.0', '^1.4.0'],
    ['!=1.3,>=1.0', '1.2', '!=1.3,>=1.2'],
    ['<=1.0', '1.1', '>=1.1,<=1.1'],
  ])('%s with %s → %s', (spec, to, want) => {
    expect(raiseRequirement(spec, to)).toBe(want);
  });

  it.each([['^1.0 || ^2.0'], ['==1.*'], ['!=1.2']])('refuses %s', (spec) => {
    expect(raiseRequirement(spec, '1.2')).toBeUndefined();
  });
});

describe('tomlStrings', () => {
  it('finds each string with its table and key path and exact offsets', () => {
    const text = [
      '# [not.a.table] "not a string"',
      '[project]',
      'description = """',
      'multi "line" [x]"""',
      "dependencies = [ # comment with ]",
      '  "a==1", \'b>=2\',',
      '  "esc\\"aped",',
      ']',
      '[tool."poetry".dependencies]',
      'c = { version = "^1", markers = "x" }',
    ].join('\n');
    const found = tomlStrings(text).map((s) => [s.path.join('.'), text.slice(s.start, s.end), s.plain]);
    expect(found).toEqual([
      ['project.description', '\nmulti "line" [x]', false],
      ['project.dependencies', 'a==1', true],
      ['project.dependencies', 'b>=2', true],
      ['project.dependencies', 'esc\\"aped', false],
      ['tool.poetry.dependencies.c.version', '^1', true],
      ['tool.poetry.dependencies.c.markers', 'x', true],
    ]);
  });

  it('reads inline tables that span lines (TOML 1.1), with comments and a trailing comma', () => {
    const text = '[tool.poetry.dependencies]\nrequests = {\n  version = "^2.0",  # pinned\n  extras = ["socks"],\n}\nb = "1"\n';
    expect(tomlStrings(text).map((s) => [s.path.join('.'), s.raw])).toEqual([
      ['tool.poetry.dependencies.requests.version', '^2.0'],
      ['tool.poetry.dependencies.requests.extras', 'socks'],
      ['tool.poetry.dependencies.b', '1'],
    ]);
  });

  it('throws instead of looping on input it cannot read', () => {
    expect(() => tomlStrings('a = [ } ]\n')).toThrow(/cannot read TOML/);
    expect(() => tomlStrings('a = { ] }\n')).toThrow(/cannot read TOML/);
  });
});
