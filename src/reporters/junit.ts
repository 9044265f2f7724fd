// findings.junit.xml: one <testsuite> per pack. What fails is what the gate blocks on: each blocking finding is
// a failed <testcase> of its own ("RULE: title at file:line"), so `failures` equals the gate's count of
// blocking findings. A rule with no blocking finding is one passed <testcase> ("RULE: title"); findings that
// do not block are listed in its <system-out> with the reason (below fail_on, or a rule that does not gate);
// CI test tabs show them as output of a passed test: noted, not failing (`skipped` would read as "not
// checked"). Without a gate (`scan`), every unsuppressed finding fails. Scan problems become <error>s of a separate suite, so CI test viewers show both "what is wrong in
// the code" and "what sentrik could not check".
import type { Finding, GateResult, RuleInfo, ScanResult } from '../engine/model.js';
import { blockingSeverities } from '../engine/gate.js';
import { plural } from '../util/text.js';
import { compareByLocation, compareStrings, formatLocation, rulesOf, standardRef } from './common.js';

const PROBLEMS_SUITE = 'sentrik.problems';

export function renderJunit(result: ScanResult, gate?: GateResult): string {
  // With a gate, only its blocking findings fail; the rest of the unsuppressed findings are noted.
  const blockingIds = gate ? new Set(gate.blocking.map((f) => `${f.ruleId}\0${f.fingerprint}`)) : undefined;
  const fails = (f: Finding): boolean => !blockingIds || blockingIds.has(`${f.ruleId}\0${f.fingerprint}`);
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
  // Why a finding the gate saw does not block, per finding: its rule never gates (an obligation with
  // `gate: false`), or its severity is below fail_on.
  const blocks = new Set(gate ? blockingSeverities(gate.failOn) : []);
  const why = (rule: RuleInfo, f: Finding): string =>
    rule.gate === false ? 'its rule does not gate' : !blocks.has(f.severity) ? `below fail_on (${gate!.failOn.join(', ') || 'none'})` : 'not counted by the gate';

  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const packId of [...rulesByPack.keys()].sort(compareStrings)) {
    const rules = rulesByPack.get(packId)!.sort((a, b) => compareStrings(a.id, b.id));
    const cases: string[] = [];
    let failed = 0;
    for (const rule of rules) {
      const all = findingsByRule.get(rule.id) ?? [];
      const failing = all.filter(fails);
      const others = all.filter((f) => !fails(f));
      const byReason = new Map<string, Finding[]>();
      for (const f of others) byReason.set(why(rule, f), [...(byReason.get(why(rule, f)) ?? []), f]);
      const out = [...byReason].map(([reason, fs]) => `${plural(fs.length, 'finding')} not blocking: ${reason}:\n\n${fs.map(describe).join('\n\n')}`).join('\n\n');
      if (!failing.length) cases.push(passed(rule, out));
      else failing.forEach((f, i) => cases.push(failure(rule, f, i === 0 ? out : '')));
      failed += failing.length;
    }
    tests += cases.length;
    failures += failed;
    suites.push(
      `  <testsuite${attrs({
        name: packId,
        tests: cases.length,
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

/** A rule with nothing that fails: passed, with the findings that do not block as its output. */
function passed(rule: RuleInfo, out: string): string {
  const open = `    <testcase${attrs({ name: `${rule.id}: ${rule.title}`, classname: rule.packId, time: '0' })}`;
  if (!out) return `${open}/>\n`;
  return `${open}>\n      <system-out>${text(out)}</system-out>\n    </testcase>\n`;
}

/** One failing finding: its own test case, named by rule and location. */
function failure(rule: RuleInfo, f: Finding, out: string): string {
  const help = [rule.remediation && `Remediation: ${rule.remediation.trim()}`, standardRef(rule) && `Standard: ${standardRef(rule)}`]
    .filter(Boolean)
    .join('\n');
  const body = describe(f);
  return (
    `    <testcase${attrs({ name: `${rule.id}: ${rule.title} at ${formatLocation(f)}`, classname: rule.packId, time: '0' })}>\n` +
    `      <failure${attrs({ message: f.message, type: f.severity })}>${text(help ? `${body}\n\n${help}` : body)}</failure>\n` +
    (out ? `      <system-out>${text(out)}</system-out>\n` : '') +
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
