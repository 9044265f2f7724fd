// API contracts behind one contract: each format (openapi/, asyncapi/, protobuf/) can be recognised from a
// file's content, parsed with positions (strictly, for import), and turned into rules; its checks run in
// scans through the `spec` rule kind. Contract drift (drift/) checks code against an imported contract.
import type { SpecCheck, SpecKind } from './check.js';
import { ASYNCAPI_CHECKS } from './asyncapi/index.js';
import { DRIFT_CHECKS } from './drift/checks.js';
import { OPENAPI_CHECKS } from './openapi/checks.js';
import { PROTOBUF_CHECKS } from './protobuf/index.js';

export type { SpecCheck, SpecKind } from './check.js';

const CHECKS = new Map<string, SpecCheck>();
for (const c of [...OPENAPI_CHECKS, ...ASYNCAPI_CHECKS, ...PROTOBUF_CHECKS, ...DRIFT_CHECKS]) CHECKS.set(c.name, c);

export function getSpecCheck(name: string): SpecCheck | undefined {
  return CHECKS.get(name);
}

export function specCheckNames(): string[] {
  return [...CHECKS.keys()].sort();
}

export function specChecks(reads?: SpecKind | 'code'): SpecCheck[] {
  return [...CHECKS.values()].filter((c) => reads === undefined || c.reads === reads);
}
