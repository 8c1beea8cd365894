/**
 * The equity curve of a run, recorded in bounded memory: marks are buffered in one chunk of
 * {@linkcode CHUNK_MARKS} (with the charted symbol's price bars) and each full chunk is folded
 * into the drawdowns, the online metrics, the chart buckets, the monthly returns and the
 * `equity.csv` sample (`equity_fold.ts`), then either kept (the whole curve in memory, for
 * library callers), streamed to `equity.parquet` (and a full `equity.csv`) or dropped. Memory
 * is then the chunk, the buckets and a sample of at most {@linkcode EQUITY_CSV_MAX_ROWS} rows,
 * whatever the run's length. A report's curve (`stream`) and a summary past its first chunk
 * are folded and encoded by a worker on the other core, so the run's own thread only stores
 * the marks; a curve kept in memory and a short summary fold here.
 *
 * @module
 */

import { DataError } from "../domain/mod.ts";
import { EquityWorkerSink } from "./_equity_worker_sink.ts";
import {
  CHUNK_MARKS,
  EQUITY_CSV_MAX_ROWS,
  EquityFold,
  type EquitySample,
  type Folded,
  grownCopy,
  type MonthReturn,
} from "./equity_fold.ts";
import type { EquityBuckets } from "./equity_buckets.ts";
import type { CurveStats } from "./metrics.ts";

export { CHUNK_MARKS, EQUITY_CSV_MAX_ROWS };

const PRICES_PER_CHUNK = CHUNK_MARKS + 1;
export type { EquitySample, MonthReturn };

/**
 * Where the full-resolution curve goes: kept in memory (`memory`, the default of library
 * runs), streamed to files as the run goes (`stream`: `equity.parquet` at `parquetPath`, and a
 * full `equity.csv` at `csvPath` when given, or the thinned one at `sampleCsvPath`, written by
 * the worker from the sample after the run; temp paths the report writer moves into place), or
 * only summarised (`summary`: metrics, charts and the sample).
 */
export type EquityOutput =
  | { readonly kind: "memory" }
  | { readonly kind: "summary" }
  | {
    readonly kind: "stream";
    readonly parquetPath: string;
    readonly csvPath?: string;
    readonly sampleCsvPath?: string;
    /** The report folder the files are for, named in errors. */
    readonly reportDir?: string;
  };

/** The full curve, when kept in memory. */
export interface EquityColumnsInMemory {
  /** Bar open times. */
  readonly ts: Float64Array;
  /** Equity at each bar's close. */
  readonly equity: Float64Array;
  /** Drawdown (fraction ≥ 0). */
  readonly drawdown: Float64Array;
  /** Marks. */
  readonly length: number;
}

/** What a finished recorder hands to the report: everything but per-bar memory. */
export interface EquityRecord {
  /** Marks recorded. */
  readonly length: number;
  /** Equity before the first bar. */
  readonly initialEquity: number;
  /** The curve statistics for the metrics. */
  readonly stats: CurveStats;
  /** The chart buckets. */
  readonly buckets: EquityBuckets;
  /** The calendar months, in order. */
  readonly months: readonly MonthReturn[];
  /** The `equity.csv` sample. */
  readonly sample: EquitySample;
  /** The whole curve, when it was kept in memory. */
  readonly full: EquityColumnsInMemory | undefined;
  /** Files already written in full during the run (temp paths), to be moved into place. */
  readonly files: EquityFiles;
}

/** The equity files a streamed run wrote (temp paths). */
export interface EquityFiles {
  /** `equity.parquet`. */
  readonly parquet?: string;
  /** A full `equity.csv`. */
  readonly csv?: string;
  /**
   * The thinned `equity.csv` (every row of the sample), still being written by the equity
   * worker when the record is made: complete once `written` settles (it rejects with a
   * {@linkcode DataError} when the file could not be written).
   */
  readonly sampleCsv?: { readonly path: string; readonly written: Promise<void> };
}

class Growable {
  ts: Float64Array = new Float64Array(CHUNK_MARKS);
  equity: Float64Array = new Float64Array(CHUNK_MARKS);
  drawdown: Float64Array = new Float64Array(CHUNK_MARKS);
  length = 0;

  append(ts: Float64Array, equity: Float64Array, drawdown: Float64Array, n: number): void {
    if (this.length + n > this.ts.length) {
      const size = Math.max(this.ts.length * 2, this.length + n);
      this.ts = grownCopy(this.ts, this.length, size);
      this.equity = grownCopy(this.equity, this.length, size);
      this.drawdown = grownCopy(this.drawdown, this.length, size);
    }
    this.ts.set(ts.subarray(0, n), this.length);
    this.equity.set(equity.subarray(0, n), this.length);
    this.drawdown.set(drawdown.subarray(0, n), this.length);
    this.length += n;
  }
}

