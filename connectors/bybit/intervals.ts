/**
 * Our bar intervals ↔ Bybit's kline interval codes (minutes, or `D` for a day).
 *
 * @module
 */

import { ConfigError, type Interval } from "../../lib/domain/mod.ts";

const TO_BYBIT: Readonly<Partial<Record<Interval, string>>> = {
  "1m": "1",
  "3m": "3",
  "5m": "5",
  "15m": "15",
  "30m": "30",
  "1h": "60",
  "2h": "120",
  "4h": "240",
  "6h": "360",
  "12h": "720",
  "1d": "D",
};

/**
 * Bybit's code for `interval`.
 *
 * @throws {ConfigError} for an interval Bybit has no klines of (8h).
 */
export function bybitInterval(interval: Interval): string {
  const code = TO_BYBIT[interval];
  if (code === undefined) {
    throw new ConfigError(`Bybit has no ${interval} klines`, {
      hint: `use one of ${Object.keys(TO_BYBIT).join(", ")}`,
    });
  }
  return code;
}

/** Our interval for Bybit's code, or undefined for one we do not model (W, M). */
export function fromBybitInterval(code: string): Interval | undefined {
  for (const [ours, theirs] of Object.entries(TO_BYBIT)) {
    if (theirs === code) return ours as Interval;
  }
  return undefined;
}
