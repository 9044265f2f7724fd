// The CLI's side of the network policy: flags → the one outbound client, and the `ask` prompt on a terminal.
import { createInterface } from 'node:readline/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { isCI, networkPolicy } from '../config/load.js';
import { NETWORK_POLICIES, type NetworkPolicy, type SentrikConfig } from '../config/schema.js';
import { createNetClient, readCaBundle, type NetClient } from '../net/client.js';
import { SentrikError } from '../util/errors.js';
import type { CliIO } from './io.js';

export interface NetworkFlags {
  network?: string;
  caCert?: string;
}

/** `--network` and `--ca-cert`, for commands that may reach the network. */
export function addNetworkOptions(cmd: Command): Command {
  return cmd
    .option('--network <policy>', `outbound network: ${NETWORK_POLICIES.join(', ')} (default: network in the config; off when CI=true, else ask)`)
    .option('--ca-cert <file>', 'extra CA bundle (PEM) to trust for outbound HTTPS, e.g. a corporate proxy CA (also: NODE_EXTRA_CA_CERTS)');
}

/** The policy named by --network, validated. */
export function parseNetworkFlag(value: string | undefined): NetworkPolicy | undefined {
  if (value === undefined) return undefined;
  if (!(NETWORK_POLICIES as readonly string[]).includes(value)) throw new SentrikError(`invalid --network '${value}'`, undefined, undefined, `use one of: ${NETWORK_POLICIES.join(', ')}`);
  return value as NetworkPolicy;
}

/** Check --ca-cert (and NODE_EXTRA_CA_CERTS) up front: a wrong path is exit 2 even when no request is made. */
export function checkCaFlags(io: CliIO, flags: NetworkFlags): void {
  if (flags.caCert) readCaBundle(resolve(io.cwd, flags.caCert), '--ca-cert');
}

export function netClientFor(io: CliIO, config: Pick<SentrikConfig, 'network'>, flags: NetworkFlags): NetClient {
  const policy = parseNetworkFlag(flags.network) ?? networkPolicy(config, io.env);
  const interactive = io.isTTY && Boolean(process.stdin.isTTY);
  return createNetClient({
    policy,
    policyFrom: flags.network ? `--network ${flags.network}` : config.network ? 'set in the configuration' : isCI(io.env) ? 'the default in CI' : undefined,
    env: io.env,
    caFiles: flags.caCert ? [{ file: resolve(io.cwd, flags.caCert), from: '--ca-cert' }] : [],
    log: (m) => io.stderr(`sentrik: network: ${m}\n`),
    confirm: interactive ? (host, purpose) => askYesNo(`sentrik: contact ${host} for ${purpose}? [y/N] `) : undefined,
  });
}

async function askYesNo(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
