// A realistic scan result built by hand: several files and severities, a suppressed finding, a
// repository-level finding, hostile snippets (HTML breakout, CSV formula, ANSI escape), a problem, skips.
import type { Finding, GateResult, RuleInfo, ScanResult } from '../../src/engine/model.js';

export const XSS_SNIPPET = 'const page = "</script><script>alert(1)</script>";';
export const FORMULA_SNIPPET = "=cmd|' /C calc'!A0";

const rules: RuleInfo[] = [
  {
    id: 'SCS-CI-001',
    packId: 'supply-chain-security',
    title: 'Remote script piped into a shell',
    severity: 'critical',
    message: 'A script downloaded with curl or wget is piped straight into a shell',
    remediation: 'Download the script, verify its checksum or signature, then run it. Prefer a pinned package.',
    standard: 'SLSA',
    clause: 'Build L3',
    cwe: ['CWE-494'],
    kind: 'regex',
  },
  {
    id: 'SCS-BUILD-001',
    packId: 'supply-chain-security',
    title: 'TLS certificate verification disabled',
    severity: 'high',
    message: 'TLS certificate verification is turned off',
    remediation: 'Remove verify=False and trust the system store or pass a CA bundle path.',
    standard: 'NIST SSDF',
    clause: 'PW.4.1',
    cwe: ['CWE-295'],
    kind: 'regex',
  },
  {
    id: 'OWASP-A03-001',
    packId: 'owasp-top-10',
    title: 'eval of request data',
    severity: 'critical',
    message: 'Request data reaches eval(), which runs it as code',
    remediation: 'Never evaluate user input. Parse it with a schema or ast.literal_eval.',
    standard: 'OWASP Top 10 2021',
    clause: 'A03:2021 Injection',
    cwe: ['CWE-95', '94'],
    kind: 'regex',
  },
  {
    id: 'OWASP-A07-002',
    packId: 'owasp-top-10',
    title: 'Hardcoded password assignment',
    severity: 'high',
    message: 'A password is assigned a literal value',
    remediation: 'Read the password from a secret store or an environment variable.',
    standard: 'OWASP Top 10 2021',
    clause: 'A07:2021',
    cwe: ['CWE-798'],
    kind: 'regex',
  },
  {
    id: 'SCS-DOC-001',
    packId: 'supply-chain-security',
    title: 'No SECURITY.md with a disclosure process',
    severity: 'medium',
    message: 'The repository has no SECURITY.md describing how to report a vulnerability',
    remediation: 'Add SECURITY.md with a contact address and the expected response time.',
    standard: 'NIST SSDF',
    clause: 'RV.1.1',
    cwe: [],
    kind: 'documentation_obligation',
  },
  {
    id: 'OWASP-A05-003',
    packId: 'owasp-top-10',
    title: 'Debug mode enabled',
    severity: 'low',
    message: 'The application runs with debug mode on',
    remediation: 'Turn debug off in production configuration.',
    standard: 'OWASP Top 10 2021',
    clause: 'A05:2021',
    cwe: ['CWE-489'],
    kind: 'regex',
  },
  {
    id: 'OWASP-A09-001',
    packId: 'owasp-top-10',
    title: 'Logging of request bodies',
    severity: 'info',
    message: 'Request bodies are logged and may contain personal data',
    remediation: 'Log identifiers, not payloads.',
    cwe: ['CWE-532'],
    kind: 'regex',
  },
  {
    id: 'SCS-CI-003',
    packId: 'supply-chain-security',
    title: 'GitHub Action pinned to a mutable tag',
    severity: 'high',
    message: 'The action is referenced by a tag that can be moved',
    remediation: 'Pin the action to a full commit SHA.',
    standard: 'SLSA',
    clause: 'Source L2',
    cwe: ['CWE-829'],
    kind: 'structured',
  },
];

function finding(rule: RuleInfo, extra: Partial<Finding> & Pick<Finding, 'file' | 'fingerprint'>): Finding {
  return {
    ruleId: rule.id,
    packId: rule.packId,
    title: rule.title,
    severity: rule.severity,
    message: rule.message,
    standard: rule.standard,
    clause: rule.clause,
    cwe: rule.cwe,
    remediation: rule.remediation,
    confidence: 'high',
    kind: rule.kind,
    ...extra,
  };
}

const [curl, tls, evalRule, password, securityMd, debug, logging] = rules;

