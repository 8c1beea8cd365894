/**
 * Worker of `tesser backtest batch`: runs one `backtest run` per message, in-process, and posts
 * back the exit code and the captured output (report.json on success, the error line otherwise).
 *
 * @module
 */

import { main } from "./main.ts";
import { recordingIo } from "./io.ts";

/** A run request from the batch command. */
export interface BatchJob {
  /** Index of the run in the batch. */
  readonly id: number;
  /** Full CLI arguments (global flags, `backtest run`, its flags). */
  readonly argv: readonly string[];
}

/** The outcome of one run. */
export interface BatchOutcome {
  /** Index of the run in the batch. */
  readonly id: number;
  /** Exit code of the run. */
  readonly code: number;
  /** Lines written to stdout. */
  readonly out: readonly string[];
  /** Lines written to stderr. */
  readonly err: readonly string[];
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<BatchJob>) => void) | null;
  postMessage(outcome: BatchOutcome): void;
};

scope.onmessage = async (event) => {
  const io = recordingIo();
  const code = await main(event.data.argv, io);
  scope.postMessage({ id: event.data.id, code, out: io.out, err: io.err });
};
