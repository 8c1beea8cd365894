/**
 * The session clock of a paper session with tick matching: it reads the receive time of what
 * the session is handling — a frame's stamp, a timer's due time, a venue report's arrival —
 * never the wall clock read again, so every time the strategy, the OMS and the paper venue see
 * is a recorded time and a replay of the recording sees the same ones. It only moves forward.
 *
 * @module
 */

import type { Micros } from "../domain/mod.ts";
import type { Clock } from "../engine/mod.ts";

/**
 * A clock pinned to the time of the item being handled (see the module doc).
 *
 * @example
 * ```ts
 * import { PaperTickClock } from "@tesser/tesser/live";
 * import assert from "node:assert/strict";
 *
 * const clock = new PaperTickClock(1_000);
 * clock.observe(1_500);
 * clock.observe(1_200); // an exchange time earlier than the receive time: no effect
 * assert.equal(clock.now(), 1_500);
 * ```
 */
export class PaperTickClock implements Clock {
  #now: Micros;

  /** Starts at `start` (µs): the receive clock's reading when the session is built. */
  constructor(start: Micros) {
    this.#now = start;
  }

  /** The time of the item being handled (or of the last one). */
  now(): Micros {
    return this.#now;
  }

  /** Moves to `ts` when it is later (items are handled in receive-time order). */
  observe(ts: Micros): void {
    if (ts > this.#now) this.#now = ts;
  }
}
