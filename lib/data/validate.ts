/**
 * Candle data checks: gaps (missing bars), duplicates, time going backwards, OHLC sanity,
 * non-positive prices, negative volume and NaN, with 1-based row numbers.
 *
 * @module
 */

import { intervalMicros, toIso } from "../domain/mod.ts";
import type { CandleBatch } from "./candle_batch.ts";

/** The kinds of problem {@linkcode validateCandles} reports. */
export type CandleProblemKind =
  | "gap"
  | "duplicate"
  | "non-monotonic"
  | "ohlc"
  | "non-positive-price"
  | "negative-volume"
  | "nan";

/** One problem, at a 1-based data row. */
export interface CandleIssue {
  /** What is wrong. */
  readonly kind: CandleProblemKind;
  /** 1-based row number in the file (data rows, header excluded). */
  readonly row: number;
  /** One-line explanation. */
  readonly message: string;
}

/** Summary of a validation run. */
export interface ValidationReport {
  /** Rows checked. */
  readonly rows: number;
  /** First bar open time, µs (NaN when empty). */
  readonly first: number;
  /** Last bar open time, µs (NaN when empty). */
  readonly last: number;
  /** Number of missing bars in all gaps. */
  readonly missingBars: number;
  /** Count per kind. */
  readonly counts: Readonly<Record<CandleProblemKind, number>>;
  /** The first problems, up to `maxIssues`. */
  readonly issues: readonly CandleIssue[];
  /** Whether no problem was found. */
  readonly ok: boolean;
}

/** Options of {@linkcode validateCandles}. */
export interface ValidateOptions {
  /** How many problems to keep with details (default 20). */
  readonly maxIssues?: number;
}

/** Checks candle batches (one series, in file order) and reports every problem found. */
export async function validateCandles(
  batches: AsyncIterable<CandleBatch> | Iterable<CandleBatch>,
  options: ValidateOptions = {},
): Promise<ValidationReport> {
  const max = options.maxIssues ?? 20;
  const counts: Record<CandleProblemKind, number> = {
    gap: 0,
    duplicate: 0,
    "non-monotonic": 0,
    ohlc: 0,
    "non-positive-price": 0,
    "negative-volume": 0,
    nan: 0,
  };
  const issues: CandleIssue[] = [];
  const report = (kind: CandleProblemKind, row: number, message: string): void => {
    counts[kind]++;
    if (issues.length < max) issues.push({ kind, row, message });
  };
  let row = 0;
  let previous = NaN;
  let first = NaN;
  let missingBars = 0;
  for await (const batch of batches) {
    const length = intervalMicros(batch.interval);
    for (let i = 0; i < batch.length; i++) {
      row++;
      const ts = batch.ts[i] as number;
      const o = batch.open[i] as number;
      const h = batch.high[i] as number;
      const l = batch.low[i] as number;
      const c = batch.close[i] as number;
      const v = batch.volume[i] as number;
      if (Number.isNaN(first)) first = ts;
      if (!Number.isNaN(previous)) {
        if (ts === previous) report("duplicate", row, `duplicate bar at ${toIso(ts)}`);
        else if (ts < previous) {
          report(
            "non-monotonic",
            row,
            `time ${toIso(ts)} is before the previous ${toIso(previous)}`,
          );
        } else if (ts - previous > length) {
          const missing = Math.round((ts - previous) / length) - 1;
          missingBars += missing;
          report(
            "gap",
            row,
            `${missing} missing bar(s) between ${toIso(previous)} and ${toIso(ts)}`,
          );
        }
      }
      previous = Number.isNaN(previous) || ts > previous ? ts : previous;
      if ([o, h, l, c, v].some(Number.isNaN)) {
        report("nan", row, "a price or the volume is NaN");
        continue;
      }
      if (o <= 0 || h <= 0 || l <= 0 || c <= 0) {
        report("non-positive-price", row, `prices must be positive (o ${o} h ${h} l ${l} c ${c})`);
      }
      if (v < 0) report("negative-volume", row, `volume ${v} is negative`);
      if (h < l) report("ohlc", row, `high ${h} is below low ${l}`);
      else if (o < l || o > h) report("ohlc", row, `open ${o} is outside [low ${l}, high ${h}]`);
      else if (c < l || c > h) report("ohlc", row, `close ${c} is outside [low ${l}, high ${h}]`);
    }
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    rows: row,
    first,
    last: previous,
    missingBars,
    counts,
    issues,
    ok: total === 0,
  };
}
