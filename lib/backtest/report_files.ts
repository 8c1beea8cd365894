/**
 * Writes a backtest's output directory: `report.json`, `equity.parquet` (the curve at full
 * resolution), `equity.csv` (at most {@linkcode EQUITY_CSV_MAX_ROWS} rows: longer curves are
 * thinned to every 2ᵏ-th mark plus the last, unless written in full), `trades.csv`, `fills.csv`,
 * `orders.csv` and `report.html`. Nothing is ever half-written: the new report is a whole folder
 * filled under a temporary name next to the target, then renamed into place; an existing report
 * folder is swapped for it (old folder aside, new one in, old one removed, and put back if the
 * second rename fails), so a reader sees the old report or the new one, never a mix. Files of
 * others in the old folder are carried over (hard links). Large CSVs are streamed in chunks;
 * equity files the run already streamed are moved, not rewritten.
 *
 * @module
 */

import { dirname, join, resolve } from "node:path";
import { DataError, type Order } from "../domain/mod.ts";
import {
  isWriteFailure,
  releaseTemp,
  removeQuietly as removeTemp,
  tempPathFor,
  writeFailureReason,
} from "../data/mod.ts";
import type { TimedFill } from "../trader/mod.ts";
import type { RoundTrip } from "../portfolio/round_trip.ts";
import { EquityParquetWriter } from "../data/equity_parquet.ts";
import { EQUITY_CSV_MAX_ROWS, type EquityRecord } from "./equity_recorder.ts";
import {
  equityCsvChunks,
  type EquityRows,
  fillsCsvChunks,
  ordersCsvChunks,
  tradesCsvChunks,
} from "./_report_csv.ts";
import { type BacktestReport, reportToJson } from "./report.ts";
import { renderReportHtml } from "./report_html.ts";

export type { EquityCurve } from "./_report_csv.ts";

/** A fill with the simulated time it happened at. */
export type { TimedFill } from "../trader/mod.ts";

/** Everything the report files are made from. */
export interface ReportBundle {
  /** The report (→ `report.json` and the HTML metrics table). */
  readonly report: BacktestReport;
  /** The equity record of the run (→ `equity.parquet`, `equity.csv` and the charts). */
  readonly equity: EquityRecord;
  /** The round trips (→ `trades.csv` and the HTML trades table). */
  readonly roundTrips: readonly RoundTrip[];
  /** All fills in time order (→ `fills.csv`). */
  readonly fills: readonly TimedFill[];
  /** All orders in their final state (→ `orders.csv`). */
  readonly orders: readonly Order[];
  /** Each child's parent order (execution algorithms; absent when none ran). */
  readonly parentOf?: (clientOrderId: string) => string | undefined;
}

/** The files {@linkcode writeReportFiles} writes, in order. */
export const REPORT_FILES: readonly string[] = [
  "report.json",
  "equity.parquet",
  "equity.csv",
  "trades.csv",
  "fills.csv",
  "orders.csv",
  "report.html",
];

const encoder = new TextEncoder();

async function writeChunks(path: string, chunks: Iterable<string>): Promise<void> {
  const file = await Deno.open(path, { write: true, createNew: true });
  try {
    for (const chunk of chunks) {
      const bytes = encoder.encode(chunk);
      let offset = 0;
      while (offset < bytes.length) offset += await file.write(bytes.subarray(offset));
    }
    await file.sync();
  } finally {
    file.close();
  }
}

/** How {@linkcode writeReportFiles} writes `equity.csv`. */
export interface ReportFileOptions {
  /**
   * `limited` (default): at most {@linkcode EQUITY_CSV_MAX_ROWS} rows, thinned beyond that;
   * `full`: every mark (needs the whole curve: kept in memory or streamed by the run).
   */
  readonly equityCsv?: "limited" | "full";
}

/**
 * The sentence that says how `equity.csv` was thinned, or undefined when it holds every mark.
 */
export function equityCsvNote(record: EquityRecord, full = false): string | undefined {
  if (full || record.files.csv !== undefined || record.sample.stride === 1) return undefined;
  return `equity.csv holds every ${ordinal(record.sample.stride)} of ${
    record.length.toLocaleString("en-US")
  } marks and the last (${record.sample.length.toLocaleString("en-US")} rows, the limit is ${
    EQUITY_CSV_MAX_ROWS.toLocaleString("en-US")
  }); equity.parquet has every mark, --equity-csv full writes them all to the CSV`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13
    ? "th"
    : n % 10 === 1
    ? "st"
    : n % 10 === 2
    ? "nd"
    : n % 10 === 3
    ? "rd"
    : "th";
  return `${n}${suffix}`;
}

