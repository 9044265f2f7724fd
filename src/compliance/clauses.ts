// The clause table of a framework pack: every clause it names (own rules' `clause:` and `mappings:`), the
// rules that serve it, and whether code can show it (checked), only documents can (obligation), or a
// reviewer must (manual: a mapping with no rules).
import type { LoadedPack } from '../packs/load.js';

export type ClauseKind = 'checked' | 'obligation' | 'manual';

export interface ClauseRow {
  clause: string;
  title: string;
  note?: string;
  kind: ClauseKind;
  rules: { id: string; packId: string }[];
}

/** `kindOf(ruleId)` is the rule kind (regex, documentation_obligation, …) when known. */
export function clauseTable(pack: LoadedPack, kindOf: (ruleId: string) => string | undefined): ClauseRow[] {
  const rows = new Map<string, ClauseRow>();
  // A clause named only by rules takes its title from them: one rule's title is the clause's, several are
  // counted (the first rule's title would describe what the others check).
  const untitled = new Set<string>();
  for (const m of pack.mappings) {
    rows.set(m.clause, { clause: m.clause, title: m.title, note: m.note, kind: 'manual', rules: m.rules.map((r) => ({ id: r.id, packId: r.packId })) });
  }
  for (const r of pack.rules) {
    const clause = r.def.clause;
    if (!clause) continue;
    let row = rows.get(clause);
    if (!row) {
      rows.set(clause, (row = { clause, title: r.def.title, kind: 'manual' as ClauseKind, rules: [] }));
      untitled.add(clause);
    }
    if (!row.rules.some((x) => x.id === r.def.id)) row.rules.push({ id: r.def.id, packId: pack.id });
  }
  for (const clause of untitled) {
    const row = rows.get(clause)!;
    if (row.rules.length > 1) row.title = `${row.rules.length} checks`;
  }
  for (const row of rows.values()) {
    if (row.rules.length === 0) continue;
    row.kind = row.rules.every((r) => kindOf(r.id) === 'documentation_obligation') ? 'obligation' : 'checked';
  }
  return [...rows.values()].sort((a, b) => compareClauses(a.clause, b.clause));
}

/** Natural order: "6.2.4" before "6.10", "Art. 9" before "Art. 14", "CC6.1" before "CC10.1". */
export function compareClauses(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });
}

/** Clauses of every pack (enabled or not) that a rule serves: its own clause plus every mapping onto it. */
export function clausesOfRule(ruleId: string, packs: LoadedPack[]): { packId: string; standard: string; clause: string; title: string }[] {
  const out: { packId: string; standard: string; clause: string; title: string }[] = [];
  for (const p of packs) {
    const own = p.rules.find((r) => r.def.id === ruleId);
    if (own?.def.clause) out.push({ packId: p.id, standard: own.standard, clause: own.def.clause, title: own.def.title });
    for (const m of p.mappings) {
      if (m.rules.some((r) => r.id === ruleId) && !(own && own.def.clause === m.clause)) out.push({ packId: p.id, standard: p.standard, clause: m.clause, title: m.title });
    }
  }
  return out;
}
