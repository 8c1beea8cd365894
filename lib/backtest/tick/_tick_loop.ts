/**
 * The data loop of a tick backtest. Two timelines are interleaved in time order: the venue's
 * (command arrivals, and each data event at its exchange time) and ours (venue reports, timers,
 * and each data event at its local time). The exchange time of data is clamped so it never
 * runs backwards or past the local time. The venue applies each event as soon as the data is
 * read, but an event's local side waits until everything earlier on both timelines has
 * happened, so the venue runs ahead of us by the feed latency, as an exchange does.
 *
 * The loop is the engine runner's source: it yields our timeline's inputs (a time for timers
 * due with nothing else, a venue report, a data event, the kill-switch alert after one) and does
 * the venue's side and the equity marks between two of them. One iterator per run, reloaded
 * per batch. Semantics: docs/tick_backtesting.md.
 *
 * With `venueClock: "receive"` (the replay of a paper session's recording) the venue sees each
 * event at its local time instead, when we do, as a live paper venue can: then one timeline
 * holds everything, and at one instant timers come first, then reports, then data (applied at
 * the venue, then received), then command arrivals — the rule of `lib/live/paper_tick_source.ts`.
 *
 * @module
 */

import { DataError, type Decimal, type Micros, type SymbolId } from "../../domain/mod.ts";
import { InputSource, type RunInput, type TimeQueue } from "../../engine/mod.ts";
import type { Event } from "../../events/mod.ts";
import type { TradingSession } from "../../trader/mod.ts";
import type { TickVenue } from "../../venues/tick/tick_venue.ts";
import { eventSymbol, type MarketDataEvent } from "../../venues/tick/_venue_book.ts";
import { EquityRecorder } from "../equity_recorder.ts";
import type { MarketMakingDiagnostics } from "./diagnostics.ts";
import { Fifo } from "../../events/mod.ts";
import type { LocalBooks } from "./_local_books.ts";
import type { TickSource } from "./tick_sources.ts";

/** Options of {@linkcode TickLoop}. */
export interface TickLoopOptions {
  /** Venue reports waiting for the time we receive them. */
  readonly inbox: TimeQueue<Event>;
  /** Our books (the session's; the loop applies data before the window to them). */
  readonly books: LocalBooks;
  /** Every instrument of the markets file. */
  readonly instruments: ReadonlySet<SymbolId>;
  /** Length of an equity mark interval (µs). */
  readonly markMicros: number;
  /** Skip events received before this local time (µs). */
  readonly from: Micros;
  /** Stop at events received at or after this local time (µs). */
  readonly to: Micros;
  /** Fail on a delta before any snapshot. */
  readonly strict: boolean;
  /** The market-making diagnostics of the report. */
  readonly diagnostics: MarketMakingDiagnostics;
  /** The sources, for error messages. */
  readonly sources: readonly TickSource[];
  /** Called every 1,048,576 events with the number replayed. */
  readonly onProgress: ((events: number) => void) | undefined;
  /** The venue's time of data: its exchange time (default), or its local (receive) time. */
  readonly venueClock?: "exchange" | "receive";
}

/**
 * Events the venue may run ahead of us. Real feed latency holds a few hundred at most; a backlog
 * this long means the exchange timestamps lag the local ones by far more than any feed does
 * (usually a unit mix-up), and holding it would grow memory with the length of the run.
 */
const MAX_FEED_BACKLOG = 1_000_000;

// What follows the advance before a data event: nothing (the tail), its venue side only
// (after the window), or its venue side and its local side (inside the window).
const AFTER_NOTHING = 0;
const AFTER_VENUE = 1;
const AFTER_BOTH = 2;
// Receive-time venue: the event waits on our timeline, its venue side applied when received.
const AFTER_QUEUE = 3;

/** The tick data loop; iterate it once per loaded batch, then once over {@linkcode TickLoop.tail}. */
export class TickLoop extends InputSource {
  /** The equity marks. */
  readonly equity: EquityRecorder = EquityRecorder.inMemory();
  /** Marks taken with exposure. */
  barsInMarket = 0;
  /** Equity once every traded symbol had a price. */
  initialEquity: Decimal | undefined;
  /** Local time of the first event in the window. */
  first: Micros | undefined;
  /** Local time of the last event in the window. */
  lastLocal = 0;
  /** Market-data events replayed in the window. */
  marketEvents = 0;
  /** Whether the data passed the window's end (the rest need not be read). */
  stopped = false;
  /** Symbols the window's data held. */
  readonly known = new Set<SymbolId>();
  readonly #session: TradingSession<TickVenue>;
  readonly #options: TickLoopOptions;
  readonly #traded: readonly SymbolId[];
  readonly #marked = new Set<SymbolId>();
  // Events the venue has applied but we have not received yet: data reaches the exchange before
  // it reaches us, so the venue runs ahead of our local time by up to the feed latency.
  readonly #received = new Fifo<MarketDataEvent>();
  #batch: readonly MarketDataEvent[] = [];
  #row = 0;
  #venueTime = 0;
  #nextMark = Infinity;
  #advancing = false;
  #limit = 0;
  #inclusive = false;
  #after = AFTER_NOTHING;
  #event: MarketDataEvent | undefined;
  #checkDrawdown = false;
  readonly #watchDrawdown: boolean;
  readonly #receiveClock: boolean;

