// sentrik's own report files are never scanned. The configured output_dir is excluded by name; a run's
// --output-dir / --output is excluded for that run; and every folder sentrik writes a report set into gets
// a marker file, so that a later run (with other flags) recognises the reports of an earlier one there.
//
// The marker hides only sentrik's report files (the names below) in its folder: any other file beside it
// is scanned as usual, so a marker committed into a repository cannot hide code from a scan.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Written into every report folder by the CLI (see markOutputDir in cli/context.ts). */
export const OUTPUT_MARKER = '.sentrik-output';

export const OUTPUT_MARKER_TEXT =
  '# sentrik writes its reports into this folder. Scans skip the report files here (findings.*,\n' +
  '# scan_metrics.json, review.json, …); any other file in this folder is scanned as usual.\n';

/**
 * File names sentrik writes into a report folder: the reporters' set (a test checks it against REPORTERS),
 * the gate's review, the audit log, attestations, compliance and trust-center reports, evidence archives.
 */
const REPORT_FILE = /^(?:findings\.(?:json|sarif|junit\.xml|csv|md|html)|scan_metrics\.json|review\.json|agent_audit\.jsonl|attestation\.intoto\.json|trust-center\.(?:json|html)|compliance-[a-z0-9-]+\.(?:json|html)|evidence-[a-z0-9-]+\.zip|\.sentrik-output)$/;

export function isReportFileName(name: string): boolean {
  return REPORT_FILE.test(name);
}

/**
 * For lists of changed files (staged, git range): is `rel` a report file in a marked folder of the working
 * tree? Folders are looked up once each.
 */
export function ownReportTester(root: string): (rel: string) => boolean {
  const marked = new Map<string, boolean>();
  return (rel) => {
    const slash = rel.lastIndexOf('/');
    if (!isReportFileName(rel.slice(slash + 1))) return false;
    const dir = slash === -1 ? '' : rel.slice(0, slash);
    let m = marked.get(dir);
    if (m === undefined) marked.set(dir, (m = existsSync(join(root, dir, OUTPUT_MARKER))));
    return m;
  };
}
