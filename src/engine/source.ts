// A file as matchers see it: text read once, line offsets computed lazily and shared by every rule.
import { lineStarts, positionIn } from '../util/lines.js';
import { candidatePaths } from './path-index.js';

/** A file's content as read: valid UTF-8 bytes (no BOM), decoded to text only when a rule needs the text. */
export interface SourceBytes {
  utf8: Buffer;
  /** Every byte is ASCII (the reader knows): byte offsets are character offsets. */
  ascii: boolean;
}

/** The text of valid UTF-8 bytes (latin1 is the faster decoder and the same for ASCII). */
export function decodeBytes(b: SourceBytes): string {
  return b.utf8.toString(b.ascii ? 'latin1' : 'utf8');
}

export class SourceFile {
  private decoded?: string;
  private bytes?: Buffer;
  private ascii?: boolean;
  private lineStarts?: number[];
  private lowered?: string;
  private lineArray?: string[];

  constructor(
    /** Path relative to the scan root, forward slashes. */
    public readonly path: string,
    /** The text, or the bytes it decodes from (most files of a scan never need decoding: no rule looks at them). */
    content: string | SourceBytes,
  ) {
    if (typeof content === 'string') this.decoded = content;
    else ({ utf8: this.bytes, ascii: this.ascii } = content);
  }

  get text(): string {
    return (this.decoded ??= decodeBytes({ utf8: this.bytes!, ascii: this.ascii! }));
  }

  /** The first `chars` characters, decoded from at most 4 bytes each of a file not decoded yet. */
  head(chars: number): string {
    return (this.decoded ?? this.bytes!.toString('utf8', 0, 4 * chars)).slice(0, chars);
  }

  /** Every character is ASCII: offsets into `utf8` are character offsets. */
  get isAscii(): boolean {
    return (this.ascii ??= Buffer.byteLength(this.text) === this.text.length);
  }

  /**
   * The character that starts at byte `at` of `utf8` (a character boundary), read from the bytes: asking about
   * the neighbours of a match does not decode the whole text.
   */
  charAtByte(at: number): string {
    const b = this.utf8;
    if (b[at] < 0x80) return String.fromCharCode(b[at]);
    let end = at + 1;
    while (end < b.length && (b[end] & 0xc0) === 0x80) end++;
    return b.toString('utf8', at, end);
  }

  /** The character that ends just before byte `at` of `utf8` (see charAtByte). */
  charBeforeByte(at: number): string {
    const b = this.utf8;
    let start = at - 1;
    while (start > 0 && (b[start] & 0xc0) === 0x80) start--;
    return b[start] < 0x80 ? String.fromCharCode(b[start]) : b.toString('utf8', start, at);
  }

  /** Lower-cased text, computed once, for case-insensitive keyword prefilters. */
  get lower(): string {
    return (this.lowered ??= this.text.toLowerCase());
  }

  /**
   * What to hand to RE2: the UTF-8 bytes when the text is pure ASCII (byte offsets equal character offsets,
   * and RE2 skips converting the whole string on every call), else the string itself.
   */
  get re2Input(): string | Buffer {
    return this.isAscii ? this.utf8 : this.text;
  }

  /**
   * The text as UTF-8 bytes (the file's own bytes when read from disk), made once. RE2 searches UTF-8: given a JS
   * string it converts it on every call. Offsets into these bytes are character offsets only for an ASCII text.
   */
  get utf8(): Buffer {
    return (this.bytes ??= Buffer.from(this.text, this.isAscii ? 'latin1' : 'utf8'));
  }

  get lines(): string[] {
    return (this.lineArray ??= this.text.split(/\r?\n/));
  }

  private starts(): number[] {
    return (this.lineStarts ??= lineStarts(this.text));
  }

  /** 1-based line and column of a UTF-16 offset. */
  position(offset: number): { line: number; column: number } {
    return positionIn(this.starts(), offset);
  }

  /** Offset where 1-based `line` starts. */
  offsetOfLine(line: number): number {
    const starts = this.starts();
    return starts[Math.min(Math.max(line - 1, 0), starts.length - 1)];
  }

  lineText(line: number): string {
    return this.lines[line - 1] ?? '';
  }

  /** The lines from `n` before `line` to `n` after it, clipped to the file. */
  linesAround(line: number, n: number): string[] {
    const out: string[] = [];
    for (let l = Math.max(1, line - n); l <= Math.min(this.lineCount, line + n); l++) out.push(this.lineText(l));
    return out;
  }

  get lineCount(): number {
    return this.starts().length;
  }
}

/** A read-only view of the whole scanned tree, for repository-level rules (file policies, obligations). */
export interface RepoView {
  /** Every discovered file, relative posix paths (including ones outside the scope of a diff scan). */
  readonly files: readonly string[];
  /** Reads a file's text, or undefined when it is missing, binary or too large. */
  read(path: string): string | undefined;
  /** Size in bytes, or undefined when missing. */
  size(path: string): number | undefined;
  /** A file's raw bytes, binary files included, or undefined when it is missing or too large. */
  bytes(path: string): Buffer | undefined;
}

/**
 * The repository as one rule sees it: only the files its `files` / `exclude` globs select, so a repository
 * rule honours them like a file rule does. A rule without globs sees the view itself (its path index is shared).
 */
export function ruleView(repo: RepoView, rule: { def: { files?: string[]; exclude?: string[] }; appliesTo(path: string): boolean }): RepoView {
  if (!rule.def.files?.length && !rule.def.exclude?.length) return repo;
  // Only the paths holding a `files` glob's literal part can match it (see path-index.ts).
  const candidates = (rule.def.files?.length && candidatePaths(repo.files, rule.def.files)) || repo.files;
  return { ...repo, files: candidates.filter((f) => rule.appliesTo(f)) };
}
