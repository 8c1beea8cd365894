/**
 * The CSV → candle mapping config (`configs/etl/*.toml`): which column holds the time and in
 * what format, which hold OHLCV, the delimiter and header. Follows the
 * `EtlConfigOptions` → {@linkcode resolveEtlConfig} → {@linkcode ResolvedEtlConfig} shape; the
 * TOML parsing goes through `lib/config/toml.ts`, the one wrapper of smol-toml.
 *
 * @module
 */

import { parseToml } from "../config/toml.ts";
import {
  ConfigError,
  type Interval,
  parseInterval,
  type SymbolId,
  symbolId,
} from "../domain/mod.ts";

/** How a time column is written. */
export type TimeFormat =
  | "rfc3339"
  | "epoch_s"
  | "epoch_ms"
  | "epoch_us"
  | "epoch_ns"
  | "epoch_auto";

/** The time formats, for messages and docs. */
export const TIME_FORMATS: readonly TimeFormat[] = [
  "rfc3339",
  "epoch_s",
  "epoch_ms",
  "epoch_us",
  "epoch_ns",
  "epoch_auto",
];

/** A column chosen by 0-based index or by header name. */
export type ColumnRef = { readonly index: number } | { readonly name: string };

/** A fully resolved mapping, with defaults applied. */
export interface ResolvedEtlConfig {
  /** Cell delimiter (default `,`). */
  readonly delimiter: string;
  /** Whether the first line is a header; `auto` skips it when its time cell does not parse. */
  readonly header: boolean | "auto";
  /** The bar open time column. */
  readonly time: ColumnRef;
  /** Its format. */
  readonly timeFormat: TimeFormat;
  /** Open price column. */
  readonly open: ColumnRef;
  /** High price column. */
  readonly high: ColumnRef;
  /** Low price column. */
  readonly low: ColumnRef;
  /** Close price column. */
  readonly close: ColumnRef;
  /** Volume column; absent means volume 0. */
  readonly volume: ColumnRef | undefined;
  /** Fixed symbol for every row, when the config names one. */
  readonly symbol: SymbolId | undefined;
  /** Fixed interval, when the config names one. */
  readonly interval: Interval | undefined;
}

const TOP_KEYS = ["csv", "fields", "symbol", "interval"];
const CSV_KEYS = ["delimiter", "has_header"];
const FIELD_KEYS = ["timestamp", "open", "high", "low", "close", "volume", "symbol", "interval"];
const COLUMN_KEYS = ["col", "name", "format"];

function fail(file: string, reason: string, hint?: string): never {
  throw new ConfigError(reason, { location: { file }, hint });
}

function table(file: string, value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(file, `${where} must be a table`);
  }
  return value as Record<string, unknown>;
}

function checkKeys(file: string, record: Record<string, unknown>, valid: string[], where: string) {
  for (const key of Object.keys(record)) {
    if (!valid.includes(key)) {
      fail(file, `Unknown key "${key}" in ${where}`, `valid keys are ${valid.join(", ")}`);
    }
  }
}

function columnRef(file: string, value: unknown, where: string): ColumnRef {
  const spec = table(file, value, where);
  checkKeys(file, spec, COLUMN_KEYS, where);
  const { col, name } = spec;
  if (col !== undefined) {
    if (typeof col !== "number" || !Number.isInteger(col) || col < 0) {
      fail(file, `${where}.col must be a 0-based column index, got ${JSON.stringify(col)}`);
    }
    return { index: col };
  }
  if (typeof name === "string" && name !== "") return { name };
  return fail(file, `${where} needs "col" (0-based index) or "name" (header name)`);
}

/**
 * Validates a parsed ETL config (the TOML as a plain object) and applies defaults.
 *
 * @throws {ConfigError} naming `file`, the bad key and the valid ones.
 */
export function resolveEtlConfig(raw: unknown, file = "<etl config>"): ResolvedEtlConfig {
  const top = table(file, raw, "the config");
  checkKeys(file, top, TOP_KEYS, "the config");
  const csv = table(file, top.csv ?? {}, "[csv]");
  checkKeys(file, csv, CSV_KEYS, "[csv]");
  const fields = table(file, top.fields ?? fail(file, "Missing [fields] table"), "[fields]");
  checkKeys(file, fields, FIELD_KEYS, "[fields]");

  const delimiter = csv.delimiter ?? ",";
  if (typeof delimiter !== "string" || delimiter.length === 0) {
    fail(file, `[csv].delimiter must be a non-empty string, got ${JSON.stringify(delimiter)}`);
  }
  const header = csv.has_header ?? true;
  if (header !== true && header !== false && header !== "auto") {
    fail(file, `[csv].has_header must be true, false or "auto", got ${JSON.stringify(header)}`);
  }
  const need = (key: string): ColumnRef => {
    if (fields[key] === undefined) fail(file, `Missing [fields].${key}`);
    return columnRef(file, fields[key], `[fields].${key}`);
  };
  const timeSpec = table(
    file,
    fields.timestamp ?? fail(file, "Missing [fields].timestamp"),
    "[fields].timestamp",
  );
  const format = timeSpec.format ?? "rfc3339";
  if (typeof format !== "string" || !(TIME_FORMATS as readonly string[]).includes(format)) {
    fail(
      file,
      `Unknown [fields].timestamp.format ${JSON.stringify(format)}`,
      `expected one of ${TIME_FORMATS.join(", ")}`,
    );
  }
  const constant = (key: "symbol" | "interval"): string | undefined => {
    const value = fields[key] ?? top[key];
    if (value === undefined) return undefined;
    if (typeof value !== "string") fail(file, `${key} must be a string such as "1m"`);
    return value;
  };
  let symbol: SymbolId | undefined;
  let interval: Interval | undefined;
  try {
    const s = constant("symbol");
    symbol = s === undefined ? undefined : symbolId(s);
    const i = constant("interval");
    interval = i === undefined ? undefined : parseInterval(i);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    fail(file, (error as Error).message);
  }
  return {
    delimiter,
    header,
    time: need("timestamp"),
    timeFormat: format as TimeFormat,
    open: need("open"),
    high: need("high"),
    low: need("low"),
    close: need("close"),
    volume: fields.volume === undefined ? undefined : need("volume"),
    symbol,
    interval,
  };
}

/** Reads and resolves an ETL config TOML file. */
export async function loadEtlConfig(path: string): Promise<ResolvedEtlConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new ConfigError("Cannot read ETL config: no such file", {
      location: { file: path },
      cause: error,
    });
  }
  return resolveEtlConfig(parseToml(text, path), path);
}

/** The mapping of Binance's public kline CSV (12 columns, open time in ms or µs). */
export const BINANCE_KLINE_CONFIG: ResolvedEtlConfig = {
  delimiter: ",",
  header: "auto",
  time: { index: 0 },
  timeFormat: "epoch_auto",
  open: { index: 1 },
  high: { index: 2 },
  low: { index: 3 },
  close: { index: 4 },
  volume: { index: 5 },
  symbol: undefined,
  interval: undefined,
};
