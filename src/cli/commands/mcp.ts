// `sentrik mcp-server [--root DIR] [--print-config]`: the MCP server on stdio for coding agents.
// stdout carries the protocol and nothing else; every diagnostic goes to stderr.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { format } from 'node:util';
import type { Command } from 'commander';
import { SentrikError } from '../../util/errors.js';
import { CLI_SCRIPT } from '../../util/package.js';
import { loadEffectiveConfig } from '../context.js';
import { EXIT, type CliIO } from '../io.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

/** A JSON-RPC message larger than this ends the session (the SDK's transport limit); snippets are capped far below. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export function registerMcpCommands(program: Command, io: CliIO, run: Run): void {
  program
    .command('mcp-server')
    .description('serve sentrik\'s checks to coding agents over MCP (stdio): scan_file, check_code_snippet, get_compliance_context, explain_rule, get_scan_summary, get_vulnerabilities')
    .option('--root <dir>', 'workspace root; every path a tool receives must lie inside it (default: the current directory)')
    .option('--print-config', 'print the MCP configuration snippets for Claude Code, Cursor and VS Code, then exit')
    .action(run((flags: { root?: string; printConfig?: boolean }) => (flags.printConfig ? printConfig(io) : serve(io, flags.root))));
}

async function serve(io: CliIO, rootFlag?: string): Promise<number> {
  const root = resolve(io.cwd, rootFlag ?? '.');
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new SentrikError('the workspace root is not a directory', rootFlag ?? root, undefined, 'pass --root DIR');
  const log = (m: string) => io.stderr(`sentrik mcp: ${m}\n`);
  // Fail fast on a broken configuration, before a client connects.
  loadEffectiveConfig(io, root, {});

  // Anything that would print to stdout (a stray console.log in a dependency) would corrupt the protocol.
  for (const level of ['log', 'info', 'debug'] as const) console[level] = (...args: unknown[]) => io.stderr(`${format(...args)}\n`);

  const [{ StdioServerTransport }, { createMcpServer }, { DrainingTransport }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/stdio.js'),
    import('../../mcp/server.js'),
    import('../../mcp/transport.js'),
  ]);
  const { defaultDbDir } = await import('../../advisories/db.js');
  const server = createMcpServer({ root, loadConfig: () => loadEffectiveConfig(io, root, {}), advisoryDb: defaultDbDir(io.env, io.cwd), log });
  const transport = new DrainingTransport(new StdioServerTransport(process.stdin, process.stdout, { maxBufferSize: MAX_MESSAGE_BYTES }));
  transport.onerror = (err) => log(`transport: ${err.message}`);
  const closed = new Promise<void>((done) => {
    server.server.onclose = () => done();
    // The client closing our stdin ends the session, once the requests it sent before are answered.
    process.stdin.once('end', () => transport.closeWhenAnswered());
  });
  await server.connect(transport);
  log(`serving ${root} (stdio)`);
  await closed;
  return EXIT.OK;
}

function printConfig(io: CliIO): number {
  const bin = CLI_SCRIPT;
  const args = [bin, 'mcp-server'];
  const withRoot = [...args, '--root', '${workspaceFolder}'];
  const snippets: [string, unknown][] = [
    [`Claude Code (.mcp.json at the project root; or: claude mcp add sentrik -- node ${bin} mcp-server)`, { mcpServers: { sentrik: { type: 'stdio', command: 'node', args } } }],
    ['Cursor (.cursor/mcp.json)', { mcpServers: { sentrik: { command: 'node', args: withRoot } } }],
    ['VS Code (.vscode/mcp.json)', { servers: { sentrik: { type: 'stdio', command: 'node', args: withRoot } } }],
  ];
  for (const [where, json] of snippets) io.stdout(`# ${where}\n${JSON.stringify(json, null, 2)}\n\n`);
  return EXIT.OK;
}
