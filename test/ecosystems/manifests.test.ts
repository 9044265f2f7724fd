// Manifests no lockfile covers (pyproject.toml, Pipfile, Cargo.toml, Gemfile, composer.json): which
// dependencies they declare, which lockfiles cover them, and the command printed for each.
import { describe, expect, it } from 'vitest';
import { readProject } from '../../src/advisories/project.js';
import { manifestFor } from '../../src/ecosystems/index.js';
import { project } from '../cli/helpers.js';

const unchecked = (file: string, text: string, lockfiles: string[] = []) => manifestFor(file.split('/').pop()!)!.format.unchecked(file, text, lockfiles, () => undefined);

describe('manifests without their lockfile', () => {
  it.each([
    ['pyproject.toml', '[project]\ndependencies = ["requests>=2"]\n[tool.uv]\ndev-dependencies = []\n', ['requests'], 'run `uv lock` to create uv.lock'],
    ['pyproject.toml', '[tool.pdm]\n[project]\ndependencies = ["httpx"]\n', ['httpx'], 'run `pdm lock` to create pdm.lock'],
    ['gems.rb', 'gem("rack", "~> 2")\n', ['rack'], 'run `bundle lock` to create gems.locked'],
    ['Cargo.toml', '[workspace.dependencies]\nanyhow = "1"\n[dependencies]\nrenamed = { package = "serde_json", version = "1" }\n', ['serde_json', 'anyhow'], 'run `cargo generate-lockfile` to create Cargo.lock'],
  ])('%s declares its dependencies and names the command', (file, text, names, fix) => {
    expect(unchecked(file, text)).toMatchObject({ file, reason: 'no-lockfile', names, fix });
  });

  it.each([
    ['nothing declared', 'pyproject.toml', '[tool.black]\nline-length = 100\n', []],
    ['platform requirements only', 'composer.json', '{"require": {"php": ">=8.1", "ext-mbstring": "*"}}', []],
    ['only a gemspec', 'Gemfile', "source 'https://rubygems.org'\ngemspec\n", []],
    ['a lockfile beside it', 'app/composer.json', '{"require": {"monolog/monolog": "^3"}}', ['app/composer.lock']],
    ['a uv workspace root above it', 'libs/a/pyproject.toml', '[project]\ndependencies = ["requests"]\n', ['uv.lock']],
    ['a Cargo workspace root above it', 'crates/a/Cargo.toml', '[dependencies]\nrand = "0.8"\n', ['Cargo.lock']],
    ['broken TOML', 'Cargo.toml', '[dependencies\nrand = ', []],
  ])('nothing to list: %s', (_why, file, text, lockfiles) => {
    expect(unchecked(file, text, lockfiles)).toBeUndefined();
  });

  it('a poetry.lock in another folder covers nothing here; a Gemfile.lock above does not cover a nested Gemfile', () => {
    expect(unchecked('b/pyproject.toml', '[tool.poetry.dependencies]\nrequests = "^2"\n', ['a/poetry.lock'])?.names).toEqual(['requests']);
    expect(unchecked('sub/Gemfile', "gem 'rails'\n", ['Gemfile.lock'])?.names).toEqual(['rails']);
  });

  it("reads PEP 508's parenthesised pin and a pinning clause in a range as the pinned release", () => {
    const read = readProject(project({ 'requirements.txt': 'flask (==3.0.3)\nurllib3>=2.0,==2.2.3\n' }), []);
    expect(read.packages.map((p) => [p.name, p.version])).toEqual([['flask', '3.0.3'], ['urllib3', '2.2.3']]);
    expect([read.problems, read.unchecked]).toEqual([[], []]);
  });

  it('a requirements.txt that pins nothing does not cover the pyproject.toml beside it; one that pins does', () => {
    const loose = readProject(project({ 'pyproject.toml': '[project]\ndependencies = ["requests"]\n', 'requirements.txt': 'requests\n' }), []);
    expect(loose.unchecked.map((u) => [u.file, u.reason])).toEqual([['pyproject.toml', 'no-lockfile'], ['requirements.txt', 'not-pinned']]);
    const pinned = readProject(project({ 'pyproject.toml': '[project]\ndependencies = ["requests"]\n', 'requirements.txt': 'requests==2.31.0\n' }), []);
    expect(pinned.unchecked).toEqual([]);
  });
});
