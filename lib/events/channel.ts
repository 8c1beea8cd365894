/**
 * The async side of a live queue, shared by {@linkcode BoundedQueue} and the two-lane
 * {@linkcode Inbox}: one consumer takes items (waiting when there are none), producers offer
 * items (or push them, waiting for room), and a synchronous {@linkcode ChannelStore} decides
 * what is kept, dropped or conflated. Keeping the waiting logic here lets every store share one
 * tested implementation of "never lose an item that had to wait, and keep those in order".
 *
 * @module
 */

/** Where a {@linkcode Channel} keeps its items; it decides what happens when it is full. */
export interface ChannelStore<T> {
  /** Items ready to be taken. */
  readonly size: number;
  /**
   * Takes `item` in (storing, conflating or dropping it, and counting what it dropped), or
   * returns `false` when the item must wait for room; then nothing changed.
   */
  offer(item: T): boolean;
  /** Removes and returns the next item, `undefined` when empty. */
  poll(): T | undefined;
}

/**
 * A single-consumer async channel over a store.
 *
 * @example
 * ```ts
 * import { Channel, type ChannelStore } from "@tesser/tesser/events";
 * import assert from "node:assert/strict";
 *
 * const items: number[] = [];
 * const store: ChannelStore<number> = {
 *   get size() { return items.length; },
 *   offer: (item) => items.length < 2 && items.push(item) > 0,
 *   poll: () => items.shift(),
 * };
 * const channel = new Channel(store, "numbers");
 * channel.offer(1);
 * assert.equal(await channel.take(), 1);
 * ```
 */
export class Channel<T extends NonNullable<unknown>> implements AsyncIterable<T> {
  readonly #store: ChannelStore<T>;
  readonly #name: string;
  #closed = false;
  #refused = 0;
  #waited = 0;
  #takers: ((item: T | undefined) => void)[] = [];
  // Items refused for lack of room, in arrival order, with the promise to settle.
  #pushers: { readonly item: T; readonly resolve: () => void }[] = [];

  /** Wraps `store`; `name` starts error messages (e.g. `BoundedQueue`). */
  constructor(store: ChannelStore<T>, name: string) {
    this.#store = store;
    this.#name = name;
  }

  /** Items waiting to be taken (not counting pushes still waiting for room). */
  get size(): number {
    return this.#store.size;
  }

  /** Pushes waiting for room. */
  get waitingPushes(): number {
    return this.#pushers.length;
  }

  /** Offers refused for lack of room (`offer` returned `false`). */
  get refused(): number {
    return this.#refused;
  }

  /** Pushes that had to wait for room. */
  get waited(): number {
    return this.#waited;
  }

  /** Whether {@linkcode Channel.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Adds an item without waiting; `false` when the store has no room for it (the item is not
   * taken: use {@linkcode Channel.push} to wait instead).
   *
   * @throws {RangeError} when the channel is closed.
   */
  offer(item: T): boolean {
    if (this.#closed) throw new RangeError(`${this.#name}: cannot add to a closed queue`);
    // Items that had to wait go in first whenever the store has made room, so a later item
    // of the same kind cannot overtake them.
    if (this.#pushers.length > 0) this.#refill();
    if (this.#put(item)) return true;
    this.#refused++;
    return false;
  }

  /**
   * Adds an item, waiting for room when the store refuses it. Never loses the item; items
   * that had to wait keep their order.
   *
   * @throws {RangeError} when the channel is closed.
   */
  push(item: T): Promise<void> {
    if (this.#closed) throw new RangeError(`${this.#name}: cannot add to a closed queue`);
    if (this.#pushers.length > 0) this.#refill();
    if (this.#pushers.length === 0 && this.#put(item)) return Promise.resolve();
    this.#waited++;
    return new Promise<void>((resolve) => this.#pushers.push({ item, resolve }));
  }

  /** Takes the next item, waiting for one; `undefined` once closed and empty. */
  take(): Promise<T | undefined> {
    const item = this.#next();
    if (item !== undefined) return Promise.resolve(item);
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#takers.push(resolve));
  }

  /** Ends the channel: waiting takers get `undefined`; queued items can still be taken. */
  close(): void {
    this.#closed = true;
    for (const taker of this.#takers.splice(0)) taker(undefined);
    // Waiting pushes are released but their items stay behind the others: nothing is lost,
    // and take() still drains them in order.
    for (const waiting of this.#pushers) waiting.resolve();
  }

  /** Iterates until the channel is closed and drained. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    while (true) {
      const item = await this.take();
      if (item === undefined) return;
      yield item;
    }
  }

  #next(): T | undefined {
    if (this.#store.size > 0) {
      const item = this.#store.poll();
      if (this.#pushers.length > 0) this.#refill();
      return item;
    }
    // Only a closed channel keeps waiting items the store has no room for.
    return this.#pushers.shift()?.item;
  }

  #refill(): void {
    while (this.#pushers.length > 0 && this.#store.offer(this.#pushers[0].item)) {
      const waiting = this.#pushers.shift();
      waiting?.resolve();
    }
  }

  #put(item: T): boolean {
    if (!this.#store.offer(item)) return false;
    this.#wake();
    return true;
  }

  #wake(): void {
    while (this.#takers.length > 0 && this.#store.size > 0) {
      const taker = this.#takers.shift();
      taker?.(this.#store.poll());
    }
  }
}
