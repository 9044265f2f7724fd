// editTopLevelList: add-pack / remove-pack change the text of standards_packs only; everything else in the
// file (comments, flow or block style, quoting, blank lines, key order) stays byte for byte.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { editTopLevelList } from '../../src/config/edit.js';

const add = (text: string, item: string, current: string[] = []) => editTopLevelList(text, 'standards_packs', { op: 'add', item }, current);
const remove = (text: string, item: string) => editTopLevelList(text, 'standards_packs', { op: 'remove', item }, []);

const FLOW = `# project policy
standards_packs: [owasp-top-10, "secrets"]   # the packs we run

gate:
  fail_on: [critical, high]  # block these
`;
const BLOCK = `# project policy
standards_packs:   # the packs we run
  - owasp-top-10   # web
  # secrets next
  - secrets
gate: { fail_on: [critical] }
`;

describe('editTopLevelList', () => {
  it.each([
    ['flow: add', add(FLOW, 'supply-chain-security'), FLOW.replace('"secrets"]', '"secrets", supply-chain-security]')],
    ['flow: remove the first', remove(FLOW, 'owasp-top-10'), FLOW.replace('[owasp-top-10, "secrets"]', '["secrets"]')],
    ['flow: remove the last', remove(FLOW, 'secrets'), FLOW.replace('[owasp-top-10, "secrets"]', '[owasp-top-10]')],
    ['flow: remove the only one', remove('standards_packs: [ secrets ] # x\n', 'secrets'), 'standards_packs: [] # x\n'],
    ['flow: add to an empty list', add('standards_packs: []\n', 'secrets'), 'standards_packs: [secrets]\n'],
    ['block: add', add(BLOCK, 'supply-chain-security'), BLOCK.replace('  - secrets\n', '  - secrets\n  - supply-chain-security\n')],
    ['block: remove', remove(BLOCK, 'owasp-top-10'), BLOCK.replace('  - owasp-top-10   # web\n', '')],
    ['block: remove the only one', remove('standards_packs: # ours\n  - secrets\nx: 1\n', 'secrets'), 'standards_packs: [] # ours\nx: 1\n'],
    ['block: add at the end of a file with no final newline', add('a: 1\nstandards_packs:\n    - secrets', 'soc2'), 'a: 1\nstandards_packs:\n    - secrets\n    - soc2'],
    ['no list yet: appended from the effective packs', add('# only a comment\ngate: { fail_on: [high] }\n', 'soc2', ['owasp-top-10']), '# only a comment\ngate: { fail_on: [high] }\nstandards_packs: [owasp-top-10, soc2]\n'],
    ['no file yet', add('', 'soc2', ['secrets']), 'standards_packs: [secrets, soc2]\n'],
    // Brackets are collapsed inside the edited list only: another key's text is never touched.
    ['flow: remove the only one, another key holds "[ ]"', remove('suppress_note: "checkbox [ ] todo"\nstandards_packs: [ secrets ]\n', 'secrets'), 'suppress_note: "checkbox [ ] todo"\nstandards_packs: []\n'],
    // A CRLF file keeps its line ending on every line the edit writes.
    ['CRLF block: add', add('standards_packs:\r\n  - secrets\r\nx: 1\r\n', 'soc2'), 'standards_packs:\r\n  - secrets\r\n  - soc2\r\nx: 1\r\n'],
    ['CRLF block: remove', remove('standards_packs:\r\n  - secrets\r\n  - soc2\r\nx: 1\r\n', 'secrets'), 'standards_packs:\r\n  - soc2\r\nx: 1\r\n'],
    ['CRLF: no list yet', add('gate: { fail_on: [high] }\r\n', 'soc2', ['secrets']), 'gate: { fail_on: [high] }\r\nstandards_packs: [secrets, soc2]\r\n'],
    ['CRLF: no final newline, no list yet', add('x: 1\r\ny: 2', 'soc2', []), 'x: 1\r\ny: 2\r\nstandards_packs: [soc2]\r\n'],
  ])('%s', (_name, got, want) => {
    expect(got).toBe(want);
  });

  it('nothing to do: already enabled, or not enabled', () => {
    expect(add(FLOW, 'secrets')).toBeUndefined();
    expect(remove(BLOCK, 'soc2')).toBeUndefined();
  });

  it('a CRLF file rewritten through the Document keeps CRLF', () => {
    const out = add('# keep me\r\nstandards_packs: { append: [soc2] }\r\n', 'hipaa', ['soc2'])!;
    expect(parse(out).standards_packs).toEqual(['soc2', 'hipaa']);
    expect(out.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('a list operation ({ append: [...] }) becomes the explicit effective list, other keys and comments kept', () => {
    const text = '# keep me\nstandards_packs: { append: [soc2] }\n';
    const out = add(text, 'hipaa', ['owasp-top-10', 'soc2'])!;
    expect(parse(out).standards_packs).toEqual(['owasp-top-10', 'soc2', 'hipaa']);
    expect(out).toContain('# keep me');
  });
});
