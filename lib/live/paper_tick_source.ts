/**
 * The live data loop's source for a paper session with tick matching: one timeline in receive
 * time that interleaves the strategy's timers, the paper venue's reports, the market data the
 * feeds stamped, and the order commands reaching the paper venue (the tick matching engine of
 * backtests, {@linkcode TickVenue}). At one instant the order is: timers, then reports, then
 * market data (each event applied to the venue's book, then handed to the session), then the
 * commands arriving at the venue — so an order meets every frame received before or at its
 * arrival. The tick runner replays a recording with the same rule (`venueClock: "receive"`), so
 * a paper session and the replay of its recording give the same fills.
 *
 * Every item is handled at its own time, never at a time read from the wall clock: the clock
 * of the session is pinned to it ({@linkcode PaperTickClock}). The receive clock (the one the
 * feeds stamp frames with) decides only *when* an item may be handled: a timer, a report or an
 * arrival due at `t` waits until no frame stamped before `t` (at or before `t`, for an arrival)
 * can still come — either a later frame is already here, or the receive clock has passed `t`
 * when the source wakes from its own sleep (a frame stamped earlier has then been delivered:
 * its socket callback ran before the sleep's timer).
 *
 * The run ends at a receive time (a stop, the event bound, or the end of the feeds): what was
 * received up to it is handled, later frames are not. `endAt` lets the caller end a recording
 * at that instant, so the recording holds exactly what the session handled.
 *
 * @module
 */

import type { Micros } from "../domain/mod.ts";
import type { Engine, LiveSource, Sleeper, TimeQueue } from "../engine/mod.ts";
import { type Event, Fifo, type Inbox, isMarketData } from "../events/mod.ts";
import type { TradingSession } from "../trader/mod.ts";
import { drawdownVerdict } from "./_drawdown_verdict.ts";
import type { MarketDataEvent, TickVenue } from "../venues/mod.ts";
import type { LiveFeedCounts } from "./live_source.ts";
import type { PaperTickClock } from "./paper_tick_clock.ts";

/** Options of {@linkcode PaperTickSource}. */
export interface PaperTickSourceOptions {
  /** The session the events are for (its engine fires the timers). */
  readonly session: TradingSession;
  /** The paper venue: the tick matching engine. */
  readonly venue: TickVenue;
  /** The venue's reports, by the time we receive them. */
  readonly reports: TimeQueue<Event>;
  /** Where the feeds deliver. */
  readonly inbox: Inbox;
  /** The session clock (pinned to each item's time). */
  readonly clock: PaperTickClock;
  /** The clock the feeds stamp frames with (µs, never backwards). */
  readonly receiveClock: () => Micros;
  /** Waits on the receive clock. */
  readonly sleeper: Sleeper;
  /** Called between two items once the previous one has been fully handled (store commit). */
  readonly onSettled?: () => void;
  /**
   * End after handling this many inbox events: the run then ends at the receive time of that
   * moment, so the rest of a frame received by then is handled too (see the module doc).
   */
  readonly maxEvents?: number;
  /**
   * Called once when the run ends; returns the receive time up to which (inclusive) the
   * session handles what it received (default: the receive clock). A recording is ended here.
   */
  readonly endAt?: () => Micros;
}

type Next =
  | { readonly kind: "timer" | "report" | "arrival"; readonly at: Micros }
  | { readonly kind: "data"; readonly at: Micros; readonly event: Event }
  | { readonly kind: "none" };

// The reason a wait's sleep is released with.
const WOKE = "woke";

function isBookOrTrade(event: Event): event is MarketDataEvent {
  return event.kind === "trade" || event.kind === "quote" || event.kind === "book-snapshot" ||
    event.kind === "book-delta";
}

