// Every report file the CLI writes into a report folder is one the run that writes it leaves out.
import { describe, expect, it } from 'vitest';
import { isReportFileName, reportFilePatterns } from '../../src/engine/own-output.js';
import { REPORTERS } from '../../src/reporters/index.js';
import { REVIEW_FILE } from '../../src/governance/gate.js';

describe('isReportFileName', () => {
  it('knows every reporter file, the review, the audit log and the framework reports', () => {
    for (const r of Object.values(REPORTERS)) expect(isReportFileName(r.fileName)).toBe(true);
    for (const name of [REVIEW_FILE, 'agent_audit.jsonl', 'agent_audit.jsonl.head', 'trust-center.html', 'compliance-soc2.json', 'evidence-pci-dss.zip', 'attestation.intoto.json']) expect(isReportFileName(name)).toBe(true);
  });
  it('gives anchored patterns for a folder or the root', () => {
    expect(reportFilePatterns('reports/ci')).toContain('/reports/ci/findings.json');
    expect(reportFilePatterns('')).toContain('/compliance-*.html');
  });
  it('nothing else', () => {
    for (const name of ['findings.js', 'app.json', 'findings.json.bak', 'my-findings.json', 'compliance-.json', 'index.html']) expect(isReportFileName(name)).toBe(false);
  });
});
