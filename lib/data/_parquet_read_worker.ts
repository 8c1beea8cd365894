/**
 * The worker behind {@linkcode readCandleParquetAhead}: it runs {@linkcode readCandleParquet} on
 * the second core and posts each batch with its column buffers transferred (no copy), at most
 * `ahead` batches before the reader has taken them, so decoding overlaps the run and memory
 * stays bounded. Messages: `open` (start), `more` (one batch taken), `return` (with `reuse`,
 * a used batch's buffers given back); replies: `batch`, `done`, `error` (the failure's name
 * and parts, so the reader rethrows the same error). With `reuse` the columns are copied into
 * buffers that go back and forth, so no buffer is allocated on one thread and freed on the
 * other (the allocator then keeps every freed buffer's memory: RSS grew by ~130 MB over 10M
 * rows without it).
 *
 * @module
 */

import type { SourceLocation } from "../domain/mod.ts";
import { TesserError } from "../domain/mod.ts";
import { readCandleParquet, type ReadCandleParquetOptions } from "./parquet_reader.ts";

/** A message to the worker. */
export type ParquetReadRequest =
  | {
    readonly kind: "open";
    readonly path: string;
    readonly options: ReadCandleParquetOptions;
    readonly ahead: number;
    /** Whether the reader gives each batch's buffers back (in `more`) for later batches. */
    readonly reuse: boolean;
  }
  | { readonly kind: "more" }
  | { readonly kind: "return"; readonly buffers: readonly ArrayBuffer[] };

/** One decoded batch, its columns owning their buffers. */
export interface ParquetReadBatch {
  readonly kind: "batch";
  readonly length: number;
  readonly symbol: string;
  readonly interval: string;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** A message from the worker. */
export type ParquetReadReply =
  | ParquetReadBatch
  | { readonly kind: "done" }
  | {
    readonly kind: "error";
    readonly name: string;
    readonly message: string;
    readonly reason?: string;
    readonly location?: SourceLocation;
    readonly hint?: string;
  };

const scope = globalThis as unknown as {
  postMessage(message: ParquetReadReply, transfer?: ArrayBuffer[]): void;
  onmessage: ((event: MessageEvent<ParquetReadRequest>) => void) | null;
};

let credits = 0;
let resume: (() => void) | undefined;
let reuse = false;
// Buffers the reader gave back, for the next batches' columns.
const pool: ArrayBuffer[] = [];

scope.onmessage = (event: MessageEvent<ParquetReadRequest>): void => {
  const message = event.data;
  switch (message.kind) {
    case "open":
      credits = message.ahead;
      reuse = message.reuse;
      void read(message.path, message.options);
      return;
    case "more": {
      credits++;
      const wake = resume;
      resume = undefined;
      wake?.();
      return;
    }
    case "return":
      pool.push(...message.buffers);
      return;
    default: {
      const never: never = message;
      throw new Error(`unknown Parquet read message ${JSON.stringify(never)}`);
    }
  }
};

async function read(path: string, options: ReadCandleParquetOptions): Promise<void> {
  try {
    for await (const batch of readCandleParquet(path, options)) {
      while (credits === 0) await new Promise<void>((wake) => resume = wake);
      credits--;
      const columns = [batch.ts, batch.open, batch.high, batch.low, batch.close, batch.volume]
        .map(reuse ? pooled : owned);
      const [ts, open, high, low, close, volume] = columns as [
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
      ];
      scope.postMessage(
        {
          kind: "batch",
          length: batch.length,
          symbol: batch.symbol,
          interval: batch.interval,
          ts,
          open,
          high,
          low,
          close,
          volume,
        },
        columns.map((column) => column.buffer as ArrayBuffer),
      );
    }
    scope.postMessage({ kind: "done" });
  } catch (error) {
    scope.postMessage(describe(error));
  }
}

// A column that is its buffer's whole extent is sent as it is; a view into a shared buffer (a
// group split where the symbol changes, or a decoder page) is copied, as sending the buffer
// would detach the other views.
function owned(column: Float64Array): Float64Array {
  const whole = column.byteOffset === 0 && column.byteLength === column.buffer.byteLength &&
    column.buffer instanceof ArrayBuffer;
  return whole ? column : column.slice();
}

// The column copied into a buffer from the pool (or a new one), sized to the rows.
function pooled(column: Float64Array): Float64Array {
  let buffer: ArrayBuffer | undefined;
  while (buffer === undefined && pool.length > 0) {
    const candidate = pool.pop() as ArrayBuffer;
    if (candidate.byteLength >= column.byteLength) buffer = candidate;
  }
  const target = buffer === undefined
    ? new Float64Array(column.length)
    : new Float64Array(buffer, 0, column.length);
  target.set(column);
  return target;
}

function describe(error: unknown): ParquetReadReply {
  if (error instanceof TesserError) {
    return {
      kind: "error",
      name: error.name,
      message: error.message,
      reason: error.reason,
      ...(error.location === undefined ? {} : { location: error.location }),
      ...(error.hint === undefined ? {} : { hint: error.hint }),
    };
  }
  if (error instanceof Error) return { kind: "error", name: error.name, message: error.message };
  return { kind: "error", name: "Error", message: String(error) };
}