/** Records a run's equity marks; see the module documentation. */
export class EquityRecorder {
  /** Marks recorded so far. */
  length = 0;
  readonly #output: EquityOutput;
  readonly #ts = new Float64Array(CHUNK_MARKS);
  readonly #values = new Float64Array(CHUNK_MARKS);
  readonly #drawdown = new Float64Array(CHUNK_MARKS);
  #fill = 0;
  // The charted symbol's price bars since the last chunk, folded before the chunk's marks.
  // One more than a chunk: a bar's price comes before its mark (pushed at the next bar), so a
  // chunk of marks has at most one price bar more.
  readonly #prices = {
    ts: new Float64Array(PRICES_PER_CHUNK),
    open: new Float64Array(PRICES_PER_CHUNK),
    high: new Float64Array(PRICES_PER_CHUNK),
    low: new Float64Array(PRICES_PER_CHUNK),
    close: new Float64Array(PRICES_PER_CHUNK),
    n: 0,
  };
  #initialEquity = Number.NaN;
  #barMicros = 0;
  #started = false;
  // Whether the fold in this thread has taken any chunk (it then stays here).
  #fed = false;
  // The fold in this thread (a curve in memory, or a summary shorter than one chunk) …
  #fold: EquityFold | undefined;
  // … or in the worker (a stream, or a summary from its first full chunk on).
  #sink: EquityWorkerSink | undefined;
  readonly #full: Growable | undefined;
  #finished = false;
  #folded: Folded | undefined;
  #done: EquityRecord | undefined;

  private constructor(output: EquityOutput) {
    this.#output = output;
    this.#full = output.kind === "memory" ? new Growable() : undefined;
  }

  /**
   * A recorder for `output`; in `stream` mode the files are created now (so a path that cannot
   * be written fails before the run).
   *
   * @throws {DataError} naming a file that cannot be created.
   * @throws {TypeError} when a stream asks for both a full and a thinned `equity.csv`.
   */
  static async create(output: EquityOutput = { kind: "memory" }): Promise<EquityRecorder> {
    if (
      output.kind === "stream" && output.csvPath !== undefined &&
      output.sampleCsvPath !== undefined
    ) {
      throw new TypeError(
        "EquityRecorder: give csvPath (a full equity.csv) or sampleCsvPath (thinned), not both",
      );
    }
    const recorder = new EquityRecorder(output);
    if (output.kind === "stream") {
      try {
        // Folded, encoded and compressed by a worker on the other core while the run goes on.
        recorder.#sink = await EquityWorkerSink.open({
          parquet: { path: output.parquetPath, tempPath: `${output.parquetPath}.part` },
          ...(output.csvPath === undefined ? {} : { csvPath: output.csvPath }),
          ...(output.sampleCsvPath === undefined ? {} : { sampleCsvPath: output.sampleCsvPath }),
        });
      } catch (error) {
        await recorder.abort();
        const reason = error instanceof Error ? error.message : String(error);
        throw new DataError(
          `Cannot write the backtest report to ${
            output.reportDir ?? output.parquetPath
          }: ${reason}`,
          { hint: "choose an output directory that can be created and written", cause: error },
        );
      }
    }
    return recorder;
  }

  /** A recorder kept in memory, synchronously (the tick loop, tests). */
  static inMemory(): EquityRecorder {
    return new EquityRecorder({ kind: "memory" });
  }

  /** Sets the equity before the first bar and the bar length; call before the first mark. */
  start(initialEquity: number, barMicros: number): void {
    this.#initialEquity = initialEquity;
    this.#barMicros = barMicros;
    this.#started = true;
    if (this.#sink !== undefined) this.#sink.start(initialEquity, barMicros);
    else this.#fold = new EquityFold(initialEquity, barMicros);
  }

  /** Records the equity `value` at the close of the bar opening at `ts`. */
  push(ts: number, value: number): void {
    const i = this.#fill;
    this.#ts[i] = ts;
    this.#values[i] = value;
    this.length++;
    if ((this.#fill = i + 1) === CHUNK_MARKS) this.#flush(false);
  }

  /** Records a price bar of the charted symbol (for the price chart and buy-and-hold). */
  price(ts: number, open: number, high: number, low: number, close: number): void {
    const prices = this.#prices;
    const i = prices.n;
    prices.ts[i] = ts;
    prices.open[i] = open;
    prices.high[i] = high;
    prices.low[i] = low;
    prices.close[i] = close;
    // More price bars than marks between two chunks (a price with no mark yet): fold them now,
    // still ahead of the marks after them.
    if ((prices.n = i + 1) === PRICES_PER_CHUNK) {
      this.#toWorker();
      this.#flushPrices();
    }
  }

  /** Whether the marks are folded in the equity worker (a report, or a long summary). */
  get foldsInWorker(): boolean {
    return this.#sink !== undefined;
  }

  // A summary that reaches its first full chunk moves its fold to a worker before the fold here
  // has taken anything (a short run never starts one).
  #toWorker(): void {
    if (this.#output.kind !== "summary" || this.#sink !== undefined || this.#fed) return;
    if (!this.#started) return;
    this.#fold = undefined;
    this.#sink = EquityWorkerSink.folding();
    this.#sink.start(this.#initialEquity, this.#barMicros);
  }

  #flushPrices(): void {
    const prices = this.#prices;
    if (prices.n === 0) return;
    if (this.#sink !== undefined) this.#sink.append(this.#ts, this.#values, 0, prices);
    else {
      this.#requireFold().prices(prices, prices.n);
      this.#fed = true;
    }
    prices.n = 0;
  }

  // The chunk's price bars, then its marks, to whichever thread folds them.
  #flush(last: boolean): void {
    if (!this.#started) {
      if (this.#fill === 0 && this.#prices.n === 0) return;
      throw new TypeError("EquityRecorder.start was not called before the first mark");
    }
    if (!last) this.#toWorker();
    const n = this.#fill;
    const sink = this.#sink;
    if (sink !== undefined) {
      const prices = this.#prices;
      if (n > 0 || prices.n > 0) {
        sink.append(this.#ts, this.#values, n, prices.n === 0 ? undefined : prices);
      }
      prices.n = 0;
    } else {
      this.#flushPrices();
      if (n > 0) {
        this.#requireFold().marks(this.#ts, this.#values, this.#drawdown, n);
        this.#fed = true;
      }
      this.#full?.append(this.#ts, this.#values, this.#drawdown, n);
    }
    this.#fill = 0;
  }

  #requireFold(): EquityFold {
    if (this.#fold === undefined) throw new TypeError("the equity fold runs in the worker");
    return this.#fold;
  }

  /**
   * Folds in the last marks and finishes the worker's fold and files (nothing to finish in
   * the other modes); then {@linkcode record} returns the record.
   *
   * @throws {DataError} when a streamed file cannot be completed (the files are removed).
   */
  async finish(): Promise<void> {
    if (this.#finished) throw new TypeError("EquityRecorder.finish called twice");
    this.#finished = true;
    let files: EquityFiles = {};
    try {
      this.#flush(true);
      const sink = this.#sink;
      if (sink !== undefined) {
        this.#folded = await sink.close();
        this.#sink = undefined;
        const output = this.#output;
        if (output.kind === "stream") {
          files = {
            parquet: output.parquetPath,
            ...(output.csvPath === undefined ? {} : { csv: output.csvPath }),
            ...(output.sampleCsvPath === undefined
              ? {}
              : { sampleCsv: { path: output.sampleCsvPath, written: sink.written() } }),
          };
        }
      }
    } catch (error) {
      await this.abort();
      throw error;
    }
    this.#done = this.#record(files);
  }

  /**
   * The record of the run; a recorder that streams (or folds in its worker) must be
   * {@linkcode finish}ed first, the others finish here.
   */
  record(): EquityRecord {
    if (this.#done !== undefined) return this.#done;
    if (this.#output.kind === "stream" || this.#finished || this.#sink !== undefined) {
      throw new TypeError("EquityRecorder.finish must complete before record()");
    }
    this.#finished = true;
    this.#flush(true);
    this.#done = this.#record({});
    return this.#done;
  }

  #record(files: EquityFiles): EquityRecord {
    const initialEquity = this.#initialEquity;
    const folded = this.#folded ?? this.#fold?.result() ??
      new EquityFold(initialEquity, 1).result();
    const full = this.#full;
    return {
      length: this.length,
      initialEquity,
      ...folded,
      full: full === undefined ? undefined : {
        ts: full.ts,
        equity: full.equity,
        drawdown: full.drawdown,
        length: full.length,
      },
      files,
    };
  }

  /** Removes whatever was streamed (a failed or interrupted run). Safe to call twice. */
  async abort(): Promise<void> {
    this.#finished = true;
    await this.#sink?.abort();
    this.#sink = undefined;
    if (this.#output.kind === "stream") {
      const { parquetPath, csvPath, sampleCsvPath } = this.#output;
      for (const path of [parquetPath, csvPath, sampleCsvPath]) {
        if (path !== undefined) await Deno.remove(path).catch(() => undefined);
      }
    }
  }
}

/**
 * The record of a curve given as arrays (marks at bar opens `ts`, equity at their closes): what
 * a run recording the same marks in memory produces. For callers that build report bundles by
 * hand.
 */
export function equityRecordOf(
  curve: { readonly ts: Float64Array; readonly equity: Float64Array; readonly length: number },
  initialEquity: number,
  barMicros: number,
): EquityRecord {
  const recorder = EquityRecorder.inMemory();
  recorder.start(initialEquity, barMicros);
  for (let i = 0; i < curve.length; i++) recorder.push(curve.ts[i], curve.equity[i]);
  return recorder.record();
}
