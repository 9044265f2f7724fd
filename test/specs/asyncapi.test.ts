// AsyncAPI 3.x: security declared on operations secures their channel; plain brokers; payload bounds.
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/engine/source.js';
import { getSpecCheck } from '../../src/specs/index.js';

const DOC = `asyncapi: 3.0.0
info: { title: t, version: '1' }
servers:
  prod: { host: broker.example.com, protocol: amqp }
channels:
  orders:
    address: orders
    messages:
      created:
        payload:
          type: object
          properties:
            note: { type: string }
  audit:
    address: audit
operations:
  sendOrder:
    action: send
    channel: { $ref: '#/channels/orders' }
    security: [{ $ref: '#/components/securitySchemes/sasl' }]
`;

describe('AsyncAPI checks', () => {
  const run = (name: string): number[] => {
    const c = getSpecCheck(name)!;
    return c.run(new SourceFile('events.yaml', DOC), c.options.parse({})).map((m) => m.line!);
  };
  it('finds the unsecured channel, the plain-text broker and the unbounded payload string', () => {
    expect(run('asyncapi-channel-security')).toEqual([14]);
    expect(run('asyncapi-plaintext-broker')).toEqual([4]);
    expect(run('asyncapi-unbounded-string')).toEqual([13]);
  });
});
