/**
 * Candle Parquet decoded on another thread: {@linkcode readCandleParquetAhead} yields the same
 * batches as {@linkcode readCandleParquet}, decoded by a worker that stays a few row groups
 * ahead, so on a machine with a second core decompression and page decoding overlap the
 * backtest instead of taking turns with it. The columns are transferred, not copied.
 *
 * @module
 */

import {
  ConfigError,
  DataError,
  type Interval,
  type SourceLocation,
  type SymbolId,
} from "../domain/mod.ts";
import type { CandleBatch } from "./candle_batch.ts";
import type { ReadCandleParquetOptions } from "./parquet_reader.ts";
import type { ParquetReadReply, ParquetReadRequest } from "./_parquet_read_worker.ts";

/**
 * Batches the worker decodes before the reader takes them, at most (a canonical row group is
 * 100,000 rows, 4.8 MB of columns): two keep the next group ready while one is decoded.
 */
export const READ_AHEAD_BATCHES = 2;

/**
 * Rows from which reading ahead in a worker pays (about 1M rows on a 2-core machine): below,
 * the worker's start-up (~50 ms, its module graph loaded) is more than the decoding it takes
 * off the caller's thread.
 */
export const READ_AHEAD_MIN_ROWS = 1_000_000;

/** Options of {@linkcode readCandleParquetAhead}. */
export interface ReadCandleParquetAheadOptions extends ReadCandleParquetOptions {
  /**
   * Whether each batch's buffers go back to the worker for a later batch once the next one is
   * asked for: a batch is then valid only until the next `next()` (as with a merge, which
   * copies the rows). Off by default (every batch keeps its own buffers). On, no buffer is
   * allocated on one thread and freed on the other, which keeps peak memory down.
   */
  readonly reuseBuffers?: boolean;
}

/**
 * Streams the candles of a Parquet file as {@linkcode readCandleParquet} does, decoded in a
 * worker up to {@linkcode READ_AHEAD_BATCHES} batches ahead. Stopping early (a `break`) stops
 * the worker.
 *
 * @throws {DataError} with the same message as {@linkcode readCandleParquet} would give (the
 * underlying `cause` stays in the worker).
 */
export async function* readCandleParquetAhead(
  path: string,
  options: ReadCandleParquetAheadOptions = {},
): AsyncGenerator<CandleBatch> {
  const { reuseBuffers = false, ...readOptions } = options;
  const worker = new Worker(new URL("./_parquet_read_worker.ts", import.meta.url), {
    type: "module",
  });
  const replies: ParquetReadReply[] = [];
  let head = 0;
  let wake: (() => void) | undefined;
  const arrived = (reply: ParquetReadReply): void => {
    replies.push(reply);
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  worker.onmessage = (event: MessageEvent<ParquetReadReply>) => arrived(event.data);
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    arrived({ kind: "error", name: "Error", message: event.message });
  };
  const send = (message: ParquetReadRequest): void => worker.postMessage(message);
  try {
    send({
      kind: "open",
      path,
      options: readOptions,
      ahead: READ_AHEAD_BATCHES,
      reuse: reuseBuffers,
    });
    for (;;) {
      while (head === replies.length) await new Promise<void>((resolve) => wake = resolve);
      const reply = replies[head++] as ParquetReadReply;
      if (head === replies.length) {
        replies.length = 0;
        head = 0;
      }
      switch (reply.kind) {
        case "batch": {
          // Asked before the batch is used, so the worker decodes while the run goes on.
          send({ kind: "more" });
          yield {
            length: reply.length,
            symbol: reply.symbol as SymbolId,
            interval: reply.interval as Interval,
            ts: reply.ts,
            open: reply.open,
            high: reply.high,
            low: reply.low,
            close: reply.close,
            volume: reply.volume,
          };
          if (reuseBuffers) {
            const buffers = [reply.ts, reply.open, reply.high, reply.low, reply.close, reply.volume]
              .map((column) => column.buffer as ArrayBuffer);
            const message: ParquetReadRequest = { kind: "return", buffers };
            worker.postMessage(message, buffers);
          }
          break;
        }
        case "done":
          return;
        case "error":
          throw rebuilt(reply);
        default: {
          const never: never = reply;
          throw new TypeError(`unknown Parquet read reply ${JSON.stringify(never)}`);
        }
      }
    }
  } finally {
    worker.terminate();
  }
}

// The worker's failure as the same kind of error with the same message.
function rebuilt(
  reply: {
    readonly name: string;
    readonly message: string;
    readonly reason?: string;
    readonly location?: SourceLocation;
    readonly hint?: string;
  },
): Error {
  const parts = {
    ...(reply.location === undefined ? {} : { location: reply.location }),
    ...(reply.hint === undefined ? {} : { hint: reply.hint }),
  };
  switch (reply.name) {
    case "DataError":
      return new DataError(reply.reason ?? reply.message, parts);
    case "ConfigError":
      return new ConfigError(reply.reason ?? reply.message, parts);
    case "RangeError":
      return new RangeError(reply.message);
    case "TypeError":
      return new TypeError(reply.message);
    default: {
      const error = new Error(reply.message);
      error.name = reply.name;
      return error;
    }
  }
}
