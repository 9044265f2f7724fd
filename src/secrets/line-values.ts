// Values to hide on a line that a credential finding shows. A rule masks the value it caught, but the same line
// can hold others it did not look for (`SECRET_KEY = "…"; DATABASE_URL = "postgres://u:pw@…"`), and a rule of
// another pack (an AST rule on `jwt.sign(payload, "…")`) says which line holds a credential, not which part of
// it. RE2 only: these run over whole lines, which can be megabytes long.
import { allMatches, compileRegex } from '../engine/regex.js';
import { isStructuralPlaceholder } from './checks.js';

/** Shorter values are not worth hiding: `true`, `1h`, `HS256`. */
const MIN_LENGTH = 6;
/**
 * A snippet shows the start of its line (240 characters), so only the start is searched, and a minified line
 * with thousands of `"token": …` pairs does not make thousands of replacements over megabytes.
 */
const SEARCHED = 8192;
const MAX_VALUES = 64;

const QUOTED = `"([^"\\n]*)"|'([^'\\n]*)'|\`([^\`\\n]*)\``;

/** `password = "…"`, `api_key: …`, `"clientSecret": "…"`, `--token=…`: the key names a credential. */
const CREDENTIAL_ASSIGNMENT = compileRegex(
  '(?i)(?:secret|passw(?:or)?d|passwd|pwd|token|api[_.-]?key|apikey|access[_.-]?key|auth[_.-]?key|private[_.-]?key|credentials?|signing[_.-]?key|encryption[_.-]?key|master[_.-]?key)' +
    `[A-Za-z0-9_.-]*["'\`]?\\]?\\s*(?:=|:=|:|=>)\\s*(?:[rbuf]?(?:${QUOTED})|([^\\s"'\`;,]+))`,
);

/** The password of `scheme://user:password@host`. */
const URL_PASSWORD = compileRegex('://[^\\s/:@"\'`]*:([^\\s/@"\'`]+)@');

const STRING_LITERAL = compileRegex(QUOTED);

/** Values assigned to credential-named keys and passwords in URLs on `line`. */
export function credentialValuesOn(line: string): string[] {
  const out: string[] = [];
  for (const hit of allMatches(CREDENTIAL_ASSIGNMENT, line.slice(0, SEARCHED), MAX_VALUES)) add(out, hit.groups.find((g) => g !== undefined));
  for (const hit of allMatches(URL_PASSWORD, line.slice(0, SEARCHED), MAX_VALUES)) add(out, hit.groups[0]);
  return out;
}

/** Every quoted string of `line`: for rules that flag a line holding a credential without saying which part is. */
export function stringLiteralsOn(line: string): string[] {
  const out: string[] = [];
  for (const hit of allMatches(STRING_LITERAL, line.slice(0, SEARCHED), MAX_VALUES)) add(out, hit.groups.find((g) => g !== undefined));
  return out;
}

function add(out: string[], value: string | undefined): void {
  if (value && value.length >= MIN_LENGTH && !isStructuralPlaceholder(value)) out.push(value);
}
