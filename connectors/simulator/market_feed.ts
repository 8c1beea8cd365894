/**
 * The simulated market: book changes and trades go first to the matching core (so resting
 * orders fill), then to the kline store, then to the venue's public streams. Data comes from
 * a test (`setBook`, `updateBook`, `trade`), from replayed files (the library's readers, in
 * real time or faster) or from a seeded synthetic generator. Events are stamped with the
 * venue clock when published.
 *
 * @module
 */

import { DataError, type ReplayEvent } from "./_lib.ts";
import type { SimClock } from "./clock.ts";
import { seededRandom } from "./_random.ts";
import type { SimExchange } from "./exchange.ts";
import { KlineStore } from "./klines.ts";
import type { SimSide } from "./order.ts";

/** A price level: `[price, size]`; size 0 removes the level in a delta. */
export type Level = readonly [number, number];

/** What the public streams receive. */
export type MarketUpdate =
  | {
    readonly kind: "book";
    readonly code: string;
    readonly bids: readonly Level[];
    readonly asks: readonly Level[];
    readonly snapshot: boolean;
    readonly ts: number;
  }
  | {
    readonly kind: "trade";
    readonly code: string;
    readonly price: number;
    readonly quantity: number;
    readonly side: SimSide;
    readonly ts: number;
    readonly tradeId: number;
  };

/** Options of {@linkcode MarketFeed.replay}. */
export interface ReplayFeedOptions {
  /** Time compression: 1 is real time, 10 ten times faster, Infinity as fast as possible. */
  readonly speed?: number;
  /** Stops the replay. */
  readonly signal?: AbortSignal;
}

/** Options of {@linkcode MarketFeed.startSynthetic}. */
export interface SyntheticFeedOptions {
  /** PRNG seed (default 1). */
  readonly seed?: number;
  /** Milliseconds between steps (default 100). */
  readonly intervalMs?: number;
  /** Levels per side (default 20). */
  readonly levels?: number;
}

/** The market of one simulator. */
export class MarketFeed {
  /** One-minute candles of what was published. */
  readonly klines: KlineStore = new KlineStore();
  readonly #core: SimExchange;
  readonly #clock: SimClock;
  readonly #listeners: ((update: MarketUpdate) => void)[] = [];
  readonly #timers = new Set<ReturnType<typeof setInterval>>();
  readonly #sequences = new Map<string, number>();
  #tradeId = 0;

  /** Feeds `core`, stamping with `clock`. */
  constructor(core: SimExchange, clock: SimClock) {
    this.#core = core;
    this.#clock = clock;
  }

