// Behaviour tables for the supply-chain checks, through the real pack rules (beyond each rule's examples):
// one shell scanner across formats, expression scoping, permissions logic, tricky goods.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanText } from '../../src/engine/file-scan.js';
import { buildRuleSet } from '../../src/engine/ruleset.js';
import { builtinPacksDir, loadPack } from '../../src/packs/load.js';
import { CORPORA } from '../ecosystems/corpus.js';

const pack = loadPack(join(builtinPacksDir(), 'supply-chain-security'), true);
const rules = buildRuleSet([pack], {}, 'test');

function lines(path: string, text: string, ruleId: string): number[] {
  const r = scanText(path, text, rules);
  expect(r.problems).toEqual([]);
  return r.hits.filter((h) => h.ruleId === ruleId).map((h) => h.line!);
}

const wf = (run: string, on = 'push') => `on: ${on}\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n${run.split('\n').map((l) => `          ${l}`).join('\n')}\n`;

describe('a CI file whose YAML does not parse', () => {
  it('is reported, and its run/script values are still checked line by line', () => {
    const workflow = 'on: [push]\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - run: curl -sSL https://x.example.com/i.sh | bash\n      - run: |\n          echo hi\n          wget -qO- https://x.example.com/j.sh | sh\n      - run: "curl -s https://x | bash"\n      - name: curl docs | bash\n    env: {A: 1\n';
    const gitlab = 'test:\n  script:\n    - npm ci\n    - curl -s https://get.example.com | sh\n  image: {x\n';
    for (const [path, text, want] of [['.github/workflows/d.yml', workflow, [6, 9, 10]], ['.gitlab-ci.yml', gitlab, [4]]] as const) {
      const r = scanText(path, text, rules);
      expect(r.hits.filter((h) => h.ruleId === 'SCS-CI-001').map((h) => h.line), path).toEqual(want);
      expect(r.problems.map((p) => p.message), path).toEqual([expect.stringMatching(/^invalid YAML/)]);
    }
  });
});

describe('SCS-CI-001 remote script execution', () => {
  it.each([
    ['curl -fsSL https://x/i.sh | bash', 1],
    ['wget -O- https://x | sudo -E sh -s -- --yes', 1],
    ['curl https://x | tee /tmp/log | sh', 1],
    ['sh -c "$(curl -fsSL https://x)"', 1],
    ['bash <(curl -s https://x)', 1],
    ['eval "$(curl -s https://x)"', 1],
    ['curl -s https://x | python3', 1],
    ['curl -o i.sh https://x && sha256sum -c i.sh.sha256 && sh i.sh', 0],
    ['curl -s https://api | jq -r .tag', 0],
    ['curl -s https://api | python3 -c "import json,sys; print(json.load(sys.stdin))"', 0],
    ['VERSION=$(curl -s https://x/version)', 0],
    ['echo "curl https://x | sh"', 0],
  ])('%s → %i finding(s)', (cmd, n) => {
    expect(lines('.github/workflows/ci.yml', wf(cmd), 'SCS-CI-001')).toHaveLength(n);
  });

  it('works the same in every script format, with the original line', () => {
    expect(lines('Makefile', 'install:\n\t@curl -s https://x | sh\n', 'SCS-CI-001')).toEqual([2]);
    expect(lines('scripts/a.sh', '#!/bin/sh\nset -e\ncurl -s https://x \\\n  | bash\n', 'SCS-CI-001')).toEqual([3]);
    expect(lines('package.json', '{\n  "scripts": {\n    "setup": "curl -s https://x | sh"\n  }\n}\n', 'SCS-CI-001')).toEqual([3]);
    expect(lines('azure-pipelines.yml', 'trigger: [main]\nsteps:\n  - bash: |\n      echo hi\n      curl -s https://x | bash\n', 'SCS-CI-001')).toEqual([5]);
    expect(lines('Dockerfile', 'FROM x\nRUN set -eux; \\\n    apt-get update; \\\n    curl -s https://x | sh\n', 'SCS-CI-001')).toEqual([4]);
  });
});

