// User-facing errors. Anything thrown as a SentrikError is printed as one line (no stack) and exits 2.

export class SentrikError extends Error {
  constructor(
    message: string,
    /** File the problem is in, relative or absolute as the user named it. */
    public readonly file?: string,
    public readonly line?: number,
    /** What the user should do about it. */
    public readonly hint?: string,
  ) {
    super(message);
    this.name = 'SentrikError';
  }

  /** `file:line: message (hint)` — the one line the CLI prints. */
  format(): string {
    const where = this.file ? `${this.file}${this.line ? `:${this.line}` : ''}: ` : '';
    return `${where}${this.message}${this.hint ? ` — ${this.hint}` : ''}`;
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof SentrikError) return err.format();
  if (err instanceof Error) return err.message;
  return String(err);
}
