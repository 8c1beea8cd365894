/**
 * The min-heap behind the k-way merges of sorted sources (`mergeEvents`, `mergeEventBatches`):
 * one cursor per source, ordered by its next event's time and, on equal times, by source index,
 * which is what keeps a merge stable.
 *
 * @module
 */

/** What the heap orders a source's cursor by. */
export interface SourceCursor {
  /** Index of the source (ties go to the lower index). */
  readonly source: number;
  /** Time of the source's next event. */
  time: number;
}

/** Whether cursor `a` comes before `b`. */
export function before(a: SourceCursor, b: SourceCursor): boolean {
  return a.time < b.time || (a.time === b.time && a.source < b.source);
}

/** Restores the heap order below `start` after its cursor moved later in time. */
export function siftDown<C extends SourceCursor>(heap: C[], start: number): void {
  const n = heap.length;
  let i = start;
  while (true) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < n && before(heap[l], heap[m])) m = l;
    if (r < n && before(heap[r], heap[m])) m = r;
    if (m === i) return;
    const tmp = heap[i];
    heap[i] = heap[m];
    heap[m] = tmp;
    i = m;
  }
}

/** Puts `heap` in heap order. */
export function heapify<C extends SourceCursor>(heap: C[]): void {
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i);
}
