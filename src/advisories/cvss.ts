// CVSS v3.x base score from a vector string (the formula of the FIRST specification), so severity can be
// derived offline from OSV `severity[].score`. Returns undefined for anything that is not a v3 vector.

const W = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
} as const;

function roundUp(n: number): number {
  const i = Math.round(n * 100000);
  return i % 10000 === 0 ? i / 100000 : (Math.floor(i / 10000) + 1) / 10;
}

export function cvss3BaseScore(vector: string): number | undefined {
  if (!/^CVSS:3\.[01]\//.test(vector)) return undefined;
  const m = new Map(vector.split('/').slice(1).map((kv) => kv.split(':') as [string, string]));
  const av = W.AV[m.get('AV') as keyof typeof W.AV];
  const ac = W.AC[m.get('AC') as keyof typeof W.AC];
  const ui = W.UI[m.get('UI') as keyof typeof W.UI];
  const s = m.get('S');
  const c = W.CIA[m.get('C') as keyof typeof W.CIA];
  const i = W.CIA[m.get('I') as keyof typeof W.CIA];
  const a = W.CIA[m.get('A') as keyof typeof W.CIA];
  const prRaw = m.get('PR');
  if ([av, ac, ui, c, i, a].some((x) => x === undefined) || (s !== 'U' && s !== 'C') || !prRaw) return undefined;
  const pr = prRaw === 'N' ? 0.85 : prRaw === 'L' ? (s === 'C' ? 0.68 : 0.62) : prRaw === 'H' ? (s === 'C' ? 0.5 : 0.27) : undefined;
  if (pr === undefined) return undefined;
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = s === 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15;
  const exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  return s === 'U' ? roundUp(Math.min(impact + exploitability, 10)) : roundUp(Math.min(1.08 * (impact + exploitability), 10));
}
