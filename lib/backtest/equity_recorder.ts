/**
 * The equity curve of a run, recorded in bounded memory: marks are buffered in one chunk of
 * {@linkcode CHUNK_MARKS} and each full chunk is folded into the online metrics
 * ({@linkcode CurveAccumulator}), the chart buckets, the monthly returns and the `equity.csv`
 * sample, then either kept (the whole curve in memory, for library callers), streamed to
 * `equity.parquet` (and a full `equity.csv`) or dropped. Memory is then the chunk, the buckets
 * and a sample of at most {@linkcode EQUITY_CSV_MAX_ROWS} rows, whatever the run's length. The
 * streamed `equity.parquet` is encoded by a worker, so it costs the run little time.
 *
 * @module
 */

import { DataError } from "../domain/mod.ts";
import { EquityParquetSink } from "./_equity_parquet_sink.ts";
import { EquityBuckets } from "./equity_buckets.ts";
import { csvNumber, EQUITY_COLUMNS, isoFormatter } from "./_report_csv.ts";
import { CurveAccumulator, type CurveStats } from "./metrics.ts";

/** Marks buffered before they are folded in (and streamed). */
export const CHUNK_MARKS = 65_536;
/** `equity.csv` holds at most this many rows unless written in full. */
export const EQUITY_CSV_MAX_ROWS = 1_000_000;

/**
 * Where the full-resolution curve goes: kept in memory (`memory`, the default of library
 * runs), streamed to files as the run goes (`stream`: `equity.parquet` at `parquetPath`, and a
 * full `equity.csv` at `csvPath` when given; both temp paths the report writer moves into
 * place), or only summarised (`summary`: metrics, charts and the sample).
 */
export type EquityOutput =
  | { readonly kind: "memory" }
  | { readonly kind: "summary" }
  | {
    readonly kind: "stream";
    readonly parquetPath: string;
    readonly csvPath?: string;
    /** The report folder the files are for, named in errors. */
    readonly reportDir?: string;
  };

/** One calendar month of the run. */
export interface MonthReturn {
  /** Year, e.g. 2024. */
  readonly year: number;
  /** Month 1–12. */
  readonly month: number;
  /** Return over the month: equity at its last mark over the previous month's last (or the initial). */
  readonly return: number;
}

/** The rows of `equity.csv`: every `stride`-th mark (and the last), at most the row limit. */
export interface EquitySample {
  /** Bar open times. */
  readonly ts: Float64Array;
  /** Equity at the bar's close. */
  readonly equity: Float64Array;
  /** Drawdown (fraction ≥ 0). */
  readonly drawdown: Float64Array;
  /** Rows. */
  readonly length: number;
  /** 1 when every mark is in the sample, else the power of two between two rows. */
  readonly stride: number;
}

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
  readonly files: { readonly parquet?: string; readonly csv?: string };
}

class Growable {
  ts: Float64Array = new Float64Array(CHUNK_MARKS);
  equity: Float64Array = new Float64Array(CHUNK_MARKS);
  drawdown: Float64Array = new Float64Array(CHUNK_MARKS);
  length = 0;

  append(ts: Float64Array, equity: Float64Array, drawdown: Float64Array, n: number): void {
    if (this.length + n > this.ts.length) {
      const size = Math.max(this.ts.length * 2, this.length + n);
      const grow = (a: Float64Array): Float64Array => {
        const b = new Float64Array(size);
        b.set(a.subarray(0, this.length));
        return b;
      };
      this.ts = grow(this.ts);
      this.equity = grow(this.equity);
      this.drawdown = grow(this.drawdown);
    }
    this.ts.set(ts.subarray(0, n), this.length);
    this.equity.set(equity.subarray(0, n), this.length);
    this.drawdown.set(drawdown.subarray(0, n), this.length);
    this.length += n;
  }
}

// The equity.csv sample: every stride-th mark; when full, every other row goes and the stride
// doubles. The last mark is kept aside so the file always ends at the run's end.
class Sample {
  // Grown by doubling up to the row limit (a short run does not pay for a million rows).
  ts: Float64Array = new Float64Array(CHUNK_MARKS);
  equity: Float64Array = new Float64Array(CHUNK_MARKS);
  drawdown: Float64Array = new Float64Array(CHUNK_MARKS);
  length = 0;
  stride = 1;
  #seen = 0;
  #lastTs = 0;
  #lastEquity = 0;
  #lastDrawdown = 0;

