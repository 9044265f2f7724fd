// The .proto parser (proto2 and proto3 syntax, services, options, imports) and the protobuf checks.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/engine/source.js';
import { getSpecCheck } from '../../src/specs/index.js';
import { loadProtoTree, messageRoles, parseProto } from '../../src/specs/protobuf/index.js';
import { SentrikError } from '../../src/util/errors.js';

const PROTO3 = `syntax = "proto3";
package shop.v1;
import "google/protobuf/timestamp.proto";
option go_package = "example.com/shop";

/* block
   comment */
service Orders {
  option (auth.policy) = { required: true };
  rpc Get(GetOrderRequest) returns (Order) {
    option (google.api.http) = { get: "/v1/orders/{id}" };
  }
  rpc Watch(stream GetOrderRequest) returns (stream Order);
}

message GetOrderRequest {
  string id = 1 [(buf.validate.field).string.uuid = true];
  map<string, string> labels = 2;
  oneof filter {
    string note = 3;
    int64 since = 4;
  }
}

message Order {
  message Payment { string card_number = 1; }
  Payment payment = 1;
  repeated string items = 2;
  reserved 5, 6;
  enum State { NEW = 0; PAID = 1; }
}
`;

const PROTO2 = `syntax = "proto2";
message Legacy {
  required string name = 1 [default = "x"];
  optional group Extra = 2 { optional string secret = 3; }
  extensions 100 to 199;
}
`;

describe('parseProto', () => {
  it('reads services, rpcs, messages (nested, oneof, map) with lines', () => {
    const pf = parseProto(PROTO3, 'shop.proto');
    expect(pf.pkg).toBe('shop.v1');
    expect(pf.imports).toEqual([{ path: 'google/protobuf/timestamp.proto', line: 3 }]);
    expect(pf.services[0]).toMatchObject({ name: 'Orders', line: 8 });
    expect(pf.services[0].rpcs.map((r) => [r.name, r.input, r.output, r.line])).toEqual([
      ['Get', 'GetOrderRequest', 'Order', 10],
      ['Watch', 'GetOrderRequest', 'Order', 13],
    ]);
    expect(pf.messages.map((m) => m.fullName)).toEqual(['shop.v1.GetOrderRequest', 'shop.v1.Order', 'shop.v1.Order.Payment']);
    expect(pf.messages[0].fields.map((f) => [f.name, f.type, f.line])).toEqual([
      ['id', 'string', 17],
      ['labels', 'map<string,string>', 18],
      ['note', 'string', 20],
      ['since', 'int64', 21],
    ]);
  });

  it('reads fully qualified type names with a leading dot, and resolves them', () => {
    const text = 'syntax = "proto3";\npackage t.v1;\nservice S {\n  rpc Get(.t.v1.Req) returns (.t.v1.Resp);\n}\nmessage Req { string id = 1; }\nmessage Resp { .t.v1.Inner inner = 1; map<string, .t.v1.Inner> more = 2; }\nmessage Inner { string password = 1; }\n';
    const pf = parseProto(text, 't.proto');
    expect(pf.services[0].rpcs.map((r) => [r.input, r.output])).toEqual([['.t.v1.Req', '.t.v1.Resp']]);
    expect([...messageRoles([pf]).responses].sort()).toEqual(['t.v1.Inner', 't.v1.Resp']);
  });

  it('reads proto2 labels, groups and extensions', () => {
    const pf = parseProto(PROTO2, 'legacy.proto');
    expect(pf.messages.map((m) => m.name)).toEqual(['Legacy', 'Extra']);
    expect(pf.messages[1].fields[0]).toMatchObject({ name: 'secret', line: 4 });
  });

  it('a syntax error is a SentrikError with the line', () => {
    for (const [text, line] of [['syntax = "proto3";\nmessage A {\n  string a = 1\n}\n', 4], ['message A {\n  string a = 1;\n', 2], ['service S {\n  rpc X(A) (B);\n}\n', 2]] as const) {
      let err: unknown;
      try {
        parseProto(text, 'bad.proto');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SentrikError);
      expect((err as SentrikError).line).toBe(line);
    }
  });
});

describe('protobuf checks', () => {
  const run = (name: string, text: string, options = {}): number[] => {
    const c = getSpecCheck(name)!;
    return c.run(new SourceFile('shop.proto', text), c.options.parse(options)).map((m) => m.line!);
  };
  it('flags sensitive fields reachable from responses, strings without validation in requests, services without auth', () => {
    expect(run('protobuf-sensitive-response-field', PROTO3)).toEqual([26]);
    expect(run('protobuf-unvalidated-string', PROTO3)).toEqual([20]);
    expect(run('protobuf-service-auth', PROTO3)).toEqual([]);
    expect(run('protobuf-service-auth', 'syntax = "proto3";\nservice S { rpc A(X) returns (Y); }\nmessage X {}\nmessage Y {}\n')).toEqual([2]);
  });

  it('resolves imports relative to the file, and knows roles across files', () => {
    const root = mkdtempSync(join(tmpdir(), 'sentrik-proto-'));
    mkdirSync(join(root, 'api', 'common'), { recursive: true });
    writeFileSync(join(root, 'api', 'svc.proto'), 'syntax = "proto3";\npackage p;\nimport "common/user.proto";\nservice S { rpc Get(Req) returns (User); }\nmessage Req { string q = 1; }\n');
    writeFileSync(join(root, 'api', 'common', 'user.proto'), 'syntax = "proto3";\npackage p;\nmessage User { string api_token = 1; }\n');
    const files = loadProtoTree(join(root, 'api', 'svc.proto'), root);
    expect(files.map((f) => f.file)).toEqual(['api/svc.proto', 'api/common/user.proto']);
    const roles = messageRoles(files);
    expect([...roles.responses]).toEqual(['p.User']);
    // Scanning common/user.proto alone only knows User is a response through the pack's option.
    const user = 'syntax = "proto3";\npackage p;\nmessage User { string api_token = 1; }\n';
    expect(run('protobuf-sensitive-response-field', user)).toEqual([]);
    expect(run('protobuf-sensitive-response-field', user, { responses: ['p.User'] })).toEqual([3]);

    writeFileSync(join(root, 'api', 'broken.proto'), 'syntax = "proto3";\nimport "missing.proto";\n');
    expect(() => loadProtoTree(join(root, 'api', 'broken.proto'), root)).toThrow(/import 'missing.proto' not found/);
  });
});
