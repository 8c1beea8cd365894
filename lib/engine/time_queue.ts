/**
 * A min-heap of items keyed by `(time, insertion sequence)`: scheduled events, orders on their
 * way to a venue, reports on their way back. Items due at the same time come out in the order
 * they were pushed, which keeps runs deterministic. O(log n) push and pop.
 *
 * @module
 */

interface Entry<T> {
  readonly at: number;
  readonly seq: number;
  readonly item: T;
}

function before<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** A time-ordered queue. */
export class TimeQueue<T> {
  #heap: Entry<T>[] = [];
  #seq = 0;

  /** Number of waiting items. */
  get size(): number {
    return this.#heap.length;
  }

  /** Time of the earliest item, `Infinity` when empty. */
  get nextTime(): number {
    return this.#heap.length > 0 ? this.#heap[0].at : Infinity;
  }

  /** Adds `item` due at `at`. */
  push(at: number, item: T): void {
    const heap = this.#heap;
    heap.push({ at, seq: this.#seq++, item });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  /**
   * Removes and returns the earliest item.
   *
   * @throws {RangeError} when empty.
   */
  pop(): { readonly at: number; readonly item: T } {
    const heap = this.#heap;
    const top = heap[0];
    if (top === undefined) throw new RangeError("TimeQueue.pop on an empty queue");
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
