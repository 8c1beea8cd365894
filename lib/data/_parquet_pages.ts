/**
 * The page-level pieces of the fast Parquet writers (candles, equity): a byte sink that hands
 * each finished row group to the file, one DATA_PAGE_V2 of PLAIN values, the column chunk
 * metadata and the statistics as `hyparquet-writer` records them.
 *
 * @module
 */

import { ByteWriter, type ParquetWriter } from "hyparquet-writer";
import { zstdCompress } from "./_zstd.ts";
import { writePageHeader } from "hyparquet-writer/src/datapage.js";
import type { ColumnChunk, Encoding, ParquetType, Statistics } from "hyparquet";
import { writeFailure } from "./temp_files.ts";

/** A byte sink that hands each finished row group to the file, keeping memory bounded. */
export class FileSink extends ByteWriter {
  readonly #file: Deno.FsFile;
  readonly #path: string;

  /** `path` is the output the file becomes (named in a write failure, not the temp file). */
  constructor(file: Deno.FsFile, path: string) {
    super(1 << 20);
    this.#file = file;
    this.#path = path;
  }

  flush(): void {
    let bytes = new Uint8Array(this.buffer, 0, this.index);
    try {
      while (bytes.byteLength > 0) {
        const written = this.#file.writeSync(bytes);
        bytes = bytes.subarray(written);
      }
    } catch (error) {
      // A full disk shows here, mid-file.
      throw writeFailure(this.#path, error);
    }
    this.index = 0;
  }

  override finish(): void {
    this.flush();
  }
}

/** Statistics as hyparquet-writer records them (it also writes `nan_count`). */
export type ChunkStatistics = Statistics & { nan_count?: bigint };

/** The byte writer of a `ParquetWriter`. */
export type Sink = ParquetWriter["writer"];

/** Writes one DATA_PAGE_V2 of a REQUIRED column (no levels); returns its uncompressed size. */
export function writeDataPage(
  out: Sink,
  bytes: Uint8Array,
  compressed: Uint8Array,
  n: number,
  encoding: Encoding,
): number {
  const headerStart = out.offset;
  writePageHeader(out, {
    type: "DATA_PAGE_V2",
    uncompressed_page_size: bytes.byteLength,
    compressed_page_size: compressed.byteLength,
    data_page_header_v2: {
      num_values: n,
      num_nulls: 0,
      num_rows: n,
      encoding,
      definition_levels_byte_length: 0,
      repetition_levels_byte_length: 0,
      is_compressed: true,
    },
  });
  const headerSize = out.offset - headerStart;
  out.appendBytes(compressed);
  return headerSize + bytes.byteLength;
}

/** The metadata of one column chunk of a single data page (and an optional dictionary page). */
export function columnChunk(
  name: string,
  type: ParquetType,
  n: number,
  start: number,
  dictionaryOffset: number | undefined,
  dataOffset: number,
  end: number,
  uncompressed: number,
  statistics: ChunkStatistics,
): ColumnChunk {
  const encoding = dictionaryOffset === undefined ? "PLAIN" : "RLE_DICTIONARY";
  return {
    meta_data: {
      type,
      encodings: dictionaryOffset === undefined ? ["PLAIN"] : ["PLAIN", "RLE_DICTIONARY"],
      path_in_schema: [name],
      codec: "ZSTD",
      num_values: BigInt(n),
      total_compressed_size: BigInt(end - start),
      total_uncompressed_size: BigInt(uncompressed),
      data_page_offset: BigInt(dataOffset),
      dictionary_page_offset: dictionaryOffset === undefined ? undefined : BigInt(dictionaryOffset),
      statistics,
      encoding_stats: [
        ...(dictionaryOffset === undefined
          ? []
          : [{ page_type: "DICTIONARY_PAGE" as const, encoding: "PLAIN" as const, count: 1 }]),
        { page_type: "DATA_PAGE_V2", encoding, count: 1 },
      ],
    },
    file_offset: BigInt(start),
  };
}

/** Min/max of the first `n` whole-number values, as INT64 statistics. */
export function int64Statistics(values: Float64Array, n: number): ChunkStatistics {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const value = values[i] as number;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return { min_value: BigInt(min), max_value: BigInt(max), null_count: 0n };
}

// As hyparquet-writer: NaN is counted, not compared; the first of equal values (±0) is kept,
// then a zero minimum is written as -0 and a zero maximum as +0.
/** Min/max and NaN count of the first `n` doubles, as DOUBLE statistics. */
export function doubleStatistics(values: Float64Array, n: number): ChunkStatistics {
  let min: number | undefined;
  let max: number | undefined;
  let nan = 0;
  for (let i = 0; i < n; i++) {
    const value = values[i] as number;
    if (Number.isNaN(value)) {
      nan++;
      continue;
    }
    if (min === undefined || value < min) min = value;
    if (max === undefined || value > max) max = value;
  }
  if (min === 0) min = -0;
  if (max === 0) max = 0;
  return { min_value: min, max_value: max, null_count: 0n, nan_count: BigInt(nan) };
}

/** Writes the first `n` whole numbers of `values` into `page` as little-endian INT64. */
export function encodeInt64(page: DataView, values: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const value = values[i];
    const high = Math.floor(value / 4294967296);
    page.setUint32(i * 8, value - high * 4294967296, true);
    page.setInt32(i * 8 + 4, high, true);
  }
}

/** Writes the first `n` doubles of `values` into `page` as little-endian DOUBLE. */
export function encodeDouble(page: DataView, values: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) page.setFloat64(i * 8, values[i], true);
}

/** A column chunk of `n` PLAIN 8-byte values taken from `page`, zstd-compressed, appended to `writer`. */
export function plainColumn(
  writer: ParquetWriter,
  page: DataView,
  name: string,
  type: ParquetType,
  n: number,
  statistics: ChunkStatistics,
): ColumnChunk {
  const out = writer.writer;
  const offset = out.offset;
  const bytes = new Uint8Array(page.buffer, 0, n * 8);
  const size = writeDataPage(out, bytes, zstdCompress(bytes), n, "PLAIN");
  return columnChunk(name, type, n, offset, undefined, offset, out.offset, size, statistics);
}

/** Records a row group of `n` rows whose column chunks were written from `groupStart` on. */
export function pushRowGroup(
  writer: ParquetWriter,
  columns: ColumnChunk[],
  groupStart: number,
  n: number,
): void {
  let totalBytes = 0n;
  for (const column of columns) {
    totalBytes += column.meta_data?.total_uncompressed_size ?? 0n;
    writer.pendingIndexes.push({ chunk: column });
  }
  writer.num_rows += BigInt(n);
  writer.row_groups.push({
    columns,
    total_byte_size: totalBytes,
    num_rows: BigInt(n),
    total_compressed_size: BigInt(writer.writer.offset - groupStart),
  });
}
