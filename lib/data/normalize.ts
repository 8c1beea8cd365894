/**
 * `normalize`: CSV candle files → one canonical Parquet file per symbol and interval, written
 * atomically (temp file + rename), streaming so memory stays bounded.
 *
 * @module
 */

import { DataError, type Interval, type SymbolId } from "../domain/mod.ts";
import { CsvCandleReader, type CsvRowProblem } from "./csv_candles.ts";
import type { ResolvedEtlConfig } from "./etl_config.ts";
import { CandleParquetWriter } from "./parquet_writer.ts";
import { type CreatedFolder, makeOutputFolder } from "./temp_files.ts";

/** Options of {@linkcode normalizeCsvCandles}. */
export interface NormalizeOptions {
  /** Source CSV files (plain or `.gz`), read in the given order. */
  readonly sources: readonly string[];
  /** Output directory (must exist). */
  readonly outputDir: string;
  /** The column mapping. */
  readonly config: ResolvedEtlConfig;
  /** Symbol of the rows (else the config's). */
  readonly symbol?: SymbolId;
  /** Interval of the rows (else the config's, else `1m`). */
  readonly interval?: Interval;
  /** Skip and count malformed rows instead of stopping. */
  readonly skipBadRows?: boolean;
  /** Progress: files done, and bytes of the current file read. */
  readonly onProgress?: (progress: { readonly file: number; readonly bytes: number }) => void;
}

/** What {@linkcode normalizeCsvCandles} did. */
export interface NormalizeResult {
  /** The Parquet file written. */
  readonly output: string;
  /** Rows written. */
  readonly rows: number;
  /** Rows skipped as malformed. */
  readonly skipped: number;
  /** The first skipped rows with reasons. */
  readonly problems: readonly CsvRowProblem[];
  /** Symbol written. */
  readonly symbol: SymbolId;
  /** Interval written. */
  readonly interval: Interval;
}

/** The canonical file name for a symbol and interval: `bybit_BTCUSDT_1m.parquet`. */
export function canonicalFileName(symbol: SymbolId, interval: Interval): string {
  return `${symbol.replace(/[:/]/g, "_")}_${interval}.parquet`;
}

/**
 * Converts CSV candle files to one canonical Parquet file in `outputDir`. Nothing is left at
 * the output path when it fails.
 *
 * @throws {DataError} for a bad row (`file:line: reason`) or an unreadable file.
 */
export async function normalizeCsvCandles(options: NormalizeOptions): Promise<NormalizeResult> {
  const reader = new CsvCandleReader(options.config, {
    symbol: options.symbol,
    interval: options.interval ?? options.config.interval ?? "1m",
    skipBadRows: options.skipBadRows,
  });
  const created = await makeOutputDir(options.outputDir);
  const output = `${options.outputDir.replace(/\/+$/, "")}/${
    canonicalFileName(reader.symbol, reader.interval)
  }`;
  let writer: CandleParquetWriter;
  try {
    writer = await CandleParquetWriter.create(output, {
      symbol: reader.symbol,
      interval: reader.interval,
    });
  } catch (error) {
    await created.undo();
    throw error;
  }
  try {
    let fileIndex = 0;
    for (const source of options.sources) {
      const file = fileIndex;
      const onBytes = (bytes: number): void => options.onProgress?.({ file, bytes });
      for await (const batch of reader.read(source, onBytes)) writer.append(batch);
      fileIndex++;
      options.onProgress?.({ file: fileIndex, bytes: 0 });
    }
    if (reader.rows === 0) throw noRows(options.sources, reader.skipped);
    await writer.close();
  } catch (error) {
    await writer.abort();
    await created.undo();
    throw error;
  }
  return {
    output,
    rows: reader.rows,
    skipped: reader.skipped,
    problems: reader.problems,
    symbol: reader.symbol,
    interval: reader.interval,
  };
}

// Zero rows is never a result: an empty Parquet file with exit 0 would pass for data.
function noRows(sources: readonly string[], skipped: number): DataError {
  const files = sources.length === 1 ? sources[0] : `${sources.length} files`;
  return skipped > 0
    ? new DataError(`no rows to write: all ${skipped} rows of ${files} were bad and skipped`, {
      location: { file: sources[0] },
      hint: "run without --skip-bad-rows to see why the first row is rejected",
    })
    : new DataError(`no rows to write: ${files} holds no candle rows (empty or header only)`, {
      location: { file: sources[0] },
      hint: "check the --source files",
    });
}

// The output folder, made with its parents when missing (a fresh checkout has no data/ yet).
// A failed run leaves no empty folder behind.
async function makeOutputDir(dir: string): Promise<CreatedFolder> {
  try {
    return await makeOutputFolder(dir);
  } catch (error) {
    const reason = error instanceof Deno.errors.AlreadyExists
      ? "it exists and is not a folder"
      : error instanceof Error
      ? error.message
      : String(error);
    throw new DataError(`cannot use ${dir} as the output folder: ${reason}`, {
      hint: "pass --output a folder that exists or can be created",
    });
  }
}
