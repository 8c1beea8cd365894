/**
 * A first-in first-out queue on a ring buffer that doubles when full. The tick runner and the
 * live inbox push and shift once per event while the queue is nearly always short, so neither
 * call may move elements or reallocate (an array reset to length 0 each time would allocate per
 * event).
 *
 * @module
 */

/**
 * A FIFO queue; `peek` and `shift` return undefined when it is empty.
 *
 * @example
 * ```ts
 * import { Fifo } from "@tesser/tesser/events";
 * import assert from "node:assert/strict";
 *
 * const fifo = new Fifo<string>();
 * fifo.push("a"); fifo.push("b");
 * assert.equal(fifo.shift(), "a");
 * ```
 */
export class Fifo<T> {
  #items: (T | undefined)[] = new Array(16).fill(undefined);
  #mask = 15;
  #head = 0;
  #size = 0;

  /** Items waiting. */
  get size(): number {
    return this.#size;
  }

  /** Appends an item at the tail. */
  push(item: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#size++) & this.#mask] = item;
  }

  /** The oldest item, left in place. */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined; // drop the reference for the collector
    this.#head = (this.#head + 1) & this.#mask;
    this.#size--;
    return item;
  }

  #grow(): void {
    const items = this.#items;
    const grown = new Array<T | undefined>(items.length * 2).fill(undefined);
    for (let i = 0; i < this.#size; i++) grown[i] = items[(this.#head + i) & this.#mask];
    this.#items = grown;
    this.#mask = grown.length - 1;
    this.#head = 0;
  }
}
