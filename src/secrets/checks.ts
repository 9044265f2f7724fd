// Validators that secret rules name from their pack YAML (`check: github-crc32`). Each one looks at a
// candidate and says whether it is a real credential: provider checksums, structure (JWT header, key body),
// and placeholder screening. Pure functions over strings; they never log or return the value.

/** What a check sees: the secret value, the capture groups of the rule's pattern and the whole match. */
export interface CheckInput {
  secret: string;
  groups: (string | undefined)[];
  match: string;
  /** Path of the file being scanned (relative, posix). */
  path: string;
}

export type SecretCheck = (c: CheckInput) => boolean;

// ---------- entropy ----------

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (!s) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  const n = [...s].length;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Does `s` reach `min` bits per character? Short strings cannot have high per-character entropy
 * (8 distinct characters carry at most 3 bits each), so the bar is lowered to 85% of the maximum for the length.
 */
export function entropyAtLeast(s: string, min: number): boolean {
  const sample = s.length > 4096 ? s.slice(0, 4096) : s;
  const ceiling = Math.log2(Math.max(2, [...sample].length)) * 0.85;
  return shannonEntropy(sample) >= Math.min(min, ceiling);
}

// ---------- placeholders ----------

/**
 * Structural placeholders that no real credential contains: template and variable references, angle-bracket
 * slots, runs of masking characters (`xxxxxx`, `******`, `......`).
 */
