// Registry of rule kinds. A new kind is one module that exports a MatcherKind, listed here.
import type { MatcherKind } from './matcher.js';
import { astKind } from './ast.js';
import { documentationObligationKind } from './documentation-obligation.js';
import { filePolicyKind } from './file-policy.js';
import { keystoreKind } from './keystore.js';
import { regexKind } from './regex.js';
import { requiredPatternKind } from './required-pattern.js';
import { structuredKind } from './structured.js';
import { secretKind } from './secret.js';
import { specKind } from './spec.js';

const KINDS = new Map<string, MatcherKind<any>>();

export function registerKind(kind: MatcherKind<any>): void {
  KINDS.set(kind.kind, kind);
}

export function getKind(kind: string): MatcherKind<any> | undefined {
  return KINDS.get(kind);
}

export function kindNames(): string[] {
  return [...KINDS.keys()].sort();
}

registerKind(regexKind);
registerKind(requiredPatternKind);
registerKind(filePolicyKind);
registerKind(documentationObligationKind);
registerKind(secretKind);
registerKind(astKind);
registerKind(structuredKind);
registerKind(specKind);
registerKind(keystoreKind);
