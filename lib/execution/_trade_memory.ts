/**
 * The trade ids a book has applied, so a fill reported twice is booked once: per symbol, the
 * oldest forgotten first beyond a limit. Kept by (symbol, trade id) rather than by a joined
 * `symbol|tradeId` string: a fill's trade id is already held by the fill, so remembering it
 * allocates nothing per fill (a joined key was a new string, kept for the memory's whole span).
 *
 * @module
 */

import type { SymbolId } from "../domain/mod.ts";
import { KeyQueue } from "./_key_queue.ts";

/** Applied trade ids by symbol, at most `limit` of them (seeded ones aside). */
export class TradeMemory {
  readonly #limit: number;
  readonly #bySymbol = new Map<SymbolId, Set<string>>();
  // Most books trade one symbol: its set without the map lookup.
  #lastSymbol: SymbolId | undefined;
  #lastSet: Set<string> | undefined;
  // The symbol and trade id of each remembered fill, oldest first (pushed and shifted together).
  readonly #symbols = new KeyQueue();
  readonly #tradeIds = new KeyQueue();
  #size = 0;

  /** A memory of the last `limit` trade ids applied. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Remembers a trade id; `false` when it was remembered already (a duplicate). */
  add(symbol: SymbolId, tradeId: string): boolean {
    const set = this.#setOf(symbol);
    if (set.has(tradeId)) return false;
    this.#push(set, symbol, tradeId);
    if (this.#size > this.#limit) {
      const oldestSymbol = this.#symbols.shift();
      const oldestId = this.#tradeIds.shift();
      if (oldestSymbol !== undefined && oldestId !== undefined) {
        this.#setOf(oldestSymbol).delete(oldestId);
        this.#size--;
      }
    }
    return true;
  }

  /** The keys (`symbol|tradeId`) of the last `limit` trade ids remembered, oldest first. */
  recent(limit: number): string[] {
    const symbols = this.#symbols.last(limit);
    const tradeIds = this.#tradeIds.last(limit);
    return symbols.map((symbol, i) => `${symbol}|${tradeIds[i]}`);
  }

  /**
   * Remembers `symbol|tradeId` keys (a restart's snapshot), in the order given, after what is
   * there; the limit does not apply to them.
   *
   * @throws {RangeError} for a key without a `|`.
   */
  seed(keys: readonly string[]): void {
    for (const key of keys) {
      // A symbol has no `|` (see `symbolId`); a trade id may.
      const bar = key.indexOf("|");
      if (bar < 0) {
        throw new RangeError(`Trade key "${key}" is not <symbol>|<tradeId>`);
      }
      const symbol = key.slice(0, bar);
      const tradeId = key.slice(bar + 1);
      const set = this.#setOf(symbol);
      if (!set.has(tradeId)) this.#push(set, symbol, tradeId);
    }
  }

  #push(set: Set<string>, symbol: SymbolId, tradeId: string): void {
    set.add(tradeId);
    this.#symbols.push(symbol);
    this.#tradeIds.push(tradeId);
    this.#size++;
  }

  #setOf(symbol: SymbolId): Set<string> {
    if (symbol === this.#lastSymbol && this.#lastSet !== undefined) return this.#lastSet;
    let set = this.#bySymbol.get(symbol);
    if (set === undefined) {
      set = new Set();
      this.#bySymbol.set(symbol, set);
    }
    this.#lastSymbol = symbol;
    this.#lastSet = set;
    return set;
  }
}