  /** Adds the first `n` marks, keeping every stride-th (counted over the whole run). */
  addChunk(ts: Float64Array, equity: Float64Array, drawdown: Float64Array, n: number): void {
    if (n <= 0) return;
    const base = this.#seen;
    let g = Math.ceil(base / this.stride) * this.stride;
    while (g < base + n) {
      // Once thinned, one row stays free for the last mark.
      const limit = this.stride === 1 ? EQUITY_CSV_MAX_ROWS : EQUITY_CSV_MAX_ROWS - 1;
      if (this.length === limit) {
        this.#thin();
        if (g % this.stride !== 0) {
          g = Math.ceil(g / this.stride) * this.stride;
          continue;
        }
      }
      const i = g - base;
      if (this.length === this.ts.length) this.#grow();
      this.ts[this.length] = ts[i];
      this.equity[this.length] = equity[i];
      this.drawdown[this.length] = drawdown[i];
      this.length++;
      g += this.stride;
    }
    this.#seen = base + n;
    this.#lastTs = ts[n - 1];
    this.#lastEquity = equity[n - 1];
    this.#lastDrawdown = drawdown[n - 1];
  }

  #grow(): void {
    // One row beyond the limit: room for the last mark of a thinned sample.
    const size = Math.min(EQUITY_CSV_MAX_ROWS + 1, this.ts.length * 2);
    const grow = (a: Float64Array): Float64Array => {
      const b = new Float64Array(size);
      b.set(a.subarray(0, this.length));
      return b;
    };
    this.ts = grow(this.ts);
    this.equity = grow(this.equity);
    this.drawdown = grow(this.drawdown);
  }

  #thin(): void {
    const half = Math.ceil(this.length / 2);
    for (let i = 0; i < half; i++) {
      this.ts[i] = this.ts[2 * i];
      this.equity[i] = this.equity[2 * i];
      this.drawdown[i] = this.drawdown[2 * i];
    }
    this.length = half;
    this.stride *= 2;
  }

  result(): EquitySample {
    let length = this.length;
    if (this.#seen > 0 && (this.#seen - 1) % this.stride !== 0) {
      if (length === this.ts.length) this.#grow();
      this.ts[length] = this.#lastTs;
      this.equity[length] = this.#lastEquity;
      this.drawdown[length] = this.#lastDrawdown;
      length++;
    }
    return {
      ts: this.ts.subarray(0, length),
      equity: this.equity.subarray(0, length),
      drawdown: this.drawdown.subarray(0, length),
      length,
      stride: this.stride,
    };
  }
}

// Calendar months from the marks: a month closes at its last mark.
class Months {
  readonly months: MonthReturn[] = [];
  #nextStart = Number.NEGATIVE_INFINITY;
  #year = 0;
  #month = 0;
  #startEquity: number;
  #lastEquity: number;
  #any = false;

  constructor(initialEquity: number) {
    this.#startEquity = initialEquity;
    this.#lastEquity = initialEquity;
  }

  addChunk(ts: Float64Array, equity: Float64Array, n: number): void {
    let next = this.#nextStart;
    for (let i = 0; i < n; i++) {
      if (ts[i] >= next) {
        if (i > 0) this.#lastEquity = equity[i - 1];
        this.#roll(ts[i]);
        next = this.#nextStart;
      }
    }
    this.#lastEquity = equity[n - 1];
  }

  #roll(ts: number): void {
    if (this.#any) this.#close();
    const date = new Date(Math.floor(ts / 1000));
    this.#year = date.getUTCFullYear();
    this.#month = date.getUTCMonth() + 1;
    this.#nextStart = Date.UTC(this.#year, this.#month, 1) * 1000;
    this.#any = true;
  }