describe('SCS-CI-002 template injection', () => {
  const job = (steps: string, extra = '') => `on: pull_request_target\npermissions: {}\n${extra}jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
  it('follows env scoping: step > job > workflow, literals are safe', () => {
    const text = job('      - run: echo ${{ env.A }}\n      - run: echo ${{ env.B }}\n        env:\n          B: fixed\n', 'env:\n  A: ${{ github.event.issue.title }}\n  B: ${{ github.event.issue.title }}\n');
    expect(lines('.github/workflows/x.yml', text, 'SCS-CI-002')).toEqual([10]);
  });
  it('typed workflow_dispatch inputs are safe, free-text ones are not', () => {
    const text = 'on:\n  workflow_dispatch:\n    inputs:\n      n: { type: number }\n      s: { type: string }\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ inputs.n }}\n      - run: echo ${{ inputs.s }}\n';
    expect(lines('.github/workflows/x.yml', text, 'SCS-CI-002')).toEqual([12]);
  });
  it('matrix values that are literals are safe', () => {
    const text = 'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        v: [1, 2]\n        include:\n          - w: ${{ github.head_ref }}\n    steps:\n      - run: echo ${{ matrix.v }} ${{ matrix.w }}\n';
    expect(lines('.github/workflows/x.yml', text, 'SCS-CI-002')).toEqual([12]);
  });
});

describe('SCS-CI-007/008 permissions', () => {
  it('reusable-only workflows: only jobs that call onward need permissions', () => {
    const text = 'on:\n  workflow_call:\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n  b:\n    uses: org/repo/.github/workflows/w.yml@0123456789abcdef0123456789abcdef01234567\n';
    expect(lines('.github/workflows/x.yml', text, 'SCS-CI-007')).toEqual([8]);
  });
  it('workflow-level writes are broad only when several jobs inherit them', () => {
    const text = 'on: push\npermissions:\n  contents: write\njobs:\n  a:\n    runs-on: x\n    permissions: {}\n    steps: [{ run: echo }]\n  b:\n    runs-on: x\n    permissions: {}\n    steps: [{ run: echo }]\n';
    expect(lines('.github/workflows/x.yml', text, 'SCS-CI-008')).toEqual([]);
  });
});

describe('SCS-DEP-005 images', () => {
  it.each([
    ['Dockerfile', 'ARG V=3.20\nFROM alpine:${V}\n', [2]],
    ['Dockerfile', 'FROM --platform=$BUILDPLATFORM golang@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS b\nFROM b\n', []],
    ['.gitlab-ci.yml', 'test:\n  image:\n    name: node:20\n  services:\n    - postgres:16\n  script: [npm ci]\n', [3, 5]],
    ['ci.sh', 'docker run -e A=1 -v x:/y --name t redis:7 redis-server\ndocker build -t app .\n', [1]],
  ])('%s', (path, text, want) => {
    expect(lines(path, text, 'SCS-DEP-005')).toEqual(want);
  });

  const messages = (path: string, text: string, ruleId: string): string[] => scanText(path, text, rules).hits.filter((h) => h.ruleId === ruleId).map((h) => h.message);
  const hex = (n: number): string => 'a'.repeat(n);
  it.each([
    [`FROM node@sha256:${hex(65)}\n`, 'not a valid sha256 digest: 65 hex digits, expected 64'],
    [`FROM node@sha256:${hex(63)}\n`, 'not a valid sha256 digest: 63 hex digits, expected 64'],
    [`FROM node@sha256:${hex(63)}z\n`, 'not a valid sha256 digest: it must be 64 hex digits (0-9, a-f)'],
    [`FROM node@md5:${hex(32)}\n`, "'md5' is not a supported digest algorithm"],
  ])('a malformed digest is named as such, not as a mutable tag: %s', (text, want) => {
    const [m] = messages('Dockerfile', text, 'SCS-DEP-005');
    expect(m).toContain('malformed digest');
    expect(m).toContain(want);
    expect(m).not.toContain('mutable tag');
  });
  it('keeps the mutable-tag message for a tag, and accepts a 64-digit digest', () => {
    expect(messages('Dockerfile', 'FROM node:20\n', 'SCS-DEP-005')[0]).toContain('mutable tag');
    expect(messages('Dockerfile', `FROM node@sha256:${hex(64)}\n`, 'SCS-DEP-005')).toEqual([]);
    expect(messages('ci.sh', `docker run node@sha256:${hex(65)}\n`, 'SCS-DEP-005')[0]).toContain('65 hex digits, expected 64');
  });
});

describe('SCS-BUILD-001 TLS', () => {
  it.each([
    ['curl -sSk https://x', 1],
    ['curl -o k https://x', 0],
    ['curl -sS -H "X: -k" https://x', 0],
    ['git config --global http.sslVerify false', 1],
    ['NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci', 1],
    ['helm upgrade --install --insecure-skip-tls-verify app ./chart', 1],
  ])('%s → %i', (cmd, n) => {
    expect(lines('ci.sh', `${cmd}\n`, 'SCS-BUILD-001')).toHaveLength(n);
  });
  it('reads .npmrc and compose environments', () => {
    expect(lines('.npmrc', 'strict-ssl=false\n', 'SCS-BUILD-001')).toEqual([1]);
    expect(lines('docker-compose.yml', 'services:\n  a:\n    image: x@sha256:0000000000000000000000000000000000000000000000000000000000000000\n    environment:\n      - NODE_TLS_REJECT_UNAUTHORIZED=0\n', 'SCS-BUILD-001')).toEqual([5]);
  });
});

describe('SCS-DEP-001 pip', () => {
  it.each([
    ['pip install requests', 1],
    ['pip install "requests==2.32.3"', 0],
    ['pip install -c constraints.txt requests', 1],
    ['pip install --require-hashes -r requirements.txt', 0],
    ['uv pip install ruff==0.6.0 -r requirements.txt', 0],
    ['pip install -e .[dev]', 0],
    ['pip install "$PKG"', 0],
  ])('%s → %i', (cmd, n) => {
    expect(lines('ci.sh', `${cmd}\n`, 'SCS-DEP-001')).toHaveLength(n);
  });
});

describe('SCS-DEP-003/004/006 requirements lines', () => {
  const fixture = (name: string): string => readFileSync(join(CORPORA, 'lockfiles', 'osv-scalibr', 'python', 'requirements', 'testdata', name), 'utf8');

  it('an exact pin with extras (commas inside the brackets) and a marker is pinned (osv-scalibr extras.txt)', () => {
    expect(lines('requirements.txt', fixture('extras.txt'), 'SCS-DEP-003')).toEqual([]);
    expect(lines('requirements.txt', 'requests[security,socks]==2.31.0 ; python_version >= "3.8"\nparen (==1.0)\nloose>=1,<2\nx[a,b]>=1\n', 'SCS-DEP-003')).toEqual([3, 4]);
  });

  it('a PEP 508 direct reference to a branch is an unpinned URL dependency; to a commit it is not', () => {
    const text = 'gitdep @ git+https://github.com/org/lib.git@main\nnospace@git+https://github.com/org/lib.git@v1 ; python_version >= "3.8"\npinned @ git+https://github.com/org/lib.git@0123456789abcdef0123456789abcdef01234567\n';
    expect(lines('requirements.txt', text, 'SCS-DEP-004')).toEqual([1, 2]);
    expect(lines('requirements.txt', text, 'SCS-DEP-003')).toEqual([]);
  });

  it('plain HTTP in a direct reference or an editable VCS line is insecure', () => {
    expect(lines('requirements.txt', 'lib @ http://example.com/lib.tar.gz#sha256=00\n-e git+http://example.com/a.git@0123456789abcdef0123456789abcdef01234567#egg=a\nok @ https://example.com/ok.tar.gz#sha256=00\n', 'SCS-DEP-006')).toEqual([1, 2]);
  });
});
