/**
 * The tick-mode backtest runner: the trading session with the {@linkcode TickVenue} matching
 * engine as its port and our local books, driven by the engine's runner over the tick data
 * loop (`_tick_loop.ts`), and the report. As in candle mode the venue sits outside the engine,
 * like an exchange: order commands reach it through the port and travel for their entry
 * latency; its acknowledgements and fills come back through the inbox as input events stamped
 * at venue time (`ts`) and received after the response latency (`tsRecv`). Semantics:
 * docs/tick_backtesting.md.
 *
 * @module
 */

import {
  type Interval,
  intervalMicros,
  type JsonValue,
  type Micros,
  type SymbolId,
} from "../../domain/mod.ts";
import { TimeQueue } from "../../engine/mod.ts";
import type { Event } from "../../events/mod.ts";
import type { AmendQueueRule } from "../../broker/mod.ts";
import type { FeeRates } from "../../venues/_venue_fill.ts";
import { reportBundle } from "../_bundle.ts";
import { runWithModels, strategyModels } from "../_model_run.ts";
import { type TradingOptions, TradingSession } from "../../trader/mod.ts";
import { metricsFromCurve, periodsPerYear } from "../metrics.ts";
import { type BacktestReport, buildReport, REPORT_SIGNIFICANT_DIGITS } from "../report.ts";
import type { ReportBundle } from "../report_files.ts";
import { isDiagnosticsSource, MarketMakingDiagnostics } from "./diagnostics.ts";
import { constantLatency, type LatencyModel } from "../../venues/tick/latency.ts";
import type { QueueModelOptions } from "../../venues/tick/queue_model.ts";
import { TickVenue } from "../../venues/tick/tick_venue.ts";
import type { TickSource } from "./tick_sources.ts";
import { isRecordingTickSource } from "./recording.ts";
import { mergeTickBatches } from "./_source_batches.ts";
import { LocalBooks } from "./_local_books.ts";
import { TickLoop } from "./_tick_loop.ts";

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
  /** The queue priority an amend keeps (default `keep-on-decrease`, Bybit's rule). */
  readonly amendQueue?: AmendQueueRule;
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
  /**
   * The venue's time of data: the exchange time of each event (default: the venue runs ahead
   * of us by the feed latency), or its receive time (`receive`: the venue sees data when we
   * do, as a live paper session's venue does; the replay of a paper recording uses it).
   */
  readonly venueClock?: "exchange" | "receive";
  /**
   * The local time the run ends at: everything due by then (timers, arrivals, reports) happens,
   * even after the last data (default: the last data's local time). A recording of a live
   * paper session carries its own (`#timer @live/end`); the later of the two is used.
   */
  readonly end?: Micros;
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
  const latency = options.latency ?? constantLatency();
  const books = new LocalBooks();
  const inbox = new TimeQueue<Event>();
  const session = new TradingSession(
    { ...options, books, takerFeeRate: options.fees?.taker, models: await strategyModels(options) },
    ({ clock }) =>
      new TickVenue({
        instruments: new Map(options.instruments.map((i) => [i.symbol, i])),
        queueModel: options.queueModel,
        latency,
        liquidityConsumption: options.liquidityConsumption,
        fees: options.fees,
        amendQueue: options.amendQueue,
        now: () => clock.now(),
        // A report reaches us after the response latency. The venue never runs behind our
        // clock, so only a custom model's negative latency could stamp it in our past: the clamp
        // keeps the inbox in time order even then.
        receivedAt: (ts) => Math.max(ts + latency.response(ts), clock.now()),
      }, (report) => inbox.push(report.tsRecv, report)),
  );
  const { engine, clock, portfolio, venue, inference } = session;
  const strategy = options.strategy;
  session.host();

  const diagnostics = new MarketMakingDiagnostics();
  session.onOrderUpdate((event) => {
    const order = event.order;
    if (order.status === "accepted" && !session.orders.has(order.request.clientOrderId)) {
      diagnostics.onAccepted(order.request.quantity.toNumber());
    }
  });
  session.onFill((event) =>
    diagnostics.onFill(clock.now(), event.fill, books.book(event.fill.symbol).mid())
  );
  // The exchange liquidates an isolated position at its bankruptcy price once the mark reaches
  // its liquidation price: checked after every new mark and every fill.
  const liquidateIfDue = (symbol: SymbolId): void => {
    const due = session.liquidationDue(symbol, portfolio.lastPrice(symbol));
    if (due !== undefined) venue.liquidate(symbol, due.fillPrice);
  };
  session.onMark((symbol) => liquidateIfDue(symbol));
  session.onFill((event) => liquidateIfDue(event.fill.symbol));
  // The session timers that fire, to compare with those a live session's recording lists.
  const firedTimers: string[] = [];
  if (options.sources.some(isRecordingTickSource)) {
    engine.bus.subscribe(
      "timer",
      (event) => firedTimers.push(`${event.owner}/${event.tag} ${event.ts}`),
    );
  }
  const markMicros = intervalMicros(options.markInterval ?? "1m");
  const loop = new TickLoop(session, {
    inbox,
    books,
    instruments: new Set(options.instruments.map((i) => i.symbol)),
    markMicros,
    from: options.from ?? -Infinity,
    to: options.to ?? Infinity,
    strict: options.strict === true,
    diagnostics,
    sources: options.sources,
    onProgress: options.onProgress,
    venueClock: options.venueClock ?? "exchange",
  });
  // One promise per batch of merged events; the loop's body is per event.
  for await (const batch of mergeTickBatches(options.sources)) {
    await runWithModels(engine, loop.load(batch), inference, false);
    if (loop.stopped) break;
  }
  // A paper session's recording ends where the session stopped: everything due by then happened.
  const end = [options.end, sessionEnd(options.sources)].filter((t) => t !== undefined);
  await runWithModels(engine, loop.tail(Math.max(...end, loop.lastLocal)), inference, false);
  loop.finish();
  const { equity, first, initialEquity, lastLocal, barsInMarket, marketEvents, known } = loop;
  // finish() checked both.
  if (first === undefined || initialEquity === undefined) {
    throw new TypeError("TickLoop.finish let a run without data through");
  }

  const record = equity.record();
  const metrics = metricsFromCurve(record.stats, {
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
    ...(options.venueClock === "receive" ? { venueClock: "receive" } : {}),
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
      ...recordingDiagnostics(options.sources),
      ...sessionTimerDiagnostics(options.sources, firedTimers),
      ...(isDiagnosticsSource(strategy) ? { strategy: strategy.diagnostics() } : {}),
    }) as Readonly<Record<string, JsonValue>>,
  };
  const bundle = reportBundle(session, report, record);
  return { report, bundle, marketEvents, events: engine.processed };
}

