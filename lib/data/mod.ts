/**
 * Market data for Tesser — readers and writers (canonical and Tesser Parquet, CSV with ETL
 * mappings, Tardis CSV, JSONL), normalize/validate/resample, synthetic data, the L2 order book
 * and the time-ordered replay merge; it may import only `lib/domain`, `lib/events` and
 * `lib/config` (the schema of ETL mapping files).
 *
 * Replay is columnar: readers yield {@linkcode CandleBatch}es one Parquet row group at a
 * time; {@linkcode candleEvents} and {@linkcode mergeEvents} turn them into time-ordered
 * events for the engine.
 *
 * @module
 */

// Domain and event types used in this module's signatures, re-exported so its docs are whole.
export { INTERVALS } from "../domain/mod.ts";
export type {
  BookDelta,
  BookLevel,
  BookSnapshot,
  Candle,
  Interval,
  Micros,
  Quote,
  Side,
  SymbolId,
  Trade,
} from "../domain/mod.ts";
export type {
  BookDeltaEvent,
  BookSnapshotEvent,
  CandleEvent,
  EventTimes,
  QuoteEvent,
  TradeEvent,
} from "../events/mod.ts";
export * from "./candle_batch.ts";
export * from "./candle_aggregator.ts";
export * from "./csv_candles.ts";
export * from "./etl_config.ts";
export * from "./funding.ts";
export * from "./glob.ts";
export * from "./jsonl.ts";
export * from "./merge.ts";
export * from "./normalize.ts";
export * from "./order_book.ts";
export * from "./parquet_reader.ts";
export * from "./parquet_read_ahead.ts";
export * from "./parquet_writer.ts";
export * from "./equity_parquet.ts";
export * from "./replay.ts";
export * from "./synthetic.ts";
export * from "./tardis.ts";
export * from "./temp_files.ts";
export * from "./validate.ts";
export * from "./table_parquet.ts";
export { Random } from "./_random.ts";
