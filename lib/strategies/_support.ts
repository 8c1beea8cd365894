// Helpers shared by the built-in strategies: param parsing with strategy-named errors,
// snapshot reading, bounded histories, and windowed recomputation of recursive indicators.

import {
  type Interval,
  intervalMicros,
  type JsonValue,
  MICROS_PER_DAY,
  parseInterval,
  type SymbolId,
  symbolId,
} from "../domain/mod.ts";
import { field } from "../config/mod.ts";
import { paramError } from "./registry.ts";

/** The side a strategy intends to hold (its own bookkeeping of the signals it sent). */
export type Side = "long" | "short" | "flat";

const SIDES: readonly Side[] = ["long", "short", "flat"];

/** The `symbol` parameter of a single-symbol strategy (checked by {@linkcode symbolParam}). */
export const symbolField = field.string({
  required: true,
  description: "venue-qualified symbol, e.g. bybit:BTCUSDT",
});

/** Parses a venue-qualified symbol param, or throws a `ConfigError` naming the param. */
export function symbolParam(strategy: string, param: string, text: string): SymbolId {
  try {
    return symbolId(text);
  } catch (error) {
    throw paramError(strategy, param, (error as Error).message);
  }
}

/** Parses an interval param, or throws a `ConfigError` naming the param. */
export function intervalParam(strategy: string, text: string): Interval {
  try {
    return parseInterval(text);
  } catch (error) {
    throw paramError(strategy, "interval", (error as Error).message);
  }
}

/** Throws a `ConfigError` unless `lower < upper` (e.g. `exit_z` below `entry_z`). */
export function requireBelow(
  strategy: string,
  lowerName: string,
  lower: number,
  upperName: string,
  upper: number,
): void {
  if (!(lower < upper)) {
    throw paramError(
      strategy,
      lowerName,
      `must be below ${upperName} (got ${lowerName} = ${lower}, ${upperName} = ${upper})`,
    );
  }
}

/** Bars of `interval` in a 365-day year (crypto trades every day). */
export function barsPerYear(interval: Interval): number {
  return (365 * MICROS_PER_DAY) / intervalMicros(interval);
}

/** Reads a snapshot made by a strategy's `snapshot()`: an object, checked key by key. */
export class SnapshotReader {
  readonly #strategy: string;
  readonly #record: { readonly [key: string]: JsonValue };

  /** Checks that `state` is an object; throws a `TypeError` naming the strategy otherwise. */
  constructor(strategy: string, state: JsonValue) {
    if (state === null || typeof state !== "object" || Array.isArray(state)) {
      throw new TypeError(`${strategy}.restore: expected the object made by snapshot()`);
    }
    this.#strategy = strategy;
    this.#record = state as { readonly [key: string]: JsonValue };
  }

  /** An array of finite numbers. */
  numbers(key: string): number[] {
    const value = this.#record[key];
    if (!Array.isArray(value) || !value.every((v) => typeof v === "number" && isFinite(v))) {
      throw this.#error(key, "an array of numbers");
    }
    return [...value] as number[];
  }

  /** An array of arrays of `width` finite numbers (rows of a history). */
  rows(key: string, width: number): number[][] {
    const value = this.#record[key];
    const ok = Array.isArray(value) &&
      value.every((row) =>
        Array.isArray(row) && row.length === width &&
        row.every((v) => typeof v === "number" && isFinite(v))
      );
    if (!ok) throw this.#error(key, `an array of ${width}-number rows`);
    return (value as number[][]).map((row) => [...row]);
  }

  /** A finite number, or `undefined` for `null`. */
  optionalNumber(key: string): number | undefined {
    const value = this.#record[key];
    if (value === null || value === undefined) return undefined;
    if (typeof value !== "number" || !isFinite(value)) throw this.#error(key, "a number or null");
    return value;
  }

  /** A finite number. */
  number(key: string): number {
    const value = this.optionalNumber(key);
    if (value === undefined) throw this.#error(key, "a number");
    return value;
  }

  /** A string, or `undefined` for `null`. */
  optionalString(key: string): string | undefined {
    const value = this.#record[key];
    if (value === null || value === undefined) return undefined;
    if (typeof value !== "string") throw this.#error(key, "a string or null");
    return value;
  }

  /** One of the intended sides. */
  side(key: string): Side {
    const value = this.#record[key];
    const found = SIDES.find((s) => s === value);
    if (found === undefined) throw this.#error(key, `one of ${SIDES.join(", ")}`);
    return found;
  }

  #error(key: string, expected: string): TypeError {
    return new TypeError(`${this.#strategy}.restore: ${key} must be ${expected}`);
  }
}

/** A bounded FIFO of rows (the input history a strategy keeps for snapshots). */
export class History<T> {
  readonly #capacity: number;
  #items: T[] = [];

