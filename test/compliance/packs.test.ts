// The regulatory packs: every clause id follows its standard's own numbering, every mapping names a rule that
// exists, and the mapping mechanism rejects bad packs at load time with the file and line.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clauseTable } from '../../src/compliance/clauses.js';
import { builtinPacksDir, loadPack, loadPacksFrom } from '../../src/packs/load.js';
import { SentrikError } from '../../src/util/errors.js';

/** Each framework's clause numbering, written from the standard (not from the packs). */
const CLAUSE_FORMAT: Record<string, RegExp> = {
  // AICPA TSC: CC1.1–CC9.2, A1.x, C1.x, PI1.x, P1.x–P8.x
  soc2: /^(CC[1-9]|A1|C1|PI1|P[1-8])\.\d{1,2}$/,
  // 45 CFR 164.3xx / 164.5xx with paragraph levels (a)(1)(ii)(A)
  hipaa: /^164\.\d{3}(\([a-z]\)(\(\d+\)(\((i|ii|iii|iv|v|vi|vii|viii|ix|x)\)(\([A-Z]\))?)?)?)?$/,
  // PCI DSS v4.0 requirement numbers: 1–12, up to four levels (3.3.1.2)
  'pci-dss': /^([1-9]|1[0-2])(\.\d{1,2}){1,3}$/,
  // ISO/IEC 27001:2022 Annex A: A.5.1–A.5.37, A.6.1–A.6.8, A.7.1–A.7.14, A.8.1–A.8.34
  'iso-27001': /^A\.(5\.([1-9]|[12]\d|3[0-7])|6\.[1-8]|7\.([1-9]|1[0-4])|8\.([1-9]|[12]\d|3[0-4]))$/,
  // GDPR articles 1–99 with paragraph and point: Art. 32(1)(a)
  gdpr: /^Art\. ([1-9]|[1-9]\d)(\(\d{1,2}\)(\([a-z]\))?)?$/,
  // SP 800-53 Rev. 5 control families and numbers, optional enhancement: IA-5(1)
  'nist-800-53': /^(AC|AT|AU|CA|CM|CP|IA|IR|MA|MP|PE|PL|PM|PS|PT|RA|SA|SC|SI|SR)-\d{1,2}(\(\d{1,2}\))?$/,
  // CMMC 2.0 practice ids: DOMAIN.L2-3.x.y (NIST SP 800-171 requirement numbers)
  cmmc: /^(AC|AT|AU|CM|IA|IR|MA|MP|PS|PE|RA|CA|SC|SI)\.L[12]-3\.([1-9]|1[0-4])\.\d{1,2}$/,
  // IEC 62304 clauses 4–9, e.g. 5.1.1, 8.1.2, 6.1
  'fda-iec-62304': /^[4-9](\.\d{1,2}){1,2}$/,
  // IEC 81001-5-1 clauses 4–9
  'iec-81001-5-1': /^[4-9](\.\d{1,2}){1,2}$/,
  // 21 CFR Part 11 sections 11.1–11.300 with paragraphs: 11.10(e), 11.200(a)(1)(i)
  'fda-21cfr11': /^11\.(1|2|3|10|30|50|70|100|200|300)(\([a-z]\)(\(\d\)(\((i|ii)\))?)?)?$/,
  // ISO 14971:2019 clauses 4–10 with one sub-level
  'iso-14971': /^([4-9]|10)(\.\d{1,2})?$/,
  // NIST AI RMF 1.0 subcategories: FUNCTION n.m
  'nist-ai-rmf': /^(GOVERN|MAP|MEASURE|MANAGE) \d\.\d{1,2}$/,
  // EU AI Act articles 1–113 with paragraph: Art. 50(1)
  'eu-ai-act': /^Art\. ([1-9]|[1-9]\d|1[01]\d)(\(\d{1,2}\)(\([a-z]\))?)?$/,
  // MISRA C:2012 rules and directives: Rule 21.3, Dir 4.12
  'misra-c': /^(Rule|Dir) \d{1,2}\.\d{1,2}$/,
  // DO-178C section numbers with a lettered item: 6.3.4.d, 11.21
  'do-178c': /^([1-9]|1[0-2])(\.\d{1,2}){1,3}(\.[a-z])?$/,
  // ISO 26262-6:2018 clause, optionally with its table and entry: 8.4.5 Table 6 1j
  'iso-26262': /^([5-9]|1[0-2])(\.\d{1,2}){1,2}( Table \d{1,2}( \d{1,2}[a-z])?)?$/,
  // OWASP Top 10 2021 categories for the code packs
  'php-security': /^A(0[1-9]|10):2021$/,
  'kotlin-security': /^A(0[1-9]|10):2021$/,
};

