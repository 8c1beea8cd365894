/**
 * Bar intervals (`1m` … `1d`): parsing, lengths and alignment. A bar with open time `t`
 * covers `[t, t + length)`; bars are aligned to multiples of their length since the epoch.
 *
 * @module
 */

import { type Micros, MICROS_PER_MINUTE } from "./time.ts";

/** The supported bar intervals. */
export const INTERVALS = [
  "1m",
  "3m",
  "5m",
  "15m",
  "30m",
  "1h",
  "2h",
  "4h",
  "6h",
  "8h",
  "12h",
  "1d",
] as const;

/** A bar interval such as `1m` or `4h`. */
export type Interval = typeof INTERVALS[number];

const MINUTES: Readonly<Record<Interval, number>> = {
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
};

/** Whether `text` is a supported interval. */
export function isInterval(text: string): text is Interval {
  return Object.hasOwn(MINUTES, text);
}

/**
 * Parses an interval (`1m`, `1H`, `1d`, and the aliases `60m`/`1440m`/`24h`).
 *
 * @throws {RangeError} naming the valid intervals when the text is not one.
 */
export function parseInterval(text: string): Interval {
  const normalized = text.trim().toLowerCase();
  if (isInterval(normalized)) return normalized;
  const match = /^(\d+)([mhd])$/.exec(normalized);
  if (match !== null) {
    const unit = match[2] === "m" ? 1 : match[2] === "h" ? 60 : 1440;
    const minutes = Number(match[1]) * unit;
    const found = INTERVALS.find((interval) => MINUTES[interval] === minutes);
    if (found !== undefined) return found;
  }
  throw new RangeError(`Unknown interval "${text}": expected one of ${INTERVALS.join(", ")}`);
}

/** Length of one bar in microseconds. */
export function intervalMicros(interval: Interval): Micros {
  return MINUTES[interval] * MICROS_PER_MINUTE;
}

/** Length of one bar in milliseconds. */
export function intervalMillis(interval: Interval): number {
  return MINUTES[interval] * 60_000;
}

/** Open time of the bar that contains `ts` (floors to the interval grid, UTC). */
export function alignToInterval(ts: Micros, interval: Interval): Micros {
  const length = intervalMicros(interval);
  return Math.floor(ts / length) * length;
}

/** Whether `coarse` is a whole multiple of `fine` (so `fine` bars can be resampled into it). */
export function isMultipleOf(coarse: Interval, fine: Interval): boolean {
  return MINUTES[coarse] % MINUTES[fine] === 0;
}