/** The source (see the module doc). */
export class PaperTickSource implements LiveSource {
  readonly #options: PaperTickSourceOptions;
  readonly #engine: Engine;
  readonly #pending = new Fifo<Event>();
  #taking: Promise<void> | undefined;
  // Every frame stamped before this receive time has been delivered to the inbox.
  #safeBefore: Micros = Number.NEGATIVE_INFINITY;
  #end: Micros | undefined;
  #inboxEnded = false;
  #done = false;
  #closed = false;
  #onClose: () => void = () => {};
  readonly #closing: Promise<void>;
  // Releases the current wait (a stop changes what the source waits for).
  #nudge: () => void = () => {};
  #checkEquity = false;
  #events = 0;
  #marketEvents = 0;
  #trades = 0;

  /** A source over `options.inbox`, matching on `options.venue`. */
  constructor(options: PaperTickSourceOptions) {
    this.#options = options;
    this.#engine = options.session.engine;
    this.#closing = new Promise((resolve) => this.#onClose = resolve);
  }

  /** The counters of the events handled (bars are not built in tick matching). */
  get counts(): LiveFeedCounts {
    return {
      events: this.#events,
      marketEvents: this.#marketEvents,
      trades: this.#trades,
      candles: 0,
      lateTrades: 0,
    };
  }

  /** The receive time the run ends at, once it is ending. */
  get endTime(): Micros | undefined {
    return this.#end;
  }

  /** Whether the run has handled everything up to its end. */
  get finished(): boolean {
    return this.#done;
  }

  /**
   * Ends the run at the receive time `endAt` gives now: what was received until then is still
   * handled (timers, reports and arrivals due by then too), then {@linkcode PaperTickSource.take}
   * ends.
   */
  stop(): void {
    this.#beginEnd();
    this.#nudge();
  }