// The rows equity.csv is written from: the whole curve when asked and available, else the sample.
function equityCsvRows(
  record: EquityRecord,
  full: boolean,
): EquityRows {
  if (full) {
    if (record.full !== undefined) return record.full;
    if (record.sample.stride === 1) return record.sample;
    throw new RangeError(
      "equity.csv in full needs the whole curve: run with equityOutput stream (csvPath) or memory",
    );
  }
  if (record.full !== undefined && record.full.length <= EQUITY_CSV_MAX_ROWS) return record.full;
  return record.sample;
}

function contents(
  name: string,
  bundle: ReportBundle,
  options: ReportFileOptions,
): Iterable<string> {
  switch (name) {
    case "report.json":
      return [reportToJson(bundle.report)];
    case "equity.csv":
      return equityCsvChunks(equityCsvRows(bundle.equity, options.equityCsv === "full"));
    case "trades.csv":
      return tradesCsvChunks(bundle.roundTrips);
    case "fills.csv":
      return fillsCsvChunks(bundle.fills, bundle.parentOf);
    case "orders.csv":
      return ordersCsvChunks(bundle.orders, bundle.parentOf);
    case "report.html":
      return [
        renderReportHtml(bundle, {
          equityCsvNote: equityCsvNote(bundle.equity, options.equityCsv === "full"),
        }),
      ];
    default:
      throw new RangeError(`Unknown report file ${name}`);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    if (!info.isDirectory) {
      throw new Deno.errors.AlreadyExists(`${path} exists and is not a directory`);
    }
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function removeQuietly(path: string, recursive = false): Promise<void> {
  try {
    await removeTemp(path, recursive);
  } catch {
    // Best effort: the original error is the one worth reporting.
  }
}

// equity.parquet and equity.csv the run streamed are moved; the rest is written here.
async function writeFile(
  path: string,
  name: string,
  bundle: ReportBundle,
  options: ReportFileOptions,
): Promise<void> {
  const { files } = bundle.equity;
  if (name === "equity.parquet") {
    if (files.parquet !== undefined) return await move(files.parquet, path);
    return await writeEquityParquet(path, bundle.equity);
  }
  if (name === "equity.csv" && files.csv !== undefined) {
    return await move(files.csv, path);
  }
  const sampleCsv = files.sampleCsv;
  if (name === "equity.csv" && sampleCsv !== undefined && options.equityCsv !== "full") {
    await sampleCsv.written;
    return await move(sampleCsv.path, path);
  }
  await writeChunks(path, contents(name, bundle, options));
}

// The report's files in the order they are written: an equity.csv the equity worker is still
// writing is moved in last, so the run's thread writes the others meanwhile.
function writeOrder(bundle: ReportBundle): readonly string[] {
  if (bundle.equity.files.sampleCsv === undefined) return REPORT_FILES;
  return [...REPORT_FILES.filter((name) => name !== "equity.csv"), "equity.csv"];
}

async function move(from: string, to: string): Promise<void> {
  try {
    await Deno.rename(from, to);
  } catch (error) {
    // Another file system (the report folder is a mount point): copy, then drop the original.
    if (!(error instanceof Error) || !/cross-device|EXDEV/i.test(error.message)) throw error;
    await Deno.copyFile(from, to);
    await Deno.remove(from);
  }
  releaseTemp(from);
}

async function writeEquityParquet(path: string, record: EquityRecord): Promise<void> {
  const rows = record.full ?? (record.sample.stride === 1 ? record.sample : undefined);
  if (rows === undefined) {
    throw new RangeError(
      "equity.parquet needs the whole curve: run with equityOutput stream or memory",
    );
  }
  const writer = await EquityParquetWriter.create(path, {}, `${path}.part`);
  try {
    writer.append(rows.ts, rows.equity, rows.drawdown, rows.length);
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

/** The seam of the folder renames (tests make one fail to check the swap's undo). */
export interface ReportRename {
  /** Renames `from` to `to` (as `Deno.rename`). */
  (from: string, to: string): Promise<void>;
}

// Fills a new folder beside `target` with the report; returns its path (tracked as a temp).
async function writeTempDirectory(
  target: string,
  bundle: ReportBundle,
  options: ReportFileOptions,
): Promise<string> {
  const parent = dirname(target);
  await Deno.mkdir(parent, { recursive: true });
  const temp = tempPathFor(target, { hidden: true });
  try {
    await Deno.mkdir(temp);
    for (const name of writeOrder(bundle)) {
      await writeFile(join(temp, name), name, bundle, options);
    }
  } catch (error) {
    await removeQuietly(temp, true);
    throw error;
  }
  return temp;
}

// Hard links (else copies) of the old folder's other entries, so the swap loses none of them.
async function carryOver(from: string, to: string): Promise<void> {
  for await (const entry of Deno.readDir(from)) {
    const source = join(from, entry.name);
    const dest = join(to, entry.name);
    if (REPORT_FILES.includes(entry.name) && entry.isFile) continue;
    if (await exists(dest)) continue; // written by this report
    if (entry.isDirectory) {
      await Deno.mkdir(dest);
      await carryOver(source, dest);
    } else if (entry.isSymlink) {
      await Deno.symlink(await Deno.readLink(source), dest);
    } else {
      await Deno.link(source, dest).catch(() => Deno.copyFile(source, dest));
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

// Old folder aside, new folder in, old folder removed; the old one back if the second fails.
async function swapDirectory(target: string, temp: string, rename: ReportRename): Promise<void> {
  const aside = tempPathFor(`${target}.old`, { hidden: true });
  await rename(target, aside);
  try {
    await rename(temp, target);
  } catch (error) {
    await rename(aside, target).catch(() => undefined);
    releaseTemp(aside);
    throw error;
  }
  releaseTemp(temp);
  await removeQuietly(aside, true);
}

/**
 * Writes the report files into `dir` (created, with its parents, when missing) and returns
 * their paths in {@linkcode REPORT_FILES} order.
 *
 * @example
 * ```ts ignore
 * const paths = await writeReportFiles("out/sma-cross", bundle);
 * ```
 * @throws {DataError} naming the directory when it cannot be created or written; no partial
 * file is left behind and an existing report stays whole (`rename` is a seam for tests).
 * @throws {RangeError} when `equity.parquet` or a full `equity.csv` is asked of a curve the
 * run only summarised.
 */
export async function writeReportFiles(
  dir: string,
  bundle: ReportBundle,
  options: ReportFileOptions = {},
  rename: ReportRename = Deno.rename,
): Promise<readonly string[]> {
  const target = resolve(dir);
  let temp: string | undefined;
  try {
    const replace = await isDirectory(target);
    temp = await writeTempDirectory(target, bundle, options);
    if (replace) {
      await carryOver(target, temp);
      await swapDirectory(target, temp, rename);
    } else {
      await rename(temp, target);
      releaseTemp(temp);
    }
  } catch (error) {
    if (temp !== undefined) await removeQuietly(temp, true);
    await discardStreamed(bundle.equity);
    if (!(error instanceof Error) || isBug(error)) throw error;
    const reason = isWriteFailure(error) ? writeFailureReason(error) : error.message;
    throw new DataError(
      `Cannot write the backtest report to ${target}: ${reason}; the folder is as it was`,
      {
        hint: (error as { code?: unknown }).code === "ENOSPC"
          ? "free some space (or choose an output directory on another disk) and run again"
          : "choose an output directory that can be created and written",
        cause: error,
      },
    );
  }
  return REPORT_FILES.map((name) => join(target, name));
}

// Equity files the run streamed are not left behind when the report cannot be written.
async function discardStreamed(record: EquityRecord): Promise<void> {
  const { parquet, csv, sampleCsv } = record.files;
  // Not removed under the worker still writing it.
  await sampleCsv?.written.catch(() => undefined);
  for (const path of [parquet, csv, sampleCsv?.path]) {
    if (path !== undefined) await removeQuietly(path);
  }
}

/** Programming errors (bad bundle data) pass through unchanged rather than as I/O failures. */
function isBug(error: Error): boolean {
  return error instanceof RangeError || error instanceof TypeError;
}
