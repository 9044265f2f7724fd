// Raising a Python version requirement (PEP 440 specifiers, Poetry constraints) so that it admits the fixed
// version and no longer admits the vulnerable one, keeping the user's operators and spacing: only version
// numbers change (`>=1.0,<2.0` → `>=2.0.1,<3.0`), and a requirement with no lower bound gains `>=fixed`.
import { comparePep440 } from './version.js';

const CLAUSE = /(===|==|~=|!=|<=|>=|\^|~|<|>|=)?(\s*)(v?\d[0-9A-Za-z.*+!_-]*)/g;

function release(v: string): number[] {
  return (/^v?(?:\d+!)?(\d+(?:\.\d+)*)/.exec(v)?.[1] ?? '0').split('.').map(Number);
}

/** A new exclusive upper bound above `to`, as coarse as the old one: <2.0.0 with 2.0.1 → <3.0.0, <1.5 with 1.5.2 → <1.6. */
function raiseUpper(old: string, to: string): string {
  const parts = release(old);
  let at = parts.length - 1;
  while (at > 0 && parts[at] === 0) at--;
  const t = release(to);
  return parts.map((_, i) => (i < at ? (t[i] ?? 0) : i === at ? (t[i] ?? 0) + 1 : 0)).join('.');
}

/**
 * The requirement rewritten to admit `to` (and nothing below it), or undefined when it cannot be done safely
 * (`||` alternatives, wildcards, an exclusion of `to`). `spec` is only the version part, e.g. ` >=1.0, <2`.
 */
export function raiseRequirement(spec: string, to: string): string | undefined {
  if (spec.includes('||') || spec.includes('*') && spec.trim() !== '*') return undefined;
  if (spec.trim() === '*' || spec.trim() === '') return spec.replace(/\S.*\S|\S/, '').replace(/^(\s*)/, `$1>=${to}`);
  let lower = false;
  let failed = false;
  const out = spec.replace(CLAUSE, (whole, op: string | undefined, gap: string, version: string) => {
    const o = op ?? '';
    const cmp = comparePep440(version, to);
    if (o === '!=') {
      if (cmp === 0) failed = true;
      return whole;
    }
    if (o === '<' || o === '<=') {
      if (o === '<' ? cmp > 0 : cmp >= 0) return whole;
      return `${o}${gap}${o === '<' ? raiseUpper(version, to) : to}`;
    }
    lower = true;
    if (cmp >= 0 && o !== '>') return whole;
    return `${o === '>' ? '>=' : o}${gap}${to}`;
  });
  if (failed) return undefined;
  if (lower) return out;
  // Only upper bounds or exclusions: add the lower bound in front.
  const lead = /^\s*/.exec(out)![0];
  return `${lead}>=${to},${out.slice(lead.length)}`;
}
