/**
 * `equity.parquet` written by a worker while the run goes on (see `_equity_worker.ts`): the
 * recorder's chunks are copied once and transferred; when more than {@linkcode MAX_IN_FLIGHT}
 * chunks wait, the recorder blocks until the worker catches up (memory stays bounded), and a
 * failure in the worker (disk full) surfaces at the next chunk or at {@linkcode close}.
 *
 * @module
 */

import { DataError } from "../domain/mod.ts";
import type { EquityWorkerReply, EquityWorkerRequest } from "./_equity_worker.ts";

/** Chunks handed to the worker and not yet written, at most. */
export const MAX_IN_FLIGHT = 4;
/** How long the recorder waits for a worker that stopped taking chunks. */
const STALL_MS = 120_000;

/** The main-thread side of the equity worker. */
export class EquityParquetSink {
  readonly #worker: Worker;
  readonly #path: string;
  readonly #inFlight = new Int32Array(new SharedArrayBuffer(4));
  #error: string | undefined;
  #waiting: ((reply: EquityWorkerReply) => void) | undefined;
  #done = false;
  // Chunk buffers the worker gave back, reused instead of allocating a copy per chunk.
  readonly #free: { ts: Float64Array; equity: Float64Array; drawdown: Float64Array }[] = [];

  private constructor(worker: Worker, path: string) {
    this.#worker = worker;
    this.#path = path;
    worker.onmessage = (event: MessageEvent<EquityWorkerReply>) => {
      const reply = event.data;
      if (reply.kind === "returned") {
        this.#free.push({ ts: reply.ts, equity: reply.equity, drawdown: reply.drawdown });
        return;
      }
      if (reply.kind === "error") this.#error = reply.message;
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.(reply);
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#error = event.message;
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.({ kind: "error", message: event.message });
    };
  }

  /**
   * Starts the worker and opens `tempPath` (renamed to `path` on close).
   *
   * @throws {DataError} when the file cannot be created.
   */
  static async open(path: string, tempPath: string): Promise<EquityParquetSink> {
    const worker = new Worker(new URL("./_equity_worker.ts", import.meta.url), { type: "module" });
    const sink = new EquityParquetSink(worker, path);
    const reply = await sink.#ask({
      kind: "open",
      path,
      tempPath,
      inFlight: sink.#inFlight.buffer as SharedArrayBuffer,
    });
    if (reply.kind === "error") {
      worker.terminate();
      sink.#done = true;
      throw new DataError(reply.message, {
        hint: "choose an output directory that can be written",
      });
    }
    return sink;
  }

  /**
   * Hands the first `n` marks to the worker.
   *
   * @throws {DataError} when the worker failed on an earlier chunk or stopped taking them.
   */
  append(ts: Float64Array, equity: Float64Array, drawdown: Float64Array, n: number): void {
    this.#check();
    const started = Date.now();
    for (;;) {
      const count = Atomics.load(this.#inFlight, 0);
      if (count < MAX_IN_FLIGHT) break;
      if (Date.now() - started > STALL_MS) {
        throw new DataError(`writing ${this.#path} stalled for ${STALL_MS / 1000} s`, {
          hint: "check the disk the report goes to",
        });
      }
      Atomics.wait(this.#inFlight, 0, count, 100);
    }
    this.#check();
    let buffers = this.#free.pop();
    if (buffers === undefined || buffers.ts.length < n) {
      buffers = {
        ts: new Float64Array(n),
        equity: new Float64Array(n),
        drawdown: new Float64Array(n),
      };
    }
    buffers.ts.set(ts.subarray(0, n));
    buffers.equity.set(equity.subarray(0, n));
    buffers.drawdown.set(drawdown.subarray(0, n));
    const copies = [buffers.ts, buffers.equity, buffers.drawdown] as const;
    const message: EquityWorkerRequest = {
      kind: "append",
      ts: copies[0],
      equity: copies[1],
      drawdown: copies[2],
      n,
    };
    Atomics.add(this.#inFlight, 0, 1);
    this.#worker.postMessage(message, { transfer: copies.map((c) => c.buffer as ArrayBuffer) });
  }

  /**
   * Writes the footer and renames the file into place; stops the worker.
   *
   * @throws {DataError} naming the file when any chunk or the close failed.
   */
  async close(): Promise<void> {
    try {
      this.#check();
      const reply = await this.#ask({ kind: "close" });
      if (reply.kind === "error") throw this.#failure(reply.message);
    } finally {
      this.#stop();
    }
  }

  /** Discards the output and stops the worker. Safe to call twice. */
  async abort(): Promise<void> {
    if (this.#done) return;
    try {
      await this.#ask({ kind: "abort" });
    } finally {
      this.#stop();
    }
  }

  #stop(): void {
    if (this.#done) return;
    this.#done = true;
    this.#worker.terminate();
  }

  #check(): void {
    if (this.#error !== undefined) throw this.#failure(this.#error);
    if (this.#done) throw new TypeError(`the equity writer for ${this.#path} is closed`);
  }

  #failure(message: string): DataError {
    return new DataError(
      message.startsWith("cannot write") ? message : `cannot write ${this.#path}: ${message}`,
      {
        hint: "check the free disk space and that the directory is writable",
      },
    );
  }

  #ask(message: EquityWorkerRequest): Promise<EquityWorkerReply> {
    return new Promise((resolve) => {
      this.#waiting = resolve;
      this.#worker.postMessage(message);
    });
  }
}
