/**
 * The live data loop's source for {@linkcode runLive}: it takes events from the two-lane
 * inbox and adds what a live session derives from them between two events, in the order a
 * backtest does: bars of the data interval built from trades (closed by the first trade of the
 * next period or, when none comes, on time after a grace period), the paper venue walking each
 * closed bar before the bar is delivered (so paper fills follow the candle venue's rules), the
 * drawdown kill switch's alert after an event that moved equity, and a settle hook (the state
 * store's commit) once the previous event has been handled completely.
 *
 * @module
 */

import type { Candle, Interval, Micros, SymbolId, Trade } from "../domain/mod.ts";
import { intervalMicros } from "../domain/mod.ts";
import type { LiveSource, Sleeper } from "../engine/mod.ts";
import type { Clock } from "../engine/mod.ts";
import { type CandleEvent, type Event, Fifo, type Inbox, isMarketData } from "../events/mod.ts";
import type { TradingSession } from "../trader/mod.ts";
import { drawdownVerdict } from "./_drawdown_verdict.ts";
import type { CandleVenue } from "../venues/mod.ts";

/** Options of {@linkcode LiveFeedSource}. */
export interface LiveFeedSourceOptions {
  /** The session the events are for. */
  readonly session: TradingSession;
  /** Where the feeds and the execution channel deliver. */
  readonly inbox: Inbox;
  /** The session's clock (wall clock live, a manual clock in tests). */
  readonly clock: Clock;
  /** Waits on that clock. */
  readonly sleeper: Sleeper;
  /** Interval of the bars the strategy's host receives (higher timeframes are built from them). */
  readonly dataInterval: Interval;
  /** Build bars of `dataInterval` from trades (feeds that send trades but no candles). */
  readonly buildCandles: boolean;
  /**
   * How long after its end a bar built from trades waits for a late trade before it is closed
   * on time (ms, default 250).
   */
  readonly closeGraceMs?: number;
  /** The paper venue: it walks every closed bar of a traded symbol before the bar is delivered. */
  readonly paper?: CandleVenue;
  /** Called between two events once the previous one has been fully handled (store commit). */
  readonly onSettled?: () => void;
  /** Ends the source after this many inbox events (a bounded run). */
  readonly maxEvents?: number;
  /**
   * Whether trades, quotes and books move the marks (the session has books): then equity is
   * checked after each of them, else only after bars and fills, the only events that move it.
   */
  readonly marksOnTicks?: boolean;
}

/** What the source has seen. */
export interface LiveFeedCounts {
  /** Events taken from the inbox. */
  readonly events: number;
  /** Market-data events among them. */
  readonly marketEvents: number;
  /** Trades among them. */
  readonly trades: number;
  /** Bars delivered (built or received). */
  readonly candles: number;
  /** Trades that arrived for a bar already closed on time (left out of the bars). */
  readonly lateTrades: number;
}

interface OpenBar {
  openTime: Micros;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

// The reason a wait's timer is released with (see #wait).
const WOKE = "woke";

// What ends a wait: the inbox's own take (an event, or undefined at its end), or the open bar's
// close time. The inbox's promise is waited on as it is: no wake object, no extra hop per event.
const BAR_DUE: unique symbol = Symbol("bar-due");
type Wake = Event | undefined | typeof BAR_DUE;
const TIMED_OUT: unique symbol = Symbol("timed-out");

interface BarSleep {
  readonly at: Micros;
  readonly stop: AbortController;
}

/** The live source (see the module doc). */
export class LiveFeedSource implements LiveSource {
  readonly #options: LiveFeedSourceOptions;
  readonly #barMicros: number;
  readonly #graceMicros: number;
  readonly #bars = new Map<SymbolId, OpenBar>();
  // End of the last bar closed per symbol: trades before it are late.
  readonly #closedUntil = new Map<SymbolId, Micros>();
  readonly #pending = new Fifo<Event>();
  #taking: Promise<Event | undefined> | undefined;
  // The sleep until the next bar is due, kept across waits while that time stays the same,
  // and how it ends the wait in progress (a wait ended by an event leaves a no-op behind).
  #barSleep: BarSleep | undefined;
  #barDue: (() => void) | undefined;
  #checkEquity = false;
  #ended = false;
  #events = 0;
  #marketEvents = 0;
  #trades = 0;
  #candles = 0;
  #lateTrades = 0;
  #paperNow: Micros;

