/**
 * A time-ordered queue of future events (latency, timers): a binary min-heap on
 * `(ts, insertion sequence)`, so events due at the same time come out in the order they
 * were scheduled. O(log n) push and pop.
 *
 * @module
 */

import type { Micros } from "../domain/mod.ts";
import type { Event } from "../events/mod.ts";

interface Entry {
  readonly at: Micros;
  readonly seq: number;
  readonly event: Event;
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Events waiting for their time. */
export class Scheduler {
  #heap: Entry[] = [];
  #seq = 0;

  /** Number of waiting events. */
  get size(): number {
    return this.#heap.length;
  }

  /** When the next event is due, or `undefined` when none waits. */
  get nextTime(): Micros | undefined {
    return this.#heap[0]?.at;
  }

  /** Queues `event` to be processed at `at` (µs). */
  schedule(at: Micros, event: Event): void {
    const heap = this.#heap;
    heap.push({ at, seq: this.#seq++, event });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  /** Removes and returns the earliest event due at or before `ts`, or `undefined`. */
  popDue(ts: Micros): { readonly at: Micros; readonly event: Event } | undefined {
    const heap = this.#heap;
    const top = heap[0];
    if (top === undefined || top.at > ts) return undefined;
    const last = heap.pop();
    if (last !== undefined && heap.length > 0) {
      heap[0] = last;
      let i = 0;
      while (true) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && before(heap[left], heap[smallest])) smallest = left;
        if (right < heap.length && before(heap[right], heap[smallest])) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest], heap[i]];
        i = smallest;
      }
    }
    return top;
  }
}
