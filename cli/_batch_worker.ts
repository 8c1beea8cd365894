/**
 * Worker of `tesser backtest batch`: runs one `backtest run` per message, in-process, and posts
 * back the exit code and the captured output (report.json on success, the error line otherwise).
 *
 * @module
 */

import { main } from "./main.ts";
import { recordingIo } from "./io.ts";
import { insideLockedBatch } from "./output_lock.ts";

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

/** Posted when the worker takes a run (its time limit starts then). */
export interface BatchStarted {
  /** Index of the run in the batch. */
  readonly id: number;
  /** Always true. */
  readonly started: true;
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<BatchJob>) => void) | null;
  postMessage(message: BatchOutcome | BatchStarted): void;
};

// A strategy is user code: Deno.exit in it would end this worker without a word, and the batch
// would wait for the time limit. As an error it fails just its run, saying what happened.
Object.defineProperty(Deno, "exit", {
  value: (code?: number): never => {
    throw new Error(`called Deno.exit(${code ?? ""}) inside a batch run`);
  },
});

insideLockedBatch();

scope.onmessage = async (event) => {
  scope.postMessage({ id: event.data.id, started: true });
  const io = recordingIo();
  const code = await main(event.data.argv, io);
  scope.postMessage({ id: event.data.id, code, out: io.out, err: io.err });
};
