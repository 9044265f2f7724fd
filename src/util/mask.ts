// Masking of credentials: every output (terminal, JSON, SARIF, HTML, CSV, logs, errors) shows a short prefix
// and the length, never the value. Plain string operations only: lines can be megabytes long.

/** `ghp_…(40 chars)`: at most 4 leading characters, fewer for short values, then the length. */
export function maskSecret(value: string): string {
  const keep = Math.min(4, Math.floor(value.length / 4));
  return `${value.slice(0, keep)}…(${value.length} chars)`;
}

/**
 * Replace every occurrence of each secret inside `line` by its mask. A secret that spans several lines
 * (a private key block) is masked piece by piece, so whichever of its lines is shown stays hidden.
 */
export function maskLine(line: string, secrets: string[]): string {
  const pieces = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    pieces.add(s);
    if (/[\r\n]/.test(s)) for (const part of s.split(/\r?\n|\\n/)) if (part.trim().length >= 6) pieces.add(part.trim());
  }
  // Longest first, so a secret that contains another one is replaced whole.
  let out = line;
  for (const s of [...pieces].sort((a, b) => b.length - a.length)) {
    if (out.includes(s)) out = out.split(s).join(maskSecret(s));
  }
  return out;
}
