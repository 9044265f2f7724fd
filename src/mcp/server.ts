// The MCP server: sentrik's checks for coding agents, as read-only tools over one workspace root.
// Transport-agnostic (the CLI connects it to stdio); nothing here writes to stdout or touches `process`.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { LoadedConfig } from '../config/load.js';
import { astGrep } from '../engine/ast/languages.js';
import { buildRules } from '../run/scan.js';
import { errorMessage, SentrikError } from '../util/errors.js';
import { TOOL } from '../version.js';
import { configCache } from '../config/cache.js';
import type { SentrikTool, ToolContext } from './tool.js';
import { checkCodeSnippet } from './tools/check-code-snippet.js';
import { explainRule } from './tools/explain-rule.js';
import { getComplianceContext } from './tools/get-compliance-context.js';
import { getScanSummary } from './tools/get-scan-summary.js';
import { getVulnerabilities } from './tools/get-vulnerabilities.js';
import { scanFile } from './tools/scan-file.js';

export const TOOLS: SentrikTool<any, any>[] = [scanFile, checkCodeSnippet, getComplianceContext, explainRule, getScanSummary, getVulnerabilities];

export interface McpServerOptions {
  /** Absolute workspace root. */
  root: string;
  /** Loads the effective configuration for the root (the CLI's loader: files, environment, detection). */
  loadConfig(): Pick<LoadedConfig, 'config' | 'files' | 'detected'>;
  /** The offline OSV advisory database directory, if this installation has one configured. */
  advisoryDb?: string;
  log(message: string): void;
}

export function createMcpServer(opts: McpServerOptions): McpServer {
  const server = new McpServer(
    { name: TOOL.name, title: 'sentrik: governance checks for AI-generated code', version: TOOL.version },
    {
      instructions:
        'sentrik checks code against the project\'s security and compliance standards. Before writing a file call ' +
        'get_compliance_context; check unsaved code with check_code_snippet; after saving, scan_file. Fix blocking ' +
        'findings before committing; explain_rule tells how.',
    },
  );
  const ctx: ToolContext = { root: opts.root, config: configCache({ root: opts.root, load: opts.loadConfig }), advisoryDb: opts.advisoryDb, log: opts.log };
  for (const tool of TOOLS) register(server, tool, ctx);
  // Once the client is initialised (the handshake answered), prepare what every check needs, so an agent's
  // first call does not pay for it.
  server.server.oninitialized = () => void setTimeout(() => warmUp(ctx), 0);
  return server;
}

/** Load the configuration, compile the rules and the prefilter index, load the parsers. Failures wait for the first call. */
function warmUp(ctx: ToolContext): void {
  const started = Date.now();
  try {
    buildRules(ctx.root, ctx.config()).search('');
    astGrep();
    ctx.log(`ready in ${Date.now() - started} ms`);
  } catch (err) {
    ctx.log(`warm-up skipped: ${errorMessage(err)}`);
  }
}

function register(server: McpServer, tool: SentrikTool<any, any>, ctx: ToolContext): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.input,
      outputSchema: tool.output,
      annotations: { title: tool.title, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (async (args: unknown): Promise<CallToolResult> => {
      const started = Date.now();
      try {
        const out = await tool.run(args, ctx);
        return { content: [{ type: 'text', text: tool.text(out) }], structuredContent: out };
      } catch (err) {
        // A bad call is the agent's to fix: one line with the file and hint; the server keeps serving.
        if (!(err instanceof SentrikError)) ctx.log(`${tool.name}: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return { isError: true, content: [{ type: 'text', text: `${tool.name}: ${errorMessage(err)}` }] };
      } finally {
        ctx.log(`${tool.name} ${Date.now() - started} ms`);
      }
    }) as never,
  );
}