  /** Keeps at most `capacity` items. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Appends, dropping the oldest beyond the capacity. */
  push(item: T): void {
    this.#items.push(item);
    if (this.#items.length > this.#capacity) this.#items.shift();
  }

  /** The items, oldest first. */
  get items(): readonly T[] {
    return this.#items;
  }

  /** How many items are held. */
  get length(): number {
    return this.#items.length;
  }

  /** Forgets everything. */
  clear(): void {
    this.#items = [];
  }
}

/** A bar a strategy stores: open time, high, low, close (a `Bar` for the indicators). */
export interface StoredBar {
  /** Open time (µs). */
  readonly openTime: number;
  /** High. */
  readonly high: number;
  /** Low. */
  readonly low: number;
  /** Close. */
  readonly close: number;
}

/** The stored part of a candle. */
export function storedBar(candle: StoredBar): StoredBar {
  return { openTime: candle.openTime, high: candle.high, low: candle.low, close: candle.close };
}

/** A stored bar as a JSON row `[openTime, high, low, close]`. */
export function barToRow(bar: StoredBar): number[] {
  return [bar.openTime, bar.high, bar.low, bar.close];
}

/** The inverse of {@linkcode barToRow}. */
export function rowToBar(row: readonly number[]): StoredBar {
  return {
    openTime: row[0] ?? NaN,
    high: row[1] ?? NaN,
    low: row[2] ?? NaN,
    close: row[3] ?? NaN,
  };
}

/**
 * Runs a fresh indicator over `inputs` and returns its last output. Recursive indicators
 * (Wilder's RSI and ATR) depend on their whole past; computing them over the bounded window a
 * strategy keeps makes the strategy's state exactly that window, so a snapshot (the window)
 * restores bit-for-bit. Cost: O(window) per bar.
 */
export function lastOver<I, O>(
  indicator: { update(input: I): O | undefined },
  inputs: readonly I[],
): O | undefined {
  let out: O | undefined;
  for (const input of inputs) out = indicator.update(input);
  return out;
}

/** The bars of a pair waiting for their partner, as JSON rows (`null`: none). */
export type PendingPair = [number[] | null, number[] | null];

/**
 * Adds `bar` of `symbol` to `pending` (the bars of `symbols` that wait for their partner);
 * returns both bars when the pair for its open time is complete. The strategy acts once both
 * bars of a timestamp are in. A bar of one symbol newer than the other's pending bar drops the
 * stale one (a gap in that symbol's data). `pending` is plain JSON, so it can live in a
 * strategy's state.
 */
export function pairBar(
  pending: PendingPair,
  symbols: readonly SymbolId[],
  symbol: SymbolId,
  bar: StoredBar,
): readonly [StoredBar, StoredBar] | undefined {
  const index = symbol === symbols[0] ? 0 : symbol === symbols[1] ? 1 : -1;
  if (index === -1) return undefined;
  const other = pending[1 - index];
  if (other != null && (other[0] ?? NaN) < bar.openTime) pending[1 - index] = null;
  pending[index] = barToRow(bar);
  const [a, b] = pending;
  if (a == null || b == null || a[0] !== b[0]) return undefined;
  pending[0] = null;
  pending[1] = null;
  return [rowToBar(a), rowToBar(b)];
}

/** {@linkcode pairBar} with the pending bars kept inside (for class-based strategies). */
export class BarPairSync {
  readonly #symbols: readonly [SymbolId, SymbolId];
  #pending: PendingPair = [null, null];

  /** Pairs bars of `symbols[0]` and `symbols[1]`. */
  constructor(symbols: readonly [SymbolId, SymbolId]) {
    this.#symbols = symbols;
  }

  /** Adds a bar; returns both bars when the pair for its open time is complete. */
  add(symbol: SymbolId, bar: StoredBar): readonly [StoredBar, StoredBar] | undefined {
    return pairBar(this.#pending, this.#symbols, symbol, bar);
  }

  /** The bars waiting for their partner, as JSON (`null` for none). */
  snapshot(): JsonValue {
    return this.#pending.map((row) => row === null ? null : [...row]);
  }

  /** Restores {@linkcode BarPairSync.snapshot}. */
  restore(strategy: string, state: JsonValue | undefined): void {
    const ok = Array.isArray(state) && state.length === 2 && state.every((bar) =>
      bar === null ||
      (Array.isArray(bar) && bar.length === 4 && bar.every((v) => typeof v === "number"))
    );
    if (!ok) throw new TypeError(`${strategy}.restore: pending must be two bars or nulls`);
    const [a, b] = state as readonly (readonly number[] | null)[];
    this.#pending = [a == null ? null : [...a], b == null ? null : [...b]];
  }
}