export function isStructuralPlaceholder(value: string): boolean {
  if (/\$\{|\{\{|\$\(|%\(|^\$[A-Za-z_]|^%[A-Za-z_]+%$|^<[^>]*>$|^\[[^\]]*\]$/.test(value)) return true;
  if (/(?:x{6,}|X{6,}|\*{3,}|\.{3,}|•{3,}|#{6,})/.test(value)) return true;
  return false;
}

/**
 * A stand-in word as a part of its own, between separators or at an end: `AIzaSyD-EXAMPLE-KEY-REPLACE-ME-000`,
 * `sk_test_YOUR_KEY_HERE`. A random token holds one of these 7+ letter words, delimited, almost never.
 */
export function hasStandInWord(value: string): boolean {
  return /(?:^|[-_.])(?:example|placeholder|replace[-_]?me|redacted|your[-_](?:api[-_]?)?(?:key|token|secret))(?:$|[-_.])/i.test(value);
}

/** Eight or more characters in alphabet order (`ABCDEFGH`, `0123456789`): an alphabet or a test pattern, not a key. */
export function hasAlphabetRun(value: string): boolean {
  for (let i = 1, run = 1; i < value.length; i++) {
    run = value.charCodeAt(i) === value.charCodeAt(i - 1) + 1 ? run + 1 : 1;
    if (run >= 8) return true;
  }
  return false;
}

/**
 * Short base64 that decodes to a placeholder (`Y2hhbmdlbWU=` is `changeme`): Kubernetes Secret manifests and
 * other configurations that hold values base64-encoded.
 */
export function base64OfPlaceholder(value: string): boolean {
  if (value.length > 64 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const decoded = Buffer.from(value, 'base64').toString('latin1');
  if (!/^[\x20-\x7e]+$/.test(decoded)) return false;
  // Words only, one of them a stand-in: `your-api-token-here`. A random password that merely holds such a
  // word (`sphere-8821!Qz`) is no placeholder.
  return isPlaceholderPassword(decoded) || (/^[A-Za-z _-]+$/.test(decoded) && /(^|[-_ ])(example|sample|placeholder|change[-_ ]?me|your|here|dummy|fake|redacted|x{3,})([-_ ]|$)/i.test(decoded));
}

// ---------- provider checksums ----------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(s: string): number {
  let crc = 0xffffffff;
  for (const b of Buffer.from(s, 'utf8')) crc = CRC_TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(n: number, width: number): string {
  let s = '';
  do {
    s = BASE62[n % 62] + s;
    n = Math.floor(n / 62);
  } while (n > 0);
  return s.padStart(width, '0');
}

/**
 * GitHub's token format (also adopted by npm): `<prefix>_` + 30 random base62 characters + 6 characters
 * that are the base62 CRC32 of the random part. A token whose suffix does not match is not a real token.
 */
export function prefixedCrc32Valid(token: string): boolean {
  const body = token.slice(token.indexOf('_') + 1);
  if (body.length !== 36) return false;
  return base62(crc32(body.slice(0, 30)), 6) === body.slice(30);
}

/** Cloudflare's scannable tokens (`cfut_`, `cfat_`, `cfk_`): the last 8 characters are the hex CRC32 of the rest of the body. */
export function cloudflareCrc32Valid(token: string): boolean {
  const body = token.slice(token.indexOf('_') + 1);
  if (body.length < 16) return false;
  return crc32(body.slice(0, -8)).toString(16).padStart(8, '0') === body.slice(-8).toLowerCase();
}

// ---------- structure ----------

function decodeBase64Url(s: string): string | undefined {
  try {
    return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  } catch {
    return undefined;
  }
}

/** A JWT's header is base64url JSON naming its algorithm (`alg`) or type. */
export function jwtValid(token: string): boolean {
  const header = decodeBase64Url(token.split('.')[0] ?? '');
  if (!header) return false;
  try {
    const h = JSON.parse(header) as Record<string, unknown>;
    return typeof h === 'object' && h !== null && (typeof h.alg === 'string' || typeof h.typ === 'string');
  } catch {
    return false;
  }
}

/**
 * Words that mark a key body as a stand-in. Seven letters or more: a real 2048-bit key body (1,600 random base64
 * characters) contains a given 7-letter word, in any case, with a probability under one in ten million, where a
 * short run like `xxx` turns up in one key in twenty.
 */
const KEY_PLACEHOLDER_WORD = /example|redacted|placeholder|truncated|omitted|yourkey|keyhere|privatekey|replaceme|replacewith/i;

/**
 * The body of a PEM / OpenSSH / PGP private key block is real key material: at least 64 base64 characters
 * once armour headers (`Proc-Type:`, `Comment:`) and escaped newlines are removed, with the entropy of random
 * data. A body with a line of masking characters (`...`, `xxxx`) or a placeholder word is a stand-in; a short
 * run such as `xxx` inside a line is not (random base64 holds one in one key in twenty).
 */
export function privateKeyBodyValid(block: string): boolean {
  const start = block.indexOf('-----', 5);
  // The END line may be missing or mangled (a truncated copy is still a leaked key).
  const endAt = block.slice(start + 5).search(/-{3,}END/);
  const end = endAt === -1 ? block.length : start + 5 + endAt;
  if (start === -1) return false;
  const lines = block
    .slice(start + 5, end)
    .replace(/\\r|\\n/g, '\n')
    .split(/\r?\n/)
    .map((l) => l.trim().replace(/^["',]+|["',]+$/g, ''))
    .filter((l) => l && !l.includes(':'));
  if (lines.some(isMaskLine)) return false;
  const body = lines.join('');
  // `...`, `*` or `<…>` inside a line fail the base64 test below.
  if (isStructuralPlaceholder(body) || KEY_PLACEHOLDER_WORD.test(body)) return false;
  const b64 = body.replace(/=+[A-Za-z0-9+/]{4}$/, ''); // PGP armour checksum line
  return b64.length >= 64 && /^[A-Za-z0-9+/=]+$/.test(b64) && entropyAtLeast(b64, 4.5);
}

/**
 * A line of masking characters only: `...`, `…`, `****`, `xxxx`. A base64 line is never dots or stars, and is
 * four or more x's in a row only in made-up keys (the short last line of a real one may be `xX==`).
 */
function isMaskLine(line: string): boolean {
  const chars = line.replace(/=+$/, '');
  return /^[xX.*•…]+$/.test(chars) && (/[.*•…]/.test(chars) || chars.length >= 4);
}

/** Docker `config.json` `auths.*.auth` is base64 of `user:password`. */
export function basicAuthB64Valid(value: string): boolean {
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) return false;
  if (!/^[\x20-\x7e]+$/.test(decoded)) return false;
  return passwordLooksReal(decoded.slice(0, colon), decoded.slice(colon + 1), undefined);
}

// ---------- credentials in URIs and assignments ----------

/** Documentation stand-ins for a password, compared case-insensitively after removing `_`/`-`. */
const PLACEHOLDER_PASSWORDS = new Set([
  'password', 'passwd', 'pwd', 'secret', 'mypassword', 'yourpassword', 'dbpassword', 'userpassword',
  'replacewithpassword', 'replacewithyourpassword', 'changeme', 'changeit', 'placeholder', 'example', 'redacted',
  'hidden', 'masked', 'xxx', 'test', 'testpassword', 'dummy', 'fake', 'sample', 'none', 'null', 'undefined',
  'enteryourpassword', 'insertpasswordhere', 'passwordhere', 'secrethere', 'yoursecret', 'mysecret', 'token', 'yourtoken',
]);

function isPlaceholderPassword(password: string): boolean {
  return PLACEHOLDER_PASSWORDS.has(password.toLowerCase().replace(/[_\s-]/g, ''));
}

const LOOPBACK = /^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[?::1\]?|host\.docker\.internal)(?::\d+)?$/i;

/**
 * Is `password` (for `user`, at `host`) a real credential rather than a documentation example? Placeholders,
 * variable references, a password equal to the user name, one repeated character and passwords shorter
 * than 4 are not. On a loopback host, a weak single-class password (`admin:pass@localhost`) is a local
 * development default, not a leak.
 */
export function passwordLooksReal(user: string, password: string, host: string | undefined): boolean {
  if (password.length < 4) return false;
  if (isStructuralPlaceholder(password) || isStructuralPlaceholder(user)) return false;
  if (/^[$%@]|[{}<>]/.test(password) || /^[$%]|[{}<>]/.test(user)) return false;
  const norm = password.toLowerCase().replace(/[_\s-]/g, '');
  if (isPlaceholderPassword(password)) return false;
  if (/^(?:your|my|the|some|enter|insert|replace(?:with)?)(?:db|database|user|account|api)?(?:password|passwd|pass|pwd|secret|token|key)$/.test(norm)) return false;
  if (password === user) return false;
  if (/passw(?:or)?d/.test(norm)) return false; // `config.auth.password`, `Password123`: names and stand-ins
  if (new Set(password).size <= 1) return false;
  if (host && LOOPBACK.test(host)) {
    const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
    if (classes < 2 || password.length < 8) return false;
  }
  return true;
}

/**
 * The secret is the whole `user:password` (the user part is often the token itself, as in
 * `https://<token>:x-oauth-basic@github.com`); the host, when the pattern captures one, is its last group.
 */
function urlCredentialsValid(c: CheckInput): boolean {
  const colon = c.secret.indexOf(':');
  if (colon === -1) return false;
  const host = c.groups.length > 1 ? c.groups[c.groups.length - 1] : undefined;
  return passwordLooksReal(decodeURIComponentSafe(c.secret.slice(0, colon)), decodeURIComponentSafe(c.secret.slice(colon + 1)), host);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const CREDENTIAL_WORD = /secret|passw(?:or)?d|token|credential|api[_-]?key|private[_-]?key/i;

/**
 * A value assigned to a secret-named key that looks like a credential rather than code or configuration:
 * not an identifier, reference, expression, path, URL, number or version.
 */
export function assignedValueLooksSecret(value: string): boolean {
  if (isStructuralPlaceholder(value)) return false;
  if (!/^[\x21-\x7e]+$/.test(value)) return false; // credentials are printable ASCII; prose in other scripts is not
  if (/\?\.|=>/.test(value)) return false; // optional chaining, arrow functions: code
  if (/^[!~$%@&*][A-Za-z_][\w.]*(?:[(\[]|$)/.test(value)) return false; // negations, variables, pointers, annotations
  if (/^\$|^[a-z][a-z0-9_]*\$[^$]*\$/.test(value)) return false; // shell variables; password hashes ($2b$12$…, pbkdf2_sha256$600000$…)
  if (CREDENTIAL_WORD.test(value) && !hasRandomPart(value)) return false; // a name, not a value
  if (hasAlphabetRun(value) || base64OfPlaceholder(value)) return false;
  if (/^[A-Za-z_.-]+$/.test(value)) return false; // identifiers, dotted names, words
  if (isCodeExpression(value)) return false;
  if (/^[<{[(].*[>}\])]$/.test(value)) return false; // one bracketed slot: `<key>`, `{token}`, `[REDACTED]`
  if (/:\/\/|^\.{0,2}\//.test(value)) return false; // URLs and paths have their own rules
  if (/^[0-9.:_/+-]+$/.test(value)) return false; // numbers, dates, versions
  if (/^(?:true|false|null|none|nil|undefined)$/i.test(value)) return false;
  if (!/[A-Za-z]/.test(value)) return false;
  return true;
}

/**
 * A call, index or generic type, as far as the value reaches (it stops at spaces, quotes and commas):
 * `getToken(request)`, `os.environ[`, `cfg.get(`, `Optional<String>`. A name opens the bracket, and a closing
 * bracket is followed only by another bracket or a dot, never by more characters as in `k3(ie)4k&11y…`.
 */
function isCodeExpression(value: string): boolean {
  return /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*[([<]/.test(value) && !/[)\]>][^)\]>.([]/.test(value) && /^[\w$.()[\]<>:'"-]*$/.test(value);
}

/**
 * A value that names a credential (`user_password_input`, `previousToken2`, `VERYLONGSECRETeyJ…`) has only
 * word-like parts or the word inside its one long part; a token that carries such a word as its own prefix
 * (Notion's `secret_…`) also has a separate long random part: 20 or more letters and digits, two of them digits.
 */
function hasRandomPart(value: string): boolean {
  return value
    .split(/[^A-Za-z0-9]+/)
    .some((part) => part.length >= 20 && /[0-9].*[0-9]/.test(part) && /[A-Za-z]/.test(part) && !CREDENTIAL_WORD.test(part));
}

/** Languages where an unquoted right-hand side is an expression, not a literal (unlike YAML, .env, shell). */
const CODE_FILE = /\.(?:[cm]?[jt]sx?|py|rb|go|java|kts?|scala|cs|php|swift|rs|c|cc|cpp|h|hpp|m|mm|dart|lua|pl|r|groovy|vue|svelte|coffee|exs?|erl|clj|fs|vb)$/i;

/** Generic assignments: groups 1 key, 2 opening quote (if any), 3 value. */
function assignmentLooksSecret(c: CheckInput): boolean {
  if (!c.groups[1] && CODE_FILE.test(c.path)) return false;
  return assignedValueLooksSecret(c.secret);
}

export const CHECKS = {
  'github-crc32': (c) => prefixedCrc32Valid(c.secret),
  'npm-crc32': (c) => prefixedCrc32Valid(c.secret),
  'cloudflare-crc32': (c) => cloudflareCrc32Valid(c.secret),
  jwt: (c) => jwtValid(c.secret),
  'private-key': (c) => privateKeyBodyValid(c.secret),
  'url-credentials': urlCredentialsValid,
  'docker-auth': (c) => basicAuthB64Valid(c.secret),
  'assigned-value': assignmentLooksSecret,
  'password-value': (c) => passwordLooksReal('', c.secret, undefined),
} satisfies Record<string, SecretCheck>;

export type CheckName = keyof typeof CHECKS;
export const CHECK_NAMES = Object.keys(CHECKS) as [CheckName, ...CheckName[]];

/**
 * Checks that verify a provider's checksum (whose provider, for the message). A token-shaped value that fails
 * one is not a token as issued, but a mistyped or truncated copy of a real one still leaks it: the secret kind
 * reports it at a lower severity and low confidence, unless it is an obvious placeholder (madeUpToken). The
 * other checks (structure, placeholders) say whether a value is a credential at all; failing them drops it.
 */
export const CHECKSUM_OF: Partial<Record<CheckName, string>> = {
  'github-crc32': "GitHub's",
  'npm-crc32': "npm's",
  'cloudflare-crc32': "Cloudflare's",
};

/**
 * A token body no one copied from a provider: a character repeated 4 times running (`ghp_0000…`, `aaaa`), few
 * distinct characters, a run of 5 consecutive ones (`12345`, `abcde`), or a stand-in word. Random base62 of
 * this length does any of these with a probability under one in a thousand.
 */
export function madeUpToken(token: string): boolean {
  const body = token.slice(token.indexOf('_') + 1);
  if (/(.)\1{3}/.test(body)) return true;
  if (new Set(body).size < Math.min(12, body.length / 2)) return true;
  for (let i = 0, run = 1, last = 0; i + 1 < body.length; i++) {
    const step = body.charCodeAt(i + 1) - body.charCodeAt(i);
    run = Math.abs(step) === 1 && /[0-9A-Za-z]{2}/.test(body.slice(i, i + 2)) ? (step === last ? run + 1 : 2) : 1;
    last = run > 1 ? step : 0;
    if (run >= 5) return true;
  }
  return /example|sample|dummy|fake|placeholder|redacted|your|token|secret/i.test(body);
}
