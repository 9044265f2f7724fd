// Maven ordering (ComparableVersion): parts split on "." and "-" and on digit/letter switches; "-" and a
// digit/letter switch open a nested list; trailing "null" parts (0, "", ga, final, release) are dropped;
// qualifiers rank alpha < beta < milestone < rc = cr < snapshot < (release) < sp < any other word.

type Item = { t: 'int'; v: bigint } | { t: 'str'; v: string } | { t: 'list'; v: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_INDEX = '5';

function strItem(value: string, followedByDigit: boolean): Item {
  let v = value;
  if (followedByDigit && v.length === 1) v = v === 'a' ? 'alpha' : v === 'b' ? 'beta' : v === 'm' ? 'milestone' : v;
  return { t: 'str', v: ALIASES[v] ?? v };
}

function parseItem(buf: string, isDigit: boolean): Item {
  return isDigit ? { t: 'int', v: BigInt(buf) } : strItem(buf, false);
}

function isNull(item: Item): boolean {
  if (item.t === 'int') return item.v === 0n;
  if (item.t === 'str') return item.v === '';
  return item.v.length === 0;
}

function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const last = list[i];
    if (isNull(last)) {
      // A null qualifier before a sub-list adds nothing: "1-ga-1" is "1-1".
      const next = list[i + 1];
      if (last.t === 'str' && next?.t === 'list') list.splice(i, 2, ...next.v);
      else list.splice(i, 1);
    } else if (last.t !== 'list') break;
  }
}

export function parseMaven(version: string): Item {
  const s = version.trim().toLowerCase();
  const root: Item[] = [];
  let list = root;
  const stack: Item[][] = [root];
  let isDigit = false;
  let start = 0;
  const open = (): void => {
    const next: Item[] = [];
    list.push({ t: 'list', v: next });
    list = next;
    stack.push(next);
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '.' || c === '-') {
      if (i === start) list.push({ t: 'int', v: 0n });
      else list.push(parseItem(s.slice(start, i), isDigit));
      start = i + 1;
      if (c === '-') open();
    } else if (c >= '0' && c <= '9') {
      if (!isDigit && i > start) {
        list.push(strItem(s.slice(start, i), true));
        start = i;
        open();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(parseItem(s.slice(start, i), true));
        start = i;
        open();
      }
      isDigit = false;
    }
  }
  if (s.length > start) list.push(parseItem(s.slice(start), isDigit));
  while (stack.length) normalize(stack.pop()!);
  return { t: 'list', v: root };
}

function qualifier(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `b` undefined stands for a missing (null) item. */
function compareItem(a: Item, b: Item | undefined): number {
  switch (a.t) {
    case 'int':
      if (!b) return a.v === 0n ? 0 : 1;
      if (b.t === 'int') return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
      return 1;
    case 'str':
      if (!b) return cmpStr(qualifier(a.v), RELEASE_INDEX);
      if (b.t === 'int' || b.t === 'list') return -1;
      return cmpStr(qualifier(a.v), qualifier(b.v));
    case 'list': {
      if (!b) return a.v.length === 0 ? 0 : compareItem(a.v[0], undefined);
      if (b.t === 'int') return -1;
      if (b.t === 'str') return 1;
      for (let i = 0; i < Math.max(a.v.length, b.v.length); i++) {
        const l = a.v[i];
        const r = b.v[i];
        const c = l === undefined ? (r === undefined ? 0 : -compareItem(r, undefined)) : compareItem(l, r);
        if (c) return c;
      }
      return 0;
    }
  }
}

export function compareMaven(a: string, b: string): number {
  return Math.sign(compareItem(parseMaven(a), parseMaven(b)));
}
