/**
 * A clock that moves only when told to, standing in for the wall clock in tests of live
 * components: it ignores event times like the {@linkcode WallClock}, and it is its own
 * {@linkcode Sleeper}, so a live runner's timers fire exactly when the test advances it.
 *
 * @module
 */

import type { Micros } from "../domain/mod.ts";
import type { Clock } from "./clock.ts";
import type { Sleeper } from "./sleeper.ts";

interface Waiting {
  readonly at: Micros;
  readonly resolve: () => void;
}

/**
 * The manual clock.
 *
 * @example
 * ```ts
 * import { ManualClock } from "@tesser/tesser/engine";
 * import assert from "node:assert/strict";
 *
 * const clock = new ManualClock(1_000);
 * const woke = clock.sleepUntil(1_500, new AbortController().signal);
 * clock.advance(500);
 * await woke; // resolved: the clock reached 1,500 µs
 * assert.equal(clock.now(), 1_500);
 * ```
 */
export class ManualClock implements Clock, Sleeper {
  #now: Micros;
  #waiting: Waiting[] = [];

  /** Starts at `start` (µs), 0 by default. */
  constructor(start: Micros = 0) {
    this.#now = start;
  }

  /** The time the test set. */
  now(): Micros {
    return this.#now;
  }

  /** Event times do not move it (it stands for the wall clock). */
  observe(_ts: Micros): void {}

  /** Sleeps that have not woken yet. */
  get sleeping(): number {
    return this.#waiting.length;
  }

  /** Resolves once the clock is set to `at` or later. */
  sleepUntil(at: Micros, signal: AbortSignal): Promise<void> {
    if (at <= this.#now) return Promise.resolve();
    return new Promise<void>((resolve) => {
      if (signal.aborted) return;
      const entry: Waiting = { at, resolve };
      this.#waiting.push(entry);
      signal.addEventListener("abort", () => {
        this.#waiting = this.#waiting.filter((waiting) => waiting !== entry);
      }, { once: true });
    });
  }

  /** Moves the clock forward by `micros` and wakes the sleeps now due. */
  advance(micros: Micros): void {
    this.set(this.#now + micros);
  }

  /**
   * Sets the time and wakes the sleeps now due.
   *
   * @throws {RangeError} when `ts` is earlier than the current time.
   */
  set(ts: Micros): void {
    if (ts < this.#now) {
      throw new RangeError(`ManualClock: cannot go back from ${this.#now} to ${ts}`);
    }
    this.#now = ts;
    const due = this.#waiting.filter((waiting) => waiting.at <= ts);
    this.#waiting = this.#waiting.filter((waiting) => waiting.at > ts);
    for (const waiting of due) waiting.resolve();
  }
}
