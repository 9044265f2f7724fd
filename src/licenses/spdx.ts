// SPDX licence expressions (`MIT OR (GPL-2.0-only WITH Classpath-exception-2.0 AND BSD-3-Clause)`) parsed into
// a small tree, and classified: permissive, weak or strong copyleft, restricted use, or unknown. Operators are
// case-sensitive, as the SPDX specification has them: `MIT or Apache-2.0` is not an expression.

export type Expr = { id: string; exception?: string } | { op: 'AND' | 'OR'; left: Expr; right: Expr };

const OPERATORS: ReadonlySet<string> = new Set(['AND', 'OR', 'WITH']);

function tokenize(text: string): string[] {
  return text.replace(/[()]/g, ' $& ').trim().split(/\s+/).filter(Boolean);
}

/** The text with operators written in another case (`mit or Apache-2.0`) upper-cased; other tokens as written. */
export function upperCaseOperators(text: string): string {
  return tokenize(text)
    .map((t) => (OPERATORS.has(t.toUpperCase()) ? t.toUpperCase() : t))
    .join(' ')
    .replace(/\( /g, '(')
    .replace(/ \)/g, ')');
}

/** Parse an expression; undefined when it is not a valid SPDX expression (legacy free text, "SEE LICENSE IN"). */
export function parseSpdx(text: string): Expr | undefined {
  const tokens = tokenize(text);
  let i = 0;
  const primary = (): Expr | undefined => {
    const t = tokens[i++];
    if (t === '(') {
      const e = or();
      return tokens[i++] === ')' ? e : undefined;
    }
    if (!t || !/^(LicenseRef-[\w.-]+|[A-Za-z0-9][\w.-]*\+?)$/.test(t) || OPERATORS.has(t.toUpperCase())) return undefined;
    if (tokens[i] === 'WITH') {
      i++;
      const exception = tokens[i++];
      return exception ? { id: t, exception } : undefined;
    }
    return { id: t };
  };
  const binary = (op: 'AND' | 'OR', next: () => Expr | undefined) => (): Expr | undefined => {
    let left = next();
    while (left && tokens[i] === op) {
      i++;
      const right = next();
      if (!right) return undefined;
      left = { op, left, right };
    }
    return left;
  };
  const and = binary('AND', primary);
  const or = binary('OR', and);
  const e = or();
  return e && i === tokens.length ? e : undefined;
}

const STRONG = /^(A?GPL|SSPL|CC-BY-SA|GFDL|OSL|RPL|QPL|Sleepycat|EUPL|CECILL-[12])/i;
const WEAK = /^(LGPL|MPL|EPL|CDDL|CPL|MS-RL|APSL|CECILL-C|ErlPL|IPL|SPL)/i;
/** Not open source: no commercial use, no derivatives, or source-available terms. */
const RESTRICTED = /^(CC-BY-NC|CC-BY-ND|PolyForm-|BUSL|Elastic-)/i;

/**
 * What a licence obliges: nothing beyond notices (none), weak or strong copyleft, restricted use (not open
 * source), or unknown — proprietary terms, a LicenseRef-, anything not an SPDX expression.
 */
export type Copyleft = 'none' | 'weak' | 'strong' | 'restricted' | 'unknown';

function idClass(id: string): Copyleft {
  if (id.startsWith('LicenseRef-')) return 'unknown';
  if (RESTRICTED.test(id)) return 'restricted';
  if (STRONG.test(id)) return 'strong';
  if (WEAK.test(id)) return 'weak';
  return 'none';
}

/** Heavier last: with a choice (OR) the lightest known one is taken, under AND the heaviest or unknown. */
const RANK: Record<Copyleft, number> = { none: 0, weak: 1, strong: 2, restricted: 3, unknown: 4 };

/** The obligation a user cannot avoid: OR takes the lighter choice, AND the heavier. */
export function copyleftOf(e: Expr): Copyleft {
  if ('id' in e) return idClass(e.id);
  const a = copyleftOf(e.left);
  const b = copyleftOf(e.right);
  const pick = e.op === 'OR' ? Math.min(RANK[a], RANK[b]) : Math.max(RANK[a], RANK[b]);
  return (Object.keys(RANK) as Copyleft[]).find((k) => RANK[k] === pick)!;
}

export function licenseIds(e: Expr): string[] {
  return 'id' in e ? [e.id] : [...licenseIds(e.left), ...licenseIds(e.right)];
}

/** Whether every licence id of `e` is on the SPDX list (or a LicenseRef-), and every exception too. */
export function onSpdxList(e: Expr, licenses: ReadonlySet<string>, exceptions: ReadonlySet<string>): boolean {
  if ('id' in e) {
    const id = e.id.replace(/\+$/, '');
    return (id.startsWith('LicenseRef-') || licenses.has(id)) && (!e.exception || exceptions.has(e.exception));
  }
  return onSpdxList(e.left, licenses, exceptions) && onSpdxList(e.right, licenses, exceptions);
}
