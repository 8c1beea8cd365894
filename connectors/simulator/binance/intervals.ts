/**
 * Binance's kline interval names (`1m` … `1M`) as candle grids.
 *
 * @module
 */

import type { IntervalSpec } from "../klines.ts";

const MINUTES: Readonly<Record<string, number>> = {
  "1m": 1,
  "3m": 3,
  "5m": 5,
  "15m": 15,
  "30m": 30,
  "1h": 60,
  "2h": 120,
  "4h": 240,
  "6h": 360,
  "8h": 480,
  "12h": 720,
  "1d": 1440,
  "3d": 4320,
};

/** Every interval name Binance accepts. */
export const BINANCE_INTERVALS: readonly string[] = [...Object.keys(MINUTES), "1w", "1M"];

/** The grid of a Binance interval name, or undefined for an unknown name. */
export function binanceInterval(name: string): IntervalSpec | undefined {
  if (name === "1w") return { calendar: "week" };
  if (name === "1M") return { calendar: "month" };
  const minutes = MINUTES[name];
  return minutes === undefined ? undefined : { minutes };
}

/** The book update id Binance shows after `sequence` book changes (gapped on purpose: only `pu` links events). */
export function updateIdOf(sequence: number): number {
  return sequence * 10;
}
