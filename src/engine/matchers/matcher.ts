// The contract every rule kind implements. Adding a kind = one module in this folder, registered in index.ts.
//
// A kind validates its own `match:` block (zod schema, checked when packs load, so errors point into the
// pack YAML) and compiles it once into a CompiledMatcher. File matchers run per file; repository matchers
// run once per scan over a RepoView (file policies, documentation obligations).
import type { ZodType } from 'zod';
import type { Confidence, Severity } from '../model.js';
import type { RepoView, SourceFile } from '../source.js';

/** What a matcher reports; the engine turns it into a Finding (rule metadata, fingerprint, masking). */
export interface RawMatch {
  /** Defaults to the file being matched; repository matchers must set it ("." for the repository). */
  file?: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** The matched text, used for the fingerprint (and masked if `secret`). */
  matched?: string;
  /** Overrides the rule's message (e.g. to name the offending action). */
  message?: string;
  /** A lower severity for this match (weaker evidence); never raises the rule's configured severity. */
  severity?: Severity;
  confidence?: Confidence;
  /**
   * Other lines the finding is about (where a value used at `line` is written): a diff-scoped scan keeps the
   * finding when any of them changed, not only `line`.
   */
  anchors?: number[];
  /** The matched value is a credential: mask it in the snippet and every output. */
  secret?: boolean;
  /**
   * The credential begins with its provider's own literal prefix (`sk_live_`, `ghp_`, `AKIA`): the detection
   * names the token's format, where others infer a secret from its shape, key name or context (markDuplicates).
   */
  prefixed?: boolean;
}

export interface CompiledFileMatcher {
  scope: 'file';
  /**
   * Lower-case literals at least one of which must occur in the file for the rule to possibly match;
   * undefined = no prefilter (the rule always runs). Lets the scanner skip rules in one pass per file.
   */
  keywords?: string[];
  /**
   * RE2 patterns, one of which every match contains (searched case-insensitively): a stricter prefilter than
   * keywords, found in the same one pass instead of them.
   */
  prefilter?: string[];
  /**
   * Called for every rule that will run on a file before any of them runs, so that a kind can plan the work
   * its rules share (AST rules: one walk of the syntax tree for all their searches).
   */
  prepare?(file: SourceFile): void;
  match(file: SourceFile): RawMatch[];
  /** Problems the rule saw in the file besides its matches (reported once per file; the matches still count). */
  problems?(file: SourceFile): { line?: number; message: string }[];
}

export interface CompiledRepoMatcher {
  scope: 'repo';
  /**
   * Each finding is about one listed file and depends on that file alone, not on what else the repository
   * holds (a committed .env, a keystore; not a missing SECURITY.md): the rule also runs on a view of only some
   * files — a change (--staged, --git-range, --diff) or a sub-folder.
   */
  perFile?: boolean;
  match(repo: RepoView): RawMatch[];
}

export type CompiledMatcher = CompiledFileMatcher | CompiledRepoMatcher;

/**
 * What the scan knows of a scanned file, cached files included: its path, its language (by extension, as AST
 * rules tell it) and what its content showed it to be (`kinds`: a document format such as github-workflow, a
 * contract such as openapi; see file-kinds.ts).
 */
export interface FileFacts {
  path: string;
  language?: string;
  kinds: readonly string[];
}

/** The files a rule reads beyond its globs: in one of `languages`, and/or of one of `kinds`. */
export interface RuleDomain {
  languages?: readonly string[];
  kinds?: readonly string[];
}

export function inDomain(domain: RuleDomain | undefined, file: FileFacts): boolean {
  if (!domain) return true;
  if (domain.languages && !(file.language !== undefined && domain.languages.includes(file.language))) return false;
  return !domain.kinds || domain.kinds.some((k) => file.kinds.includes(k));
}

/** Context given to `compile`: who is asking, for error messages. */
export interface CompileContext {
  ruleId: string;
  packFile: string;
  /** The rule's message, for a kind that extends it per match. */
  message?: string;
}

export interface MatcherKind<M = unknown> {
  kind: string;
  /** The scope of every matcher this kind compiles. */
  scope: 'file' | 'repo';
  /** Validates the rule's `match:` block. Must be strict (unknown fields rejected). */
  schema: ZodType<M>;
  /** Compile once per rule. Throw SentrikError for an invalid pattern (the loader adds file:line). */
  compile(match: M, ctx: CompileContext): CompiledMatcher;
  /**
   * The files a rule of this kind judges at all, beyond its globs (AST: code in its languages; structured: its
   * formats; spec: contracts of its kind); absent = every file. A rule that judged no file is no evidence for
   * its clause. From the match alone, without compiling: a fully cached scan compiles nothing.
   */
  domain?(match: M): RuleDomain | undefined;
}
