/**
 * The simulator's clock, in exchange milliseconds. Tests inject a {@linkcode ManualClock} so
 * timestamps, recv-window checks, rate-limit windows and listenKey expiry need no sleeping;
 * the clock-skew fault shifts what the venue believes the time is.
 *
 * @module
 */

/** A source of the current time in milliseconds since the Unix epoch. */
export interface SimClock {
  /** The current time, ms. */
  now(): number;
}

/** The wall clock. */
export const WALL_CLOCK: SimClock = { now: () => Date.now() };

/** A clock that moves only when told to. */
export class ManualClock implements SimClock {
  #now: number;

  /** Starts at `start` ms (default 2026-01-01T00:00:00Z). */
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  /** The current time, ms. */
  now(): number {
    return this.#now;
  }

  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`Cannot move the clock by ${ms} ms: it must be ≥ 0`);
    this.#now += ms;
  }

  /** Sets the clock to `ms` (it may not go backwards). */
  set(ms: number): void {
    if (ms < this.#now) {
      throw new RangeError(`Cannot set the clock back from ${this.#now} to ${ms}`);
    }
    this.#now = ms;
  }
}

/** A clock whose reading is another clock's plus an adjustable skew (the clock-skew fault). */
export class SkewedClock implements SimClock {
  readonly #base: SimClock;
  /** Milliseconds added to the base clock. */
  skew = 0;

  /** Wraps `base`. */
  constructor(base: SimClock) {
    this.#base = base;
  }

  /** The base time plus the skew. */
  now(): number {
    return this.#base.now() + this.skew;
  }
}