  /** Subscribes to published updates. */
  listen(listener: (update: MarketUpdate) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at >= 0) this.#listeners.splice(at, 1);
    };
  }

  /** Replaces the book of `code`. */
  setBook(code: string, bids: readonly Level[], asks: readonly Level[]): void {
    this.#book(code, bids, asks, true);
  }

  /** Changes levels of the book of `code` (size 0 removes a level). */
  updateBook(code: string, bids: readonly Level[], asks: readonly Level[]): void {
    this.#book(code, bids, asks, false);
  }

  /** Prints a trade; `side` is the aggressor's. */
  trade(code: string, side: SimSide, price: number, quantity: number): void {
    this.#assertListed(code);
    const ts = this.#clock.now();
    this.#core.applyTrade(code, price, quantity, side);
    this.klines.trade(code, ts, price, quantity);
    this.#emit({ kind: "trade", code, price, quantity, side, ts, tradeId: ++this.#tradeId });
  }

  /** Publishes one replayed library event (symbols are matched by their venue code). */
  push(event: ReplayEvent): void {
    switch (event.kind) {
      case "trade":
        this.trade(
          codeOf(event.trade.symbol),
          event.trade.side,
          event.trade.price,
          event.trade.quantity,
        );
        return;
      case "book-snapshot":
        this.setBook(
          codeOf(event.book.symbol),
          event.book.bids.map((l) => [l.price, l.size] as const),
          event.book.asks.map((l) => [l.price, l.size] as const),
        );
        return;
      case "book-delta":
        this.updateBook(
          codeOf(event.delta.symbol),
          event.delta.bids.map((l) => [l.price, l.size] as const),
          event.delta.asks.map((l) => [l.price, l.size] as const),
        );
        return;
      case "candle": {
        const code = codeOf(event.candle.symbol);
        const c = event.candle;
        this.klines.candle(code, this.#clock.now(), c);
        // A candle has no book: quote a one-tick market around its close so orders can trade.
        const spec = this.#core.instrument(code);
        const tick = spec?.instrument.tickSize.toNumber() ?? 0.1;
        const size = Math.max(c.volume, 1);
        this.setBook(code, [[c.close - tick, size]], [[c.close + tick, size]]);
        this.#core.applyTrade(code, c.close, 0, c.close >= c.open ? "buy" : "sell");
        return;
      }
      default:
        // Funding, quotes and other records do not move this market.
        return;
    }
  }

  /** Replays events, keeping their spacing divided by `speed`. */
  async replay(
    events: AsyncIterable<ReplayEvent>,
    options: ReplayFeedOptions = {},
  ): Promise<number> {
    const speed = options.speed ?? 1;
    if (!(speed > 0)) throw new RangeError(`replay speed must be positive, got ${speed}`);
    let first: number | undefined;
    const started = performance.now();
    let count = 0;
    for await (const event of events) {
      if (options.signal?.aborted) break;
      first ??= event.ts;
      const due = (event.ts - first) / 1000 / speed;
      const wait = due - (performance.now() - started);
      if (wait > 1) await sleep(wait, options.signal);
      else if (count % 256 === 255) await sleep(0, options.signal);
      if (options.signal?.aborted) break;
      try {
        this.push(event);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        throw new DataError(`Cannot replay event ${count + 1}: ${error.message}`, {
          hint: "replay data of the listed symbols (venue:CODE or CODE)",
          cause: error,
        });
      }
      count++;
    }
    return count;
  }

  /**
   * Starts a seeded random market on every listed symbol: the mid walks by ticks, levels
   * refresh near the touch, and trades print at the touch. Returns a function that stops it.
   */
  startSynthetic(options: SyntheticFeedOptions = {}): () => void {
    const random = seededRandom(options.seed ?? 1);
    const depth = options.levels ?? 20;
    const mids = this.#seed(random, depth);
    const step = (): void => {
      for (const spec of this.#core.instruments()) {
        const tick = spec.instrument.tickSize.toNumber();
        let mid = mids.get(spec.code) ?? 0;
        const move = random();
        if (move < 0.1) mid += 1;
        else if (move < 0.2) mid -= 1;
        mids.set(spec.code, mid);
        this.setBook(spec.code, ...ladder(mid, tick, depth, random, spec.quantityScale));
        if (random() < 0.5) {
          const buy = random() < 0.5;
          const price = round((buy ? mid + 1 : mid - 1) * tick, spec.priceScale);
          const quantity = round(
            Math.max(random() * 0.05, 10 ** -spec.quantityScale),
            spec.quantityScale,
          );
          this.trade(spec.code, buy ? "buy" : "sell", price, quantity);
        }
      }
    };
    const timer = setInterval(step, options.intervalMs ?? 100);
    this.#timers.add(timer);
    return () => {
      clearInterval(timer);
      this.#timers.delete(timer);
    };
  }

  /** How many book updates of `code` were published (the book's update id). */
  sequence(code: string): number {
    return this.#sequences.get(code) ?? 0;
  }

  /** Sets a seeded book of `levels` per side around each symbol's start price (no movement). */
  seedBooks(seed = 1, levels = 20): void {
    this.#seed(seededRandom(seed), levels);
  }

  #seed(random: () => number, depth: number): Map<string, number> {
    const mids = new Map<string, number>();
    for (const spec of this.#core.instruments()) {
      const tick = spec.instrument.tickSize.toNumber();
      const mid = Math.round(spec.startPrice / tick);
      mids.set(spec.code, mid);
      this.setBook(spec.code, ...ladder(mid, tick, depth, random, spec.quantityScale));
    }
    return mids;
  }

  /** Stops every synthetic generator. */
  stop(): void {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers.clear();
  }

  #book(code: string, bids: readonly Level[], asks: readonly Level[], snapshot: boolean): void {
    this.#assertListed(code);
    this.#core.applyBook(code, bids, asks, snapshot);
    this.#sequences.set(code, this.sequence(code) + 1);
    this.#emit({ kind: "book", code, bids, asks, snapshot, ts: this.#clock.now() });
  }

  #assertListed(code: string): void {
    if (this.#core.instrument(code) === undefined) {
      const listed = this.#core.instruments().map((s) => s.code).join(", ");
      throw new RangeError(`Symbol ${code} is not listed on the simulator (listed: ${listed})`);
    }
  }

  #emit(update: MarketUpdate): void {
    for (const listener of this.#listeners) listener(update);
  }
}

/** The venue code of a `venue:CODE` symbol. */
function codeOf(symbol: string): string {
  const at = symbol.lastIndexOf(":");
  return at >= 0 ? symbol.slice(at + 1) : symbol;
}

function round(value: number, places: number): number {
  return Number(value.toFixed(places));
}

function ladder(
  mid: number,
  tick: number,
  depth: number,
  random: () => number,
  quantityScale: number,
): [Level[], Level[]] {
  const size = (): number => round(0.01 + random() * 2, quantityScale) || 10 ** -quantityScale;
  const places = Math.max(0, Math.round(-Math.log10(tick)));
  const bids: Level[] = [];
  const asks: Level[] = [];
  for (let i = 1; i <= depth; i++) {
    bids.push([round((mid - i) * tick, places), size()]);
    asks.push([round((mid + i) * tick, places), size()]);
  }
  return [bids, asks];
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
