/**
 * The main-thread side of the equity worker (see `_equity_worker.ts`): the recorder's chunks
 * of marks and price bars are copied once into buffers that go back and forth and are
 * transferred; when more than {@linkcode MAX_IN_FLIGHT} chunks wait, the recorder blocks until
 * the worker catches up (memory stays bounded), and a failure in the worker (disk full)
 * surfaces at the next chunk, at {@linkcode EquityWorkerSink.close} or, for the thinned
 * `equity.csv` it writes after the fold, at {@linkcode EquityWorkerSink.written}.
 *
 * @module
 */

import { DataError } from "../domain/mod.ts";
import { type Folded, foldedFromMessage } from "./equity_fold.ts";
import type { EquityWorkerReply, EquityWorkerRequest, PriceColumns } from "./_equity_worker.ts";

/** Chunks handed to the worker and not yet folded, at most. */
export const MAX_IN_FLIGHT = 4;
/** How long the recorder waits for a worker that stopped taking chunks. */
const STALL_MS = 120_000;

/** What the worker writes besides folding the marks. */
export interface EquityWorkerFiles {
  /** `equity.parquet`, written at `tempPath` and renamed to `path` on close. */
  readonly parquet?: { readonly path: string; readonly tempPath: string };
  /** A full `equity.csv`. */
  readonly csvPath?: string;
  /** The thinned `equity.csv` (the fold's sample), written once the fold is done. */
  readonly sampleCsvPath?: string;
}

/** The main-thread side of the equity worker. */
export class EquityWorkerSink {
  readonly #worker: Worker;
  readonly #what: string;
  readonly #inFlight = new Int32Array(new SharedArrayBuffer(4));
  #error: string | undefined;
  // Answers expected, in the order the worker sends them (`closed`, then `written`).
  readonly #waiting: ((reply: EquityWorkerReply) => void)[] = [];
  #done = false;
  #writesSample = false;
  #written: Promise<void> | undefined;
  #unawaitedOpen = false;
  // Buffers the worker gave back, reused instead of allocating a copy per chunk.
  readonly #free: ArrayBuffer[] = [];

  private constructor(worker: Worker, what: string) {
    this.#worker = worker;
    this.#what = what;
    worker.onmessage = (event: MessageEvent<EquityWorkerReply>) => {
      const reply = event.data;
      if (reply.kind === "returned") {
        this.#free.push(...reply.buffers);
        return;
      }
      // A folding worker's start is not waited for: its answer comes before any other.
      if (reply.kind === "opened" && this.#unawaitedOpen) {
        this.#unawaitedOpen = false;
        return;
      }
      if (reply.kind === "error") {
        // No answer after a failure: every wait ends with it.
        this.#error = reply.message;
        for (const waiting of this.#waiting.splice(0)) waiting(reply);
        return;
      }
      this.#waiting.shift()?.(reply);
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#error = event.message;
      const reply: EquityWorkerReply = { kind: "error", message: event.message };
      for (const waiting of this.#waiting.splice(0)) waiting(reply);
    };
  }

  /**
   * Starts the worker and has it create `files` (before the run, so a path that cannot be
   * written fails at once).
   *
   * @throws {DataError} when a file cannot be created.
   */
  static async open(files: EquityWorkerFiles): Promise<EquityWorkerSink> {
    const sink = EquityWorkerSink.#spawn(
      files.parquet?.path ?? files.csvPath ?? files.sampleCsvPath ?? "the equity",
    );
    sink.#writesSample = files.sampleCsvPath !== undefined;
    const reply = await sink.#ask({ kind: "open", inFlight: sink.#shared(), ...files });
    if (reply.kind === "error") {
      sink.#stop();
      throw new DataError(reply.message, {
        hint: "choose an output directory that can be written",
      });
    }
    return sink;
  }

  /**
   * Starts a worker that only folds (no file), without waiting for it: the chunks queue until
   * it is up.
   */
  static folding(): EquityWorkerSink {
    const sink = EquityWorkerSink.#spawn("the equity curve");
    sink.#unawaitedOpen = true;
    sink.#worker.postMessage({ kind: "open", inFlight: sink.#shared() } as EquityWorkerRequest);
    return sink;
  }

  static #spawn(what: string): EquityWorkerSink {
    const worker = new Worker(new URL("./_equity_worker.ts", import.meta.url), { type: "module" });
    return new EquityWorkerSink(worker, what);
  }

