// Appending governance events to the audit log from any command: the common fields (tool, commit, CI
// context, packs with hashes, configuration fingerprint) are filled here, and a configuration that changed
// since the last entry is recorded as its own `config-change` event first.
import { isAbsolute, join } from 'node:path';
import type { SentrikConfig } from '../config/schema.js';
import type { LoadedPack } from '../packs/load.js';
import { TOOL } from '../version.js';
import { appendAudit, auditKey, type AuditEvent } from './audit.js';
import { ciContext, configFingerprint, headCommit } from './context.js';

export interface AuditContext {
  root: string;
  config: SentrikConfig;
  env: Record<string, string | undefined>;
  /** The config file read, for the config-change event. */
  configFile?: string;
}

export function auditLogPath(root: string, config: SentrikConfig): string {
  const f = config.governance.audit.log_file;
  return isAbsolute(f) ? f : join(root, f);
}

/** Append one event (no-op when governance.audit.enabled is false). Returns notes to show the user. */
export function recordEvent(ctx: AuditContext, event: AuditEvent, outcome: Record<string, unknown>, packs?: LoadedPack[]): string[] {
  const { config } = ctx;
  if (!config.governance.audit.enabled) return [];
  const log = auditLogPath(ctx.root, config);
  const key = auditKey(ctx.env);
  const common = { tool: { name: TOOL.name, version: TOOL.version }, commit: headCommit(ctx.root), ci: ciContext(ctx.env), config: configFingerprint(config) };
  const record = { ...common, event, packs: packs?.map((p) => ({ id: p.id, hash: p.hash, builtin: p.builtin })), outcome };
  const r = appendAudit(
    log,
    (last) => (last?.config && last.config !== common.config ? [{ ...common, event: 'config-change', outcome: { from: last.config, to: common.config, file: ctx.configFile ?? '(no config file)' } }, record] : [record]),
    key,
  );
  return r.unkeyedNotice ? [r.unkeyedNotice] : [];
}
