// RubyGems ordering (Gem::Version): numeric and alphabetic runs are separate segments; the first
// alphabetic segment starts the prerelease part; trailing zeros do not count; a string segment sorts
// before a number (1.0.a < 1.0 < 1.0.1).

function segments(version: string): string[] {
  const runs = version.trim().match(/[0-9]+|[A-Za-z]+/g) ?? [];
  const firstAlpha = runs.findIndex((r) => !/^[0-9]/.test(r));
  const numbers = firstAlpha === -1 ? runs : runs.slice(0, firstAlpha);
  const rest = firstAlpha === -1 ? [] : runs.slice(firstAlpha);
  const trim = (segs: string[]): string[] => {
    let n = segs.length;
    while (n > 0 && /^0+$/.test(segs[n - 1])) n--;
    return segs.slice(0, n);
  };
  return [...trim(numbers), ...trim(rest)];
}

export function compareRubyGems(a: string, b: string): number {
  const x = segments(a);
  const y = segments(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i] ?? '0';
    const q = y[i] ?? '0';
    const pn = /^[0-9]/.test(p);
    const qn = /^[0-9]/.test(q);
    if (pn && qn) {
      const c = BigInt(p) < BigInt(q) ? -1 : BigInt(p) > BigInt(q) ? 1 : 0;
      if (c) return c;
    } else if (!pn && !qn) {
      if (p !== q) return p < q ? -1 : 1;
    } else return pn ? 1 : -1;
  }
  return 0;
}
