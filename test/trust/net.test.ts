// The one outbound client, against real servers on 127.0.0.1: the network policy is checked before any
// connection, HTTP(S)_PROXY / NO_PROXY are honoured, an extra CA bundle is trusted, transient failures are
// retried with backoff.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bypassesProxy, createNetClient, NetworkRefused, proxyFor, readCaBundle } from '../../src/net/client.js';
import { SentrikError } from '../../src/util/errors.js';

const servers: Server[] = [];
afterAll(() => servers.forEach((s) => s.close()));

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** A server answering each request with the next status in `statuses` (then 200), counting requests. */
async function statusServer(statuses: number[]): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const port = await listen(
    createServer((_req: IncomingMessage, res: ServerResponse) => {
      const status = statuses[hits++] ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status }));
    }),
  );
  return { url: `http://127.0.0.1:${port}/v1/x`, hits: () => hits };
}

describe('network policy', () => {
  it('off: refuses before connecting; on: connects', async () => {
    const s = await statusServer([]);
    const off = createNetClient({ policy: 'off', env: {} });
    await expect(off.fetch(s.url)).rejects.toBeInstanceOf(NetworkRefused);
    await expect(off.fetchOnce(s.url)).rejects.toThrow(/network access to 127\.0\.0\.1:\d+ is not allowed \(network: off/);
    expect(s.hits()).toBe(0);
    const on = createNetClient({ policy: 'on', env: {} });
    expect((await on.fetch(s.url)).status).toBe(200);
    expect(s.hits()).toBe(1);
  });

  it('ask: asks once per host; a refusal is NetworkRefused; without a prompt the command line is the consent, logged', async () => {
    const s = await statusServer([]);
    const asked: string[] = [];
    const yes = createNetClient({ policy: 'ask', env: {}, confirm: async (host) => (asked.push(host), true) });
    await yes.fetch(s.url, undefined, 'the OSV API');
    await yes.fetch(s.url);
    expect(asked).toHaveLength(1);
    const no = createNetClient({ policy: 'ask', env: {}, confirm: async () => false });
    await expect(no.fetch(s.url)).rejects.toThrow(/network: ask, declined/);
    const log: string[] = [];
    const implicit = createNetClient({ policy: 'ask', env: {}, log: (m) => log.push(m) });
    expect((await implicit.fetch(s.url, undefined, 'the OSV API (--online)')).status).toBe(200);
    expect(log).toEqual([expect.stringMatching(/^contacting 127\.0\.0\.1:\d+ for the OSV API \(--online\) \(network: ask; the command line asked for it\)$/)]);
    expect(s.hits()).toBe(3); // two confirmed, one implicit; the declined one never connected
  });
});

describe('retries', () => {
  it('retries 5xx and 429 with backoff, then returns the answer', async () => {
    const s = await statusServer([503, 429]);
    const log: string[] = [];
    const client = createNetClient({ policy: 'on', env: {}, backoffMs: 5, log: (m) => log.push(m) });
    expect((await client.fetch(s.url)).status).toBe(200);
    expect(s.hits()).toBe(3);
    expect(log).toEqual([expect.stringMatching(/HTTP 503; retrying/), expect.stringMatching(/HTTP 429; retrying/)]);
  });

  it('gives up after the retries: the last answer, or the connection error', async () => {
    const s = await statusServer([500, 500, 500, 500]);
    const client = createNetClient({ policy: 'on', env: {}, backoffMs: 1, retries: 2 });
    expect((await client.fetch(s.url)).status).toBe(500);
    expect(s.hits()).toBe(3);
    const closed = await listen(createServer());
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 20));
    await expect(createNetClient({ policy: 'on', env: {}, backoffMs: 1, retries: 1 }).fetch(`http://127.0.0.1:${closed}/`)).rejects.toThrow();
  });
});

