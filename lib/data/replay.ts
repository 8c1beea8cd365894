/**
 * The backtester's replay source: opens data files by extension (canonical or Tesser Parquet
 * candles, Tardis CSV, JSONL) and merges them into one time-ordered event stream.
 *
 * @module
 */

import { DataError, type SymbolId } from "../domain/mod.ts";
import type { CandleEvent } from "../events/mod.ts";
import { type JsonlEvent, readJsonlEvents } from "./jsonl.ts";
import { candleEvents, mergeEvents, type MergeKey } from "./merge.ts";
import { readCandleParquet, type ReadCandleParquetOptions } from "./parquet_reader.ts";
import { generateCandles, type SyntheticCandleOptions } from "./synthetic.ts";
import { readTardisCsv, type TardisEvent } from "./tardis.ts";

/** Every event a replayed data file can yield. */
export type ReplayEvent = CandleEvent | TardisEvent | JsonlEvent;

/** File kinds the replay understands. */
export type DataFileKind = "parquet-candles" | "tardis-csv" | "jsonl";

/** The kind of data file `path` names, by extension. */
export function dataFileKind(path: string): DataFileKind {
  const lower = path.toLowerCase().replace(/\.gz$/, "");
  if (lower.endsWith(".parquet")) return "parquet-candles";
  if (lower.endsWith(".csv")) return "tardis-csv";
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
  throw new DataError("Cannot replay file: unknown extension", {
    location: { file: path },
    hint: "use .parquet (candles), .csv[.gz] (Tardis) or .jsonl[.gz]",
  });
}

/** Options of {@linkcode replayFiles}. */
export interface ReplayOptions extends ReadCandleParquetOptions {
  /** Merge key (default `tsRecv`; candles have `ts === tsRecv`). */
  readonly key?: MergeKey;
  /** Venue for Tardis files (default: the file's exchange). */
  readonly venue?: string;
  /** Symbol override for Tardis files. */
  readonly tardisSymbol?: SymbolId;
}

/** The events of one data file. */
export function fileEvents(path: string, options: ReplayOptions = {}): AsyncGenerator<ReplayEvent> {
  const kind = dataFileKind(path);
  switch (kind) {
    case "parquet-candles":
      return candleEvents(readCandleParquet(path, options));
    case "tardis-csv":
      return readTardisCsv(path, { venue: options.venue, symbol: options.tardisSymbol });
    case "jsonl":
      return readJsonlEvents(path);
    default: {
      const never: never = kind;
      throw new TypeError(`unknown kind ${String(never)}`);
    }
  }
}

/**
 * Replays several data files as one stream ordered by time (stable on ties by the order of
 * `paths`).
 *
 * @example
 * ```ts ignore
 * for await (const event of replayFiles(["btc.parquet", "eth.parquet"])) engine.process(event);
 * ```
 */
export function replayFiles(
  paths: readonly string[],
  options: ReplayOptions = {},
): AsyncGenerator<ReplayEvent> {
  return mergeEvents(paths.map((path) => fileEvents(path, options)), { key: options.key });
}

/** Synthetic candles as events (used when no `--data` is given). */
export function syntheticCandleEvents(
  options: SyntheticCandleOptions,
): AsyncGenerator<CandleEvent> {
  return candleEvents(generateCandles(options));
}
