// PEP 440 ordering through @renovatebot/pep440; versions it rejects (pre-PEP 440 "legacy" versions such as
// 0.9-doduo) sort before every valid one and among themselves by setuptools' legacy key, as pip once did.
import { compare as pep440Compare, valid } from '@renovatebot/pep440';

const LEGACY_REPLACE: Record<string, string> = { pre: 'c', preview: 'c', '-': 'final-', rc: 'c', dev: '@' };

function legacyKey(version: string): string {
  const parts: string[] = [];
  for (let part of [...(version.toLowerCase().match(/\d+|[a-z]+|\.|-/g) ?? []), 'final']) {
    if (part === '.') continue;
    part = LEGACY_REPLACE[part] ?? part;
    part = /^[0-9]/.test(part) ? part.padStart(8, '0') : `*${part}`;
    if (part.startsWith('*')) {
      if (part < '*final') while (parts.at(-1) === '*final-') parts.pop();
      while (parts.at(-1) === '00000000') parts.pop();
    }
    parts.push(part);
  }
  return parts.join('');
}

const validCache = new Map<string, boolean>();
function isValid(v: string): boolean {
  let ok = validCache.get(v);
  if (ok === undefined) {
    ok = valid(v) !== null;
    if (validCache.size > 50_000) validCache.clear();
    validCache.set(v, ok);
  }
  return ok;
}

export function comparePep440(a: string, b: string): number {
  const av = isValid(a);
  const bv = isValid(b);
  if (av && bv) return Math.sign(pep440Compare(a, b));
  if (av !== bv) return av ? 1 : -1;
  const x = legacyKey(a);
  const y = legacyKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
