// The one reading of a PEP 508 requirement's head — `name[extras] version ; marker` — shared by the
// requirements.txt parser, the requirements.txt and pyproject.toml editors and zero-config detection.
// Offsets let the editors change only the bytes of the version part.

/** Name, extras and the version part, which ends at a marker (`;`), a direct reference (`@`) or a comment (`#`). */
const HEAD = /^(\s*)([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)(\s*\[[^\]]*\])?([^;#@]*)/;

export interface Pep508Head {
  /** As written (compare with normalizePypiName). */
  name: string;
  /** `[extras]` as written, with the white space before it; '' when absent. */
  extras: string;
  /** The version part as written, white space kept; it sits at [specStart, specEnd) of the text. */
  spec: string;
  specStart: number;
  specEnd: number;
  /** `name @ url`: a direct reference, which has no registry version. */
  url: boolean;
}

export function parsePep508(text: string): Pep508Head | undefined {
  const m = HEAD.exec(text);
  if (!m) return undefined;
  const [whole, lead, name, extras = '', spec] = m;
  const specStart = lead.length + name.length + extras.length;
  return { name, extras, spec, specStart, specEnd: specStart + spec.length, url: text[whole.length] === '@' };
}

/**
 * The release a requirement's version part pins (`==1.2.3`, `===1.2.3`, PEP 508's parenthesised `(==1.2.3)`, or
 * a set holding such a clause: `>=1.0,==1.2.3`), or undefined: no version, a range, or a wildcard (`==1.*`).
 * pip options after it (`--hash=…`) are ignored.
 */
export function pinnedVersion(spec: string): string | undefined {
  const s = versionPart(spec);
  if (!s || !/^[<>!~=]/.test(s)) return undefined;
  for (const clause of s.split(',')) {
    const pin = /^===?\s*([^\s,*=<>!~()]+)$/.exec(clause.trim());
    if (pin) return pin[1];
  }
  return undefined;
}

/** The version part without the pip options after it (`--hash=…`) and without PEP 508's parentheses. */
export function versionPart(spec: string): string {
  const s = spec.replace(/\s--?\S.*$/, '').trim();
  return s.startsWith('(') && s.endsWith(')') ? s.slice(1, -1).trim() : s;
}
