/**
 * Bybit's kline interval names (`1`…`720`, `D`, `W`, `M`) as candle grids.
 *
 * @module
 */

import type { IntervalSpec } from "../klines.ts";

/** The grid of a Bybit interval name, or undefined for an unknown name. */
export function bybitInterval(name: string): IntervalSpec | undefined {
  switch (name) {
    case "1":
    case "3":
    case "5":
    case "15":
    case "30":
    case "60":
    case "120":
    case "240":
    case "360":
    case "720":
      return { minutes: Number(name) };
    case "D":
      return { minutes: 1440 };
    case "W":
      return { calendar: "week" };
    case "M":
      return { calendar: "month" };
    default:
      return undefined;
  }
}

/** Every interval name Bybit accepts. */
export const BYBIT_INTERVALS: readonly string[] = [
  "1",
  "3",
  "5",
  "15",
  "30",
  "60",
  "120",
  "240",
  "360",
  "720",
  "D",
  "W",
  "M",
];
