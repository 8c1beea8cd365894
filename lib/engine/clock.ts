/**
 * Clocks. The engine reads time only through a {@linkcode Clock}: the backtest clock is the
 * time of the event being processed, the live clock is the wall clock. Nothing else in the
 * core reads the real time.
 *
 * @module
 */

import type { Micros } from "../domain/mod.ts";

/** A source of the current time. */
export interface Clock {
  /** The current time, µs since the epoch. */
  now(): Micros;
  /** Told the time of each event the engine is about to process. */
  observe(ts: Micros): void;
}

/** Event time: `now()` is the latest observed event time (never moves backwards). */
export class EventClock implements Clock {
  #now: Micros;

  /** Starts at `start` (µs), 0 by default. */
  constructor(start: Micros = 0) {
    this.#now = start;
  }

  /** The latest observed event time. */
  now(): Micros {
    return this.#now;
  }

  /** Advances to `ts` when it is later than the current time. */
  observe(ts: Micros): void {
    if (ts > this.#now) this.#now = ts;
  }
}

/** Wall-clock time for live trading; ignores event times. */
export class WallClock implements Clock {
  /** The system time, µs since the epoch (millisecond resolution). */
  now(): Micros {
    return Date.now() * 1000;
  }

  /** Event times do not move the wall clock. */
  observe(_ts: Micros): void {}
}
