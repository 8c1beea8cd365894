/**
 * The paper sandbox's market (`[exchange.paper_sandbox.market]`, `mode = "random_walk"`): a
 * seeded random walk that prints one trade per subscribed symbol every `intervalMs` on the
 * session's clock, so `tesser live run` works with no keys and no network. It implements the
 * {@linkcode MarketStream} port like any venue's feed; the same seed on the same clock gives
 * the same prices.
 *
 * @module
 */

import type { MarketStream, MarketSubscription } from "../broker/mod.ts";
import { Random } from "../data/mod.ts";
import type { Micros, SymbolId } from "../domain/mod.ts";
import type { Clock, Sleeper } from "../engine/mod.ts";
import type { Event } from "../events/mod.ts";

/** Options of {@linkcode RandomWalkMarket}. */
export interface RandomWalkMarketOptions {
  /** The venue its symbols belong to (e.g. `bybit` for `bybit:BTCUSDT`). */
  readonly venue: string;
  /** First price of every symbol. */
  readonly startPrice: number;
  /** Standard deviation of one step's log return (0.003 = 0.3 %). */
  readonly volatility: number;
  /** Milliseconds between two steps. */
  readonly intervalMs: number;
  /** Seed of the walk (default 42). */
  readonly seed?: number;
  /** Price grid the walk stays on (default 0.1). */
  readonly tickSize?: number;
  /** The clock the trades are stamped with (the session's). */
  readonly clock: Clock;
  /** How to wait for the next step on that clock. */
  readonly sleeper: Sleeper;
}

/**
 * A seeded random-walk market.
 *
 * @example
 * ```ts
 * import { RandomWalkMarket } from "@tesser/tesser/live";
 * import { ManualClock } from "@tesser/tesser/engine";
 * import assert from "node:assert/strict";
 *
 * const clock = new ManualClock(0);
 * const market = new RandomWalkMarket({
 *   venue: "bybit", startPrice: 100, volatility: 0.001, intervalMs: 500, clock, sleeper: clock,
 * });
 * await market.subscribe([{ symbol: "bybit:BTCUSDT", channels: ["trades"] }]);
 * const events = market.events()[Symbol.asyncIterator]();
 * const first = events.next();
 * clock.advance(500_000);
 * const { value } = await first;
 * assert.equal(value?.kind, "trade");
 * await market.close();
 * ```
 */
export class RandomWalkMarket implements MarketStream {
  /** The venue of the symbols. */
  readonly venue: string;
  readonly #options: RandomWalkMarketOptions;
  readonly #symbols: SymbolId[] = [];
  readonly #prices = new Map<SymbolId, number>();
  readonly #random: Random;
  readonly #stop = new AbortController();
  #steps = 0;

  /**
   * A market that has not started.
   *
   * @throws {RangeError} for a start price, interval or tick that is not positive, or a
   * negative volatility.
   */
  constructor(options: RandomWalkMarketOptions) {
    if (!(options.startPrice > 0)) {
      throw new RangeError(
        `RandomWalkMarket: startPrice must be positive, got ${options.startPrice}`,
      );
    }
    if (!(options.intervalMs > 0)) {
      throw new RangeError(
        `RandomWalkMarket: intervalMs must be positive, got ${options.intervalMs}`,
      );
    }
    if (!(options.volatility >= 0)) {
      throw new RangeError(`RandomWalkMarket: volatility must be ≥ 0, got ${options.volatility}`);
    }
    if (options.tickSize !== undefined && !(options.tickSize > 0)) {
      throw new RangeError(`RandomWalkMarket: tickSize must be positive, got ${options.tickSize}`);
    }
    this.venue = options.venue;
    this.#options = options;
    this.#random = new Random(options.seed ?? 42);
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.#steps;
  }

  /** Adds the subscriptions' symbols (every channel is served by trades). */
  subscribe(subscriptions: readonly MarketSubscription[]): Promise<void> {
    for (const { symbol } of subscriptions) {
      if (this.#prices.has(symbol)) continue;
      this.#symbols.push(symbol);
      this.#prices.set(symbol, this.#options.startPrice);
    }
    return Promise.resolve();
  }

  /** One trade per symbol every `intervalMs`, until {@linkcode RandomWalkMarket.close}. */
  async *events(): AsyncIterable<Event> {
    const { clock, sleeper, intervalMs } = this.#options;
    const step = intervalMs * 1000;
    let next: Micros = clock.now() + step;
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      const woke = await new Promise<boolean>((resolve) => {
        if (signal.aborted) return resolve(false);
        const onAbort = (): void => resolve(false);
        signal.addEventListener("abort", onAbort, { once: true });
        sleeper.sleepUntil(next, signal).then(() => {
          signal.removeEventListener("abort", onAbort);
          resolve(true);
        });
      });
      if (!woke) return;
      const ts = clock.now();
      // A slow consumer does not make the walk catch up in a burst: the next step is one
      // interval after this one.
      next = Math.max(next + step, ts + 1);
      this.#steps++;
      for (const symbol of this.#symbols) yield this.#trade(symbol, ts);
    }
  }

  /** Stops the walk; the events iteration ends. */
  close(): Promise<void> {
    this.#stop.abort();
    return Promise.resolve();
  }

  #trade(symbol: SymbolId, ts: Micros): Event {
    const { volatility } = this.#options;
    const tick = this.#options.tickSize ?? 0.1;
    const random = this.#random;
    const last = this.#prices.get(symbol) ?? this.#options.startPrice;
    const walked = last * Math.exp(volatility * random.normal());
    const price = Math.max(tick, Math.round(walked / tick) * tick);
    // Round again through the shortest decimal: 0.1 steps must not print 25000.000000000004.
    const clean = Number(price.toFixed(decimalsOf(tick)));
    this.#prices.set(symbol, clean);
    const quantity = Math.max(0.001, Math.round(Math.exp(random.normal() - 3) * 1000) / 1000);
    return {
      kind: "trade",
      ts,
      tsRecv: ts,
      trade: {
        symbol,
        price: clean,
        quantity,
        side: random.next() < 0.5 ? "buy" : "sell",
        tradeId: `rw-${this.#steps}`,
      },
    };
  }
}

function decimalsOf(step: number): number {
  const text = String(step);
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : Math.min(12, text.length - dot - 1);
}
