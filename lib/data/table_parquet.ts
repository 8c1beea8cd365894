/**
 * Small flat tables as Parquet (research results, study parts): named columns of doubles
 * (nullable) or strings, plus key/value metadata. Written whole (these tables have thousands
 * of rows, not millions) to a temp file renamed into place; the bytes depend only on the
 * columns and metadata, so the same table always gives the same file.
 *
 * @module
 */

import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { DataError } from "../domain/mod.ts";
import { zstdCompress, zstdDecompress } from "./_zstd.ts";
import { releaseTemp, removeQuietly, tempPathFor, writeFailure } from "./temp_files.ts";

/** One column of a {@linkcode ParquetTable}: doubles (null for missing) or strings. */
export type TableColumn =
  | { readonly name: string; readonly kind: "double"; readonly values: readonly (number | null)[] }
  | { readonly name: string; readonly kind: "string"; readonly values: readonly string[] };

/** A flat table: columns of equal length, and free-form metadata. */
export interface ParquetTable {
  /** The columns, in file order. */
  readonly columns: readonly TableColumn[];
  /** Key/value metadata stored in the footer. */
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Writes `table` to `path` (atomically: temp file, then rename).
 *
 * @example
 * ```ts ignore
 * await writeTableParquet("results.parquet", {
 *   columns: [{ name: "score", kind: "double", values: [1.5, null] }],
 *   metadata: { study: "{}" },
 * });
 * ```
 * @throws {RangeError} when the columns differ in length.
 * @throws {DataError} when the file cannot be written.
 */
export async function writeTableParquet(path: string, table: ParquetTable): Promise<void> {
  const rows = table.columns[0]?.values.length ?? 0;
  for (const column of table.columns) {
    if (column.values.length !== rows) {
      throw new RangeError(`column ${column.name} has ${column.values.length} rows, not ${rows}`);
    }
  }
  const buffer = parquetWriteBuffer({
    columnData: table.columns.map((column) =>
      column.kind === "double"
        ? { name: column.name, data: [...column.values], type: "DOUBLE", nullable: true }
        : { name: column.name, data: [...column.values], type: "STRING", nullable: false }
    ),
    codec: "ZSTD",
    compressors: { ZSTD: zstdCompress },
    kvMetadata: Object.entries(table.metadata).map(([key, value]) => ({ key, value })),
    createdBy: "tesser-deno",
  });
  const temp = tempPathFor(path);
  try {
    await Deno.writeFile(temp, new Uint8Array(buffer), { createNew: true });
    await Deno.rename(temp, path);
    releaseTemp(temp);
  } catch (error) {
    await removeQuietly(temp).catch(() => undefined);
    throw writeFailure(path, error);
  }
}

/**
 * Reads a table written by {@linkcode writeTableParquet}.
 *
 * @throws {DataError} naming the file when it is missing or not such a table.
 */
export async function readTableParquet(path: string): Promise<ParquetTable> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw new DataError(
      `Cannot read ${path}: ${error instanceof Deno.errors.NotFound ? "no such file" : error}`,
      { location: { file: path } },
    );
  }
  try {
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const meta = parquetMetadata(file as ArrayBuffer);
    const leaves = meta.schema.slice(1);
    const rows = await parquetReadObjects({
      file: file as ArrayBuffer,
      compressors: { ZSTD: (input, length) => zstdDecompress(input, length) },
    });
    const columns: TableColumn[] = leaves.map((element) => {
      const values = rows.map((row) => row[element.name]);
      if (element.type === "DOUBLE") {
        return {
          name: element.name,
          kind: "double",
          values: values.map((v) => (v === null || v === undefined ? null : Number(v))),
        };
      }
      return { name: element.name, kind: "string", values: values.map((v) => String(v)) };
    });
    const metadata: Record<string, string> = {};
    for (const { key, value } of meta.key_value_metadata ?? []) {
      if (value !== undefined) metadata[key] = value;
    }
    return { columns, metadata };
  } catch (error) {
    throw new DataError(
      `Cannot read ${path} as a table: ${error instanceof Error ? error.message : String(error)}`,
      { location: { file: path }, hint: "the file is truncated or was not written by tesser" },
    );
  }
}
