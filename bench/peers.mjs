// The peer tools the benchmark compares against: ripgrep (the floor) and secretlint (the secret-scanner peer).
// Peers are never added to sentrik's package.json: secretlint goes into a cache folder outside the repository.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const SECRETLINT_VERSION = '13.0.6';
export const PEERS_DIR = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sentrik-bench', 'peers');

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/**
 * Finds ripgrep; unless `install` is false, installs the Debian package when running as root with apt-get.
 * @returns {{path: string, version: string} | {path: null, hint: string}}
 */
export function ensureRipgrep({ install, log }) {
  let path = which('rg');
  if (!path && install && process.getuid?.() === 0 && which('apt-get')) {
    log('ripgrep missing: apt-get install -y ripgrep');
    let r = spawnSync('apt-get', ['install', '-y', 'ripgrep'], { stdio: 'ignore' });
    if (r.status !== 0) {
      spawnSync('apt-get', ['update'], { stdio: 'ignore' });
      r = spawnSync('apt-get', ['install', '-y', 'ripgrep'], { stdio: 'ignore' });
    }
    path = which('rg');
  }
  if (!path) return { path: null, hint: 'ripgrep (rg) not found: install it with `apt-get install -y ripgrep` (Debian/Ubuntu)' };
  const version = spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
  return { path, version };
}

/**
 * Finds secretlint + the recommended preset in PEERS_DIR; unless `install` is false, installs them there
 * (npm, pinned versions) when missing.
 * @returns {{bin: string, rc: string, version: string} | {bin: null, hint: string}}
 */
export function ensureSecretlint({ install, log }) {
  const bin = join(PEERS_DIR, 'node_modules', '.bin', 'secretlint');
  const installed = () => {
    const pkg = join(PEERS_DIR, 'node_modules', 'secretlint', 'package.json');
    const preset = join(PEERS_DIR, 'node_modules', '@secretlint', 'secretlint-rule-preset-recommend', 'package.json');
    return existsSync(bin) && existsSync(preset) && existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).version === SECRETLINT_VERSION;
  };
  if (!installed() && install) {
    log(`installing secretlint ${SECRETLINT_VERSION} + preset-recommend into ${PEERS_DIR}`);
    mkdirSync(PEERS_DIR, { recursive: true });
    // A private package.json in the cache folder pins both, so later installs do not prune either.
    writeFileSync(join(PEERS_DIR, 'package.json'), JSON.stringify({
      name: 'sentrik-bench-peers',
      private: true,
      dependencies: { secretlint: SECRETLINT_VERSION, '@secretlint/secretlint-rule-preset-recommend': SECRETLINT_VERSION },
    }, null, 2) + '\n');
    const r = spawnSync('npm', ['install', '--prefix', PEERS_DIR, '--no-audit', '--no-fund', '--loglevel=error'], { encoding: 'utf8' });
    if (r.status !== 0) log(`npm install failed: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
  }
  if (!installed()) {
    return { bin: null, hint: `secretlint not installed: run without --skip-peers, or npm install --prefix ${PEERS_DIR} secretlint@${SECRETLINT_VERSION} @secretlint/secretlint-rule-preset-recommend@${SECRETLINT_VERSION}` };
  }
  const rc = join(PEERS_DIR, 'secretlintrc.json');
  writeFileSync(rc, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }) + '\n');
  return { bin, rc, version: SECRETLINT_VERSION };
}
