// Registry of rule kinds. A new kind is one module that exports a MatcherKind, listed here.
import type { MatcherKind } from './matcher.js';
import { regexKind } from './regex.js';

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
