// `sentrik vulns` end to end, through the real CLI: offline matching from an imported snapshot, output
// formats, the gate, broken and hostile input, fixes, and --online against a server on 127.0.0.1.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, expectNoStack, git, project, sentrik } from './helpers.js';

const SNAPSHOT = join('..', 'shared', 'corpora', 'osv');
let db: string;

beforeAll(() => {
  db = join(project({}), 'db');
  const r = sentrik(['vulns', 'db', 'import', SNAPSHOT, '--db', db]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/PyPI\s+2661 advisories/);
});

const PACKAGE_JSON = `{
  "name": "demo",
  "version": "1.0.0",
  "dependencies": {
    "lodash": "^4.17.4",
    "express": "4.0.0"
  }
}
`;

function npmLock(extra: Record<string, object> = {}): string {
  return JSON.stringify(
    {
      name: 'demo',
      lockfileVersion: 3,
      packages: {
        '': { name: 'demo', dependencies: { lodash: '^4.17.4', express: '4.0.0' } },
        'node_modules/lodash': { version: '4.17.4', integrity: 'sha512-x' },
        'node_modules/express': { version: '4.0.0', dependencies: { bassmaster: '1.5.1' } },
        'node_modules/bassmaster': { version: '1.5.1' },
        ...extra,
      },
    },
    null,
    2,
  );
}

const REQUIREMENTS = '# pinned\nJinja2==2.10  # templating\nrequests>=2.0\n';

