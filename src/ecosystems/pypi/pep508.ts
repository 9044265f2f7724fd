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
