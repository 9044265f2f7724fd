// sentrik's own report files are not scanned by the run that writes them. The configured output_dir is
// excluded by name (configuration the team reviews); a run's --output file, and the report files it writes into
// its --output-dir, are left out of that run's walk of the tree. Nothing else is hidden (but sentrik's own
// files, see OWN_FILE_PATTERNS): another folder, a file of another name, or a file that is part of a staged /
// range / diff change is scanned as usual — a report-named file in the repository cannot make sentrik skip it.

/**
 * File names sentrik writes into a report folder: the reporters' set (a test checks it against REPORTERS),
 * the gate's review, the audit log and its head, attestations, compliance and trust-center reports, evidence
 * archives. Globs in gitignore syntax (a `*` is one name part).
 */
const REPORT_FILES = [
  'findings.json', 'findings.sarif', 'findings.junit.xml', 'findings.csv', 'findings.md', 'findings.html',
  'scan_metrics.json', 'review.json', 'agent_audit.jsonl', 'agent_audit.jsonl.head', 'attestation.intoto.json',
  'trust-center.json', 'trust-center.html', 'compliance-*.json', 'compliance-*.html', 'evidence-*.zip',
];

const REPORT_FILE = new RegExp(`^(?:${REPORT_FILES.map((g) => g.replace(/\./g, '\\.').replace(/\*/g, '[a-z0-9-]+')).join('|')})$`);

export function isReportFileName(name: string): boolean {
  return REPORT_FILE.test(name);
}

/** Exclusion patterns (gitignore syntax) for the report files of a folder `rel` (relative to the root, '' = root). */
export function reportFilePatterns(rel: string): string[] {
  const base = rel ? `/${rel.replace(/\/+$/, '')}/` : '/';
  return REPORT_FILES.map((g) => `${base}${g}`);
}

/**
 * What sentrik keeps in its `.sentrik/` folders, at any level (a monorepo package keeps its own), that is not
 * the project's code: custom packs' YAML (whose bad examples are flagged code by design), the cache, the run
 * history and the .gitignore naming them. Only those: the configuration is scanned (a secret in it is found),
 * and any other file there — a script dropped into a `.sentrik/` folder — is code like any other. The state
 * (OWN_STATE_PATTERNS) is what sentrik writes itself: `watch` ignores its changes, not a rule's.
 */
export const OWN_STATE_PATTERNS = ['**/.sentrik/cache/', '**/.sentrik/history.db*', '**/.sentrik/.gitignore'];
export const OWN_FILE_PATTERNS = ['**/.sentrik/rules/**/*.yaml', '**/.sentrik/rules/**/*.yml', ...OWN_STATE_PATTERNS];
