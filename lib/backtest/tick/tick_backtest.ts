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
 * Semantics: docs/tick_backtesting.md.
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
import type { FeeRates } from "../_venue_fill.ts";
import { EquitySeries } from "../_equity_series.ts";
import { type BacktestRunOptions, BacktestSession } from "../_session.ts";
import { computeMetrics, periodsPerYear } from "../metrics.ts";
import { type BacktestReport, buildReport, REPORT_SIGNIFICANT_DIGITS } from "../report.ts";
import type { ReportBundle } from "../report_files.ts";
import { isDiagnosticsSource, MarketMakingDiagnostics } from "./diagnostics.ts";
import { constantLatency, type LatencyModel } from "./latency.ts";
import type { QueueModelOptions } from "./queue_model.ts";
import { TickVenue } from "./tick_venue.ts";
import type { TickSource } from "./tick_sources.ts";
import { mergeTickBatches } from "./_source_batches.ts";
import { TimeQueue } from "../../engine/mod.ts";
import { LocalBooks } from "./_local_books.ts";
import type { SimBook } from "./sim_book.ts";

/** Options of {@linkcode runTickBacktest}. */
export interface TickBacktestOptions extends BacktestRunOptions {
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
  const session = new BacktestSession(options, (command, now) => venue.send(command, now));
  const { engine, clock, portfolio } = session;
  const traded = [...session.instruments.keys()];
  const inbox = new TimeQueue<Event>();
  const receive = (event: Event, venueTs: Micros): void => {
    inbox.push(Math.max(venueTs + latency.response(venueTs), clock.now()), event);
  };
  const venue = new TickVenue({
    instruments,
    queueModel: options.queueModel,
    latency,
    liquidityConsumption: options.liquidityConsumption,
    fees: options.fees,
  }, {
    orderUpdate: (order, ts) => receive({ kind: "order-update", ts, tsRecv: ts, order }, ts),
    fill: (fill, ts) => receive({ kind: "fill", ts, tsRecv: ts, fill }, ts),
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

  // Local-side events: a venue report, or a timer when one is due first.
  const processLocal = (until: Micros): boolean => {
    const timer = engine.nextScheduledTime ?? Infinity;
    const next = Math.min(inbox.nextTime, timer);
    if (next > until) return false;
    if (inbox.nextTime <= timer) {
      const { at, item } = inbox.pop();
      engine.advanceTo(at);
      clock.observe(at);
      engine.process(item);
    } else engine.advanceTo(timer);
    return true;
  };
  // Everything on both timelines up to venue time `until`, in time order (venue first on ties).
  // Before a data event stamped `until`, commands arriving exactly then wait: data at t is the
  // book at t, which an order arriving at t meets (docs/tick_backtesting.md, tie rule).
  const pump = (until: Micros, beforeData = false): void => {
    while (true) {
      const arrival = venue.nextArrival;
      const local = Math.min(inbox.nextTime, engine.nextScheduledTime ?? Infinity);
      const due = beforeData ? arrival < until : arrival <= until;
      if (due && arrival <= local) venue.processNextArrival();
      else if (!processLocal(until)) return;
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
  const known = new Set<SymbolId>();
  let marketEvents = 0;

  // One promise per batch of merged events; the loop body is per event.
  replay: for await (const batch of mergeTickBatches(options.sources)) {
    for (let i = 0; i < batch.length; i++) {
      const event = batch[i];
      const local = event.tsRecv;
      if (options.from !== undefined && local < options.from) continue;
      if (options.to !== undefined && local >= options.to) break replay;
      const symbol = event.kind === "trade"
        ? event.trade.symbol
        : event.kind === "quote"
        ? event.quote.symbol
        : event.kind === "book-snapshot"
        ? event.book.symbol
        : event.delta.symbol;
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
      // The exchange side first, at the event's exchange time.
      venueTime = Math.min(Math.max(event.ts, venueTime), local);
      pump(venueTime, true);
      if (!venue.onMarketData(event, venueTime) && options.strict === true) {
        throw new DataError(
          `book delta for ${symbol} at local time ${local} comes before any snapshot of it`,
          { hint: "drop --strict to skip such deltas (they are counted in the report)" },
        );
      }
      // Then our side, at the local time.
      while (processLocal(local));
      while (local >= nextMark) {
        if (initialEquity !== undefined) recordMark(nextMark - markMicros);
        nextMark += markMicros;
      }
      engine.advanceTo(local);
      clock.observe(local);
      const book = books.apply(event);
      changed = book;
      if (book !== undefined || event.kind === "trade") {
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
      engine.process(event);
      lastLocal = local;
      if ((++marketEvents & 0xfffff) === 0) options.onProgress?.(marketEvents);
    }
  }
  if (first === undefined || initialEquity === undefined) {
    throw new DataError("no market data to backtest", {
      hint: "check --lob-data, --from and --to (the traded symbols need a price)",
    });
  }
  // Reports and arrivals still due by the last local time; later ones never happen.
  pump(lastLocal);
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
  const bundle = session.bundle(report, equity);
  return { report, bundle, marketEvents, events: engine.processed };
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
