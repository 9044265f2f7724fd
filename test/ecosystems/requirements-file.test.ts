// One definition of a requirements file, shared by `vulns`/`sbom` (formatFor), `scan` (the requirements
// format) and detection. QA: requirements/*.txt and test_requirements.txt were scanned as requirements but
// `vulns` and `sbom` skipped them ("no lockfile found").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFor } from '../../src/ecosystems/index.js';
import { isRequirementsFile, isRequirementsInput } from '../../src/ecosystems/pypi/requirements-file.js';
import { detect } from '../../src/engine/formats/index.js';
import { project, sentrik } from '../cli/helpers.js';
import { CORPORA } from './corpus.js';

const REQUIREMENTS = ['requirements.txt', 'requirements-dev.txt', 'dev-requirements.txt', 'test_requirements.txt', 'Requirements.txt', 'requirements/base.txt', 'py/requirements/test.txt', 'constraints.txt', 'pip-constraints.txt', 'a/b/other-requirements.txt'];
const INPUTS = ['requirements.in', 'requirements/dev.in', 'test-requirements.in'];
const NEITHER = ['requirements.yaml', 'docs/requirements.md', 'notes.txt', 'requirements/README.md', 'myrequirementsfile.txt', 'requirements.txt/x.json'];

describe('what a requirements file is', () => {
  it('requirements*.txt, *requirements.txt, requirements/*.txt (and constraints) are requirements; the same names in .in are pip-compile inputs', () => {
    for (const p of REQUIREMENTS) expect([p, isRequirementsFile(p), isRequirementsInput(p)]).toEqual([p, true, false]);
    for (const p of INPUTS) expect([p, isRequirementsFile(p), isRequirementsInput(p)]).toEqual([p, false, true]);
    for (const p of NEITHER) expect([p, isRequirementsFile(p), isRequirementsInput(p)]).toEqual([p, false, false]);
  });

  it('scan and vulns agree: scan reads requirements and inputs, vulns the requirements only', () => {
    for (const p of [...REQUIREMENTS, ...INPUTS, ...NEITHER]) {
      const scanned = detect(p, '') === 'requirements';
      const read = formatFor(p)?.format.name === 'requirements.txt';
      expect([p, scanned, read]).toEqual([p, isRequirementsFile(p) || isRequirementsInput(p), isRequirementsFile(p)]);
    }
  });

  it('vulns and sbom read requirements/*.txt and test_requirements.txt (osv-scalibr requirements fixtures)', () => {
    const fixture = (name: string): string => readFileSync(join(CORPORA, 'lockfiles', 'osv-scalibr', 'python', 'requirements', 'testdata', name), 'utf8');
    const root = project({ 'requirements/base.txt': fixture('other-requirements.txt'), 'test_requirements.txt': fixture('extras.txt'), 'requirements/dev.in': 'pytest>=8\n' });
    const sbom = JSON.parse(sentrik(['sbom', root]).stdout) as { components: { purl: string }[] };
    expect(sbom.components.map((c) => c.purl).sort()).toEqual(['pkg:pypi/celery@4.4.7', 'pkg:pypi/pandas@2.2.3', 'pkg:pypi/pyjwt@2.1.0']);
    const db = join(project({}), 'db');
    expect(sentrik(['vulns', 'db', 'import', join(CORPORA, 'osv', 'PyPI', 'all.zip'), '--db', db]).code).toBe(0);
    const json = JSON.parse(sentrik(['vulns', root, '--db', db, '--format', 'json']).stdout) as { dependencies: { lockfiles: number; packages: number; unchecked: number } };
    // The .in input is not read: the compiled .txt holds what is installed.
    expect(json.dependencies).toMatchObject({ lockfiles: 2, packages: 3, unchecked: 0 });
  });
});
