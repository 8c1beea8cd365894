/**
 * The tick-mode backtest runner: replays trades, quotes and L2 books (merged by local time)
 * through the one engine, with the strategy host, the OMS, the portfolio and the
 * {@linkcode TickVenue} matching engine. As in candle mode the venue sits outside the engine,
 * like an exchange: order commands reach it through a bus subscription and travel for their
 * entry latency; its acknowledgements and fills come back as input events stamped at venue time
 * (`ts`) and received after the response latency (`tsRecv`).
 *
 * Two timelines are interleaved in time order: the venue's (command arrivals, and each data
 * event at its exchange time) and ours (venue reports, timers, and each data event at its local
 * time). The exchange time of data is clamped so it never runs backwards or past the local time.
 * The venue applies each event as soon as the data is read, but an event's local side waits until
 * everything earlier on both timelines has happened, so the venue runs ahead of us by the feed
 * latency, as an exchange does. Semantics: docs/tick_backtesting.md.
 *
 * @module
 */

import {
  DataError,
  type Decimal,
  type Instrument,
  type Interval,
  intervalMicros,
  type JsonValue,
  type Micros,
  type SymbolId,
} from "../../domain/mod.ts";
import type { Event } from "../../events/mod.ts";
import type { FeeRates } from "../../venues/_venue_fill.ts";
import { EquitySeries } from "../_equity_series.ts";
import { reportBundle } from "../_bundle.ts";
import { type TradingOptions, TradingSession } from "../../trader/mod.ts";
import { computeMetrics, periodsPerYear } from "../metrics.ts";
import { type BacktestReport, buildReport, REPORT_SIGNIFICANT_DIGITS } from "../report.ts";
import type { ReportBundle } from "../report_files.ts";
import { isDiagnosticsSource, MarketMakingDiagnostics } from "./diagnostics.ts";
import { constantLatency, type LatencyModel } from "../../venues/tick/latency.ts";
import type { QueueModelOptions } from "../../venues/tick/queue_model.ts";
import { TickVenue } from "../../venues/tick/tick_venue.ts";
import type { TickSource } from "./tick_sources.ts";
import { mergeTickBatches } from "./_source_batches.ts";
import { TimeQueue } from "../../engine/mod.ts";
import { LocalBooks } from "./_local_books.ts";
import { Fifo } from "./_fifo.ts";
import { eventSymbol, type MarketDataEvent } from "../../venues/tick/_venue_book.ts";
import type { SimBook } from "../../venues/tick/sim_book.ts";

/** Options of {@linkcode runTickBacktest}. */
export interface TickBacktestOptions extends TradingOptions {
  /** Market-data sources, each sorted by local time. */
  readonly sources: readonly TickSource[];
  /** Queue model (default risk-averse). */
  readonly queueModel?: QueueModelOptions;
  /** Order latency (default: constant zero). */
  readonly latency?: LatencyModel;
  /** Per-level liquidity consumption tracking (default true). */
  readonly liquidityConsumption?: boolean;
  /** Fee overrides. */
  readonly fees?: FeeRates;
  /** Fail on a delta before any snapshot instead of skipping and counting it. */
  readonly strict?: boolean;
  /** Equity is marked at this interval of local time (default 1m). */
  readonly markInterval?: Interval;
  /** Skip events received before this local time (µs). */
  readonly from?: Micros;
  /** Stop at events received at or after this local time (µs). */
  readonly to?: Micros;
  /** Free-form settings recorded in the report (the tick settings are added under `tick`). */
  readonly settings?: Readonly<Record<string, JsonValue>>;
  /** Called every 1,048,576 events with the number processed. */
  readonly onProgress?: (events: number) => void;
}

/** Everything a tick run produced. */
export interface TickBacktestResult {
  /** The report (with `diagnostics`). */
  readonly report: BacktestReport;
  /** The report plus series and tables, for `writeReportFiles`. */
  readonly bundle: ReportBundle;
  /** Market-data events replayed. */
  readonly marketEvents: number;
  /** Events processed by the engine (market data, reports, commands, timers …). */
  readonly events: number;
}

