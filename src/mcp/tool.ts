// The contract every MCP tool honours (one file per tool under tools/), and what the server hands them.
// Tools are pure use cases over the scan engine: they never touch `process` or stdout.
import { relative } from 'node:path';
import type { z } from 'zod';
import type { SentrikConfig } from '../config/schema.js';
import type { ScanResult } from '../engine/model.js';
import { resolveInsideRoot, toPosix } from '../util/paths.js';

export interface ToolContext {
  /** Absolute workspace root; every path an agent gives is confined to it (resolveInsideRoot). */
  root: string;
  /** The effective configuration (re-read when a config file it came from, or could come from, changes). */
  config(): SentrikConfig;
  /** The last scan this server ran (scan_file / check_code_snippet), for get_scan_summary. */
  lastScan?: { result: ScanResult; finishedAt: Date; failOn: SentrikConfig['gate']['fail_on']; path: string };
  /** The offline OSV advisory database (get_vulnerabilities). */
  advisoryDb?: string;
  /** Diagnostics to stderr; stdout belongs to the protocol. */
  log(message: string): void;
}

export interface SentrikTool<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  /** Tells an agent when to call it (and when not to). */
  description: string;
  /** Strict object: unknown arguments are refused, every field has a `.describe()`. */
  input: I;
  output: O;
  run(args: z.output<I>, ctx: ToolContext): Promise<z.output<O>> | z.output<O>;
  /** A short human-readable rendering for clients that ignore structuredContent. */
  text(out: z.output<O>): string;
}

/** Helper that keeps each tool's argument and result types tied to its schemas. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(tool: SentrikTool<I, O>): SentrikTool<I, O> {
  return tool;
}

/**
 * The one path guard for agent-supplied paths: resolveInsideRoot refuses `..`, absolute paths elsewhere,
 * sibling prefixes, NUL bytes and symlinks out. Returns the absolute path and the root-relative POSIX path.
 */
export function workspacePath(ctx: Pick<ToolContext, 'root'>, p: string): { abs: string; rel: string } {
  const abs = resolveInsideRoot(ctx.root, p);
  return { abs, rel: toPosix(relative(ctx.root, abs)) || '.' };
}