describe('sentrik vulns (offline)', () => {
  it('reports vulnerable packages in a table with fixed-in version, lockfile line and chain', () => {
    const root = project({ 'package.json': PACKAGE_JSON, 'package-lock.json': npmLock(), 'requirements.txt': REQUIREMENTS });
    const r = sentrik(['vulns', root, '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PACKAGE\s+INSTALLED\s+FIXED IN\s+SEVERITY\s+IDS\s+LOCKFILE/);
    expect(r.stdout).toMatch(/lodash\s+4\.17\.4\s+4\.17\.5\s+/);
    expect(r.stdout).toMatch(/bassmaster\s+1\.5\.1\s+-\s+medium\s+NSWG-ECO-1 CVE-2014-7205\s+package-lock\.json:\d+/);
    expect(r.stdout).toContain('via express > bassmaster');
    expect(r.stdout).toMatch(/Jinja2\s+2\.10\s+2\.10\.1\s+.*requirements\.txt:2/);
    expect(r.stdout).toMatch(/known vulnerabilities \(.*\) — checked 4 packages in 2 lockfiles; NOT checked: 1 declared dependency whose version is unknown \(requirements\.txt\)\n/);
  });

  it('emits findings in the scan finding model (JSON) and SARIF, and the gate counts them', () => {
    const root = project({ 'package.json': PACKAGE_JSON, 'package-lock.json': npmLock() });
    const json = sentrik(['vulns', root, '--db', db, '--format', 'json']);
    expect(json.code).toBe(0);
    const findings = (JSON.parse(json.stdout) as { findings: { ruleId: string; packId: string; file: string; line: number; severity: string; fingerprint: string }[] }).findings;
    const ghsa = findings.find((f) => f.ruleId === 'GHSA-35jh-r3h4-6jhm')!;
    expect(ghsa).toMatchObject({ packId: 'vulns', file: 'package-lock.json', severity: 'high' });
    expect(npmLock().split('\n')[ghsa.line - 1]).toContain('"node_modules/lodash"');
    expect(ghsa.fingerprint).toMatch(/^[0-9a-f]{32}$/);

    const sarif = JSON.parse(sentrik(['vulns', root, '--db', db, '--format', 'sarif']).stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(sarif.runs[0].results.map((r) => r.ruleId)).toContain('GHSA-35jh-r3h4-6jhm');
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('package-lock.json');

    const gate = sentrik(['vulns', root, '--db', db, '--fail-on', 'critical,high']);
    expect(gate.code).toBe(1);
    expect(gate.stderr).toMatch(/\d+ blocking finding/);
  });

  it('reports a broken lockfile with file and line and still scans the others', () => {
    const root = project({ 'a/package-lock.json': npmLock().slice(0, 200), 'b/requirements.txt': REQUIREMENTS, 'c/requirements.txt': `${'%%% garbage ((\n'.repeat(10_000)}flask==0.1\n` });
    const r = sentrik(['vulns', root, '--db', db]);
    expect(r.code).toBe(0);
    expectNoStack(r.stderr);
    expect(r.stderr).toMatch(/problem: a\/package-lock\.json:\d+: cannot parse: invalid JSON/);
    expect(r.stderr).toMatch(/problem: c\/requirements\.txt:1: 10000 lines could not be read/);
    expect(r.stdout).toContain('Jinja2');
    expect(r.stdout).toMatch(/flask\s+0\.1/);
    // The summary says so too: "0 known vulnerabilities" must not read as covering what could not be read.
    expect(r.stdout).toMatch(/2 lockfiles could not be read in full; what they hold beyond the packages above was NOT checked:\n  a\/package-lock\.json:\d+: cannot parse/);
  });

  it('reads a 30,000-deep dependency chain in linear memory and shows the chain of a deep package, shortened', () => {
    // QA: one chain copy per package took 1.3 GB at 10,000 deep and exhausted the heap at 30,000.
    const n = 30_000;
    const packages: Record<string, object> = { '': { name: 'deep', version: '1.0.0', dependencies: { pkg0: '1.0.0' } } };
    for (let i = 0; i < n; i++) packages[`node_modules/pkg${i}`] = { version: '1.0.0', dependencies: { [i + 1 < n ? `pkg${i + 1}` : 'bassmaster']: '1.0.0' } };
    packages['node_modules/bassmaster'] = { version: '1.5.1' };
    const root = project({ 'package-lock.json': JSON.stringify({ name: 'deep', lockfileVersion: 3, packages }) });
    const r = sentrik(['vulns', root, '--db', db, '--format', 'json']);
    expect(r.code).toBe(0);
    const found = (JSON.parse(r.stdout) as { findings: { ruleId: string; message: string; vuln: { chain: string[] } }[] }).findings;
    expect(found.map((f) => f.ruleId)).toEqual(['NSWG-ECO-1']);
    expect(found[0].vuln.chain).toEqual(['pkg0', 'pkg1', 'pkg2', 'pkg3', '…', 'pkg29996', 'pkg29997', 'pkg29998', 'pkg29999', 'bassmaster']);
    expect(found[0].message).toContain('(via pkg0 > pkg1 > pkg2 > pkg3 > … > pkg29996 > pkg29997 > pkg29998 > pkg29999 > bassmaster)');
    // A chain up to 10 long is shown whole.
    const short = project({ 'package-lock.json': JSON.stringify({ name: 'deep', lockfileVersion: 3, packages: { ...Object.fromEntries(Object.entries(packages).slice(0, 10)), 'node_modules/pkg8': { version: '1.0.0', dependencies: { bassmaster: '1.0.0' } }, 'node_modules/bassmaster': { version: '1.5.1' } } }) });
    const chain = (JSON.parse(sentrik(['vulns', short, '--db', db, '--format', 'json']).stdout) as { findings: { vuln: { chain: string[] } }[] }).findings[0].vuln.chain;
    expect(chain).toEqual([...Array.from({ length: 9 }, (_, i) => `pkg${i}`), 'bassmaster']);
  });

  it('fails with one line when there is no database', () => {
    const root = project({ 'requirements.txt': REQUIREMENTS });
    const r = sentrik(['vulns', root, '--db', join(root, 'nothing-here')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no offline advisory database.*sentrik vulns db import/);
  });

  it('refuses a file argument (exit 2) instead of checking the current directory', () => {
    const root = project({ 'requirements.txt': REQUIREMENTS });
    const elsewhere = project({ 'package-lock.json': npmLock() });
    const r = sentrik(['vulns', join(root, 'requirements.txt'), '--db', db], { cwd: elsewhere });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${join(root, 'requirements.txt')}: not a directory — give the project directory`);
    expect(r.stdout).not.toContain('lodash');
  });

  it('sbom, licenses, baseline and trace refuse a file argument too, and a --root that disagrees with it', () => {
    const root = project({ 'requirements.txt': REQUIREMENTS });
    const elsewhere = project({ 'package-lock.json': npmLock() });
    const file = join(root, 'requirements.txt');
    for (const args of [['sbom', file], ['licenses', file], ['baseline', 'create', file], ['suppressions', 'list', file], ['trace', file]]) {
      const r = sentrik(args, { cwd: elsewhere });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`${file}: not a directory — give the project directory`);
      expect(r.stdout).not.toContain('lodash');
    }
    const both = sentrik(['trace', root, '--root', elsewhere]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give the project directory once: as the argument or as --root');
    expect(sentrik(['suppressions', 'list', root, '--root', root]).code).toBe(0);
  });
});

describe('sentrik vulns: dependencies it cannot check', () => {
  // What QA found in examples/ai-api: a package.json without a lockfile and loose requirements read as
  // "0 known vulnerabilities in 0 packages" — a clean bill of health for dependencies never checked.
  const UNLOCKED = { 'package.json': PACKAGE_JSON.replace('"express": "4.0.0"', '"express": "4.0.0"\n  },\n  "devDependencies": {\n    "nodemon": "*"'), 'requirements.txt': 'fastapi\nuvicorn>=0.20\nJinja2==2.10\n' };

  it('says which files declare dependencies it did not check, why, and what to run, counted apart; exit 0', () => {
    const root = project(UNLOCKED);
    const r = sentrik(['vulns', root, '--db', db, '--fail-on', 'critical']);
    expect(r.code).toBe(0); // no blocking finding: unchecked dependencies are said, not a gate failure
    expect(r.stdout).toMatch(/known vulnerabilities \(.*\) — checked 1 package in 1 lockfile; NOT checked: 5 declared dependencies whose versions are unknown \(package\.json, requirements\.txt\)\n/);
    expect(r.stdout).toContain('package.json:4: 3 dependencies not checked — no lockfile, versions unknown (lodash, express, nodemon); run `npm install` to create package-lock.json');
    expect(r.stdout).toMatch(/requirements\.txt:1: 2 requirements not pinned to an exact version, not checked \(fastapi, uvicorn\); pin each with ==/);
    expect(r.stderr).not.toContain('not checked'); // listed once, in the summary
    const quiet = sentrik(['vulns', root, '--db', db, '-q']);
    expect(quiet.stdout).toContain('NOT checked: 5 declared dependencies');
  });

  it('reports them in JSON (dependencies, problems) and SARIF (notifications, run properties)', () => {
    const root = project(UNLOCKED);
    const json = sentrik(['vulns', root, '--db', db, '--format', 'json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { dependencies: any; problems: { code: string; file: string; message: string }[] };
    expect(report.dependencies).toMatchObject({ lockfiles: 1, packages: 1, checked: 1, unchecked: 5, advisories: { source: 'offline', location: db, status: 'ok' } });
    expect(report.dependencies.notChecked).toEqual([
      expect.objectContaining({ file: 'package.json', ecosystem: 'npm', reason: 'no-lockfile', count: 3, names: ['lodash', 'express', 'nodemon'] }),
      expect.objectContaining({ file: 'requirements.txt', line: 1, ecosystem: 'PyPI', reason: 'not-pinned', count: 2, names: ['fastapi', 'uvicorn'] }),
    ]);
    expect(report.problems.filter((p) => p.code === 'not-checked').map((p) => p.file)).toEqual(['package.json', 'requirements.txt']);
    expect(json.stderr).toMatch(/problem: package\.json:4: 3 dependencies not checked — no lockfile/);

    const sarif = JSON.parse(sentrik(['vulns', root, '--db', db, '--format', 'sarif']).stdout) as { runs: { invocations: { toolExecutionNotifications: { descriptor: { id: string }; message: { text: string } }[] }[]; properties: { dependencies: { unchecked: number } } }[] };
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications.filter((n) => n.descriptor.id === 'not-checked');
    expect(notes.map((n) => n.message.text)).toEqual([expect.stringContaining('no lockfile, versions unknown'), expect.stringContaining('not pinned to an exact version')]);
    expect(sarif.runs[0].properties.dependencies.unchecked).toBe(5);
  });

  it('counts nothing as unchecked that a lockfile, a workspace root lockfile or a constraints file pins', () => {
    const root = project({
      'package.json': JSON.stringify({ name: 'mono', workspaces: ['packages/*'], dependencies: { lodash: '^4.17.4' } }),
      'package-lock.json': npmLock(),
      'packages/a/package.json': JSON.stringify({ name: 'a', dependencies: { express: '^4.0.0' } }),
      'tools/b/package.json': JSON.stringify({ name: 'b', packageManager: 'pnpm@9.0.0', dependencies: { left: '1.0.0' } }),
      'py/requirements.txt': '-c constraints.in\nrequests\nflask>=2\n',
      'py/constraints.in': 'requests==2.31.0\n',
    });
    const r = sentrik(['vulns', root, '--db', db, '--format', 'json']);
    const deps = (JSON.parse(r.stdout) as { dependencies: { unchecked: number; notChecked: { file: string; names: string[]; message: string }[] } }).dependencies;
    expect(deps.notChecked.map((u) => [u.file, u.names])).toEqual([
      ['py/requirements.txt', ['flask']],
      ['tools/b/package.json', ['left']],
    ]);
    expect(deps.notChecked[1].message).toContain('run `pnpm install` to create pnpm-lock.yaml');
  });

  it('a requirements.txt with no exact pin is a manifest, not "1 lockfile": its requirements are NOT checked', () => {
    // QA: "0 known vulnerabilities in 0 packages from 1 lockfile" for `flask` and `requests>=2`.
    const root = project({ 'requirements.txt': 'flask\nrequests>=2\n' });
    const r = sentrik(['vulns', root, '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 known vulnerabilities — checked 0 packages (no lockfile found); NOT checked: 2 declared dependencies whose versions are unknown (requirements.txt)\n');
    const json = JSON.parse(sentrik(['vulns', root, '--db', db, '--format', 'json']).stdout) as { dependencies: { lockfiles: number; unchecked: number } };
    expect(json.dependencies).toMatchObject({ lockfiles: 0, unchecked: 2 });
    // One exact pin makes it the file that gives installed versions: then it counts.
    const pinned = JSON.parse(sentrik(['vulns', project({ 'requirements.txt': 'flask==0.1\nrequests>=2\n' }), '--db', db, '--format', 'json']).stdout) as { dependencies: { lockfiles: number; packages: number } };
    expect(pinned.dependencies).toMatchObject({ lockfiles: 1, packages: 1 });
  });

  it('lists requirements installed from git, a URL or a folder (direct references, editable VCS lines, paths) as NOT checked', () => {
    // QA: `gitdep @ git+https://…@main` was dropped without a word.
    const root = project({
      'requirements.txt': 'Jinja2==2.10\ngitdep @ git+https://github.com/org/lib.git@main\n-r requirements/extra.txt\n-e .\n',
      'requirements/extra.txt': '-e git+https://github.com/org/other.git@v1#egg=other\n./libs/local\nhttps://example.com/pkg-1.0.tar.gz\n',
    });
    const r = sentrik(['vulns', root, '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/NOT checked: 4 packages installed from git, a URL or a folder \(requirements\.txt, requirements\/extra\.txt\)\n/);
    expect(r.stdout).toContain('requirements.txt:2: 1 package installed from git, a URL or a folder, not checked (gitdep); advisories are about registry releases');
    expect(r.stdout).toContain('requirements/extra.txt:1: 3 packages installed from git, a URL or a folder, not checked (other, ./libs/local, https://example.com/pkg-1.0.tar.gz)');
    const json = JSON.parse(sentrik(['vulns', root, '--db', db, '--format', 'json']).stdout) as { dependencies: { notChecked: { file: string; reason: string; names: string[] }[] } };
    expect(json.dependencies.notChecked.map((u) => [u.file, u.reason, u.names])).toEqual([
      ['requirements.txt', 'not-registry', ['gitdep']],
      ['requirements/extra.txt', 'not-registry', ['other', './libs/local', 'https://example.com/pkg-1.0.tar.gz']],
    ]);
  });

  it('lists pyproject.toml, Pipfile, Cargo.toml, Gemfile and composer.json without their lockfiles, with the command that writes one', () => {
    const root = project({
      'pyproject.toml': '[project]\nname = "api"\ndependencies = ["requests>=2", "pydantic[email]~=2.0"]\n\n[dependency-groups]\ndev = ["pytest"]\n',
      'poetry-app/pyproject.toml': '[tool.poetry]\nname = "x"\n\n[tool.poetry.dependencies]\npython = "^3.11"\nhttpx = "^0.27"\nmine = { path = "../mine" }\n',
      'pipenv/Pipfile': '[packages]\nflask = "*"\n\n[dev-packages]\nblack = "*"\n',
      'crate/Cargo.toml': '[package]\nname = "c"\n\n[dependencies]\nserde = { version = "1", features = ["derive"] }\nown = { path = "../own" }\n\n[target.\'cfg(unix)\'.dependencies]\nlibc = "0.2"\n',
      'rb/Gemfile': "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\ngem \"puma\"\ngem 'mine', path: 'vendor/mine'\n",
      'php/composer.json': '{\n  "require": {\n    "php": ">=8.1",\n    "ext-json": "*",\n    "monolog/monolog": "^3.0"\n  }\n}\n',
      // Covered: a lockfile beside it, or a workspace root's Cargo.lock above a member crate.
      'ws/Cargo.toml': '[workspace]\nmembers = ["member"]\n',
      'ws/Cargo.lock': 'version = 3\n',
      'ws/member/Cargo.toml': '[dependencies]\nrand = "0.8"\n',
      'locked/Gemfile': "gem 'rack'\n",
      'locked/Gemfile.lock': 'GEM\n  specs:\n    rack (2.0.0)\n\nDEPENDENCIES\n  rack\n',
      'tooling-only/pyproject.toml': '[tool.ruff]\nline-length = 100\n',
    });
    const r = sentrik(['vulns', root, '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('crate/Cargo.toml:4: 2 dependencies not checked — no lockfile, versions unknown (serde, libc); run `cargo generate-lockfile` to create Cargo.lock');
    expect(r.stdout).toContain('php/composer.json:2: 1 dependency not checked — no lockfile, versions unknown (monolog/monolog); run `composer update --no-install` to create composer.lock');
    expect(r.stdout).toContain('pipenv/Pipfile:1: 2 dependencies not checked — no lockfile, versions unknown (flask, black); run `pipenv lock` to create Pipfile.lock');
    expect(r.stdout).toContain('poetry-app/pyproject.toml:4: 1 dependency not checked — no lockfile, versions unknown (httpx); run `poetry lock` to create poetry.lock');
    expect(r.stdout).toContain('pyproject.toml:3: 3 dependencies not checked — no lockfile, versions unknown (requests, pydantic, pytest); run `uv lock` to create uv.lock (or `poetry lock` / `pdm lock`, with the tool the project uses)');
    expect(r.stdout).toContain('rb/Gemfile:2: 2 dependencies not checked — no lockfile, versions unknown (rails, puma); run `bundle lock` to create Gemfile.lock');
    expect(r.stdout).not.toMatch(/ws\/|locked\/|tooling-only/);
    // The snapshot has no RubyGems data: the one locked gem is said to be unchecked too.
    expect(r.stdout).toContain('0 known vulnerabilities — checked 0 packages in 2 lockfiles; NOT checked: 1 RubyGems package (no RubyGems advisories in the database), 11 declared dependencies whose versions are unknown (crate/Cargo.toml, php/composer.json, pipenv/Pipfile, poetry-app/pyproject.toml, pyproject.toml, and 1 more)\n');
  });

  it('reads a lockfile .gitignore excludes (installs use it all the same) and says so; scan_exclude and .sentrikignore still leave one out', () => {
    // QA: with package-lock.json in .gitignore, vulns said "no lockfile … run `npm install`" beside it.
    const root = project({ '.gitignore': 'package-lock.json\nbuild/\n', 'package.json': PACKAGE_JSON, 'package-lock.json': npmLock(), 'build/package-lock.json': npmLock() });
    git(root, 'init', '-q');
    const r = sentrik(['vulns', root, '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('sentrik: note: read package-lock.json although .gitignore excludes it: installs run from lockfiles on disk, committed or not');
    expect(r.stdout).toMatch(/lodash\s+4\.17\.4\s+4\.17\.21/);
    expect(r.stdout).toContain('— checked 3 packages in 1 lockfile\n'); // build/, a folder .gitignore excludes, is not entered
    const sbom = sentrik(['sbom', root]);
    expect(sbom.stderr).toContain('read package-lock.json although .gitignore excludes it');
    expect((JSON.parse(sbom.stdout) as { components: unknown[] }).components).toHaveLength(3);
    writeFileSync(join(root, '.sentrikignore'), 'package-lock.json\n');
    const own = sentrik(['vulns', root, '--db', db]);
    expect(own.stderr).not.toContain('note: read');
    expect(own.stdout).toContain('no lockfile, versions unknown (lodash, express); run `npm install`');
  });

  it('says plainly that the advisory database is missing or empty, without failing a run that had nothing to match', () => {
    const root = project(UNLOCKED);
    const unpinned = project({ 'requirements.txt': 'fastapi\n', 'package.json': UNLOCKED['package.json'] });
    const missing = sentrik(['vulns', unpinned, '--db', join(root, 'nothing-here')]);
    expect(missing.code).toBe(0);
    expect(missing.stdout).toContain('NOT checked');
    expect(missing.stderr).toContain(`problem: no offline advisory database at ${join(root, 'nothing-here')}: nothing could be checked against advisories; run \`sentrik vulns db import <all.zip|dir>\``);
    const empty = join(root, 'empty-db');
    mkdirSync(empty);
    writeFileSync(join(empty, 'manifest.json'), JSON.stringify({ format: 1, ecosystems: {} }));
    const r = sentrik(['vulns', unpinned, '--db', empty, '--format', 'json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { dependencies: { advisories: { status: string } } }).dependencies.advisories.status).toBe('empty');
    expect(r.stderr).toMatch(/problem: the offline advisory database at .*empty-db holds no advisories/);
  });
});

describe('sentrik vulns --fix-preview / --fix', () => {
  it('plans the smallest version no advisory affects, within the upgrade level', () => {
    const root = project({ 'package.json': PACKAGE_JSON, 'package-lock.json': npmLock(), 'requirements.txt': REQUIREMENTS });
    const patch = sentrik(['vulns', root, '--db', db, '--fix-preview', '--upgrade', 'patch', '-q']);
    // lodash 4.17.5, .11 and .19 are each still affected by another advisory: 4.17.21 is the first clean one.
    expect(patch.stdout).toContain('lodash 4.17.4 → 4.17.21');
    // Jinja2 2.10.1 fixes one advisory but not PYSEC-2021-66 (fixed in 2.11.3): beyond a patch upgrade.
    expect(patch.stdout).toMatch(/Jinja2 2\.10: not fixed — the nearest safe version 2\.11\.3 is a larger upgrade/);
    const minor = sentrik(['vulns', root, '--db', db, '--fix-preview', '-q']);
    expect(minor.stdout).toContain('Jinja2 2.10 → 2.11.3');
    expect(minor.stdout).toContain('Would edit package.json');
    expect(readFileSync(join(root, 'package.json'), 'utf8')).toBe(PACKAGE_JSON);
  });

  it('edits package.json and requirements.txt in place, keeping their formatting, and prints the lockfile command', () => {
    const root = project({ 'package.json': PACKAGE_JSON, 'package-lock.json': npmLock(), 'requirements.txt': REQUIREMENTS });
    const r = sentrik(['vulns', root, '--db', db, '--fix', '-q']);
    expect(r.code).toBe(0);
    // express 4.0.0 has an advisory too (fixed in 4.5.0, a minor upgrade); only the two values change.
    expect(readFileSync(join(root, 'package.json'), 'utf8')).toBe(PACKAGE_JSON.replace('"^4.17.4"', '"^4.17.21"').replace('"4.0.0"', '"4.5.0"'));
    expect(readFileSync(join(root, 'requirements.txt'), 'utf8')).toBe(REQUIREMENTS.replace('Jinja2==2.10 ', 'Jinja2==2.11.3 '));
    expect(r.stdout).toMatch(/npm install\)\s+# regenerates package-lock\.json/);
    // The lockfile itself is never rewritten (its integrity hashes would be forged).
    expect(readFileSync(join(root, 'package-lock.json'), 'utf8')).toBe(npmLock());
  });
});

describe('sentrik vulns: records of one vulnerability that disagree on the fix', () => {
  it('FIXED IN and the remediation name the lowest version no record of the alias group affects, as --fix-preview does', () => {
    // QA: the GHSA says fixed in 2.0.0, its CVE alias 2.0.1; the table said 2.0.0, which is still flagged.
    const record = (id: string, aliases: string[], fixed: string) => JSON.stringify({ id, aliases, modified: '2099-01-01T00:00:00Z', summary: 'aliased flaw', affected: [{ package: { ecosystem: 'npm', name: 'aliased' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed }] }] }] });
    const work = project({ 'records/GHSA-aaaa-bbbb-cccc.json': record('GHSA-aaaa-bbbb-cccc', ['CVE-2099-0001'], '2.0.0'), 'records/CVE-2099-0001.json': record('CVE-2099-0001', [], '2.0.1') });
    expect(sentrik(['vulns', 'db', 'import', join(work, 'records'), '--db', join(work, 'db')]).code).toBe(0);
    const lock = (version: string) => JSON.stringify({ name: 'app', lockfileVersion: 3, packages: { '': { name: 'app', dependencies: { aliased: version } }, 'node_modules/aliased': { version } } });
    const root = project({ 'package-lock.json': lock('1.0.0') });
    const table = sentrik(['vulns', root, '--db', join(work, 'db')]);
    expect(table.stdout).toMatch(/aliased\s+1\.0\.0\s+2\.0\.1\s+/);
    const json = JSON.parse(sentrik(['vulns', root, '--db', join(work, 'db'), '--format', 'json']).stdout) as { findings: { remediation: string; vuln: { fixedIn: string; ids: string[] } }[] };
    expect(json.findings).toHaveLength(1);
    expect(json.findings[0].vuln).toMatchObject({ fixedIn: '2.0.1', ids: ['GHSA-aaaa-bbbb-cccc', 'CVE-2099-0001'] });
    expect(json.findings[0].remediation).toContain('Upgrade aliased to 2.0.1 or later');
    expect(sentrik(['vulns', root, '--db', join(work, 'db'), '--fix-preview', '--upgrade', 'major', '-q']).stdout).toContain('aliased 1.0.0 → 2.0.1');
    // 2.0.0 is still flagged (by the CVE record), and 2.0.1 is not.
    expect(sentrik(['vulns', project({ 'package-lock.json': lock('2.0.0') }), '--db', join(work, 'db')]).stdout).toMatch(/aliased\s+2\.0\.0\s+2\.0\.1\s+/);
    expect(sentrik(['vulns', project({ 'package-lock.json': lock('2.0.1') }), '--db', join(work, 'db')]).stdout).toContain('0 known vulnerabilities');
  });
});

describe('sentrik vulns: Gemfile.lock platform variants', () => {
  it('one gem version built for several platforms is one package and one finding', () => {
    // QA: rgem (1.5.0), (1.5.0-x86_64-linux), (1.5.0-arm64-darwin) → "3 known vulnerabilities — checked 1 package".
    const work = project({ 'records/GHSA-rgem-rgem-rgem.json': JSON.stringify({ id: 'GHSA-rgem-rgem-rgem', modified: '2099-01-01T00:00:00Z', summary: 'rgem flaw', affected: [{ package: { ecosystem: 'RubyGems', name: 'rgem' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.6.0' }] }] }] }) });
    expect(sentrik(['vulns', 'db', 'import', join(work, 'records'), '--db', join(work, 'db')]).code).toBe(0);
    const root = project({ 'Gemfile.lock': 'GEM\n  remote: https://rubygems.org/\n  specs:\n    rgem (1.5.0)\n    rgem (1.5.0-x86_64-linux)\n    rgem (1.5.0-arm64-darwin)\n\nPLATFORMS\n  arm64-darwin\n  ruby\n  x86_64-linux\n\nDEPENDENCIES\n  rgem\n' });
    const r = sentrik(['vulns', root, '--db', join(work, 'db')]);
    expect(r.stdout).toMatch(/rgem\s+1\.5\.0\s+1\.6\.0\s+.*Gemfile\.lock:4/);
    expect(r.stdout).toContain('1 known vulnerability (1 medium) — checked 1 package in 1 lockfile\n');
  });
});

describe('sentrik vulns: the Go release a module builds with', () => {
  it('checks go.mod\'s toolchain (else go) release against the stdlib and toolchain advisories, and says how to upgrade it', () => {
    const root = project({ 'go.mod': 'module example.com/x\n\ngo 1.20\n\ntoolchain go1.20.1\n' });
    const json = JSON.parse(sentrik(['vulns', root, '--db', db, '--format', 'json']).stdout) as { findings: { ruleId: string; line: number; vuln: { package: string; installed: string; fixedIn?: string } }[] };
    const stdlib = json.findings.find((f) => f.ruleId === 'GO-2023-1621')!;
    expect(stdlib).toMatchObject({ line: 5, vuln: { package: 'stdlib', installed: '1.20.1', fixedIn: '1.20.2' } });
    expect(json.findings.some((f) => f.vuln.package === 'toolchain')).toBe(true);
    // go 1.20 alone is Go 1.20.0: GO-2023-1621 (fixed in 1.20.2) applies; a module with no go line has no release to check.
    const bare = JSON.parse(sentrik(['vulns', project({ 'go.mod': 'module example.com/x\n\ngo 1.20\n' }), '--db', db, '--format', 'json']).stdout) as { findings: { ruleId: string; line: number }[] };
    expect(bare.findings.find((f) => f.ruleId === 'GO-2023-1621')).toMatchObject({ line: 3 });
    expect(sentrik(['vulns', project({ 'go.mod': 'module example.com/x\n' }), '--db', db]).stdout).toContain('0 known vulnerabilities');
    expect(sentrik(['vulns', root, '--db', db, '--fix-preview', '-q']).stdout).toMatch(/go get toolchain@go1\.\d+\.\d+ {3}# the Go release that builds the module/);
  });
});

describe('sentrik vulns -o FILE', () => {
  it('writes the table and its coverage sentence to a .txt file', () => {
    const root = project({ 'package.json': PACKAGE_JSON, 'package-lock.json': npmLock() });
    const r = sentrik(['vulns', root, '--db', db, '-o', join(root, 'v.txt')]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(root, 'v.txt'), 'utf8');
    expect(text).toMatch(/PACKAGE\s+INSTALLED\s+FIXED IN/);
    expect(text).toMatch(/known vulnerabilit.* — checked \d+ packages? in 1 lockfile/);
    expect(r.stderr).toContain('Report written to');
  });

  it('refuses an extension it cannot write, in one line, before doing the work', () => {
    const root = project({ 'package.json': PACKAGE_JSON, 'package-lock.json': npmLock() });
    // No database at all: the refusal comes before any lookup would fail.
    const r = sentrik(['vulns', root, '--db', join(root, 'no-db'), '-o', 'v.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("'.csv'");
    expect(r.stderr).toMatch(/\.json.*\.sarif.*\.txt/);
    expectNoStack(r.stderr);
  });
});

describe('sentrik vulns --online', () => {
  it('queries the OSV API (querybatch, then each record) on a loopback server', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        if (req.url === '/v1/querybatch') {
          const q = JSON.parse(body) as { queries: { package: { name: string } }[] };
          res.end(JSON.stringify({ results: q.queries.map((x) => (x.package.name === 'Jinja2' ? { vulns: [{ id: 'PYSEC-TEST-1' }] } : {})) }));
        } else if (req.url === '/v1/vulns/PYSEC-TEST-1') {
          res.end(JSON.stringify({ id: 'PYSEC-TEST-1', summary: 'test advisory', affected: [{ package: { ecosystem: 'PyPI', name: 'jinja2' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0' }] }] }] }));
        } else res.writeHead(404).end('{}');
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as AddressInfo).port;
    const root = project({ 'requirements.txt': REQUIREMENTS });
    const r = await new Promise<{ code: number; stdout: string }>((ok) => {
      const child = spawn(process.execPath, [BIN, 'vulns', root, '--online', '--format', 'json'], { env: { PATH: process.env.PATH ?? '', HOME: root, NO_COLOR: '1', SENTRIK_OSV_API_URL: `http://127.0.0.1:${port}` } });
      let stdout = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.on('close', (code) => ok({ code: code ?? -1, stdout }));
    });
    server.close();
    expect(r.code).toBe(0);
    expect(seen).toEqual(['POST /v1/querybatch', 'GET /v1/vulns/PYSEC-TEST-1']);
    expect((JSON.parse(r.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId)).toEqual(['PYSEC-TEST-1']);
  });
});
