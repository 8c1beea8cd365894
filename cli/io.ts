/**
 * What a CLI command may touch of the outside world: two output streams and whether stderr
 * is a terminal. Tests pass a recording implementation.
 *
 * @module
 */

/** Output of a command. */
export interface CommandIo {
  /** Writes one line to standard output. */
  stdout(line: string): void;
  /** Writes one line to standard error. */
  stderr(line: string): void;
  /** Whether standard error is a terminal (progress bars only then). */
  readonly isTty: boolean;
}

const encoder = new TextEncoder();

/** The process's real standard streams. */
export function processIo(): CommandIo {
  return {
    stdout: (line) => Deno.stdout.writeSync(encoder.encode(`${line}\n`)),
    stderr: (line) => Deno.stderr.writeSync(encoder.encode(`${line}\n`)),
    isTty: Deno.stderr.isTerminal(),
  };
}

/** An io that records lines, for tests. */
export interface RecordingIo extends CommandIo {
  /** Lines written to stdout. */
  readonly out: string[];
  /** Lines written to stderr. */
  readonly err: string[];
}

/** Makes a {@linkcode RecordingIo}. */
export function recordingIo(): RecordingIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    isTty: false,
  };
}
