/**
 * Waiting until a time on a clock: how a live runner lets timers fire on time when no event
 * arrives. {@linkcode WallSleeper} waits on the real timer of the runtime; tests inject a
 * {@linkcode ManualClock} instead, which is its own sleeper.
 *
 * @module
 */

import type { Micros } from "../domain/mod.ts";
import type { Clock } from "./clock.ts";

/** Waits until a time of some clock. */
export interface Sleeper {
  /**
   * Resolves once the clock reaches `at` (µs), or at once when it already has. When `signal`
   * aborts first the wait is cancelled (its timer released) and the promise never settles.
   */
  sleepUntil(at: Micros, signal: AbortSignal): Promise<void>;
}

/**
 * Sleeps on the runtime's timers against `clock` (a {@linkcode WallClock} in live trading).
 *
 * @example
 * ```ts
 * import { WallClock, WallSleeper } from "@tesser/tesser/engine";
 * import assert from "node:assert/strict";
 *
 * const clock = new WallClock();
 * const until = clock.now() + 1_000;
 * await new WallSleeper(clock).sleepUntil(until, new AbortController().signal);
 * assert.ok(clock.now() >= until);
 * ```
 */
export class WallSleeper implements Sleeper {
  readonly #clock: Clock;

  /** Sleeps against `clock`. */
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Waits for the clock to reach `at` (rounded up to the timer's millisecond). */
  sleepUntil(at: Micros, signal: AbortSignal): Promise<void> {
    const delayMs = Math.max(0, Math.ceil((at - this.#clock.now()) / 1000));
    return new Promise<void>((resolve) => {
      if (signal.aborted) return;
      const id = setTimeout(() => {
        signal.removeEventListener("abort", cancel);
        resolve();
      }, delayMs);
      const cancel = (): void => clearTimeout(id);
      signal.addEventListener("abort", cancel, { once: true });
    });
  }
}
