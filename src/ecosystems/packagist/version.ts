// Packagist ordering, after PHP's version_compare as Composer applies it: "-", "_" and "+" separate parts,
// a switch between digits and letters starts a new part, and special words rank
// dev < alpha|a < beta|b < RC|rc < (a number) < patch|pl|p.

function parts(version: string): string[] {
  const v = version
    .trim()
    .replace(/^[vV]/, '')
    .replace(/[-_+]/g, '.')
    .replace(/([^\d.])(\d)/g, '$1.$2')
    .replace(/(\d)([^\d.])/g, '$1.$2');
  return v.split('.');
}

const SPECIAL = ['dev', 'a', 'b', 'rc', '#', 'p'];

function weight(part: string): number {
  if (part.startsWith('RC')) return 3;
  const i = SPECIAL.findIndex((s) => part.startsWith(s));
  return i === -1 ? 0 : i;
}

const isNumber = (s: string): boolean => /^[0-9]+$/.test(s);

function compareParts(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const an = isNumber(a[i]);
    const bn = isNumber(b[i]);
    let c: number;
    if (an && bn) c = BigInt(a[i]) < BigInt(b[i]) ? -1 : BigInt(a[i]) > BigInt(b[i]) ? 1 : 0;
    else c = Math.sign(weight(an ? '#' : a[i]) - weight(bn ? '#' : b[i]));
    if (c) return c;
  }
  if (a.length > b.length) return isNumber(a[b.length]) ? 1 : compareParts(a.slice(b.length), ['#']);
  if (a.length < b.length) return isNumber(b[a.length]) ? -1 : compareParts(['#'], b.slice(a.length));
  return 0;
}

export function comparePackagist(a: string, b: string): number {
  return compareParts(parts(a), parts(b));
}
