/**
 * The worker that folds a long run's equity marks on the second core while the run goes on
 * (drawdowns, online metrics, chart buckets, months and the `equity.csv` sample:
 * {@linkcode EquityFold}) and, for a report, encodes `equity.parquet` and a full `equity.csv`, or
 * writes the thinned `equity.csv` from the sample once the fold is done.
 * The recorder posts each chunk of marks and price bars (transferred, not copied) and the
 * worker gives the buffers back; a shared counter of chunks in flight lets the recorder wait
 * when the worker falls behind, so memory stays bounded. Messages: `open` → `opened`, `start`,
 * `append` (no answer), `close` → `closed` with the fold (then `written` once a thinned
 * `equity.csv` is complete), `abort` → `aborted`; any failure → `error` with the message.
 *
 * @module
 */

import { EquityParquetWriter } from "../data/equity_parquet.ts";
import { CHUNK_MARKS, EquityFold, type EquitySample, type FoldedMessage } from "./equity_fold.ts";
import {
  csvNumber,
  EQUITY_COLUMNS,
  equityCsvChunks,
  type EquityRows,
  isoFormatter,
} from "./_report_csv.ts";

/** Price bars of the charted symbol in one message (the first `n` are valid). */
export interface PriceColumns {
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly n: number;
}

/** A message to the worker. */
export type EquityWorkerRequest =
  | {
    readonly kind: "open";
    readonly inFlight: SharedArrayBuffer;
    /** Where `equity.parquet` goes (written to `tempPath`, renamed on close). */
    readonly parquet?: { readonly path: string; readonly tempPath: string };
    /** Where a full `equity.csv` goes. */
    readonly csvPath?: string;
    /** Where the thinned `equity.csv` (the sample) goes, written after the fold. */
    readonly sampleCsvPath?: string;
  }
  | { readonly kind: "start"; readonly initialEquity: number; readonly barMicros: number }
  | {
    readonly kind: "append";
    /** Price bars before the marks (they come first, as in the recorder's own thread). */
    readonly prices: PriceColumns | undefined;
    readonly ts: Float64Array;
    readonly equity: Float64Array;
    readonly n: number;
  }
  | { readonly kind: "close" }
  | { readonly kind: "abort" };

/** A message from the worker. */
export type EquityWorkerReply =
  | { readonly kind: "opened" | "aborted" | "written" }
  | { readonly kind: "closed"; readonly folded: FoldedMessage | undefined }
  | { readonly kind: "error"; readonly message: string }
  | { readonly kind: "returned"; readonly buffers: readonly ArrayBuffer[] };

// The worker's global scope, typed here (a lib reference would change the globals of the
// whole package).
const scope = globalThis as unknown as {
  postMessage(message: EquityWorkerReply, transfer: ArrayBuffer[]): void;
  onmessage: ((event: MessageEvent<EquityWorkerRequest>) => Promise<void>) | null;
};

let writer: EquityParquetWriter | undefined;
let csv: Deno.FsFile | undefined;
let sampleCsv: Deno.FsFile | undefined;
let fold: EquityFold | undefined;
let inFlight: Int32Array | undefined;
let failed = false;
const drawdowns = new Float64Array(CHUNK_MARKS);
const encoder = new TextEncoder();
const iso = isoFormatter();

function reply(message: EquityWorkerReply, transfer: ArrayBuffer[] = []): void {
  scope.postMessage(message, transfer);
}

