/**
 * Writes a backtest's output directory: `report.json`, `equity.csv`, `trades.csv`,
 * `fills.csv`, `orders.csv` and `report.html`. Nothing is ever half-written: the new report is
 * a whole folder filled under a temporary name next to the target, then renamed into place; an
 * existing report folder is swapped for it (old folder aside, new one in, old one removed, and
 * put back if the second rename fails), so a reader sees the old report or the new one, never
 * a mix. Files of others in the old folder are carried over (hard links). Large CSVs are
 * streamed in chunks.
 *
 * @module
 */

import { dirname, join, resolve } from "node:path";
import {
  isWriteFailure,
  releaseTemp,
  removeQuietly as removeTemp,
  tempPathFor,
  writeFailureReason,
} from "../data/mod.ts";
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
      return fillsCsvChunks(bundle.fills);
    case "orders.csv":
      return ordersCsvChunks(bundle.orders);
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
    await removeTemp(path, recursive);
  } catch {
    // Best effort: the original error is the one worth reporting.
  }
}

/** The seam of the folder renames (tests make one fail to check the swap's undo). */
export interface ReportRename {
  /** Renames `from` to `to` (as `Deno.rename`). */
  (from: string, to: string): Promise<void>;
}

// Fills a new folder beside `target` with the report; returns its path (tracked as a temp).
async function writeTempDirectory(target: string, bundle: ReportBundle): Promise<string> {
  const parent = dirname(target);
  await Deno.mkdir(parent, { recursive: true });
  const temp = tempPathFor(target, { hidden: true });
  try {
    await Deno.mkdir(temp);
    for (const name of REPORT_FILES) await writeChunks(join(temp, name), contents(name, bundle));
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
 * file is left behind.
 * @throws {RangeError} when the equity curve's `length` exceeds its arrays.
 */
export async function writeReportFiles(
  dir: string,
  bundle: ReportBundle,
  rename: ReportRename = Deno.rename,
): Promise<readonly string[]> {
  const { equity } = bundle;
  if (
    !Number.isSafeInteger(equity.length) || equity.length < 0 ||
    equity.length > equity.ts.length || equity.length > equity.equity.length
  ) {
    throw new RangeError(`Equity curve length ${equity.length} does not fit its arrays`);
  }
  const target = resolve(dir);
  let temp: string | undefined;
  try {
    const replace = await isDirectory(target);
    temp = await writeTempDirectory(target, bundle);
    if (replace) {
      await carryOver(target, temp);
      await swapDirectory(target, temp, rename);
    } else {
      await rename(temp, target);
      releaseTemp(temp);
    }
  } catch (error) {
    if (temp !== undefined) await removeQuietly(temp, true);
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

/** Programming errors (bad bundle data) pass through unchanged rather than as I/O failures. */
function isBug(error: Error): boolean {
  return error instanceof RangeError || error instanceof TypeError;
}