  #shared(): SharedArrayBuffer {
    return this.#inFlight.buffer as SharedArrayBuffer;
  }

  /** Sets the fold's initial equity and bar length (before the first chunk). */
  start(initialEquity: number, barMicros: number): void {
    this.#post({ kind: "start", initialEquity, barMicros });
  }

  /**
   * Hands the first `n` marks and the price bars in `prices` (folded first) to the worker.
   *
   * @throws {DataError} when the worker failed on an earlier chunk or stopped taking them.
   */
  append(ts: Float64Array, equity: Float64Array, n: number, prices?: PriceColumns): void {
    this.#check();
    const started = Date.now();
    for (;;) {
      const count = Atomics.load(this.#inFlight, 0);
      if (count < MAX_IN_FLIGHT) break;
      if (Date.now() - started > STALL_MS) {
        throw new DataError(`writing ${this.#what} stalled for ${STALL_MS / 1000} s`, {
          hint: "check the disk the report goes to",
        });
      }
      Atomics.wait(this.#inFlight, 0, count, 100);
    }
    this.#check();
    const transfer: ArrayBuffer[] = [];
    const copy = (column: Float64Array, length: number): Float64Array => {
      const buffer = this.#free.pop();
      const target = buffer === undefined || buffer.byteLength < column.byteLength
        ? new Float64Array(column.length)
        : new Float64Array(buffer, 0, column.length);
      target.set(column.subarray(0, length));
      transfer.push(target.buffer as ArrayBuffer);
      return target;
    };
    const message: EquityWorkerRequest = {
      kind: "append",
      prices: prices === undefined ? undefined : {
        ts: copy(prices.ts, prices.n),
        open: copy(prices.open, prices.n),
        high: copy(prices.high, prices.n),
        low: copy(prices.low, prices.n),
        close: copy(prices.close, prices.n),
        n: prices.n,
      },
      ts: copy(ts, n),
      equity: copy(equity, n),
      n,
    };
    Atomics.add(this.#inFlight, 0, 1);
    this.#worker.postMessage(message, { transfer });
  }

  /**
   * Finishes the files (footer, rename into place) and returns the fold; stops the worker, or,
   * when it writes the thinned `equity.csv`, lets it go on with that (see
   * {@linkcode EquityWorkerSink.written}).
   *
   * @throws {DataError} naming the file when any chunk or the close failed.
   */
  async close(): Promise<Folded | undefined> {
    let writing: Promise<EquityWorkerReply> | undefined;
    try {
      this.#check();
      const closing = this.#ask({ kind: "close" });
      if (this.#writesSample) writing = new Promise((resolve) => this.#waiting.push(resolve));
      const reply = await closing;
      if (reply.kind === "error") throw this.#failure(reply.message);
      if (reply.kind !== "closed") throw new TypeError(`equity worker answered ${reply.kind}`);
      if (writing !== undefined) {
        this.#written = writing.then((answer) => {
          if (answer.kind === "error") throw this.#failure(answer.message);
          if (answer.kind !== "written") {
            throw new TypeError(`equity worker answered ${answer.kind}`);
          }
        }).finally(() => this.#stop());
        this.#written.catch(() => {}); // rethrown where it is awaited
      }
      return reply.folded === undefined ? undefined : foldedFromMessage(reply.folded);
    } finally {
      if (this.#written === undefined) this.#stop();
    }
  }

  /**
   * Settles once the thinned `equity.csv` is written and the worker stopped (at once when it
   * writes none).
   *
   * @throws {DataError} naming the file when it could not be written.
   */
  written(): Promise<void> {
    return this.#written ?? Promise.resolve();
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
    if (this.#done) throw new TypeError(`the equity worker for ${this.#what} is closed`);
  }

  #failure(message: string): DataError {
    return new DataError(
      message.startsWith("cannot write") ? message : `cannot write ${this.#what}: ${message}`,
      {
        hint: "check the free disk space and that the directory is writable",
      },
    );
  }

  #post(message: EquityWorkerRequest): void {
    this.#check();
    this.#worker.postMessage(message);
  }

  #ask(message: EquityWorkerRequest): Promise<EquityWorkerReply> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#worker.postMessage(message);
    });
  }
}