  /** The next input for the engine; `undefined` once the run has reached its end. */
  async take(): Promise<Event | undefined> {
    const verdict = this.#afterPrevious();
    if (verdict !== undefined) return verdict;
    while (true) {
      if (this.#closed || this.#done) return undefined;
      await this.#gather();
      if (this.#closed) return undefined;
      const { maxEvents } = this.#options;
      if (maxEvents !== undefined && this.#events >= maxEvents) this.#beginEnd();
      const next = this.#next();
      const limit = this.#end ?? Number.POSITIVE_INFINITY;
      if (next.kind === "none" || next.at > limit) {
        // Nothing due by the end: finished once no frame stamped by then can still come.
        if (this.#end !== undefined && this.#safeBefore > this.#end) {
          this.#done = true;
          return undefined;
        }
        await this.#wait(this.#end === undefined ? Number.POSITIVE_INFINITY : this.#end + 1);
        continue;
      }
      if (next.kind === "data") {
        this.#pending.shift();
        return this.#receive(next.event, next.at);
      }
      // A timer or report at t may go once no frame stamped before t can come; an arrival at t
      // once none stamped at t can (data at t meets the book before an order arriving at t).
      const due = next.kind === "arrival" ? next.at + 1 : next.at;
      if (this.#pending.size === 0 && this.#safeBefore < due) {
        await this.#wait(due);
        continue;
      }
      switch (next.kind) {
        case "timer":
          this.#engine.advanceTo(next.at);
          this.#options.onSettled?.();
          continue;
        case "report": {
          const { at, item } = this.#options.reports.pop();
          this.#options.clock.observe(at);
          return item;
        }
        case "arrival":
          this.#options.venue.processNextArrival();
          continue;
        default: {
          const never: never = next;
          throw new TypeError(`Unknown timeline item ${JSON.stringify(never)}`);
        }
      }
    }
  }

  /** Ends the source for the runner (an abort or a failure): nothing more is handled. */
  close(): void {
    this.#closed = true;
    this.#onClose();
  }

  /**
   * After the run (a shutdown's cancels): every command in flight reaches the venue now, and
   * the next report comes back; `undefined` when there is none. The wait bound is not needed:
   * the paper venue answers at once.
   */
  takeWithin(_ms: number): Promise<Event | undefined> {
    const { venue, reports } = this.#options;
    while (reports.size === 0 && venue.inFlight > 0) venue.processNextArrival();
    if (reports.size === 0) return Promise.resolve(undefined);
    return Promise.resolve(reports.pop().item);
  }

  #beginEnd(): void {
    if (this.#end !== undefined) return;
    this.#end = this.#options.endAt?.() ?? this.#options.receiveClock();
  }

  // The previous item has been handled: settle, then the kill switch's verdict on the market
  // data event before (as the tick runner checks after each data event).
  #afterPrevious(): Event | undefined {
    this.#options.onSettled?.();
    if (!this.#checkEquity) return undefined;
    this.#checkEquity = false;
    return drawdownVerdict(this.#options.session);
  }

  // Moves what the inbox holds into the pending queue (microtasks only: no frame is received
  // meanwhile, so what the source knows about the past stays true).
  async #gather(): Promise<void> {
    const { inbox } = this.#options;
    while (inbox.size > 0 && this.#taking === undefined) {
      const event = await inbox.take();
      if (event === undefined) break;
      this.#accept(event);
    }
    if (inbox.closed && inbox.size === 0 && this.#taking === undefined) this.#feedsEnded();
  }

  #accept(event: Event): void {
    this.#pending.push(event);
  }

  #feedsEnded(): void {
    if (this.#inboxEnded) return;
    this.#inboxEnded = true;
    this.#beginEnd();
    // No frame can come any more: everything known is everything.
    this.#safeBefore = Number.POSITIVE_INFINITY;
  }

  // The earliest item by (time, kind): timers, reports, data, arrivals.
  #next(): Next {
    const { reports, venue, clock } = this.#options;
    const head = this.#pending.peek();
    const data = head === undefined ? Number.POSITIVE_INFINITY : Math.max(head.tsRecv, clock.now());
    const timer = this.#engine.nextScheduledTime ?? Number.POSITIVE_INFINITY;
    const report = reports.nextTime;
    const arrival = venue.nextArrival;
    if (timer <= report && timer <= data && timer <= arrival) {
      return timer === Number.POSITIVE_INFINITY ? { kind: "none" } : { kind: "timer", at: timer };
    }
    if (report <= data && report <= arrival) return { kind: "report", at: report };
    if (head !== undefined && data <= arrival) return { kind: "data", at: data, event: head };
    return { kind: "arrival", at: arrival };
  }

  // Counted when handled: a frame taken from the inbox after the end is not.
  #receive(event: Event, at: Micros): Event {
    this.#events++;
    if (isMarketData(event)) {
      this.#marketEvents++;
      if (event.kind === "trade") this.#trades++;
    }
    this.#options.clock.observe(at);
    // Candles and funding pass through (tick matching does not subscribe to them).
    if (!isBookOrTrade(event)) return event;
    this.#options.venue.onMarketData(event, at);
    this.#checkEquity = true;
    // The session runs on receive time: an exchange stamp later than it (clocks disagree) must
    // not move the session ahead of data still to come, as in the tick runner.
    return event.ts > at ? { ...event, ts: at } : event;
  }

  // Waits for the next inbox event, or for the receive clock to reach `until`.
  async #wait(until: Micros): Promise<void> {
    const { inbox, sleeper, receiveClock } = this.#options;
    if (this.#inboxEnded && until === Number.POSITIVE_INFINITY) {
      // Nothing can come and nothing is due: the run would never end otherwise.
      this.#beginEnd();
      return;
    }
    const taking = this.#inboxEnded ? undefined : this.#taking ??= inbox.take().then((event) => {
      this.#taking = undefined;
      if (event === undefined) this.#feedsEnded();
      else this.#accept(event);
    });
    const stop = new AbortController();
    const waits: Promise<unknown>[] = [
      this.#closing,
      new Promise<void>((resolve) => this.#nudge = resolve),
    ];
    if (taking !== undefined) waits.push(taking);
    if (until !== Number.POSITIVE_INFINITY) {
      waits.push(
        sleeper.sleepUntil(until, stop.signal).then(() => {
          // A wake of our own timer: every frame stamped before now has been delivered.
          const now = receiveClock();
          if (now > this.#safeBefore) this.#safeBefore = now;
        }),
      );
    }
    try {
      await Promise.race(waits);
    } finally {
      stop.abort(WOKE);
    }
  }
}
