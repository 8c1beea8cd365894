/**
 * A queue of keys in the order they were added, for memories that forget their oldest entry.
 *
 * @module
 */

/**
 * Keys in the order they were first added, so the oldest can be dropped in O(1). (Taking the
 * oldest with `map.keys().next()` walks over every entry deleted since V8 last compacted the
 * table: thousands per call once the memory is full.)
 */
export class KeyQueue {
  #keys: (string | undefined)[] = [];
  #head = 0;

  /** Appends `key`. */
  push(key: string): void {
    this.#keys.push(key);
  }

  /** Removes and returns the oldest key. */
  shift(): string | undefined {
    if (this.#head >= this.#keys.length) return undefined;
    const key = this.#keys[this.#head];
    this.#keys[this.#head++] = undefined;
    // Drop the consumed front once it is most of the array.
    if (this.#head >= 1024 && this.#head * 2 >= this.#keys.length) {
      this.#keys = this.#keys.slice(this.#head);
      this.#head = 0;
    }
    return key;
  }

  /** The last `limit` keys, oldest first. */
  last(limit: number): string[] {
    const start = Math.max(this.#head, this.#keys.length - limit);
    return this.#keys.slice(start) as string[];
  }
}