// The latest end of a live session among the recordings (undefined when none says).
function sessionEnd(sources: readonly TickSource[]): Micros | undefined {
  let end: Micros | undefined;
  for (const source of sources) {
    if (!isRecordingTickSource(source)) continue;
    const at = source.sessionEnd();
    if (at !== undefined && (end === undefined || at > end)) end = at;
  }
  return end;
}

// Whether the replay fired the timers the live session did, at the same times (recordings of
// a live session only).
function sessionTimerDiagnostics(
  sources: readonly TickSource[],
  fired: readonly string[],
): { sessionTimers?: JsonValue } {
  const sessions = sources.filter(isRecordingTickSource).filter((s) =>
    s.sessionEnd() !== undefined
  );
  if (sessions.length !== 1) return {};
  const recorded = sessions[0].sessionTimers();
  let firstDifference = -1;
  for (let i = 0; i < Math.max(recorded.length, fired.length); i++) {
    if (recorded[i] !== fired[i]) {
      firstDifference = i;
      break;
    }
  }
  return {
    sessionTimers: {
      recorded: recorded.length,
      replayed: fired.length,
      same: firstDifference < 0,
      ...(firstDifference < 0 ? {} : {
        firstDifference: {
          index: firstDifference,
          recorded: recorded[firstDifference] ?? null,
          replayed: fired[firstDifference] ?? null,
        },
      }),
    },
  };
}

// Each recording's decoder figures (messages, snapshots, gaps …), when the data came from one.
function recordingDiagnostics(
  sources: readonly TickSource[],
): { recordings?: JsonValue } {
  const recordings = sources.filter(isRecordingTickSource);
  if (recordings.length === 0) return {};
  return { recordings: recordings.map((s) => ({ source: s.name, ...s.diagnostics() })) };
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