/**
 * Runs a tick-mode backtest.
 *
 * @throws {DataError} when there is no data, a source is out of local-time order, the data
 * holds a symbol without an instrument, or (with `strict`) a delta precedes its snapshot;
 * {@linkcode ConfigError} when a traded symbol has no instrument.
 */
export async function runTickBacktest(options: TickBacktestOptions): Promise<TickBacktestResult> {
  const instruments = new Map<SymbolId, Instrument>(options.instruments.map((i) => [i.symbol, i]));
  const latency = options.latency ?? constantLatency();
  // The venue and the session refer to each other; each only calls the other once running.
  const session = new TradingSession(options, (command, now) => venue.send(command, now));
  const { engine, clock, portfolio } = session;
  const traded = [...session.instruments.keys()];
  const inbox = new TimeQueue<Event>();
  // A venue report reaches us after the response latency. The venue never runs behind our
  // clock, so only a custom model's negative latency could stamp it in our past: the clamp keeps
  // the inbox in time order even then.
  const receivedAt = (venueTs: Micros): Micros =>
    Math.max(venueTs + latency.response(venueTs), clock.now());
  const venue = new TickVenue({
    instruments,
    queueModel: options.queueModel,
    latency,
    liquidityConsumption: options.liquidityConsumption,
    fees: options.fees,
  }, {
    orderUpdate: (order, ts) => {
      const at = receivedAt(ts);
      inbox.push(at, { kind: "order-update", ts, tsRecv: at, order });
    },
    fill: (fill, ts) => {
      const at = receivedAt(ts);
      inbox.push(at, { kind: "fill", ts, tsRecv: at, fill });
    },
  });
  const strategy = options.strategy;
  const host = session.host();

  const books = new LocalBooks();
  const diagnostics = new MarketMakingDiagnostics();
  const midOf = (symbol: SymbolId): number => books.book(symbol).mid();
  const bus = engine.bus;
  session.onOrderUpdate((event) => {
    const order = event.order;
    if (order.status === "accepted" && !session.orders.has(order.request.clientOrderId)) {
      diagnostics.onAccepted(order.request.quantity.toNumber());
    }
  });
  session.onFill((event) => diagnostics.onFill(clock.now(), event.fill, midOf(event.fill.symbol)));
  // The book a data event changed, delivered as a BookView (quotes too while there is no L2).
  let changed: SimBook | undefined;
  const deliverBook = (): void => {
    if (changed !== undefined) host.onBook(changed);
  };
  bus.subscribe("trade", (event) => host.onTrade(event.trade));
  bus.subscribe("quote", (event) => {
    host.onQuote(event.quote);
    deliverBook();
  });
  bus.subscribe("book-snapshot", deliverBook);
  bus.subscribe("book-delta", deliverBook);

  // Events the venue has applied but we have not received yet: data reaches the exchange before
  // it reaches us, so the venue runs ahead of our local time by up to the feed latency.
  const received = new Fifo<MarketDataEvent>();
  // Everything on both timelines before time `limit` (or at it too, when `inclusive`), in time
  // order. At one time: venue arrivals, then timers, then venue reports, then received data (data
  // at the venue comes before all of them: the caller applies it only after advancing to it).
  // Equity is marked at each interval boundary before the first item at or after it.
  const advance = (limit: Micros, inclusive: boolean): void => {
    while (true) {
      const arrival = venue.nextArrival;
      const report = inbox.nextTime;
      const timer = engine.nextScheduledTime ?? Infinity;
      const head = received.peek();
      const data = head === undefined ? Infinity : head.tsRecv;
      const next = Math.min(arrival, report, timer, data);
      if (inclusive ? next > limit : next >= limit) return;
      if (next >= nextMark) passMarks(next);
      if (arrival === next) venue.processNextArrival();
      else if (timer === next) engine.advanceTo(timer);
      else if (report === next) {
        const { at, item } = inbox.pop();
        clock.observe(at);
        engine.process(item);
      } else if (head !== undefined) {
        received.shift();
        receiveData(head);
      }
    }
  };

  const markMicros = intervalMicros(options.markInterval ?? "1m");
  const equity = new EquitySeries(1024);
  let barsInMarket = 0;
  let nextMark = Infinity;
  let first: Micros | undefined;
  let lastLocal = 0;
  let venueTime = 0;
  let initialEquity: Decimal | undefined;
  const marked = new Map<SymbolId, number>();
  const recordMark = (openTime: Micros): void => {
    const value = portfolio.equity();
    equity.push(openTime, value);
    let position = 0;
    for (const symbol of traded) position += portfolio.position(symbol).quantity.toNumber();
    diagnostics.onInventory(openTime + markMicros, position);
    if (portfolio.grossExposure() !== 0) barsInMarket++;
  };
  // Records the marks of every interval that ends at or before `time` (state before `time`).
  const passMarks = (time: Micros): void => {
    while (time >= nextMark) {
      if (initialEquity !== undefined) recordMark(nextMark - markMicros);
      nextMark += markMicros;
    }
  };
  // Our side of a data event, at its local time (timers due by then have fired).
  const receiveData = (event: MarketDataEvent): void => {
    const local = event.tsRecv;
    clock.observe(local);
    const book = books.apply(event);
    changed = book;
    if (book !== undefined || event.kind === "trade") {
      const symbol = eventSymbol(event);
      const mid = book !== undefined ? book.mid() : midOf(symbol);
      const price = mid === mid ? mid : event.kind === "trade" ? event.trade.price : NaN;
      if (price === price && marked.get(symbol) !== price && traded.includes(symbol)) {
        marked.set(symbol, price);
        portfolio.mark(symbol, price);
        diagnostics.onMid(local, price);
      }
    }
    if (initialEquity === undefined && traded.every((s) => marked.has(s))) {
      initialEquity = portfolio.exactEquity();
    }
    // The engine runs on local time: an event stamped later at the exchange than here (the two
    // clocks disagree) must not move our clock ahead of the data still to come.
    engine.process(event.ts > local ? { ...event, ts: local } : event);
    if (watchDrawdown && initialEquity !== undefined) session.checkDrawdown(portfolio.equity());
  };
  // The kill switch watches the equity after every data event (a float sum, no Decimal work).
  const watchDrawdown = options.risk?.maxDrawdown !== undefined;
  const known = new Set<SymbolId>();
  let marketEvents = 0;
  const from = options.from ?? -Infinity;
  const to = options.to ?? Infinity;
  const applyAtVenue = (event: MarketDataEvent, at: Micros): void => {
    if (!venue.onMarketData(event, at) && options.strict === true) {
      throw new DataError(
        `book delta for ${
          eventSymbol(event)
        } at local time ${event.tsRecv} comes before any snapshot of it`,
        { hint: "drop --strict to skip such deltas (they are counted in the report)" },
      );
    }
  };

  // One promise per batch of merged events; the loop body is per event.
  replay: for await (const batch of mergeTickBatches(options.sources)) {
    for (let i = 0; i < batch.length; i++) {
      const event = batch[i];
      const local = event.tsRecv;
      if (local < from) {
        // Before the window the books still follow the data (an L2 file's only snapshot may
        // come long before `from`), but nothing reaches the strategy.
        venueTime = Math.min(Math.max(event.ts, venueTime), local);
        applyAtVenue(event, venueTime);
        if (instruments.has(eventSymbol(event))) books.apply(event);
        continue;
      }
      if (local >= to) {
        // After the window, data that happened at the exchange before our last local time still
        // shapes the book that orders in flight until then meet.
        const at = Math.min(Math.max(event.ts, venueTime), local);
        if (first === undefined || at > lastLocal) break replay;
        venueTime = at;
        advance(venueTime, false);
        applyAtVenue(event, venueTime);
        continue;
      }
      const symbol = eventSymbol(event);
      if (!known.has(symbol)) {
        if (!instruments.has(symbol)) {
          throw new DataError(`the data holds ${symbol}, which has no instrument`, {
            hint: `add it to the markets file (known: ${[...instruments.keys()].join(", ")})`,
          });
        }
        known.add(symbol);
      }
      if (first === undefined) {
        first = local;
        nextMark = Math.floor(local / markMicros) * markMicros + markMicros;
      }
      // The exchange side now, at the event's exchange time; our side once time reaches `local`.
      venueTime = Math.min(Math.max(event.ts, venueTime), local);
      advance(venueTime, false);
      applyAtVenue(event, venueTime);
      received.push(event);
      if (received.size > MAX_FEED_BACKLOG) throw feedBacklogError(event, options.sources);
      lastLocal = local;
      if ((++marketEvents & 0xfffff) === 0) options.onProgress?.(marketEvents);
    }
  }
  // Everything due by the last local time; later arrivals and reports never happen.
  advance(lastLocal, true);
  if (first === undefined || initialEquity === undefined) {
    throw new DataError("no market data to backtest", {
      hint: "check --lob-data, --from and --to (the traded symbols need a price)",
    });
  }
  recordMark(nextMark - markMicros);

  const metrics = computeMetrics({
    ts: equity.ts,
    equity: equity.values,
    length: equity.length,
    initialEquity: initialEquity.toNumber(),
    periodsPerYear: periodsPerYear(options.markInterval ?? "1m"),
    roundTrips: portfolio.roundTrips(),
    tradePnls: session.tradePnls,
    barsInMarket,
    tradedNotional: session.tradedNotional(),
  });
  const stats = venue.stats;
  const model = venue.queueModel.options;
  const tickSettings: Record<string, JsonValue> = {
    queueModel: model.kind,
    ...(model.kind === "probabilistic"
      ? { queueProbability: model.probability, queueExponent: model.exponent }
      : {}),
    latency: latency.description,
    liquidityConsumption: options.liquidityConsumption ?? true,
    strict: options.strict === true,
    markInterval: options.markInterval ?? "1m",
    sources: options.sources.map((s) => s.name),
  };
  const mm = diagnostics.result();
  const report: BacktestReport = {
    ...buildReport({
      ...session.reportParts(),
      params: options.params,
      symbols: [...known].sort(),
      interval: options.markInterval ?? "1m",
      start: first,
      end: lastLocal,
      initialEquity,
      ambiguousBars: 0,
      liquidations: portfolio.liquidations,
      settings: { ...options.settings, tick: tickSettings },
      metrics,
    }),
    diagnostics: roundNumbers({
      events: {
        marketData: marketEvents,
        engine: engine.processed,
        deltasBeforeSnapshot: stats.deltasBeforeSnapshot,
        crossedBooks: stats.crossedBooks,
      },
      volume: {
        maker: stats.makerQuantity,
        taker: stats.takerQuantity,
        makerFills: stats.makerFills,
        takerFills: stats.takerFills,
      },
      venue: {
        rejected: stats.rejected,
        lateCancels: stats.lateCancels,
        rejectedAmends: stats.rejectedAmends,
        inFlightAtEnd: venue.inFlight,
      },
      ...mm,
      ...(isDiagnosticsSource(strategy) ? { strategy: strategy.diagnostics() } : {}),
    }) as Readonly<Record<string, JsonValue>>,
  };
  const bundle = reportBundle(session, report, equity);
  return { report, bundle, marketEvents, events: engine.processed };
}

/**
 * Events the venue may run ahead of us. Real feed latency holds a few hundred at most; a backlog
 * this long means the exchange timestamps lag the local ones by far more than any feed does
 * (usually a unit mix-up), and holding it would grow memory with the length of the run.
 */
const MAX_FEED_BACKLOG = 1_000_000;

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

/** Rounds every float to the report's 12 significant digits, so last-bit noise never shows. */
function roundNumbers(value: JsonValue): JsonValue {
  if (typeof value === "number") {
    return Number.isFinite(value) ? Number(value.toPrecision(REPORT_SIGNIFICANT_DIGITS)) : null;
  }
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(roundNumbers);
  const out: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value)) out[key] = roundNumbers(item ?? null);
  return out;
}