export const findings: Finding[] = [
  finding(evalRule, {
    file: 'app/server.py',
    line: 42,
    column: 14,
    endLine: 42,
    endColumn: 40,
    snippet: '    result = eval(request.args["expr"])',
    fingerprint: 'f-eval-01',
  }),
  finding(tls, {
    file: 'app/server.py',
    line: 17,
    column: 32,
    endLine: 17,
    endColumn: 44,
    snippet: 'resp = requests.get(url, verify=False)',
    fingerprint: 'f-tls-01',
    confidence: 'medium',
  }),
  finding(curl, {
    file: 'scripts/install.sh',
    line: 3,
    column: 1,
    endLine: 3,
    endColumn: 48,
    snippet: 'curl -fsSL https://get.example.com/x.sh | bash',
    fingerprint: 'f-curl-01',
    clauses: [{ standard: 'NIST SSDF', clause: 'PS.3.1', packId: 'nist-ssdf' }],
  }),
  finding(password, {
    file: 'web/static/page.js',
    line: 7,
    column: 7,
    endLine: 7,
    endColumn: 52,
    snippet: XSS_SNIPPET,
    message: 'A password is assigned a literal value: <b>"hunter2"</b> & more | pipes @octocat',
    fingerprint: 'f-xss-01',
  }),
  finding(password, {
    file: 'data/import,"weird".csv',
    line: 2,
    column: 1,
    snippet: FORMULA_SNIPPET,
    message: '=HYPERLINK("http://evil.example","click")',
    fingerprint: 'f-formula-01',
    confidence: 'low',
  }),
  finding(securityMd, {
    file: '.',
    fingerprint: 'f-secmd-01',
  }),
  finding(debug, {
    file: 'tests/test_app.py',
    line: 5,
    column: 1,
    snippet: 'app.run(debug=True)\x1b[2J\x1b[31mOWNED',
    severity: 'low',
    originalSeverity: 'high',
    rescoreReason: 'in a test file',
    fingerprint: 'f-debug-01',
  }),
  finding(logging, {
    file: 'app/server.py',
    line: 60,
    fingerprint: 'f-log-01',
  }),
  finding(tls, {
    file: 'scripts/fetch.py',
    line: 9,
    column: 5,
    endLine: 9,
    endColumn: 17,
    snippet: 'requests.get(u, verify=False)  # sentrik-ignore SCS-BUILD-001: internal mirror',
    fingerprint: 'f-tls-suppressed',
    suppressed: { kind: 'inline', reason: 'internal mirror with a pinned certificate', source: 'scripts/fetch.py:9' },
  }),
];

export function makeResult(overrides: Partial<ScanResult> = {}): ScanResult {
  return {
    root: '/home/dev/projects/demo api',
    tool: { name: 'sentrik', version: '0.1.0' },
    findings,
    problems: [
      { file: 'app/broken.yaml', line: 3, code: 'parse-error', message: 'cannot parse YAML: bad indentation' },
      { ruleId: 'SCS-CI-009', code: 'rule-error', message: 'rule timed out' },
    ],
    skipped: [
      { file: 'assets/logo.png', reason: 'binary' },
      { file: 'data/dump.sql', reason: 'too-large' },
      { file: 'vendor/lib.min.js', reason: 'excluded' },
    ],
    metrics: {
      startedAt: '2025-11-24T06:00:00.000Z',
      durationMs: 1234,
      phasesMs: { match: 900, discovery: 200, packs: 100 },
      filesScanned: 42,
      bytesScanned: 123_456,
      filesSkipped: 3,
      skippedByReason: { binary: 1, 'too-large': 1, excluded: 1 },
      cacheHits: 10,
      cacheMisses: 32,
      packs: ['owasp-top-10', 'supply-chain-security'],
      rulesEvaluated: rules.length,
      findings: findings.length - 1,
      suppressed: 1,
      bySeverity: { critical: 2, high: 3, medium: 1, low: 1, info: 1 },
      byRule: { 'SCS-CI-001': 1, 'OWASP-A03-001': 1 },
      byPack: { 'supply-chain-security': 3, 'owasp-top-10': 5 },
      perPackMs: { 'supply-chain-security': 400, 'owasp-top-10': 500 },
      jobs: 4,
      scope: { mode: 'paths', paths: ['.'] },
    },
    rules,
    ...overrides,
  };
}

export function makeGate(result: ScanResult): GateResult {
  const blocking = result.findings.filter((f) => !f.suppressed && (f.severity === 'critical' || f.severity === 'high'));
  return {
    passed: blocking.length === 0,
    failOn: ['critical', 'high'],
    blocking,
    summary: `${blocking.length} blocking findings at critical or high`,
  };
}

export const emptyResult = (): ScanResult =>
  makeResult({
    findings: [],
    problems: [],
    skipped: [],
    metrics: { ...makeResult().metrics, filesSkipped: 0, skippedByReason: {}, findings: 0, suppressed: 0 },
  });
