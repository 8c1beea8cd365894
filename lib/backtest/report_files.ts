/**
 * Writes a backtest's output directory: `report.json`, `equity.csv`, `trades.csv`,
 * `fills.csv`, `orders.csv` and `report.html`. Nothing is ever half-written: a new directory is
 * filled under a temporary name next to the target and renamed into place; in an existing
 * directory every file is written to a temporary name first and renamed only once all of them
 * are complete. Large CSVs are streamed in chunks.
 *
 * @module
 */

import { basename, dirname, join, resolve } from "node:path";
import { DataError, type Order } from "../domain/mod.ts";
import type { TimedFill } from "../trader/mod.ts";
import type { RoundTrip } from "../portfolio/round_trip.ts";
import {
  equityCsvChunks,
  type EquityCurve,
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
  /** The equity curve, one mark per bar (→ `equity.csv` and the charts). */
  readonly equity: EquityCurve;
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
  "equity.csv",
  "trades.csv",
  "fills.csv",
  "orders.csv",
  "report.html",
];

const encoder = new TextEncoder();

function suffix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

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

function contents(name: string, bundle: ReportBundle): Iterable<string> {
  switch (name) {
    case "report.json":
      return [reportToJson(bundle.report)];
    case "equity.csv":
      return equityCsvChunks(bundle.equity, Number(bundle.report.initialEquity));
    case "trades.csv":
      return tradesCsvChunks(bundle.roundTrips);
    case "fills.csv":
      return fillsCsvChunks(bundle.fills, bundle.parentOf);
    case "orders.csv":
      return ordersCsvChunks(bundle.orders, bundle.parentOf);
    case "report.html":
      return [renderReportHtml(bundle)];
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
    await Deno.remove(path, { recursive });
  } catch {
    // Best effort: the original error is the one worth reporting.
  }
}

async function writeNewDirectory(target: string, bundle: ReportBundle): Promise<void> {
  const parent = dirname(target);
  await Deno.mkdir(parent, { recursive: true });
  const temp = join(parent, `.${basename(target)}.tmp-${suffix()}`);
  await Deno.mkdir(temp);
  try {
    for (const name of REPORT_FILES) await writeChunks(join(temp, name), contents(name, bundle));
    await Deno.rename(temp, target);
  } catch (error) {
    await removeQuietly(temp, true);
    throw error;
  }
}

async function replaceInDirectory(target: string, bundle: ReportBundle): Promise<void> {
  const tag = suffix();
  const temps: string[] = [];
  try {
    for (const name of REPORT_FILES) {
      const temp = join(target, `.${name}.tmp-${tag}`);
      temps.push(temp);
      await writeChunks(temp, contents(name, bundle));
    }
    for (let i = 0; i < REPORT_FILES.length; i++) {
      await Deno.rename(temps[i], join(target, REPORT_FILES[i]));
    }
  } catch (error) {
    for (const temp of temps) await removeQuietly(temp);
    throw error;
  }
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
 * file is left behind.
 * @throws {RangeError} when the equity curve's `length` exceeds its arrays.
 */
export async function writeReportFiles(
  dir: string,
  bundle: ReportBundle,
): Promise<readonly string[]> {
  const { equity } = bundle;
  if (
    !Number.isSafeInteger(equity.length) || equity.length < 0 ||
    equity.length > equity.ts.length || equity.length > equity.equity.length
  ) {
    throw new RangeError(`Equity curve length ${equity.length} does not fit its arrays`);
  }
  const target = resolve(dir);
  try {
    if (await isDirectory(target)) await replaceInDirectory(target, bundle);
    else await writeNewDirectory(target, bundle);
  } catch (error) {
    if (!(error instanceof Error) || isBug(error)) throw error;
    throw new DataError(`Cannot write the backtest report to ${target}: ${error.message}`, {
      hint: "choose an output directory that can be created and written",
      cause: error,
    });
  }
  return REPORT_FILES.map((name) => join(target, name));
}

/** Programming errors (bad bundle data) pass through unchanged rather than as I/O failures. */
function isBug(error: Error): boolean {
  return error instanceof RangeError || error instanceof TypeError;
}