scope.onmessage = async (event: MessageEvent<EquityWorkerRequest>): Promise<void> => {
  const message = event.data;
  try {
    switch (message.kind) {
      case "open":
        inFlight = new Int32Array(message.inFlight);
        if (message.parquet !== undefined) {
          writer = await EquityParquetWriter.create(
            message.parquet.path,
            {},
            message.parquet.tempPath,
          );
        }
        if (message.csvPath !== undefined) {
          csv = await Deno.open(message.csvPath, { write: true, createNew: true });
          writeAll(csv, encoder.encode(`${EQUITY_COLUMNS.join(",")}\n`));
        }
        if (message.sampleCsvPath !== undefined) {
          sampleCsv = await Deno.open(message.sampleCsvPath, { write: true, createNew: true });
        }
        reply({ kind: "opened" });
        return;
      case "start":
        fold = new EquityFold(message.initialEquity, message.barMicros);
        return;
      case "append":
        // After a failure the chunks are only counted off, so the recorder never waits forever.
        if (!failed) append(message.prices, message.ts, message.equity, message.n);
        // The buffers go back for the next chunk: this isolate barely allocates, so it would
        // otherwise collect them late and hold tens of MB.
        giveBack(message.prices, message.ts, message.equity);
        return;
      case "close": {
        if (writer !== undefined) await writer.close();
        if (csv !== undefined) {
          csv.syncSync();
          csv.close();
          csv = undefined;
        }
        const folded = fold?.result();
        // The sample is shared memory: the run gets it without a copy while this thread
        // writes the thinned equity.csv from it (the header alone without marks), so the run
        // writes its other report files meanwhile (~0.2 s of formatting at 10M bars).
        reply({ kind: "closed", folded });
        if (sampleCsv !== undefined) {
          writeSampleCsv(sampleCsv, folded?.sample ?? NO_SAMPLE);
          sampleCsv = undefined;
          reply({ kind: "written" });
        }
        return;
      }
      case "abort":
        await writer?.abort();
        for (const file of [csv, sampleCsv]) {
          try {
            file?.close();
          } catch {
            // already closed
          }
        }
        reply({ kind: "aborted" });
        return;
      default: {
        const never: never = message;
        throw new Error(`unknown equity worker message ${JSON.stringify(never)}`);
      }
    }
  } catch (error) {
    failed = true;
    reply({ kind: "error", message: error instanceof Error ? error.message : String(error) });
  } finally {
    if (message.kind === "append" && inFlight !== undefined) {
      Atomics.sub(inFlight, 0, 1);
      Atomics.notify(inFlight, 0);
    }
  }
};

function append(
  prices: PriceColumns | undefined,
  ts: Float64Array,
  equity: Float64Array,
  n: number,
): void {
  if (fold === undefined) throw new Error("equity worker got marks before start");
  if (prices !== undefined) fold.prices(prices, prices.n);
  if (n === 0) return;
  fold.marks(ts, equity, drawdowns, n);
  writer?.append(ts, equity, drawdowns, n);
  if (csv !== undefined) writeCsv(csv, ts, equity, n);
}

function giveBack(prices: PriceColumns | undefined, ts: Float64Array, equity: Float64Array): void {
  const columns = prices === undefined
    ? [ts, equity]
    : [ts, equity, prices.ts, prices.open, prices.high, prices.low, prices.close];
  const buffers = columns.map((column) => column.buffer as ArrayBuffer);
  reply({ kind: "returned", buffers }, buffers);
}

function writeCsv(file: Deno.FsFile, ts: Float64Array, equity: Float64Array, n: number): void {
  let text = "";
  for (let i = 0; i < n; i++) {
    text += `${iso(ts[i])},${csvNumber(equity[i])},${csvNumber(drawdowns[i])}\n`;
    if ((i & 2047) === 2047 || i === n - 1) {
      writeAll(file, encoder.encode(text));
      text = "";
    }
  }
}

function writeAll(file: Deno.FsFile, bytes: Uint8Array): void {
  while (bytes.byteLength > 0) bytes = bytes.subarray(file.writeSync(bytes));
}

const NO_SAMPLE: EquitySample = {
  ts: new Float64Array(0),
  equity: new Float64Array(0),
  drawdown: new Float64Array(0),
  length: 0,
  stride: 1,
};

function writeSampleCsv(file: Deno.FsFile, rows: EquityRows): void {
  try {
    for (const chunk of equityCsvChunks(rows)) writeAll(file, encoder.encode(chunk));
    file.syncSync();
  } finally {
    file.close();
  }
}
