/**
 * The paper venues of a live session, built as backtests build them: the candle venue walking
 * each closed bar, or the tick matching engine fed by the live books and trades, with the
 * session's costs taken from the venue's settings and the exchange's liquidations on the tick
 * venue.
 *
 * @module
 */

import type { Decimal, Instrument, Micros, SymbolId } from "../domain/mod.ts";
import type { Clock, TimeQueue } from "../engine/mod.ts";
import type { Event } from "../events/mod.ts";
import type { TradingSession, VenueLink } from "../trader/mod.ts";
import { CandleVenue, constantLatency, TickVenue } from "../venues/mod.ts";
import type { LiveExecution, PaperTickSettings, PaperVenueSettings } from "./live_execution.ts";

/** The session's own cost model, as the venue that executes its orders implies it. */
export interface SessionCosts {
  /** The slippage the session assumes (the candle venue's; none otherwise). */
  readonly slippageBps: number | undefined;
  /** The taker fee the session assumes (the paper venue's; none live). */
  readonly takerFeeRate: Decimal | undefined;
}

/**
 * The costs of `execution` (`tick` its tick settings with tick matching). Both are always set,
 * so they override what the trading options say: the tick venue walks the book (no slippage
 * model), as in tick backtests, and a live venue charges what it charges.
 */
export function sessionCosts(
  execution: LiveExecution,
  tick: PaperTickSettings | undefined,
): SessionCosts {
  if (execution.kind !== "paper") return { slippageBps: undefined, takerFeeRate: undefined };
  return tick === undefined
    ? { slippageBps: execution.venue?.slippageBps, takerFeeRate: execution.venue?.takerFeeRate }
    : { slippageBps: undefined, takerFeeRate: tick.fees?.taker };
}

/** Where the tick venue runs. */
export interface PaperTickVenueParts {
  /** The instruments traded. */
  readonly instruments: ReadonlyMap<SymbolId, Instrument>;
  /** The session clock. */
  readonly clock: Clock;
  /** Where its reports wait until received. */
  readonly reports: TimeQueue<Event>;
}

/** The tick venue on the session's clock. */
export function paperTickVenue(
  settings: PaperTickSettings,
  { instruments, clock, reports }: PaperTickVenueParts,
): TickVenue {
  const latency = settings.latency ?? constantLatency();
  return new TickVenue({
    instruments,
    queueModel: settings.queueModel,
    latency,
    liquidityConsumption: settings.liquidityConsumption,
    fees: settings.fees,
    amendQueue: settings.amendQueue,
    now: () => clock.now(),
    // The tick runner's rule: a report reaches us after the response latency.
    receivedAt: (ts) => Math.max(ts + latency.response(ts), clock.now()),
  }, (report) => reports.push(report.tsRecv, report));
}

/** Where the candle venue runs. */
export interface PaperCandleVenueParts {
  /** The instruments traded. */
  readonly instruments: ReadonlyMap<SymbolId, Instrument>;
  /** The session's link to its venue (the account it reads, the inbox it reports to). */
  readonly link: VenueLink;
  /** The time commands are sent at. */
  readonly now: () => Micros;
}

/** The candle venue reading the session's account. */
export function paperCandleVenue(
  settings: PaperVenueSettings | undefined,
  { instruments, link, now }: PaperCandleVenueParts,
): CandleVenue {
  const { inbox, portfolio } = link;
  return new CandleVenue({
    ...settings,
    instruments,
    positionOf: (symbol) => portfolio.position(symbol).quantity,
    liquidationPriceOf: (symbol) => portfolio.liquidationPrice(symbol),
    bankruptcyPriceOf: (symbol) => portfolio.bankruptcyPrice(symbol),
    now,
  }, inbox);
}

/**
 * The exchange liquidates an isolated position at its bankruptcy price once the mark reaches
 * its liquidation price: checked after every mark and fill, as the tick runner does.
 */
export function watchLiquidations(session: TradingSession, venue: TickVenue): void {
  const liquidateIfDue = (symbol: SymbolId): void => {
    const due = session.liquidationDue(symbol, session.portfolio.lastPrice(symbol));
    if (due !== undefined) venue.liquidate(symbol, due.fillPrice);
  };
  session.onMark((symbol) => liquidateIfDue(symbol));
  session.onFill((event) => liquidateIfDue(event.fill.symbol));
}
