// Does a PKCS#12 keystore (.p12/.pfx) open with a given password? Its MAC answers without decrypting anything:
// the MAC key is derived from the password (RFC 7292 appendix B.2) and must authenticate the keystore's
// contents. Google's service-account P12 keys all use the password "notasecret", so a P12 whose MAC verifies
// with it hands its private key to anyone who reads the repository.
//
// Everything is read defensively from untrusted bytes: a structure that is not exactly the expected DER, an
// unknown digest, or an iteration count above MAX_ITERATIONS (a key derivation that would hang the scan) means
// "no", never an exception.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Keystores use 1 to 10,000 (OpenSSL and Windows about 2,000, Java 10,000); a crafted file could ask for
 * billions. At this cap a password costs at most ~15 ms of hashing per file, so even a pull request that adds
 * a thousand crafted keystores costs a scan seconds, not minutes.
 */
const MAX_ITERATIONS = 10_000;

/** Digest OIDs (DER value bytes, hex) → Node hash name and its block size in bytes. */
const DIGESTS: Record<string, { name: string; block: number }> = {
  '2b0e03021a': { name: 'sha1', block: 64 },
  '608648016503040201': { name: 'sha256', block: 64 },
  '608648016503040202': { name: 'sha384', block: 128 },
  '608648016503040203': { name: 'sha512', block: 128 },
  '608648016503040204': { name: 'sha224', block: 64 },
};
/** id-data (1.2.840.113549.1.7.1): the authenticated safe as plain bytes (the case with a password MAC). */
const ID_DATA = '2a864886f70d010701';

interface Tlv {
  tag: number;
  /** The value's bytes. */
  value: Buffer;
  /** Offset just after the element. */
  end: number;
}

/** One DER element at `at` (definite lengths only), or undefined when the bytes are not one. */
function tlv(buf: Buffer, at: number): Tlv | undefined {
  if (at + 2 > buf.length) return undefined;
  const tag = buf[at];
  let len = buf[at + 1];
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > buf.length) return undefined; // indefinite (BER) or absurd lengths
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i];
    start += n;
  }
  const end = start + len;
  return end > buf.length ? undefined : { tag, value: buf.subarray(start, end), end };
}

/** The elements of a constructed value, in order. */
function children(value: Buffer): Tlv[] | undefined {
  const out: Tlv[] = [];
  for (let at = 0; at < value.length; ) {
    const t = tlv(value, at);
    if (!t) return undefined;
    out.push(t);
    at = t.end;
  }
  return out;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;
const OID = 0x06;
const CONTEXT_0 = 0xa0;

function integer(t: Tlv | undefined): number | undefined {
  if (!t || t.tag !== INTEGER || t.value.length === 0 || t.value.length > 6) return undefined;
  return t.value.readUIntBE(0, t.value.length);
}

interface MacData {
  digest: { name: string; block: number };
  expected: Buffer;
  salt: Buffer;
  iterations: number;
  /** The bytes the MAC authenticates: the content of the authenticated safe. */
  content: Buffer;
}

/** The MAC of a PKCS#12 file, or undefined when it has none or is not one this code reads. */
function macData(file: Buffer): MacData | undefined {
  const pfx = tlv(file, 0);
  if (!pfx || pfx.tag !== SEQUENCE) return undefined;
  const [version, authSafe, mac] = children(pfx.value) ?? [];
  if (integer(version) !== 3 || authSafe?.tag !== SEQUENCE || mac?.tag !== SEQUENCE) return undefined;
  const [contentType, explicit] = children(authSafe.value) ?? [];
  if (contentType?.tag !== OID || contentType.value.toString('hex') !== ID_DATA || explicit?.tag !== CONTEXT_0) return undefined;
  const content = tlv(explicit.value, 0);
  if (!content || content.tag !== OCTET_STRING) return undefined;
  const [digestInfo, salt, iterationsTlv] = children(mac.value) ?? [];
  if (digestInfo?.tag !== SEQUENCE || salt?.tag !== OCTET_STRING) return undefined;
  const [algorithm, expected] = children(digestInfo.value) ?? [];
  const [oid] = algorithm?.tag === SEQUENCE ? (children(algorithm.value) ?? []) : [];
  const digest = oid?.tag === OID ? DIGESTS[oid.value.toString('hex')] : undefined;
  const iterations = iterationsTlv ? integer(iterationsTlv) : 1;
  if (!digest || expected?.tag !== OCTET_STRING || iterations === undefined || iterations < 1) return undefined;
  return { digest, expected: expected.value, salt: salt.value, iterations, content: content.value };
}

/** The MAC key for `password` (RFC 7292 B.2 with ID 3; one hash output's worth, so a single block). */
function macKey(password: string, salt: Buffer, iterations: number, digest: { name: string; block: number }): Buffer {
  const v = digest.block;
  const repeat = (b: Buffer): Buffer => {
    if (b.length === 0) return b;
    const out = Buffer.alloc(v * Math.ceil(b.length / v));
    for (let i = 0; i < out.length; i++) out[i] = b[i % b.length];
    return out;
  };
  // The password as a BMPString (UTF-16 big-endian) with its two-byte terminator.
  const bmp = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) bmp.writeUInt16BE(password.charCodeAt(i), i * 2);
  let a = Buffer.concat([Buffer.alloc(v, 3), repeat(salt), repeat(bmp)]);
  for (let i = 0; i < iterations; i++) a = createHash(digest.name).update(a).digest();
  return a;
}

/**
 * Whether `file` is a PKCS#12 keystore whose MAC verifies with `password`. False for anything else: not
 * PKCS#12, no MAC (nothing to check a password against), another password, or more than MAX_ITERATIONS.
 */
export function pkcs12OpensWith(file: Buffer, password: string): boolean {
  const mac = macData(file);
  if (!mac || mac.iterations > MAX_ITERATIONS) return false;
  const key = macKey(password, mac.salt, mac.iterations, mac.digest);
  const actual = createHmac(mac.digest.name, key).update(mac.content).digest();
  return actual.length === mac.expected.length && timingSafeEqual(actual, mac.expected);
}
