// Every report file the CLI writes into a report folder is one a later scan recognises there.
import { describe, expect, it } from 'vitest';
import { isReportFileName, OUTPUT_MARKER } from '../../src/engine/own-output.js';
import { REPORTERS } from '../../src/reporters/index.js';
import { REVIEW_FILE } from '../../src/governance/gate.js';

describe('isReportFileName', () => {
  it('knows every reporter file, the review, the marker and the framework reports', () => {
    for (const r of Object.values(REPORTERS)) expect(isReportFileName(r.fileName)).toBe(true);
    for (const name of [REVIEW_FILE, OUTPUT_MARKER, 'agent_audit.jsonl', 'trust-center.html', 'compliance-soc2.json', 'evidence-pci-dss.zip', 'attestation.intoto.json']) expect(isReportFileName(name)).toBe(true);
  });
  it('nothing else', () => {
    for (const name of ['findings.js', 'app.json', 'findings.json.bak', 'my-findings.json', 'compliance-.json', 'index.html']) expect(isReportFileName(name)).toBe(false);
  });
});
