/**
 * Binance's kline interval names (`1m` … `1M`) as candle grids.
 *
 * @module
 */

import { intervalMillis, INTERVALS, isInterval } from "../_lib.ts";
import type { IntervalSpec } from "../klines.ts";

/** Every interval name Binance accepts: the library's bar intervals plus 3d, 1w and 1M. */
export const BINANCE_INTERVALS: readonly string[] = [...INTERVALS, "3d", "1w", "1M"];

/** The grid of a Binance interval name, or undefined for an unknown name. */
export function binanceInterval(name: string): IntervalSpec | undefined {
  if (name === "1w") return { calendar: "week" };
  if (name === "1M") return { calendar: "month" };
  if (name === "3d") return { minutes: 3 * 1440 };
  // Binance's names are case-sensitive ("1M" is a month), so no normalizing parse here.
  return isInterval(name) ? { minutes: intervalMillis(name) / 60_000 } : undefined;
}

/** The book update id Binance shows after `sequence` book changes (gapped on purpose: only `pu` links events). */
export function updateIdOf(sequence: number): number {
  return sequence * 10;
}
