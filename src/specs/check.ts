// The contract of a spec check: a named piece of logic over a parsed contract (OpenAPI, AsyncAPI, protobuf)
// or over code checked against a contract (drift). Pack rules reference checks by name from a `spec` rule:
//   match: { check: openapi-operation-security, options: { public: ['GET /health'] } }
// Options are validated with the check's strict zod schema when the pack loads.
import type { ZodType } from 'zod';
import type { RawMatch } from '../engine/matchers/matcher.js';
import type { SourceFile } from '../engine/source.js';

export type SpecKind = 'openapi' | 'asyncapi' | 'protobuf';

export interface SpecCheck<O = any> {
  name: string;
  /** What the check reads: a spec of one kind, or source code (`code`, for contract drift). */
  reads: SpecKind | 'code';
  /** One line for docs and `explain`. */
  description: string;
  options: ZodType<O>;
  /** Lower-case literals one of which must occur in a file for the check to possibly match. */
  keywords: string[];
  run(file: SourceFile, options: O): RawMatch[];
  /**
   * What is wrong with the file besides findings (a broken `$ref`, a mistyped top-level value): reported as
   * problems, once per file, while the scan goes on and every finding still counts.
   */
  problems?(file: SourceFile): { line?: number; message: string }[];
}

/** A finding at a position with the matched text (for the fingerprint) and a specific message. */
export function hit(at: { line: number; column: number; file?: string } | undefined, matched: string, message?: string): RawMatch[] {
  return at === undefined ? [] : [{ ...(at.file ? { file: at.file } : {}), line: at.line, column: at.column, matched, message }];
}
