// findings.junit.xml: one <testsuite> per pack, one <testcase> per rule evaluated; a rule with unsuppressed
// findings fails, its <failure> listing every finding. Scan problems become <error>s of a separate suite,
// so CI test viewers show both "what is wrong in the code" and "what sentrik could not check".
import type { Finding, RuleInfo, ScanResult } from '../engine/model.js';
import { SEVERITY_RANK, compareByLocation, compareStrings, formatLocation, plural, rulesOf, standardRef } from './common.js';

const PROBLEMS_SUITE = 'sentrik.problems';

export function renderJunit(result: ScanResult): string {
  const findingsByRule = new Map<string, Finding[]>();
  for (const f of [...result.findings].sort(compareByLocation)) {
    if (f.suppressed) continue;
    const list = findingsByRule.get(f.ruleId) ?? [];
    list.push(f);
    findingsByRule.set(f.ruleId, list);
  }
  const rulesByPack = new Map<string, RuleInfo[]>();
  for (const rule of rulesOf(result)) {
    const list = rulesByPack.get(rule.packId) ?? [];
    list.push(rule);
    rulesByPack.set(rule.packId, list);
  }
  const timestamp = xmlTimestamp(result.metrics.startedAt);
  const perPackMs = result.metrics.perPackMs ?? {};

  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const packId of [...rulesByPack.keys()].sort(compareStrings)) {
    const rules = rulesByPack.get(packId)!.sort((a, b) => compareStrings(a.id, b.id));
    const cases = rules.map((rule) => testcase(rule, findingsByRule.get(rule.id) ?? []));
    const failed = rules.filter((r) => findingsByRule.has(r.id)).length;
    tests += rules.length;
    failures += failed;
    suites.push(
      `  <testsuite${attrs({
        name: packId,
        tests: rules.length,
        failures: failed,
        errors: 0,
        skipped: 0,
        time: seconds(perPackMs[packId] ?? 0),
        timestamp,
      })}>\n${cases.join('')}  </testsuite>\n`,
    );
  }

  const problems = result.problems;
  if (problems.length > 0) {
    const cases = problems.map((p) => {
      const where = p.file ? `${p.file}${p.line ? `:${p.line}` : ''}` : (p.ruleId ?? 'scan');
      return (
        `    <testcase${attrs({ name: `${p.code}: ${where}`, classname: PROBLEMS_SUITE, time: '0' })}>\n` +
        `      <error${attrs({ message: p.message, type: p.code })}>${text(`${where}: ${p.message}`)}</error>\n` +
        `    </testcase>\n`
      );
    });
    tests += problems.length;
    suites.push(
      `  <testsuite${attrs({ name: PROBLEMS_SUITE, tests: problems.length, failures: 0, errors: problems.length, skipped: 0, time: '0', timestamp })}>\n` +
        `${cases.join('')}  </testsuite>\n`,
    );
  }

  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites${attrs({
      name: result.tool.name || 'sentrik',
      tests,
      failures,
      errors: problems.length,
      time: seconds(result.metrics.durationMs),
    })}>\n${suites.join('')}</testsuites>\n`
  );
}

function testcase(rule: RuleInfo, findings: Finding[]): string {
  const open = `    <testcase${attrs({ name: `${rule.id}: ${rule.title}`, classname: rule.packId, time: '0' })}`;
  if (findings.length === 0) return `${open}/>\n`;
  const worst = findings.reduce((a, b) => (SEVERITY_RANK[b.severity] > SEVERITY_RANK[a.severity] ? b : a));
  const message = `${plural(findings.length, 'finding')}: ${findings[0].message}`;
  const body = findings.map(describe).join('\n\n');
  const help = [rule.remediation && `Remediation: ${rule.remediation.trim()}`, standardRef(rule) && `Standard: ${standardRef(rule)}`]
    .filter(Boolean)
    .join('\n');
  return (
    `${open}>\n` +
    `      <failure${attrs({ message, type: worst.severity })}>${text(help ? `${body}\n\n${help}` : body)}</failure>\n` +
    `    </testcase>\n`
  );
}

function describe(f: Finding): string {
  const lines = [`${formatLocation(f)} [${f.severity}] ${f.message}`];
  if (f.snippet) lines.push(...f.snippet.split(/\r?\n/).map((l) => `    ${l}`));
  return lines.join('\n');
}

/** ` a="1" b="x"` with XML-escaped values. */
function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${attribute(String(v))}"`)
    .join('');
}

function text(value: string): string {
  return xmlSafe(value).replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

function attribute(value: string): string {
  // Newlines and tabs in attributes would be normalised to spaces by parsers; keep them as references.
  return text(value).replace(/["\n\r\t]/g, (c) => ({ '"': '&quot;', '\n': '&#10;', '\r': '&#13;', '\t': '&#9;' })[c]!);
}

/**
 * XML 1.0 cannot carry most control characters (not even as references) nor lone surrogates; they are
 * replaced by a visible `\xNN` / `\uXXXX` so a binary-ish snippet cannot make the report unparsable.
 */
function xmlSafe(value: string): string {
  return value.replace(
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => {
      const code = c.charCodeAt(0);
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    },
  );
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** JUnit's schema wants an ISO 8601 timestamp without a zone designator. */
function xmlTimestamp(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '' : new Date(t).toISOString().slice(0, 19);
}
