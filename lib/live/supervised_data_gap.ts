/**
 * The data-gap watch of a live process: the time each subscribed symbol last received market
 * data (trades, candles, quotes, book snapshots or deltas — connectivity notices do not count),
 * checked on a short period, so a symbol silent for longer than `live.alerting.max_data_gap_secs`
 * raises the `data-gap` alert (and `data-gap-resolved` when data is back) and
 * `tesser_data_gap_seconds` shows the largest gap. The supervised feeds report what they see.
 *
 * @module
 */

import type { Micros, SymbolId } from "../domain/mod.ts";
import type { Clock, Sleeper } from "../engine/mod.ts";
import type { Event } from "../events/mod.ts";
import { sleepUnlessAborted } from "./ops/_sleep.ts";

/** The symbol a market-data event is about; undefined for every other event. */
export function marketDataSymbol(event: Event): SymbolId | undefined {
  switch (event.kind) {
    case "trade":
      return event.trade.symbol;
    case "candle":
      return event.candle.symbol;
    case "quote":
      return event.quote.symbol;
    case "book-snapshot":
      return event.book.symbol;
    case "book-delta":
      return event.delta.symbol;
    default:
      return undefined;
  }
}

/** Options of {@linkcode DataGapWatch}. */
export interface DataGapWatchOptions {
  /** The session clock (the wall clock live). */
  readonly clock: Clock;
  /** Waits between checks on `clock`. */
  readonly sleeper: Sleeper;
  /** The subscribed symbols: each one silent too long is a gap, even before its first data. */
  readonly symbols: readonly SymbolId[];
  /** The limit in seconds (`live.alerting.max_data_gap_secs`). */
  readonly limitSecs: number;
  /** Milliseconds between checks (default: a quarter of the limit, at most one second). */
  readonly periodMs?: number;
  /** Raises the alert (an `Alerter` fits). */
  readonly alerter: { observeDataGap(seconds: number, symbol?: string): void };
  /** The gauge (a `LiveMetrics` fits). */
  readonly metrics?: { dataGap(seconds: number): void };
}

/**
 * Watches the market data of each subscribed symbol for gaps.
 *
 * @example
 * ```ts
 * import { DataGapWatch } from "@tesser/tesser/live";
 * import { ManualClock } from "@tesser/tesser/engine";
 * import assert from "node:assert/strict";
 *
 * const clock = new ManualClock(0);
 * const gaps: [number, string | undefined][] = [];
 * const watch = new DataGapWatch({
 *   clock,
 *   sleeper: clock,
 *   symbols: ["bybit:BTCUSDT"],
 *   limitSecs: 5,
 *   alerter: { observeDataGap: (secs, symbol) => gaps.push([secs, symbol]) },
 * });
 * clock.advance(3_000_000);
 * watch.seen("bybit:BTCUSDT", clock.now());
 * clock.advance(6_000_000);
 * watch.check();
 * assert.deepEqual(gaps, [[6, "bybit:BTCUSDT"]]);
 * ```
 */
export class DataGapWatch {
  readonly #options: DataGapWatchOptions;
  readonly #last = new Map<SymbolId, Micros>();
  readonly #fresh = new Set<SymbolId>();
  readonly #stop = new AbortController();
  #loop: Promise<void> | undefined;

  /** Creates the watch; until its first data a symbol's gap counts from now (or the start). */
  constructor(options: DataGapWatchOptions) {
    if (!(options.limitSecs > 0)) {
      throw new RangeError(`DataGapWatch: limitSecs must be positive, got ${options.limitSecs}`);
    }
    this.#options = options;
    const now = options.clock.now();
    for (const symbol of options.symbols) {
      this.#last.set(symbol, now);
      this.#fresh.add(symbol);
    }
  }

  /** Market data of `symbol` received at `at` (µs). Symbols not subscribed are ignored. */
  seen(symbol: SymbolId, at: Micros): void {
    const last = this.#last.get(symbol);
    if (last === undefined) return;
    this.#fresh.delete(symbol);
    if (at > last) this.#last.set(symbol, at);
  }

  /** Seconds since `symbol` last had market data (undefined when it is not watched). */
  gapSecs(symbol: SymbolId): number | undefined {
    const last = this.#last.get(symbol);
    return last === undefined ? undefined : Math.max(0, this.#options.clock.now() - last) / 1e6;
  }

  /** One check: every symbol's gap to the alerter, the largest one to the gauge. */
  check(): void {
    const { alerter, metrics } = this.#options;
    let largest = 0;
    for (const symbol of this.#last.keys()) {
      const gap = this.gapSecs(symbol) ?? 0;
      largest = Math.max(largest, gap);
      alerter.observeDataGap(gap, symbol);
    }
    metrics?.dataGap(largest);
  }

  /**
   * Starts checking every period until {@linkcode DataGapWatch.stop}. A symbol without data
   * yet counts its gap from here: start when the feeds are subscribed, so the time a start-up
   * takes (clock sync, account check, reconciliation) is not a gap.
   */
  start(): void {
    if (this.#loop !== undefined || this.#stop.signal.aborted) return;
    const now = this.#options.clock.now();
    for (const symbol of this.#fresh) this.#last.set(symbol, now);
    const periodMs = this.#options.periodMs ??
      Math.min(1000, (this.#options.limitSecs * 1000) / 4);
    const { clock, sleeper } = this.#options;
    const signal = this.#stop.signal;
    this.#loop = (async () => {
      while (!signal.aborted) {
        await sleepUnlessAborted(sleeper, clock.now() + periodMs * 1000, signal);
        if (!signal.aborted) this.check();
      }
    })();
  }

  /** Stops checking; resolves once the loop ended. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
  }
}