  /** A source over `options.inbox`. */
  constructor(options: LiveFeedSourceOptions) {
    this.#options = options;
    this.#barMicros = intervalMicros(options.dataInterval);
    this.#graceMicros = Math.max(0, (options.closeGraceMs ?? 250) * 1000);
    this.#paperNow = options.clock.now();
  }

  /** The counters. */
  get counts(): LiveFeedCounts {
    return {
      events: this.#events,
      marketEvents: this.#marketEvents,
      trades: this.#trades,
      candles: this.#candles,
      lateTrades: this.#lateTrades,
    };
  }

  /**
   * The time the paper venue's commands are sent at: the time of the event being handled (a
   * bar's close, a trade), as in a backtest, so an order sent on a bar's close is matched from
   * the next bar on, not one bar later because the wall clock has moved past the close.
   */
  paperNow(): Micros {
    return this.#paperNow;
  }

  /** The next event for the engine; `undefined` once the inbox has ended or the bound is hit. */
  async take(): Promise<Event | undefined> {
    const settled = this.#afterPrevious();
    if (settled !== undefined) return settled;
    while (true) {
      const queued = this.#pending.shift();
      if (queued !== undefined) return this.#deliver(queued);
      if (this.#ended) {
        this.#disarm();
        return undefined;
      }
      const { maxEvents } = this.#options;
      if (maxEvents !== undefined && this.#events >= maxEvents) {
        // The bar still open is not delivered: a bar reaches the strategy only once closed.
        this.#ended = true;
        continue;
      }
      const event = await this.#wait();
      if (event === BAR_DUE) {
        this.#flushBars(this.#options.clock.now() - this.#graceMicros);
        continue;
      }
      this.#taking = undefined;
      if (event === undefined) {
        this.#ended = true;
        continue;
      }
      this.#events++;
      this.#accept(event);
    }
  }

  /**
   * Ends the source for the runner. The inbox stays open: a shutdown still takes the answers
   * to its cancels ({@linkcode LiveFeedSource.takeWithin}); the runtime closes it last.
   */
  close(): void {
    this.#ended = true;
    this.#disarm();
  }

