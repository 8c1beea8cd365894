/**
 * Request counting for the venues' rate limits: fixed windows on the venue clock, per key
 * (an API key and endpoint, or an IP weight bucket). Lifted entirely for benchmarks.
 *
 * @module
 */

import type { SimClock } from "./clock.ts";

/** The state of one window after a request was counted. */
export interface RateWindow {
  /** Whether the request is within the limit. */
  readonly allowed: boolean;
  /** Used in this window, this request included. */
  readonly used: number;
  /** The limit. */
  readonly limit: number;
  /** Requests left in this window (0 when over). */
  readonly remaining: number;
  /** When the window resets, ms. */
  readonly resetAt: number;
}

/** Counts requests per key in fixed windows. */
export class RateLimiter {
  readonly #clock: SimClock;
  readonly #enabled: boolean;
  readonly #windows = new Map<string, { start: number; used: number }>();

  /** Makes a limiter; with `enabled` false every request is allowed (and still counted). */
  constructor(clock: SimClock, enabled: boolean) {
    this.#clock = clock;
    this.#enabled = enabled;
  }

  /** Counts `cost` for `key` against `limit` per `windowMs`. */
  hit(key: string, limit: number, windowMs: number, cost = 1): RateWindow {
    const now = this.#clock.now();
    const start = Math.floor(now / windowMs) * windowMs;
    let window = this.#windows.get(key);
    if (window === undefined || window.start !== start) {
      window = { start, used: 0 };
      this.#windows.set(key, window);
    }
    window.used += cost;
    const allowed = !this.#enabled || window.used <= limit;
    return {
      allowed,
      used: window.used,
      limit,
      remaining: Math.max(0, limit - window.used),
      resetAt: start + windowMs,
    };
  }

  /** What has been used of `key`'s current window. */
  used(key: string, windowMs: number): number {
    const window = this.#windows.get(key);
    const start = Math.floor(this.#clock.now() / windowMs) * windowMs;
    return window !== undefined && window.start === start ? window.used : 0;
  }
}