  /** A loop feeding `session` (its venue matches the data). */
  constructor(session: TradingSession<TickVenue>, options: TickLoopOptions) {
    super();
    this.#session = session;
    this.#options = options;
    this.#traded = [...session.instruments.keys()];
    this.#watchDrawdown = session.watchesDrawdown;
    this.#receiveClock = options.venueClock === "receive";
    session.onMark((symbol, price, ts) => {
      options.diagnostics.onMid(ts, price);
      if (this.initialEquity !== undefined) return;
      this.#marked.add(symbol);
      if (this.#traded.every((s) => this.#marked.has(s))) {
        this.initialEquity = session.portfolio.exactEquity();
        this.equity.start(this.initialEquity.toNumber(), this.#options.markMicros);
      }
    });
  }

  /** Starts on the events of `batch`. */
  load(batch: readonly MarketDataEvent[]): this {
    this.#batch = batch;
    this.#row = 0;
    return this;
  }

  /**
   * The end of the run: everything due by the last local time (later arrivals and reports
   * never happen), then the last mark.
   */
  tail(until: Micros = this.lastLocal): this {
    this.#batch = [];
    this.#row = 0;
    this.#startAdvance(Math.max(until, this.lastLocal), true, AFTER_NOTHING, undefined);
    return this;
  }

  /**
   * Records the last mark.
   *
   * @throws {DataError} when the window held no data or a traded symbol never had a price.
   */
  finish(): void {
    if (this.first === undefined) {
      throw new DataError("no market data to backtest", {
        hint: "check --lob-data, --from and --to (the traded symbols need a price)",
      });
    }
    if (this.initialEquity === undefined) {
      // Data of other symbols only (a strategy config for another market, say): name both.
      const missing = this.#traded.filter((s) => !this.#marked.has(s));
      throw new DataError(
        `no event for ${missing.join(", ")} in the data: it holds ${
          [...this.known].sort().join(", ")
        }`,
        {
          hint: `the strategy trades ${
            this.#traded.join(", ")
          }; pass --lob-data with its events, or a strategy config for the data's symbols`,
        },
      );
    }
    this.#recordMark(this.#nextMark - this.#options.markMicros);
  }

  /** The next input for the runner. */
  take(): RunInput | undefined {
    // The kill switch watches the equity after every data event (a float sum, no Decimal work).
    if (this.#checkDrawdown) {
      this.#checkDrawdown = false;
      if (this.initialEquity !== undefined) {
        const session = this.#session;
        const alert = session.drawdownAlert(session.portfolio.equity());
        if (alert !== undefined) return alert;
      }
    }
    while (true) {
      if (this.#advancing) {
        const input = this.#advanceStep();
        if (input !== undefined) return input;
        continue;
      }
      if (this.stopped || this.#row >= this.#batch.length) return undefined;
      this.#takeRow(this.#batch[this.#row++]);
    }
  }

  #startAdvance(
    limit: Micros,
    inclusive: boolean,
    after: number,
    event: MarketDataEvent | undefined,
  ): void {
    this.#advancing = true;
    this.#limit = limit;
    this.#inclusive = inclusive;
    this.#after = after;
    this.#event = event;
  }

  // One data event: its venue side once everything before its exchange time has happened.
  #takeRow(event: MarketDataEvent): void {
    const { from, to, instruments, markMicros, books } = this.#options;
    const local = event.tsRecv;
    const exchange = this.#receiveClock ? local : event.ts;
    if (local < from) {
      // Before the window the books still follow the data (an L2 file's only snapshot may
      // come long before `from`), but nothing reaches the strategy.
      this.#venueTime = Math.min(Math.max(exchange, this.#venueTime), local);
      this.#applyAtVenue(event);
      if (instruments.has(eventSymbol(event))) books.apply(event);
      return;
    }
    if (local >= to) {
      // After the window, data that happened at the exchange before our last local time still
      // shapes the book that orders in flight until then meet.
      const at = Math.min(Math.max(exchange, this.#venueTime), local);
      if (this.first === undefined || at > this.lastLocal) {
        this.stopped = true;
        return;
      }
      this.#venueTime = at;
      this.#startAdvance(at, false, AFTER_VENUE, event);
      return;
    }
    const symbol = eventSymbol(event);
    if (!this.known.has(symbol)) {
      if (!instruments.has(symbol)) {
        throw new DataError(`the data holds ${symbol}, which has no instrument`, {
          hint: `add it to the markets file (known: ${[...instruments].join(", ")})`,
        });
      }
      this.known.add(symbol);
    }
    if (this.first === undefined) {
      this.first = local;
      this.#nextMark = Math.floor(local / markMicros) * markMicros + markMicros;
    }
    // The exchange side now, at the event's exchange time; our side once time reaches `local`.
    this.#venueTime = Math.min(Math.max(exchange, this.#venueTime), local);
    this.#startAdvance(
      this.#venueTime,
      false,
      this.#receiveClock ? AFTER_QUEUE : AFTER_BOTH,
      event,
    );
  }

  #afterAdvance(): void {
    const event = this.#event;
    if (event === undefined || this.#after === AFTER_NOTHING) return;
    this.#event = undefined;
    if (this.#after !== AFTER_QUEUE) this.#applyAtVenue(event);
    if (this.#after === AFTER_VENUE) return;
    this.#received.push(event);
    if (this.#received.size > MAX_FEED_BACKLOG) {
      throw feedBacklogError(event, this.#options.sources);
    }
    this.lastLocal = event.tsRecv;
    if ((++this.marketEvents & 0xfffff) === 0) this.#options.onProgress?.(this.marketEvents);
  }

  // Everything on both timelines before the limit (or at it too, when inclusive), in time
  // order; one step per call, returning our next input. At one time: venue arrivals, then
  // timers, then venue reports, then received data (data at the venue comes before all of
  // them: it is applied only after advancing to it). Equity is marked at each interval
  // boundary before the first item at or after it.
  #advanceStep(): RunInput | undefined {
    const session = this.#session;
    const venue = session.venue;
    const inbox = this.#options.inbox;
    while (true) {
      const arrival = venue.nextArrival;
      const report = inbox.nextTime;
      const timer = session.engine.nextScheduledTime ?? Infinity;
      const head = this.#received.peek();
      const data = head === undefined ? Infinity : head.tsRecv;
      const next = Math.min(arrival, report, timer, data);
      if (this.#inclusive ? next > this.#limit : next >= this.#limit) {
        this.#advancing = false;
        this.#afterAdvance();
        return undefined;
      }
      if (next >= this.#nextMark) this.#passMarks(next);
      if (this.#receiveClock) {
        // One timeline: timers, reports, data (venue side, then ours), then arrivals.
        if (timer === next) return timer;
        if (report === next) {
          const { at, item } = inbox.pop();
          session.clock.observe(at);
          return item;
        }
        if (head !== undefined && data === next) {
          this.#received.shift();
          this.#venueTime = head.tsRecv;
          this.#applyAtVenue(head);
          return this.#receive(head);
        }
        venue.processNextArrival();
        continue;
      }
      if (arrival === next) {
        venue.processNextArrival();
        continue;
      }
      if (timer === next) return timer;
      if (report === next) {
        const { at, item } = inbox.pop();
        session.clock.observe(at);
        return item;
      }
      if (head !== undefined) {
        this.#received.shift();
        return this.#receive(head);
      }
    }
  }

  // Our side of a data event, at its local time (timers due by then have fired). The engine
  // runs on local time: an event stamped later at the exchange than here (the two clocks
  // disagree) must not move our clock ahead of the data still to come.
  #receive(event: MarketDataEvent): Event {
    const local = event.tsRecv;
    this.#session.clock.observe(local);
    this.#checkDrawdown = this.#watchDrawdown;
    return event.ts > local ? { ...event, ts: local } : event;
  }

  #applyAtVenue(event: MarketDataEvent): void {
    const venue = this.#session.venue;
    if (!venue.onMarketData(event, this.#venueTime) && this.#options.strict) {
      throw new DataError(
        `book delta for ${
          eventSymbol(event)
        } at local time ${event.tsRecv} comes before any snapshot of it`,
        { hint: "drop --strict to skip such deltas (they are counted in the report)" },
      );
    }
  }

  // Records the marks of every interval that ends at or before `time` (state before `time`).
  #passMarks(time: Micros): void {
    const markMicros = this.#options.markMicros;
    while (time >= this.#nextMark) {
      if (this.initialEquity !== undefined) this.#recordMark(this.#nextMark - markMicros);
      this.#nextMark += markMicros;
    }
  }

  #recordMark(openTime: Micros): void {
    const { portfolio } = this.#session;
    const value = portfolio.equity();
    this.equity.push(openTime, value);
    let position = 0;
    for (const symbol of this.#traded) position += portfolio.position(symbol).quantity.toNumber();
    this.#options.diagnostics.onInventory(openTime + this.#options.markMicros, position);
    if (portfolio.grossExposure() !== 0) this.barsInMarket++;
  }
}

function feedBacklogError(event: MarketDataEvent, sources: readonly TickSource[]): DataError {
  return new DataError(
    `exchange timestamps lag local timestamps by ${
      event.tsRecv - event.ts
    } µs at the event received at ${event.tsRecv}: over ${
      MAX_FEED_BACKLOG.toLocaleString("en")
    } events wait between the exchange and us`,
    {
      location: { file: sources.map((s) => s.name).join(", ") },
      hint: "check that the exchange and local time columns use the same unit and clock",
    },
  );
}