const all = loadPacksFrom(builtinPacksDir(), true);
const ruleIds = new Map(all.flatMap((p) => p.rules.map((r) => [r.def.id, r] as const)));

describe('regulatory packs', () => {
  for (const [id, format] of Object.entries(CLAUSE_FORMAT)) {
    describe(id, () => {
      const pack = all.find((p) => p.id === id);
      it('exists', () => expect(pack, `pack ${id}`).toBeDefined());
      if (!pack) return;

      it('uses the standard’s clause numbering everywhere', () => {
        const clauses = [...pack.mappings.map((m) => m.clause), ...pack.rules.map((r) => r.def.clause).filter((c): c is string => c !== undefined)];
        expect(clauses.length).toBeGreaterThan(0);
        expect(clauses.filter((c) => !format.test(c))).toEqual([]);
      });

      it('maps only onto rules that exist, in the pack named', () => {
        for (const m of pack.mappings) {
          for (const r of m.rules) {
            expect(ruleIds.has(r.id), `${m.clause} → ${r.id}`).toBe(true);
            expect(ruleIds.get(r.id)!.packId).toBe(r.packId);
          }
        }
      });

      it('gives every own rule a clause, and every bad example of a line rule a line', () => {
        for (const r of pack.rules) {
          expect(r.def.clause, r.def.id).toBeDefined();
          if (r.matcher.scope === 'file' && r.def.kind !== 'required_pattern') {
            for (const ex of r.def.examples.bad) expect(ex.line, `${r.def.id} bad example`).toBeDefined();
          }
          if (r.def.kind === 'documentation_obligation') expect(r.def.gate, r.def.id).toBe(false);
        }
      });
    });
  }

  it('classifies clauses as checked, obligation or manual', () => {
    const kindOf = (id: string) => ruleIds.get(id)?.def.kind;
    const pci = clauseTable(all.find((p) => p.id === 'pci-dss')!, kindOf);
    expect(pci.find((c) => c.clause === '6.2.4')).toMatchObject({ kind: 'checked' });
    expect(pci.find((c) => c.clause === '12.10.1')).toMatchObject({ kind: 'obligation', rules: [{ id: 'PCI-DOC-001', packId: 'pci-dss' }] });
    expect(pci.find((c) => c.clause === '6.4.3')).toMatchObject({ kind: 'manual', rules: [] });
    // Natural order: 3.5.1 before 10.2.1.
    expect(pci.map((c) => c.clause).indexOf('3.5.1')).toBeLessThan(pci.map((c) => c.clause).indexOf('10.2.1'));
  });
});

describe('mappings are validated when the pack loads', () => {
  const packDir = (mappings: string): string => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sentrik-map-')), 'acme-policy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'pack.yaml'), `id: acme-policy\nname: Acme policy\nversion: 1.0.0\nstandard: Acme secure coding policy\ndescription: test\nmappings:\n${mappings}`);
    return dir;
  };
  const errorOf = (dir: string): SentrikError => {
    try {
      loadPack(dir, false);
    } catch (err) {
      return err as SentrikError;
    }
    throw new Error('expected a load error');
  };

  it('resolves rules of built-in packs', () => {
    const p = loadPack(packDir('  - clause: SEC-1\n    title: No SQL injection\n    rules: [OWASP-A03-002, PHP-SQL-001]\n'), false);
    expect(p.mappings[0].rules.map((r) => `${r.packId}:${r.id}`)).toEqual(['owasp-top-10:OWASP-A03-002', 'php-security:PHP-SQL-001']);
  });

  it('rejects a rule that does not exist, naming the file and line', () => {
    const dir = packDir('  - clause: SEC-1\n    title: No SQL injection\n    rules:\n      - OWASP-A03-002\n      - OWASP-A99-999\n');
    const err = errorOf(dir);
    expect(err).toBeInstanceOf(SentrikError);
    expect(err.message).toContain('OWASP-A99-999');
    expect(err.file).toBe(join(dir, 'pack.yaml'));
    expect(err.line).toBe(11);
  });

  it('rejects a clause mapped twice, naming both lines', () => {
    const err = errorOf(packDir('  - clause: SEC-1\n    title: One\n    rules: [OWASP-A03-002]\n  - clause: SEC-1\n    title: Again\n    rules: []\n'));
    expect(err.message).toBe("clause 'SEC-1' is mapped twice (first at line 7)");
    expect(err.line).toBe(10);
  });
});
