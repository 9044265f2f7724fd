// The traceability matrix: requirement ↔ implementing code ↔ tests, from `REQUIREMENT: REQ-x` tags in the
// project's files. A tag in a test file counts as a test, anywhere else as implementation.
import picomatch from 'picomatch';
import type { Requirement } from './requirements.js';

export interface TraceLocation {
  file: string;
  line: number;
}

export interface TraceRow {
  id: string;
  title: string;
  standard?: string;
  clause?: string;
  status: string;
  verification: string;
  code: TraceLocation[];
  tests: TraceLocation[];
  /** What is missing: implementing code, a test (only for verification: test). Empty when traced or obsolete. */
  gaps: ('no-code' | 'no-test')[];
}

export interface TraceMatrix {
  schema: 'sentrik.trace/1';
  requirementsFile: string;
  rows: TraceRow[];
  /** Tags naming ids that requirements.yaml does not define. */
  unknownTags: (TraceLocation & { id: string })[];
  /** traced: neither obsolete nor with a gap; obsolete ones are neither traced nor gaps. */
  summary: { requirements: number; traced: number; obsolete: number; noCode: number; noTest: number; unknownTags: number };
}

// `REQUIREMENT: REQ-1` or `REQUIREMENT: REQ-1, REQ-2` anywhere in a line (usually a comment).
const TAG = /\bREQUIREMENTS?:\s*([A-Z][A-Z0-9]*-[A-Za-z0-9][A-Za-z0-9._-]*(?:\s*,\s*[A-Z][A-Z0-9]*-[A-Za-z0-9][A-Za-z0-9._-]*)*)/g;

const TEST_FILE = picomatch(
  ['**/{test,tests,__tests__,spec,specs,testing}/**', '**/*.{test,spec}.*', '**/*_test.*', '**/test_*.*', '**/*Test.{java,kt}', '**/*Tests.{java,kt,cs}', '**/*_spec.rb'],
  { dot: true, nocase: true },
);

export function isTestFile(path: string): boolean {
  return TEST_FILE(path);
}

/** Tags of one file: (id, line) pairs. The pattern is fixed and linear (no nested quantifiers over input). */
export function tagsIn(text: string): { id: string; line: number }[] {
  if (!text.includes('REQUIREMENT')) return [];
  const out: { id: string; line: number }[] = [];
  const lines = text.split('\n');
  lines.forEach((l, i) => {
    if (!l.includes('REQUIREMENT')) return;
    for (const m of l.matchAll(TAG)) for (const id of m[1].split(',')) out.push({ id: id.trim().replace(/[.]+$/, ''), line: i + 1 });
  });
  return out;
}

export function buildMatrix(requirementsFile: string, requirements: Requirement[], files: { path: string; text: string }[]): TraceMatrix {
  const rows = new Map<string, TraceRow>(
    requirements.map((r) => [r.id, { id: r.id, title: r.title, standard: r.standard, clause: r.clause, status: r.status, verification: r.verification, code: [], tests: [], gaps: [] }]),
  );
  const unknownTags: TraceMatrix['unknownTags'] = [];
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    for (const t of tagsIn(f.text)) {
      const row = rows.get(t.id);
      if (!row) {
        unknownTags.push({ id: t.id, file: f.path, line: t.line });
        continue;
      }
      (isTestFile(f.path) ? row.tests : row.code).push({ file: f.path, line: t.line });
    }
  }
  for (const row of rows.values()) {
    if (row.status === 'obsolete') continue;
    if (row.code.length === 0) row.gaps.push('no-code');
    if (row.verification === 'test' && row.tests.length === 0) row.gaps.push('no-test');
  }
  const list = [...rows.values()];
  return {
    schema: 'sentrik.trace/1',
    requirementsFile,
    rows: list,
    unknownTags,
    summary: {
      requirements: list.length,
      traced: list.filter((r) => r.status !== 'obsolete' && r.gaps.length === 0).length,
      obsolete: list.filter((r) => r.status === 'obsolete').length,
      noCode: list.filter((r) => r.gaps.includes('no-code')).length,
      noTest: list.filter((r) => r.gaps.includes('no-test')).length,
      unknownTags: unknownTags.length,
    },
  };
}

const where = (l: TraceLocation[]): string => l.map((x) => `${x.file}:${x.line}`).join('; ');

export function matrixCsv(m: TraceMatrix): string {
  const q = (s: string): string => (/[",\n]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/^([=+\-@])/, "'$1").replace(/"/g, '""')}"` : s);
  const lines = ['id,title,standard,clause,status,verification,code,tests,gaps'];
  for (const r of m.rows) lines.push([r.id, r.title, r.standard ?? '', r.clause ?? '', r.status, r.verification, where(r.code), where(r.tests), r.gaps.join(' ')].map(q).join(','));
  return `${lines.join('\n')}\n`;
}

export function matrixMarkdown(m: TraceMatrix): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = ['| Requirement | Title | Clause | Code | Tests | Gaps |', '|---|---|---|---|---|---|'];
  for (const r of m.rows) {
    lines.push(`| ${cell(r.id)} | ${cell(r.title)} | ${cell([r.standard, r.clause].filter(Boolean).join(' '))} | ${cell(where(r.code) || '—')} | ${cell(where(r.tests) || '—')} | ${cell(r.status === 'obsolete' ? 'obsolete' : r.gaps.join(', ') || 'traced')} |`);
  }
  return `${lines.join('\n')}\n`;
}
