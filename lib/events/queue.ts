/**
 * A bounded async FIFO queue between live producers (WebSocket feeds, REST callbacks) and the
 * engine. Two policies: `drop-oldest` for market data (the newest data matters; drops are
 * counted) and `backpressure` for orders and fills (never dropped; producers wait for room).
 *
 * @module
 */

/** What happens when a full queue receives an item. */
export type QueuePolicy = "drop-oldest" | "backpressure";

/** Options of {@linkcode BoundedQueue}. */
export interface BoundedQueueOptions {
  /** Maximum number of items held; a positive integer. */
  readonly capacity: number;
  /** Full-queue behaviour. */
  readonly policy: QueuePolicy;
}

/**
 * The queue. One consumer takes items with {@linkcode BoundedQueue.take} or `for await`.
 *
 * @example
 * ```ts
 * import { BoundedQueue } from "@tesser/tesser/events";
 * import assert from "node:assert/strict";
 *
 * const queue = new BoundedQueue<number>({ capacity: 2, policy: "drop-oldest" });
 * queue.offer(1); queue.offer(2); queue.offer(3);
 * assert.equal(queue.dropped, 1);
 * ```
 */
export class BoundedQueue<T extends NonNullable<unknown>> implements AsyncIterable<T> {
  readonly #capacity: number;
  readonly #policy: QueuePolicy;
  readonly #items: (T | undefined)[];
  #head = 0;
  #size = 0;
  #dropped = 0;
  #closed = false;
  #takers: ((item: T | undefined) => void)[] = [];
  // Items waiting for room (backpressure), in arrival order, with the promise to settle.
  #pushers: { readonly item: T; readonly resolve: () => void }[] = [];

  /** Makes an empty queue; throws a `RangeError` for a capacity that is not a positive integer. */
  constructor(options: BoundedQueueOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity <= 0) {
      throw new RangeError(
        `BoundedQueue: option "capacity" must be a positive integer, got ${options.capacity}`,
      );
    }
    this.#capacity = options.capacity;
    this.#policy = options.policy;
    this.#items = new Array<T | undefined>(options.capacity);
  }

  /** Items waiting. */
  get size(): number {
    return this.#size;
  }

  /** Maximum items held. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Items dropped so far (drop-oldest only). */
  get dropped(): number {
    return this.#dropped;
  }

  /** Whether {@linkcode BoundedQueue.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Adds an item without waiting. Drop-oldest: always accepted (the oldest item goes when
   * full). Backpressure: returns `false` when full, and the item is not taken.
   *
   * @throws {RangeError} when the queue is closed.
   */
  offer(item: T): boolean {
    if (this.#closed) throw new RangeError("BoundedQueue: cannot add to a closed queue");
    const taker = this.#takers.shift();
    if (taker !== undefined) {
      taker(item);
      return true;
    }
    if (this.#size === this.#capacity || this.#pushers.length > 0) {
      // Waiting pushes go first, so an offer never overtakes them.
      if (this.#policy === "backpressure") return false;
      this.#items[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.#capacity;
      this.#size--;
      this.#dropped++;
    }
    this.#items[(this.#head + this.#size) % this.#capacity] = item;
    this.#size++;
    return true;
  }

  /**
   * Adds an item, waiting for room under backpressure. Never drops under that policy, and
   * items that had to wait keep their order.
   */
  push(item: T): Promise<void> {
    if (this.offer(item)) return Promise.resolve();
    return new Promise<void>((resolve) => this.#pushers.push({ item, resolve }));
  }

  /** Takes the oldest item, waiting for one; `undefined` once closed and empty. */
  take(): Promise<T | undefined> {
    if (this.#size > 0) {
      const item = this.#items[this.#head];
      this.#items[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.#capacity;
      this.#size--;
      const waiting = this.#pushers.shift();
      if (waiting !== undefined) {
        this.#items[(this.#head + this.#size) % this.#capacity] = waiting.item;
        this.#size++;
        waiting.resolve();
      }
      return Promise.resolve(item);
    }
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#takers.push(resolve));
  }

  /** Ends the queue: waiting takers get `undefined`; items already queued can still be taken. */
  close(): void {
    this.#closed = true;
    for (const taker of this.#takers.splice(0)) taker(undefined);
    // Waiting pushes are released but their items stay queued behind the others: nothing is
    // lost, and take() still drains them in order.
    for (const waiting of this.#pushers) waiting.resolve();
  }

  /** Iterates until the queue is closed and drained. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    while (true) {
      const item = await this.take();
      if (item === undefined) return;
      yield item;
    }
  }
}
