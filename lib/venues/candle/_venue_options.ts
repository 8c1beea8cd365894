/**
 * Options of the candle venue and their resolution: defaults in one place, and the range
 * checks a misconfigured run should fail on at once.
 *
 * @module
 */

import {
  type Decimal,
  decimal,
  type Instrument,
  type Micros,
  type SymbolId,
} from "../../domain/mod.ts";
import type { FeeRates } from "../_venue_fill.ts";

/**
 * How a bar is walked when the order of its high and low matters: `pessimistic` resolves each
 * ambiguity against the trader, `ohlc` always walks O→H→L→C, `adaptive` walks O→H→L→C when the
 * open is nearer the high, else O→L→H→C.
 */
export type IntrabarModel = "pessimistic" | "ohlc" | "adaptive";

/** Limit fill rule: `cross` needs the bar to trade beyond the limit, `touch` only to reach it. */
export type LimitFillRule = "cross" | "touch";

/** Delay between sending an order and its arrival at the venue. */
export type VenueLatency =
  | { readonly kind: "bars"; readonly bars: number }
  | { readonly kind: "ms"; readonly ms: number };

/** Options of a {@linkcode CandleVenue}. */
export interface CandleVenueOptions {
  /** Instruments by symbol; orders for any other symbol are rejected. */
  readonly instruments: ReadonlyMap<SymbolId, Instrument>;
  /** The venue name the port reports (default `sim`). */
  readonly venue?: string;
  /** The time a command given to `send` is sent at: the session's clock (needed by `send`). */
  readonly now?: () => Micros;
  /** Slippage of market and stop-market fills in basis points (buys up, sells down); default 0. */
  readonly slippageBps?: number;
  /** Order (and cancel) latency; default `{ kind: "bars", bars: 1 }` (the next bar). */
  readonly latency?: VenueLatency;
  /** Limit fill rule; default `"cross"`. */
  readonly limitFill?: LimitFillRule;
  /** Intrabar path model; default `"pessimistic"`. */
  readonly intrabar?: IntrabarModel;
  /** At most this fraction of a bar's volume fills per bar (all orders of the symbol together). */
  readonly maxVolumeParticipation?: number;
  /** Overrides every instrument's maker fee rate (negative = rebate). */
  readonly makerFeeRate?: Decimal;
  /** Overrides every instrument's taker fee rate. */
  readonly takerFeeRate?: Decimal;
  /** The current signed position of a symbol, read at fill time for reduce-only orders. */
  readonly positionOf: (symbol: SymbolId) => Decimal;
  /**
   * The isolated-margin liquidation price of the symbol's position, if it has one. When given,
   * the venue liquidates where the bar's path first reaches it — before or after the bar's
   * fills, in path order on the same path — so a stop beyond it cannot save the position and a
   * move from before an entry cannot liquidate it. Needs an inbox that applies fills at once (the
   * price changes with every fill).
   */
  readonly liquidationPriceOf?: (symbol: SymbolId) => number | undefined;
  /**
   * The price at which the position's whole isolated margin is gone (its bankruptcy price).
   * A liquidated position closes there, as Bybit and Binance close it (or at the open when the
   * bar opens beyond it); without it, at the liquidation price.
   */
  readonly bankruptcyPriceOf?: (symbol: SymbolId) => number | undefined;
}

/** The options with defaults applied, in the shape the venue uses. */
export interface ResolvedVenueOptions {
  /** Slippage in basis points. */
  readonly slippageBps: number;
  /** Fixed part of the latency (µs). */
  readonly latencyAt: number;
  /** Bar part of the latency: whole bars after the first. */
  readonly latencyBars: number;
  /** Touch fills. */
  readonly touch: boolean;
  /** Intrabar model. */
  readonly intrabar: IntrabarModel;
  /** Volume participation, when capped. */
  readonly participation: Decimal | undefined;
  /** Fee overrides. */
  readonly fees: FeeRates;
}

/**
 * Applies the defaults and checks the ranges.
 *
 * @throws {RangeError} for a latency below one bar or below 0 ms, negative slippage, or a
 * participation outside (0, 1].
 */
export function resolveVenueOptions(options: CandleVenueOptions): ResolvedVenueOptions {
  const latency = options.latency ?? { kind: "bars", bars: 1 };
  let latencyAt: number;
  let latencyBars: number;
  switch (latency.kind) {
    case "bars":
      if (!Number.isInteger(latency.bars) || latency.bars < 1) {
        throw new RangeError(`Venue latency must be at least 1 bar, got ${latency.bars}`);
      }
      latencyAt = 0;
      latencyBars = latency.bars - 1;
      break;
    case "ms":
      if (!Number.isFinite(latency.ms) || latency.ms < 0) {
        throw new RangeError(`Venue latency must be at least 0 ms, got ${latency.ms}`);
      }
      latencyAt = latency.ms * 1000;
      latencyBars = 0;
      break;
    default: {
      const unknown: never = latency;
      throw new TypeError(`Unknown latency ${JSON.stringify(unknown)}`);
    }
  }
  const slippageBps = options.slippageBps ?? 0;
  if (!Number.isFinite(slippageBps) || slippageBps < 0) {
    throw new RangeError(`slippageBps must be 0 or more, got ${slippageBps}`);
  }
  const participation = options.maxVolumeParticipation;
  if (participation !== undefined && !(participation > 0 && participation <= 1)) {
    throw new RangeError(`maxVolumeParticipation must be in (0, 1], got ${participation}`);
  }
  return {
    slippageBps,
    latencyAt,
    latencyBars,
    touch: (options.limitFill ?? "cross") === "touch",
    intrabar: options.intrabar ?? "pessimistic",
    participation: participation === undefined ? undefined : decimal(participation),
    fees: { maker: options.makerFeeRate, taker: options.takerFeeRate },
  };
}
