// AsyncAPI 2.x / 3.x: recognised by a top-level `asyncapi:` key. Checks: channels nobody has to authenticate
// for, brokers reached over plain-text protocols, and unbounded strings in message payloads.
import { z } from 'zod';
import type { RawMatch } from '../../engine/matchers/matcher.js';
import type { SourceFile } from '../../engine/source.js';
import { SentrikError } from '../../util/errors.js';
import { hit, type SpecCheck } from '../check.js';
import { isPlainObject, parseSpecText, type JsonObject, type PosDoc } from '../doc.js';
import { perFile } from '../memo.js';
import { deref, scanRefProblems } from '../refs.js';
import { arr, has, hasType, isLocalUrl, obj, walkSchemas } from '../openapi/model.js';

export interface AsyncApi {
  doc: PosDoc;
  root: JsonObject;
  major: 2 | 3;
}

export function looksLikeAsyncApi(text: string): boolean {
  return /^["']?asyncapi["']?\s*:/m.test(text) || /"asyncapi"\s*:\s*"[23]/.test(text);
}

export function asAsyncApi(doc: PosDoc): AsyncApi | undefined {
  const root = doc.root;
  if (!isPlainObject(root) || root.asyncapi === undefined) return undefined;
  const v = String(root.asyncapi);
  if (/^2\./.test(v)) return { doc, root, major: 2 };
  if (/^3\./.test(v)) return { doc, root, major: 3 };
  return undefined;
}

export function parseAsyncApi(text: string, file: string): AsyncApi {
  const api = asAsyncApi(parseSpecText(text, file));
  if (!api) throw new SentrikError('not an AsyncAPI 2.x/3.x document', file, 1, 'an AsyncAPI document starts with `asyncapi: 2.x` or `asyncapi: 3.x`');
  return api;
}

export function asyncApiOf(file: SourceFile): AsyncApi | undefined {
  return perFile(file, 'asyncapi', () => (looksLikeAsyncApi(file.text) ? asAsyncApi(parseSpecText(file.text, file.path)) : undefined));
}

function entriesOf(v: unknown): [string, JsonObject][] {
  return Object.entries(obj(v) ?? {})
    .map(([k, x]) => [k, obj(x)] as [string, JsonObject | undefined])
    .filter((e): e is [string, JsonObject] => !!e[1]);
}

function secured(list: unknown): boolean {
  const a = arr(list);
  return a.length > 0 && a.every((r) => isPlainObject(r) && Object.keys(r).length > 0);
}

/** Channels with [name, channel, operations on it]. 2.x: publish/subscribe inside; 3.x: top-level operations. */
export function channels(api: AsyncApi): { name: string; channel: JsonObject; ops: JsonObject[]; servers: string[] | undefined }[] {
  const out = entriesOf(api.root.channels).map(([name, raw]) => {
    const channel = obj(deref(api.doc, raw)) ?? raw;
    const ops = api.major === 2 ? ['publish', 'subscribe'].map((k) => obj(channel[k])).filter((o): o is JsonObject => !!o) : [];
    const servers = Array.isArray(channel.servers) ? channel.servers.map((s) => (typeof s === 'string' ? s : String(obj(s)?.$ref ?? '').split('/').pop() ?? '')) : undefined;
    return { name, channel, ops, servers };
  });
  if (api.major === 3) {
    for (const [, op] of entriesOf(api.root.operations)) {
      const ref = String(obj(op.channel)?.$ref ?? '');
      const target = out.find((c) => ref === `#/channels/${c.name.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      target?.ops.push(op);
    }
  }
  return out;
}

const none = z.object({}).strict();
const KEYWORDS = ['asyncapi'];

function check(name: string, description: string, run: (api: AsyncApi) => RawMatch[]): SpecCheck {
  return {
    name: `asyncapi-${name}`,
    reads: 'asyncapi',
    description,
    options: none,
    keywords: KEYWORDS,
    run(file) {
      const api = asyncApiOf(file);
      return api ? run(api) : [];
    },
    // Broken, looping and external `$ref`s, once per file (see scanRefProblems).
    problems(file) {
      const api = asyncApiOf(file);
      return api ? perFile(file, 'asyncapi-problems', () => scanRefProblems(api.doc)) : [];
    },
  };
}

const channelSecurity = check('channel-security', 'channels without security', (api) => {
  const servers = new Map(entriesOf(api.root.servers).map(([n, s]) => [n, obj(deref(api.doc, s)) ?? s]));
  const out: RawMatch[] = [];
  for (const c of channels(api)) {
    const on = (c.servers ?? [...servers.keys()]).map((n) => servers.get(n)).filter((s): s is JsonObject => !!s);
    const serverSecured = on.length > 0 && on.every((s) => secured(s.security));
    const opsSecured = c.ops.length > 0 && c.ops.every((o) => secured(o.security));
    if (!serverSecured && !opsSecured) out.push(...hit(api.doc.lineOf(c.channel) ?? api.doc.keyLine(api.root.channels, c.name), c.name, `channel '${c.name}' can be used without authentication: neither its servers nor its operations declare security`));
  }
  return out;
});

const PLAIN = new Set(['kafka', 'amqp', 'mqtt', 'ws', 'http', 'stomp', 'redis', 'nats', 'jms', 'sns', 'ibmmq', 'solace', 'pulsar', 'mercure', 'googlepubsub']);
const SECURE_SCHEMES = /^(https|wss|amqps|mqtts|secure-mqtt|kafka-secure|stomps|rediss|pulsar\+ssl|nats\+tls|ssl|tls|sqs|sns|googlepubsub|ibmmq):/i;
const plainBroker = check('plaintext-broker', 'servers reached over plain-text protocols', (api) =>
  entriesOf(api.root.servers).flatMap(([name, raw]) => {
    const s = obj(deref(api.doc, raw)) ?? raw;
    const protocol = String(s.protocol ?? '').toLowerCase();
    const where = String(s.url ?? s.host ?? '');
    const url = /:\/\//.test(where) ? where : `${protocol}://${where}`;
    if (isLocalUrl(url) || SECURE_SCHEMES.test(url)) return [];
    // A secure protocol name, a TLS scheme in the URL, or a `secure`/`tls` binding setting makes it encrypted.
    if (!PLAIN.has(protocol) || /tls|ssl|secure/i.test(JSON.stringify(s.bindings ?? {}))) return [];
    return hit(api.doc.keyLine(s, 'protocol') ?? api.doc.lineOf(s), `${name}:${protocol}`, `server '${name}' uses ${protocol} without TLS: messages and credentials travel unencrypted`);
  }),
);

function payloads(api: AsyncApi): JsonObject[] {
  const roots: JsonObject[] = [];
  const addMessage = (m: unknown): void => {
    const msg = obj(deref(api.doc, m));
    if (!msg) return;
    for (const alt of arr(msg.oneOf)) addMessage(alt);
    const p = obj(deref(api.doc, msg.payload));
    if (p) roots.push(p);
  };
  for (const c of channels(api)) {
    for (const op of c.ops) addMessage(op.message);
    for (const [, m] of entriesOf(c.channel.messages)) addMessage(m);
  }
  for (const [, m] of entriesOf(obj(api.root.components)?.messages)) addMessage(m);
  for (const [, s] of entriesOf(obj(api.root.components)?.schemas)) roots.push(s);
  return roots;
}

const unboundedPayload = check('unbounded-string', 'message payload strings without maxLength, enum, pattern or format', (api) => {
  const out: RawMatch[] = [];
  walkSchemas(api, payloads(api), ({ schema }) => {
    if (hasType(schema, 'string') && !['maxLength', 'enum', 'const', 'pattern', 'format'].some((k) => has(schema, k))) {
      out.push(...hit(api.doc.lineOf(schema), 'string', 'payload string has no maxLength, enum, pattern or format: consumers accept any size and content'));
    }
  });
  return out;
});

export const ASYNCAPI_CHECKS: SpecCheck[] = [channelSecurity, plainBroker, unboundedPayload];
