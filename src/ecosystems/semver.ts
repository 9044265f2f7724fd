// Lenient semver ordering shared by npm, crates.io and Go (pseudo-versions are ordinary prereleases:
// v0.0.0-20191109021931-daa7c04131f5). Accepts a leading "v", fewer or more than three numeric parts
// (parts after the third count as prerelease text), and numbers of any size. Never throws.

interface SemverLike {
  parts: bigint[];
  /** Everything after the numeric parts, without build metadata and without the leading "-". */
  pre: string;
}

export function parseSemverLike(version: string): SemverLike {
  const s = version.trim().replace(/^[vV]/, '');
  const parts: bigint[] = [];
  let i = 0;
  while (i < s.length) {
    let j = i;
    while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
    if (j === i) break;
    parts.push(BigInt(s.slice(i, j)));
    i = j;
    if (s[i] === '.' && /[0-9]/.test(s[i + 1] ?? '')) i++;
    else break;
  }
  let rest = s.slice(i);
  if (rest.startsWith('.')) rest = rest.slice(1);
  // More than three numeric parts: the extra ones are prerelease-like text, as lenient parsers treat them.
  const extra = parts.splice(3).map(String);
  if (extra.length) rest = `${extra.join('.')}${rest ? `.${rest}` : ''}`;
  const plus = rest.indexOf('+');
  const pre = (plus === -1 ? rest : rest.slice(0, plus)).replace(/^-/, '');
  return { parts, pre };
}

function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const NUMERIC = /^[0-9]+$/;

export function comparePrerelease(a: string, b: string): number {
  if (a === b) return 0;
  if (!a) return 1; // a release sorts after its prereleases
  if (!b) return -1;
  const as = a.split('.');
  const bs = b.split('.');
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const an = NUMERIC.test(as[i]);
    const bn = NUMERIC.test(bs[i]);
    let c: number;
    if (an && bn) c = cmpBig(BigInt(as[i]), BigInt(bs[i]));
    else if (an) c = -1;
    else if (bn) c = 1;
    else c = as[i] < bs[i] ? -1 : as[i] > bs[i] ? 1 : 0;
    if (c) return c;
  }
  return Math.sign(as.length - bs.length);
}

export function compareSemverLike(a: string, b: string): number {
  const x = parseSemverLike(a);
  const y = parseSemverLike(b);
  for (let i = 0; i < Math.max(x.parts.length, y.parts.length); i++) {
    const c = cmpBig(x.parts[i] ?? 0n, y.parts[i] ?? 0n);
    if (c) return c;
  }
  return comparePrerelease(x.pre, y.pre);
}