describe('proxy', () => {
  it('HTTP_PROXY carries the request; NO_PROXY exempts a host', async () => {
    const s = await statusServer([]);
    const seen: string[] = [];
    const proxy = createServer((req, res) => {
      // Plain forwarding for http:// targets (absolute-form request line).
      seen.push(`${req.method} ${req.url}`);
      const target = new URL(req.url!);
      const up = connect(Number(target.port), target.hostname, () => {
        up.write(`${req.method} ${target.pathname} HTTP/1.1\r\nhost: ${target.host}\r\nconnection: close\r\n\r\n`);
      });
      up.pipe(res.socket!);
    });
    proxy.on('connect', (req, socket) => {
      seen.push(`CONNECT ${req.url}`);
      const [host, port] = req.url!.split(':');
      const up = connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        up.pipe(socket);
        socket.pipe(up);
      });
    });
    const proxyPort = await listen(proxy);
    const env = { HTTP_PROXY: `http://127.0.0.1:${proxyPort}` };
    const via = createNetClient({ policy: 'on', env, retries: 0 });
    expect((await via.fetch(s.url)).status).toBe(200);
    expect(seen.length).toBe(1);
    expect(seen[0]).toContain(new URL(s.url).host);
    const direct = createNetClient({ policy: 'on', env: { ...env, NO_PROXY: 'localhost,127.0.0.1' }, retries: 0 });
    expect((await direct.fetch(s.url)).status).toBe(200);
    expect(seen.length).toBe(1);
  });

  it.each([
    ['https://api.osv.dev/v1', { HTTPS_PROXY: 'http://p:1' }, 'http://p:1'],
    ['https://api.osv.dev/v1', { https_proxy: 'http://low:1', HTTPS_PROXY: 'http://up:1' }, 'http://low:1'],
    ['https://api.osv.dev/v1', { HTTP_PROXY: 'http://p:1' }, 'http://p:1'],
    ['http://mirror.local/v1', { HTTPS_PROXY: 'http://p:1' }, undefined],
    ['https://api.github.com/x', { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'github.com' }, undefined],
    ['https://api.github.com/x', { HTTPS_PROXY: 'http://p:1', NO_PROXY: '.github.com' }, undefined],
    ['https://notgithub.com/x', { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'github.com' }, 'http://p:1'],
    ['https://api.github.com/x', { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'api.github.com:8443' }, 'http://p:1'],
    ['https://api.github.com/x', { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' }, undefined],
    ['https://[::1]:8443/x', { HTTPS_PROXY: 'http://p:1', NO_PROXY: '::1' }, undefined],
  ])('%s with %j → %s', (url, env, expected) => {
    expect(proxyFor(new URL(url), env as Record<string, string>)).toBe(expected);
  });

  it('NO_PROXY entries may be separated by commas or spaces', () => {
    expect(bypassesProxy(new URL('https://a.example.org/'), 'x.com  example.org')).toBe(true);
  });
});

describe('extra CA bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentrik-ca-'));
  const openssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8' });

  it.skipIf(openssl.status !== 0)('a server signed by the extra CA is trusted with it and refused without it', async () => {
    const { readFileSync } = await import('node:fs');
    const https = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('ok'));
    const port = await listen(https as unknown as Server);
    const url = `https://127.0.0.1:${port}/`;
    await expect(createNetClient({ policy: 'on', env: {}, retries: 0 }).fetch(url)).rejects.toThrow();
    const trusted = createNetClient({ policy: 'on', env: {}, retries: 0, caFiles: [{ file: join(dir, 'cert.pem'), from: '--ca-cert' }] });
    expect(await (await trusted.fetch(url)).text()).toBe('ok');
    const viaEnv = createNetClient({ policy: 'on', env: { NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') }, retries: 0 });
    expect((await viaEnv.fetch(url)).status).toBe(200);
  });

  it('a missing or non-PEM bundle is a configuration error naming the file, before any request', () => {
    const missing = join(dir, 'nope.pem');
    expect(() => readCaBundle(missing, '--ca-cert')).toThrow(SentrikError);
    expect(() => createNetClient({ policy: 'off', env: { NODE_EXTRA_CA_CERTS: missing } })).toThrow(/CA bundle not found \(NODE_EXTRA_CA_CERTS\)/);
    writeFileSync(join(dir, 'junk.pem'), 'hello\n');
    try {
      readCaBundle(join(dir, 'junk.pem'), '--ca-cert');
      throw new Error('expected an error');
    } catch (err) {
      expect((err as SentrikError).format()).toBe(`${join(dir, 'junk.pem')}:1: not a PEM certificate bundle (--ca-cert) — the file must hold one or more -----BEGIN CERTIFICATE----- blocks`);
    }
  });
});
