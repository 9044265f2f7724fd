// A file as matchers see it: text read once, line offsets computed lazily and shared by every rule.

export class SourceFile {
  private lineStarts?: number[];
  private lowered?: string;
  private lineArray?: string[];
  private re2?: string | Buffer;
  private utf8Bytes?: Buffer;

  constructor(
    /** Path relative to the scan root, forward slashes. */
    public readonly path: string,
    public readonly text: string,
    /** The bytes `text` was decoded from, when they are all ASCII (the reader knows): RE2's input as is. */
    asciiBytes?: Buffer,
  ) {
    this.re2 = asciiBytes;
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
    if (this.re2 === undefined) {
      const bytes = Buffer.byteLength(this.text);
      this.re2 = bytes === this.text.length ? Buffer.from(this.text, 'latin1') : this.text;
    }
    return this.re2;
  }

  /**
   * The text as UTF-8 bytes (the file's own bytes when ASCII), made once. RE2 searches UTF-8: given a JS string it
   * converts it on every call. Offsets into these bytes are character offsets only for an ASCII text.
   */
  get utf8(): Buffer {
    const input = this.re2Input;
    return typeof input === 'string' ? (this.utf8Bytes ??= Buffer.from(input, 'utf8')) : input;
  }

  get lines(): string[] {
    return (this.lineArray ??= this.text.split(/\r?\n/));
  }

  private starts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      const t = this.text;
      for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }

  /** 1-based line and column of a UTF-16 offset. */
  position(offset: number): { line: number; column: number } {
    const starts = this.starts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
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
}
