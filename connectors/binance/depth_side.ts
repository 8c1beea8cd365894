/**
 * One side of the connector's depth book: a price → size hash table in two typed arrays (open
 * addressing, linear probing, backward-shift deletion, so no tombstones), with the best price
 * kept lazily. Why not a `Map` or sorted arrays (bench/README.md "Binance connector"): on the
 * real capture the book grows to ~10,000 levels and a third of the updates insert or remove a
 * level a median 200 levels from the top, so sorted arrays move hundreds of entries per change;
 * a `Map` keyed by price boxes every size it stores and the old eager best-price upkeep
 * rescanned the whole side whenever the best level went. Here a level update is one hash probe
 * and nothing is allocated; the best price is rescanned only when someone reads it after the
 * best level was removed (the stream reads it only when it publishes a snapshot).
 *
 * Keys are the prices as doubles, hashed by their bits: equal decimal texts parse to equal
 * doubles, so no scale (tick decimals) has to be known or kept.
 *
 * @module
 */

import type { BookLevel } from "../../lib/domain/mod.ts";

// The bits of a key, for the hash.
const KEY = new Float64Array(1);
const BITS = new Uint32Array(KEY.buffer);

/** A price → size table of one book side. */
export class DepthSide {
  readonly #highest: boolean;
  // Slot i is [price, size] at 2i, 2i + 1 (one cache line for both); a NaN price marks an
  // empty slot (a price is never NaN).
  #slots: Float64Array;
  #mask: number;
  #count = 0;
  // Valid while #bestKnown; NaN on an empty side.
  #best = NaN;
  #bestKnown = true;

  /** A side whose best price is the highest (bids) or the lowest (asks). */
  constructor(highest: boolean, capacity = 1024) {
    this.#highest = highest;
    let size = 16;
    while (size < capacity) size *= 2;
    this.#slots = new Float64Array(2 * size).fill(NaN);
    this.#mask = size - 1;
  }

  /** Number of levels. */
  get count(): number {
    return this.#count;
  }

  /** Best price; NaN on an empty side. */
  get best(): number {
    if (!this.#bestKnown) {
      this.#best = this.#scanBest();
      this.#bestKnown = true;
    }
    return this.#best;
  }

  /** Size at `price`, 0 when absent. */
  size(price: number): number {
    const slots = this.#slots;
    for (let i = slot(price, this.#mask);; i = (i + 1) & this.#mask) {
      const key = slots[2 * i];
      if (key === price) return slots[2 * i + 1];
      if (key !== key) return 0;
    }
  }

  /** Sets levels from flat `[price, size, …]` pairs; size 0 removes (absent is normal). */
  apply(levels: ArrayLike<number>): void {
    const n = levels.length;
    for (let k = 0; k < n; k += 2) {
      const price = levels[k];
      const size = levels[k + 1];
      // The probe of set(), inlined: a size change of a held level is most of the stream.
      const slots = this.#slots;
      const mask = this.#mask;
      let i = slot(price, mask);
      let key = slots[2 * i];
      while (key !== price && key === key) {
        i = (i + 1) & mask;
        key = slots[2 * i];
      }
      if (key === price && size !== 0) slots[2 * i + 1] = size;
      else this.set(price, size);
    }
  }

  /** Sets one level; size 0 removes it. */
  set(price: number, size: number): void {
    const slots = this.#slots;
    const mask = this.#mask;
    let i = slot(price, mask);
    for (;;) {
      const key = slots[2 * i];
      if (key === price) {
        if (size !== 0) slots[2 * i + 1] = size;
        else {
          this.#remove(i);
          if (price === this.#best) this.#bestKnown = false;
        }
        return;
      }
      if (key !== key) break;
      i = (i + 1) & mask;
    }
    if (size === 0) return;
    slots[2 * i] = price;
    slots[2 * i + 1] = size;
    this.#count++;
    const best = this.#best;
    if (this.#bestKnown && (best !== best || (this.#highest ? price > best : price < best))) {
      this.#best = price;
    }
    if (this.#count * 2 > mask) this.#grow();
  }

  /** Removes every level (the table keeps its size). */
  clear(): void {
    this.#slots.fill(NaN);
    this.#count = 0;
    this.#best = NaN;
    this.#bestKnown = true;
  }

  /** The levels, best first (at most `depth`). */
  levels(depth = Infinity): BookLevel[] {
    const prices = new Float64Array(this.#count);
    const slots = this.#slots;
    let n = 0;
    for (let i = 0; i < slots.length; i += 2) {
      const key = slots[i];
      if (key === key) prices[n++] = key;
    }
    prices.sort();
    const count = Math.min(n, depth);
    const out: BookLevel[] = new Array(count);
    for (let k = 0; k < count; k++) {
      const price = this.#highest ? prices[n - 1 - k] : prices[k];
      out[k] = { price, size: this.size(price) };
    }
    return out;
  }

  /** Linear probing's deletion: later entries of the run move back into the hole. */
  #remove(hole: number): void {
    const slots = this.#slots;
    const mask = this.#mask;
    this.#count--;
    let free = hole;
    for (let j = (free + 1) & mask;; j = (j + 1) & mask) {
      const key = slots[2 * j];
      if (key !== key) break;
      const home = slot(key, mask);
      // The entry at j may fill the hole unless its home lies cyclically in (free, j].
      const stays = free <= j ? free < home && home <= j : free < home || home <= j;
      if (!stays) {
        slots[2 * free] = key;
        slots[2 * free + 1] = slots[2 * j + 1];
        free = j;
      }
    }
    slots[2 * free] = NaN;
  }

  #grow(): void {
    const slots = this.#slots;
    const mask = 2 * (this.#mask + 1) - 1;
    const next = new Float64Array(2 * (mask + 1)).fill(NaN);
    for (let i = 0; i < slots.length; i += 2) {
      const key = slots[i];
      if (key !== key) continue;
      let j = slot(key, mask);
      while (next[2 * j] === next[2 * j]) j = (j + 1) & mask;
      next[2 * j] = key;
      next[2 * j + 1] = slots[i + 1];
    }
    this.#slots = next;
    this.#mask = mask;
  }

  #scanBest(): number {
    const slots = this.#slots;
    const highest = this.#highest;
    let best = NaN;
    for (let i = 0; i < slots.length; i += 2) {
      const key = slots[i];
      if (key === key && (best !== best || (highest ? key > best : key < best))) best = key;
    }
    return best;
  }
}

/**
 * Home slot of `price` in a table of `mask + 1` slots: both halves of its bits mixed, then
 * Fibonacci hashing (the high bits of the product, which depend on every input bit).
 */
function slot(price: number, mask: number): number {
  KEY[0] = price === 0 ? 0 : price; // -0 and 0 are one price
  const mixed = Math.imul(BITS[0] ^ Math.imul(BITS[1], 0x85ebca6b), 0x9e3779b1);
  return mixed >>> Math.clz32(mask);
}
