/**
 * A bounded async FIFO queue between live producers (WebSocket feeds, REST callbacks) and the
 * engine. Two policies: `drop-oldest` for market data (the newest data matters; drops are
 * counted) and `backpressure` for orders and fills (never dropped; producers wait for room).
 * The waiting logic is the shared {@linkcode Channel}; this file is only the ring of items.
 *
 * @module
 */

import { Channel, type ChannelStore } from "./channel.ts";

/** What happens when a full queue receives an item. */
export type QueuePolicy = "drop-oldest" | "backpressure";

/** Options of {@linkcode BoundedQueue}. */
export interface BoundedQueueOptions {
  /** Maximum number of items held; a positive integer. */
  readonly capacity: number;
  /** Full-queue behaviour. */
  readonly policy: QueuePolicy;
}

/** A fixed ring of items that drops its oldest or refuses when full. */
class Ring<T> implements ChannelStore<T> {
  readonly #items: (T | undefined)[];
  readonly #dropOldest: boolean;
  #head = 0;
  #size = 0;
  dropped = 0;

  constructor(capacity: number, dropOldest: boolean) {
    this.#items = new Array<T | undefined>(capacity);
    this.#dropOldest = dropOldest;
  }

  get size(): number {
    return this.#size;
  }

  offer(item: T): boolean {
    const capacity = this.#items.length;
    if (this.#size === capacity) {
      if (!this.#dropOldest) return false;
      this.poll();
      this.dropped++;
    }
    this.#items[(this.#head + this.#size) % capacity] = item;
    this.#size++;
    return true;
  }

  poll(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#items.length;
    this.#size--;
    return item;
  }
}

/**
 * The queue. One consumer takes items with {@linkcode Channel.take} or `for await`.
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
export class BoundedQueue<T extends NonNullable<unknown>> extends Channel<T> {
  readonly #ring: Ring<T>;
  readonly #capacity: number;

  /** Makes an empty queue; throws a `RangeError` for a capacity that is not a positive integer. */
  constructor(options: BoundedQueueOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity <= 0) {
      throw new RangeError(
        `BoundedQueue: option "capacity" must be a positive integer, got ${options.capacity}`,
      );
    }
    const ring = new Ring<T>(options.capacity, options.policy === "drop-oldest");
    super(ring, "BoundedQueue");
    this.#ring = ring;
    this.#capacity = options.capacity;
  }

  /** Maximum items held. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Items dropped so far (drop-oldest only). */
  get dropped(): number {
    return this.#ring.dropped;
  }
}