  /**
   * The next inbox event within `ms` (after the run: a shutdown's cancel answers), or
   * `undefined` when none came in time or the inbox ended.
   */
  async takeWithin(ms: number): Promise<Event | undefined> {
    const pending = this.#pending.shift();
    if (pending !== undefined) return pending;
    const taking = this.#taking ??= this.#options.inbox.take();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const event = await Promise.race([
      taking,
      new Promise<typeof TIMED_OUT>((resolve) => {
        timer = setTimeout(() => resolve(TIMED_OUT), ms);
      }),
    ]);
    clearTimeout(timer);
    if (event === TIMED_OUT) return undefined;
    this.#taking = undefined;
    return event;
  }

  // The previous event has been handled: settle, then the kill switch's verdict on it.
  #afterPrevious(): Event | undefined {
    this.#options.onSettled?.();
    if (!this.#checkEquity) return undefined;
    this.#checkEquity = false;
    return drawdownVerdict(this.#options.session);
  }

  #wait(): Promise<Wake> {
    const { inbox } = this.#options;
    const taking = this.#taking ??= inbox.take();
    // With events waiting (the common case under load) no timer is armed at all.
    const due = inbox.size > 0 ? undefined : this.#nextBarDue();
    if (due === undefined) return taking;
    this.#sleepUntil(due);
    // Not a race on the sleep's own promise: that one outlives the wait, and would collect a
    // reaction per trade until the bar closes.
    return new Promise<Wake>((resolve, reject) => {
      this.#barDue = () => resolve(BAR_DUE);
      taking.then(resolve, reject);
    });
  }

  // A bar's trades each end a wait, but its close time stays: one runtime timer per bar, not
  // one armed and cleared per trade. A sleep that has fired is never reused; one that fires
  // between two waits wakes nobody, and the next wait arms it again, already due.
  #sleepUntil(at: Micros): void {
    if (this.#barSleep?.at === at) return;
    this.#disarm();
    const stop = new AbortController();
    this.#barSleep = { at, stop };
    this.#options.sleeper.sleepUntil(at, stop.signal).then(() => {
      if (this.#barSleep?.stop !== stop) return;
      this.#barSleep = undefined;
      const wake = this.#barDue;
      this.#barDue = undefined;
      wake?.();
    });
  }

  #disarm(): void {
    // A reason of our own: the default one is a DOMException, built with a stack each time.
    this.#barSleep?.stop.abort(WOKE);
    this.#barSleep = undefined;
    this.#barDue = undefined;
  }

  #nextBarDue(): Micros | undefined {
    if (!this.#options.buildCandles) return undefined;
    let due: Micros | undefined;
    for (const bar of this.#bars.values()) {
      const at = bar.openTime + this.#barMicros + this.#graceMicros;
      if (due === undefined || at < due) due = at;
    }
    return due;
  }

  #accept(event: Event): void {
    if (isMarketData(event)) this.#marketEvents++;
    if (event.kind === "trade") {
      this.#trades++;
      if (this.#options.buildCandles) this.#onTrade(event.trade, event.ts);
    }
    this.#pending.push(event);
  }

  #onTrade(trade: Trade, ts: Micros): void {
    const symbol = trade.symbol;
    const openTime = Math.floor(ts / this.#barMicros) * this.#barMicros;
    if (openTime < (this.#closedUntil.get(symbol) ?? Number.NEGATIVE_INFINITY)) {
      this.#lateTrades++;
      return;
    }
    let bar = this.#bars.get(symbol);
    if (bar !== undefined && bar.openTime !== openTime) {
      // The first trade of a later period closes the bar before it is itself delivered.
      this.#close(symbol, bar);
      bar = undefined;
    }
    if (bar === undefined) {
      this.#bars.set(symbol, {
        openTime,
        open: trade.price,
        high: trade.price,
        low: trade.price,
        close: trade.price,
        volume: trade.quantity,
      });
      return;
    }
    if (trade.price > bar.high) bar.high = trade.price;
    if (trade.price < bar.low) bar.low = trade.price;
    bar.close = trade.price;
    bar.volume += trade.quantity;
  }

  // Closes every bar that ended by `until`.
  #flushBars(until: Micros): void {
    for (const [symbol, bar] of [...this.#bars]) {
      if (bar.openTime + this.#barMicros <= until) this.#close(symbol, bar);
    }
  }

  #close(symbol: SymbolId, bar: OpenBar): void {
    this.#bars.delete(symbol);
    const end = bar.openTime + this.#barMicros;
    this.#closedUntil.set(symbol, end);
    const candle: Candle = {
      symbol,
      interval: this.#options.dataInterval,
      openTime: bar.openTime,
      open: bar.open,
      high: bar.high,
      low: bar.low,
      close: bar.close,
      volume: bar.volume,
    };
    const event: CandleEvent = {
      kind: "candle",
      ts: end,
      tsRecv: this.#options.clock.now(),
      candle,
    };
    this.#pending.push(event);
  }

  #deliver(event: Event): Event {
    this.#paperNow = event.ts;
    if (event.kind === "candle") {
      this.#candles++;
      const { candle } = event;
      const { paper, session } = this.#options;
      if (
        paper !== undefined && candle.interval === this.#options.dataInterval &&
        session.instruments.has(candle.symbol)
      ) {
        // The bar's fills reach the engine (idle now) at their times inside the bar, before
        // its close: the candle venue's rules, as in a backtest.
        paper.onBar(
          candle.symbol,
          candle.openTime,
          this.#barMicros,
          candle.open,
          candle.high,
          candle.low,
          candle.close,
          candle.volume,
        );
      }
      this.#paperNow = event.ts;
      this.#checkEquity = true;
    } else if (
      event.kind === "fill" || (this.#options.marksOnTicks === true && isMarketData(event))
    ) {
      this.#checkEquity = true;
    }
    return event;
  }
}
