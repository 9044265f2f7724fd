// The CLI's view of the outside world. main() takes it as a parameter so tests can run commands in-process
// without touching the real process; bin/sentrik.js passes the real one.
import { readFileSync } from 'node:fs';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** stdout is a terminal (colour, progress). */
  isTTY: boolean;
  /** All of standard input (`--diff -`); undefined when it is a terminal (nothing is piped in). */
  readStdin?(): string | undefined;
}

let pipeWatched = false;

export function processIO(): CliIO {
  // `sentrik … | head` closes the pipe early: that is not an error, just stop writing. (Once per process: each
  // call would add a listener.)
  if (!pipeWatched) {
    pipeWatched = true;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && !process.env.SENTRIK_NO_COLOR,
    readStdin: () => (process.stdin.isTTY ? undefined : readFileSync(0, 'utf8')),
  };
}

/** Exit codes, everywhere. */
export const EXIT = { OK: 0, GATE_FAILED: 1, ERROR: 2 } as const;