  #close(): void {
    const start = this.#startEquity;
    this.months.push({
      year: this.#year,
      month: this.#month,
      return: start > 0 ? this.#lastEquity / start - 1 : 0,
    });
    this.#startEquity = this.#lastEquity;
  }

  result(): readonly MonthReturn[] {
    if (this.#any) {
      this.#close();
      this.#any = false;
    }
    return this.months;
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
  #initialEquity = Number.NaN;
  #peak = Number.NaN;
  #curve: CurveAccumulator | undefined;
  #buckets: EquityBuckets | undefined;
  #months: Months | undefined;
  readonly #sample = new Sample();
  readonly #full: Growable | undefined;
  #parquet: EquityParquetSink | undefined;
  #csv: Deno.FsFile | undefined;
  readonly #iso = isoFormatter();
  readonly #encoder = new TextEncoder();
  #finished = false;
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
   */
  static async create(output: EquityOutput = { kind: "memory" }): Promise<EquityRecorder> {
    const recorder = new EquityRecorder(output);
    if (output.kind === "stream") {
      try {
        // Encoded and compressed by a worker on the other core while the run goes on.
        recorder.#parquet = await EquityParquetSink.open(
          output.parquetPath,
          `${output.parquetPath}.part`,
        );
        if (output.csvPath !== undefined) {
          recorder.#csv = await Deno.open(output.csvPath, { write: true, createNew: true });
          recorder.#csv.writeSync(recorder.#encoder.encode(`${EQUITY_COLUMNS.join(",")}\n`));
        }
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
    this.#peak = initialEquity;
    this.#curve = new CurveAccumulator(initialEquity, barMicros);
    this.#buckets = new EquityBuckets(barMicros);
    this.#months = new Months(initialEquity);
  }

  /** Records the equity `value` at the close of the bar opening at `ts`. */
  push(ts: number, value: number): void {
    const i = this.#fill;
    this.#ts[i] = ts;
    this.#values[i] = value;
    this.length++;
    if ((this.#fill = i + 1) === CHUNK_MARKS) this.#flush();
  }

  /** Records a price bar of the charted symbol (for the price chart and buy-and-hold). */
  price(ts: number, open: number, high: number, low: number, close: number): void {
    this.#buckets?.price(ts, open, high, low, close);
  }

  #flush(): void {
    const n = this.#fill;
    if (n === 0) return;
    const curve = this.#curve;
    const buckets = this.#buckets;
    const months = this.#months;
    if (curve === undefined || buckets === undefined || months === undefined) {
      throw new TypeError("EquityRecorder.start was not called before the first mark");
    }
    const ts = this.#ts;
    const values = this.#values;
    const drawdowns = this.#drawdown;
    const sample = this.#sample;
    let peak = this.#peak;
    for (let i = 0; i < n; i++) {
      const e = values[i];
      if (e > peak) peak = e;
      drawdowns[i] = peak > 0 ? (peak - e) / peak : 0;
    }
    this.#peak = peak;
    // One tight loop per consumer: each keeps its state in locals for the chunk.
    curve.addChunk(ts, values, n);
    buckets.markChunk(ts, values, drawdowns, n);
    months.addChunk(ts, values, n);
    sample.addChunk(ts, values, drawdowns, n);
    this.#full?.append(ts, values, drawdowns, n);
    this.#parquet?.append(ts, values, drawdowns, n);
    if (this.#csv !== undefined) this.#writeCsv(n);
    this.#fill = 0;
  }

  #writeCsv(n: number): void {
    const file = this.#csv;
    if (file === undefined) return;
    const iso = this.#iso;
    let text = "";
    for (let i = 0; i < n; i++) {
      text += `${iso(this.#ts[i])},${csvNumber(this.#values[i])},${csvNumber(this.#drawdown[i])}\n`;
      if ((i & 2047) === 2047 || i === n - 1) {
        let bytes = this.#encoder.encode(text);
        while (bytes.byteLength > 0) bytes = bytes.subarray(file.writeSync(bytes));
        text = "";
      }
    }
  }

  /**
   * Folds in the last marks and finishes the streamed files (nothing to finish in the other
   * modes); then {@linkcode record} returns the record.
   *
   * @throws {DataError} when a streamed file cannot be completed (the files are removed).
   */
  async finish(): Promise<void> {
    if (this.#finished) throw new TypeError("EquityRecorder.finish called twice");
    this.#finished = true;
    const files: { parquet?: string; csv?: string } = {};
    try {
      this.#flush();
      if (this.#parquet !== undefined && this.#output.kind === "stream") {
        await this.#parquet.close();
        this.#parquet = undefined;
        files.parquet = this.#output.parquetPath;
      }
      if (this.#csv !== undefined && this.#output.kind === "stream") {
        this.#csv.syncSync();
        this.#csv.close();
        this.#csv = undefined;
        files.csv = this.#output.csvPath;
      }
    } catch (error) {
      await this.abort();
      throw error;
    }
    this.#done = this.#record(files);
  }

  /**
   * The record of the run; a recorder that streams must be {@linkcode finish}ed first, the
   * others finish here.
   */
  record(): EquityRecord {
    if (this.#done !== undefined) return this.#done;
    if (this.#output.kind === "stream" || this.#finished) {
      throw new TypeError("EquityRecorder.finish must complete before record()");
    }
    this.#finished = true;
    this.#flush();
    this.#done = this.#record({});
    return this.#done;
  }

  #record(files: { parquet?: string; csv?: string }): EquityRecord {
    const initialEquity = this.#initialEquity;
    const curve = this.#curve ?? new CurveAccumulator(initialEquity, 1);
    const full = this.#full;
    return {
      length: this.length,
      initialEquity,
      stats: curve.result(),
      buckets: this.#buckets ?? new EquityBuckets(1),
      months: this.#months?.result() ?? [],
      sample: this.#sample.result(),
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
    await this.#parquet?.abort();
    this.#parquet = undefined;
    if (this.#output.kind === "stream") {
      const { parquetPath, csvPath } = this.#output;
      try {
        this.#csv?.close();
      } catch {
        // already closed
      }
      this.#csv = undefined;
      for (const path of [parquetPath, csvPath]) {
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
