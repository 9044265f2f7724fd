// Preload (node --require) that records and refuses every attempt to reach the network: TCP/TLS connections,
// name lookups and UDP sockets. It runs in every thread (worker threads included), so a test can prove that
// a command opened no socket: the log file stays empty. Used by test/cli/trust.test.ts.
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const dns = require('node:dns');
const dgram = require('node:dgram');
const { isMainThread } = require('node:worker_threads');

const LOG = process.env.SENTRIK_TEST_NET_LOG;
function refuse(what) {
  if (LOG) fs.appendFileSync(LOG, `${isMainThread ? 'main' : 'worker'} ${what}\n`);
  throw new Error(`network access refused by the test preload: ${what}`);
}

net.Socket.prototype.connect = function connect(...args) {
  const o = Array.isArray(args[0]) ? args[0][0] : args[0];
  refuse(`connect ${typeof o === 'object' && o !== null ? o.path ?? `${o.host ?? 'localhost'}:${o.port}` : String(o)}`);
};
for (const name of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveTxt', 'resolveSrv']) {
  dns[name] = (host) => refuse(`dns.${name} ${host}`);
  if (dns.promises[name]) dns.promises[name] = async (host) => refuse(`dns.promises.${name} ${host}`);
}
dgram.createSocket = () => refuse('dgram.createSocket');
if (LOG) fs.appendFileSync(`${LOG}.loaded`, `${isMainThread ? 'main' : 'worker'}\n`);
