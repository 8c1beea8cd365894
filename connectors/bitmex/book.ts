/**
 * One BitMEX `orderBookL2` book, keyed by level id as BitMEX sends it: a `partial` replaces
 * it, `insert` adds levels (with their price), `update` changes a level's size and `delete`
 * removes it — both found through the id → price map, since their rows may carry no price.
 * BitMEX has no sequence numbers, so a desync shows only as an update or delete of an id we
 * do not hold, or a crossed book (exchanges.md §3.2): the book is then cleared and must wait for
 * a fresh partial. Rows are keyed by id and side (BitMEX's keys); a price's size is the sum of
 * its ids' sizes.
 *
 * @module
 */

import type { BookLevel } from "../../lib/domain/mod.ts";
import type { BitmexAction, BookRow } from "./parse.ts";

interface Level {
  readonly price: number;
  size: number;
}

// BitMEX keys book rows by symbol, id and side.
const key = (row: BookRow): number => row.buy ? row.id : -row.id - 1;

/** The levels an action changed (size 0 = removed), or why the book is out of sync. */
export type BitmexBookApply =
  | { readonly kind: "snapshot" }
  | { readonly kind: "delta"; readonly bids: BookLevel[]; readonly asks: BookLevel[] }
  | { readonly kind: "waiting" }
  | { readonly kind: "gap"; readonly reason: string };

/** The book of one symbol. */
export class BitmexBook {
  readonly #ids = new Map<number, Level>();
  readonly #bids = new Map<number, number>();
  readonly #asks = new Map<number, number>();
  #synced = false;

  /** Whether a partial arrived and nothing has broken since. */
  get synced(): boolean {
    return this.#synced;
  }

  /** Forgets everything until the next partial. */
  reset(): void {
    this.#ids.clear();
    this.#bids.clear();
    this.#asks.clear();
    this.#synced = false;
  }

  /** Applies the rows of one action (all of this symbol). */
  apply(action: BitmexAction, rows: readonly BookRow[]): BitmexBookApply {
    if (action === "partial") {
      this.reset();
      for (const row of rows) {
        if (row.price === undefined || row.size === undefined) {
          this.reset();
          return { kind: "gap", reason: `partial row ${row.id} has no price or size` };
        }
        this.#ids.set(key(row), { price: row.price, size: row.size });
        this.#add(row.buy, row.price, row.size);
      }
      this.#synced = true;
      return this.#crossed() ?? { kind: "snapshot" };
    }
    // Rows before the table's partial are dropped (exchanges.md §3.2).
    if (!this.#synced) return { kind: "waiting" };
    const bids: BookLevel[] = [];
    const asks: BookLevel[] = [];
    for (const row of rows) {
      const known = this.#ids.get(key(row));
      let price: number;
      switch (action) {
        case "insert":
          if (row.price === undefined || row.size === undefined) {
            return this.#gap(`insert of id ${row.id} without a price or size`);
          }
          if (known !== undefined) this.#add(row.buy, known.price, -known.size);
          price = row.price;
          this.#ids.set(key(row), { price, size: row.size });
          this.#add(row.buy, price, row.size);
          break;
        case "update":
          if (known === undefined) return this.#gap(`update of unknown id ${row.id}`);
          if (row.size === undefined) return this.#gap(`update of id ${row.id} without a size`);
          price = known.price;
          this.#add(row.buy, price, row.size - known.size);
          known.size = row.size;
          break;
        case "delete":
          if (known === undefined) return this.#gap(`delete of unknown id ${row.id}`);
          price = known.price;
          this.#add(row.buy, price, -known.size);
          this.#ids.delete(key(row));
          break;
        default: {
          const never: never = action;
          throw new TypeError(`unknown action ${String(never)}`);
        }
      }
      const size = (row.buy ? this.#bids : this.#asks).get(price) ?? 0;
      (row.buy ? bids : asks).push({ price, size });
    }
    return this.#crossed() ?? { kind: "delta", bids, asks };
  }

  #add(buy: boolean, price: number, size: number): void {
    const side = buy ? this.#bids : this.#asks;
    const total = (side.get(price) ?? 0) + size;
    if (total > 0) side.set(price, total);
    else side.delete(price);
  }

  /** Bids, best first. */
  bids(): readonly BookLevel[] {
    return sorted(this.#bids, true);
  }

  /** Asks, best first. */
  asks(): readonly BookLevel[] {
    return sorted(this.#asks, false);
  }

  #gap(reason: string): BitmexBookApply {
    this.reset();
    return { kind: "gap", reason };
  }

  #crossed(): BitmexBookApply | undefined {
    let bid = -Infinity;
    for (const price of this.#bids.keys()) if (price > bid) bid = price;
    let ask = Infinity;
    for (const price of this.#asks.keys()) if (price < ask) ask = price;
    return bid >= ask ? this.#gap(`crossed book: bid ${bid} ≥ ask ${ask}`) : undefined;
  }
}

function sorted(side: Map<number, number>, descending: boolean): BookLevel[] {
  const prices = [...side.keys()].sort(descending ? (a, b) => b - a : (a, b) => a - b);
  return prices.map((price) => ({ price, size: side.get(price) ?? 0 }));
}
