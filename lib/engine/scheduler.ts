/**
 * The engine's queue of future events (latency, timers): a {@linkcode TimeQueue} of events, so
 * events due at the same time come out in the order they were scheduled.
 *
 * @module
 */

import type { Micros } from "../domain/mod.ts";
import type { Event } from "../events/mod.ts";
import { TimeQueue } from "./time_queue.ts";

/** Events waiting for their time. */
export class Scheduler {
  readonly #queue = new TimeQueue<Event>();

  /** Number of waiting events. */
  get size(): number {
    return this.#queue.size;
  }

  /** When the next event is due, or `undefined` when none waits. */
  get nextTime(): Micros | undefined {
    return this.#queue.size > 0 ? this.#queue.nextTime : undefined;
  }

  /** Queues `event` to be processed at `at` (µs). */
  schedule(at: Micros, event: Event): void {
    this.#queue.push(at, event);
  }

  /** Removes and returns the earliest event due at or before `ts`, or `undefined`. */
  popDue(ts: Micros): { readonly at: Micros; readonly event: Event } | undefined {
    if (this.#queue.nextTime > ts) return undefined;
    const { at, item } = this.#queue.pop();
    return { at, event: item };
  }
}
