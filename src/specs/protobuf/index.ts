// Protobuf contracts: `.proto` files. Checks: sensitive fields in response messages, string fields of request
// messages without validation rules (protoc-gen-validate / buf validate), services without auth options.
// Which messages are requests and responses comes from the file's own rpcs plus, for generated packs, the
// lists computed at import time across imports (so a message defined in common.proto is still known).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { z } from 'zod';
import type { RawMatch } from '../../engine/matchers/matcher.js';
import type { SourceFile } from '../../engine/source.js';
import { SentrikError } from '../../util/errors.js';
import { insideRootOrUndefined, toPosix } from '../../util/paths.js';
import type { SpecCheck } from '../check.js';
import { perFile } from '../memo.js';
import { words } from '../openapi/model.js';
import { parseProto, type ProtoFile, type ProtoMessage } from './parse.js';

export { parseProto, type ProtoFile } from './parse.js';

export function protoOf(file: SourceFile): ProtoFile | undefined {
  if (!file.path.endsWith('.proto')) return undefined;
  return perFile(file, 'proto', () => parseProto(file.text, file.path));
}

/** Parse a .proto and its imports (relative to the importing file, then to the root); well-known ones may be absent. */
export function loadProtoTree(absPath: string, root: string): ProtoFile[] {
  const out = new Map<string, ProtoFile>();
  const visit = (abs: string): void => {
    if (out.has(abs)) return;
    const pf = parseProto(readFileSync(abs, 'utf8'), toPosix(relative(root, abs)));
    out.set(abs, pf);
    for (const imp of pf.imports) {
      const candidates = [resolve(dirname(abs), imp.path), resolve(root, imp.path)];
      const found = candidates.find((c) => existsSync(c));
      if (!found) {
        if (/^(google\/(protobuf|api|rpc|type)|validate|buf\/validate|gogoproto|protoc-gen-openapiv2)\//.test(imp.path)) continue;
        throw new SentrikError(`import '${imp.path}' not found`, pf.file, imp.line, 'imports are resolved relative to the importing file and to the project root');
      }
      const inside = insideRootOrUndefined(root, found);
      if (!inside) throw new SentrikError(`import '${imp.path}' is outside the project`, pf.file, imp.line, 'keep imported .proto files inside the project (a symbolic link counts where it leads)');
      visit(inside);
    }
  };
  visit(absPath);
  return [...out.values()];
}

/** Messages reached from rpc inputs (requests) and outputs (responses), following message-typed fields. */
export function messageRoles(files: ProtoFile[], extra: { requests?: string[]; responses?: string[] } = {}): { requests: Set<string>; responses: Set<string> } {
  const all = files.flatMap((f) => f.messages);
  const byName = (type: string, from: string): ProtoMessage | undefined => {
    const t = type.replace(/^\./, '');
    // Scoping: try the innermost scope first (`pkg.Outer.T`, `pkg.T`, `T`), then any message with that short name.
    const scopes = from.split('.');
    for (let i = scopes.length; i >= 0; i--) {
      const full = [...scopes.slice(0, i), t].join('.');
      const m = all.find((x) => x.fullName === full);
      if (m) return m;
    }
    return all.find((x) => x.fullName.endsWith(`.${t}`) || x.fullName === t);
  };
  const close = (start: ProtoMessage[]): Set<string> => {
    const seen = new Set<string>();
    const stack = [...start];
    while (stack.length) {
      const m = stack.pop()!;
      if (seen.has(m.fullName)) continue;
      seen.add(m.fullName);
      for (const f of m.fields) {
        const t = f.type.startsWith('map<') ? f.type.slice(f.type.indexOf(',') + 1, -1) : f.type;
        const inner = byName(t, m.fullName);
        if (inner) stack.push(inner);
      }
    }
    return seen;
  };
  const ends = (which: 'input' | 'output'): ProtoMessage[] =>
    files.flatMap((f) => f.services.flatMap((s) => s.rpcs.map((r) => byName(r[which], f.pkg)).filter((m): m is ProtoMessage => !!m)));
  const named = (names: string[] | undefined): ProtoMessage[] => (names ?? []).map((n) => all.find((m) => m.fullName === n)).filter((m): m is ProtoMessage => !!m);
  const requests = close([...ends('input'), ...named(extra.requests)]);
  const responses = close([...ends('output'), ...named(extra.responses)]);
  for (const n of extra.requests ?? []) requests.add(n);
  for (const n of extra.responses ?? []) responses.add(n);
  return { requests, responses };
}

const rolesOptions = z
  .object({
    /** Fully qualified request / response message names (computed by import-spec across imports). */
    requests: z.array(z.string()).default([]),
    responses: z.array(z.string()).default([]),
  })
  .strict();
type RolesOptions = z.infer<typeof rolesOptions>;

function check(name: string, description: string, options: z.ZodType<RolesOptions>, run: (pf: ProtoFile, o: RolesOptions) => RawMatch[]): SpecCheck<RolesOptions> {
  return {
    name: `protobuf-${name}`,
    reads: 'protobuf',
    description,
    options,
    keywords: ['message', 'service'],
    run(file, o) {
      const pf = protoOf(file);
      return pf ? run(pf, o) : [];
    },
  };
}

const SENSITIVE = /(password|passwd|passphrase|ssn$|^ssn|socialsecurity|secret|token|apikey|privatekey|cardnumber|creditcard|cvv|cvc)/;
const NOT_SENSITIVE = /(type|count|expiry|expires|expiresat|ttl|url|uri|hint|prefix|last4|masked|length|policy|format|set|enabled|required|id|name)$|^(next|prev|page|continuation|sync|cursor|has|is|requires?|needs?)/;

const sensitiveFields = check('sensitive-response-field', 'sensitive field names in response messages', rolesOptions, (pf, o) => {
  const { responses } = messageRoles([pf], o);
  return pf.messages
    .filter((m) => responses.has(m.fullName))
    .flatMap((m) =>
      m.fields
        .filter((f) => {
          const n = words(f.name).join('');
          // A flag (bool has_password) holds no secret.
          return f.type !== 'bool' && SENSITIVE.test(n) && !NOT_SENSITIVE.test(n);
        })
        .map((f) => ({ line: f.line, matched: `${m.fullName}.${f.name}`, message: `field '${f.name}' of response message ${m.name} exposes sensitive data` })),
    );
});

const VALIDATE = /\(\s*(buf\.validate\.field|validate\.rules|validate\.field)\s*\)|\bvalidate\b/;
const unvalidatedStrings = check('unvalidated-string', 'string fields of request messages without validation options', rolesOptions, (pf, o) => {
  const { requests } = messageRoles([pf], o);
  return pf.messages
    .filter((m) => requests.has(m.fullName))
    .flatMap((m) =>
      m.fields
        .filter((f) => (f.type === 'string' || f.type === 'bytes') && !VALIDATE.test(f.options))
        .map((f) => ({ line: f.line, matched: `${m.fullName}.${f.name}`, message: `${f.type} field '${f.name}' of request message ${m.name} has no validation rules (buf.validate / protoc-gen-validate)` })),
    );
});

const AUTH_OPTION = /auth|oauth|security|scope|permission|iam|jwt|api_key|apikey|authz|roles?\b/i;
const serviceAuth = check('service-auth', 'services whose rpcs carry no auth options', z.object({}).strict() as never, (pf) =>
  pf.services
    .filter((s) => !AUTH_OPTION.test(s.options) && s.rpcs.some((r) => !AUTH_OPTION.test(r.options)))
    .map((s) => ({ line: s.line, matched: s.name, message: `service ${s.name} declares no authentication options (on the service or on every rpc)` })),
);

export const PROTOBUF_CHECKS: SpecCheck[] = [sensitiveFields, unvalidatedStrings, serviceAuth];
