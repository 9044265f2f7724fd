// Attestations: an in-toto Statement (v1) about the scanned commit — gate result, packs with their content
// hashes, counts — wrapped in a DSSE envelope signed with HMAC-SHA256 or an ed25519 key (node:crypto).
import { createHash, createHmac, createPrivateKey, createPublicKey, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { SentrikError } from '../util/errors.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PREDICATE_TYPE = 'https://sentrik.dev/attestation/gate/v1';
export const PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface Statement {
  _type: string;
  subject: { name: string; digest: Record<string, string> }[];
  predicateType: string;
  predicate: Record<string, unknown>;
}

export interface Envelope {
  payloadType: string;
  payload: string;
  signatures: { keyid: string; sig: string }[];
}

export type Signer = { kind: 'hmac'; key: Buffer; keyid: string } | { kind: 'ed25519'; key: KeyObject; keyid: string };

/** DSSE pre-authentication encoding: what is actually signed. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.length} `), payload]);
}

export function signStatement(statement: Statement, signer: Signer): Envelope {
  const payload = Buffer.from(JSON.stringify(statement));
  const msg = pae(PAYLOAD_TYPE, payload);
  const sig = signer.kind === 'hmac' ? createHmac('sha256', signer.key).update(msg).digest() : sign(null, msg, signer.key);
  return { payloadType: PAYLOAD_TYPE, payload: payload.toString('base64'), signatures: [{ keyid: signer.keyid, sig: sig.toString('base64') }] };
}

/** ed25519 key from PEM text: a private key signs; a private or public key verifies. */
export function ed25519Key(pem: string, file: string, use: 'sign' | 'verify'): { key: KeyObject; keyid: string } {
  let key: KeyObject;
  try {
    key = use === 'sign' || pem.includes('PRIVATE KEY') ? createPrivateKey(pem) : createPublicKey(pem);
  } catch (err) {
    throw new SentrikError(`not a usable PEM key: ${(err as Error).message.split('\n')[0]}`, file, undefined, 'generate one with `openssl genpkey -algorithm ed25519 -out key.pem`');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new SentrikError(`the key is ${key.asymmetricKeyType ?? 'not asymmetric'}, not ed25519`, file, undefined, 'use an ed25519 key (openssl genpkey -algorithm ed25519)');
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return { key: use === 'sign' ? key : pub, keyid: `ed25519:${createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16)}` };
}

export interface VerifyResult {
  ok: boolean;
  reason?: string;
  statement?: Statement;
}

/** Check the envelope's signature with the given key, then that the payload is a sentrik in-toto Statement. */
export function verifyEnvelope(text: string, file: string, verifier: Signer): VerifyResult {
  let env: Envelope;
  try {
    env = JSON.parse(text) as Envelope;
  } catch {
    throw new SentrikError('not an attestation: the file is not JSON', file, undefined, 'pass the file written by `sentrik attest`');
  }
  if (!env || typeof env.payload !== 'string' || !Array.isArray(env.signatures) || !env.signatures.length) {
    throw new SentrikError('not a DSSE envelope (payload and signatures expected)', file, undefined, 'pass the file written by `sentrik attest`');
  }
  if (env.payloadType !== PAYLOAD_TYPE) return { ok: false, reason: `payloadType is '${String(env.payloadType)}', expected ${PAYLOAD_TYPE}` };
  const payload = Buffer.from(env.payload, 'base64');
  const msg = pae(env.payloadType, payload);
  const good = env.signatures.some((s) => {
    const sig = Buffer.from(String(s.sig), 'base64');
    if (verifier.kind === 'hmac') {
      const want = createHmac('sha256', verifier.key).update(msg).digest();
      return sig.length === want.length && timingSafeEqual(sig, want);
    }
    try {
      return verify(null, msg, verifier.key, sig);
    } catch {
      return false;
    }
  });
  if (!good) return { ok: false, reason: `no signature verifies with ${verifier.keyid} (the attestation was changed, or signed with another key)` };
  let statement: Statement;
  try {
    statement = JSON.parse(payload.toString('utf8')) as Statement;
  } catch {
    return { ok: false, reason: 'the signed payload is not JSON' };
  }
  if (statement._type !== STATEMENT_TYPE) return { ok: false, reason: `_type is '${String(statement._type)}', expected ${STATEMENT_TYPE}` };
  if (statement.predicateType !== PREDICATE_TYPE) return { ok: false, reason: `predicateType is '${String(statement.predicateType)}'` };
  if (!Array.isArray(statement.subject) || !statement.subject[0]?.digest?.gitCommit) return { ok: false, reason: 'the subject names no git commit' };
  return { ok: true, statement };
}
