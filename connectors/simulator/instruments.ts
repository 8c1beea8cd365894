/**
 * The contracts the simulator lists: linear USDT perpetuals with their tick, lot, minimums,
 * leverage cap, fees and maintenance rate. The defaults follow the venues' BTCUSDT and
 * ETHUSDT listings; a test or the CLI may pass its own.
 *
 * @module
 */

import { type Decimal, decimal, type Instrument, makeInstrument } from "./_lib.ts";

/** Plain description of one listed contract (decimals as strings). */
export interface SimInstrumentSpec {
  /** Venue code, e.g. `BTCUSDT`. */
  readonly code: string;
  /** Base coin, e.g. `BTC`. */
  readonly base: string;
  /** Quote and settle coin (default `USDT`). */
  readonly quote?: string;
  /** Price grid. */
  readonly tickSize: string;
  /** Quantity grid. */
  readonly lotSize: string;
  /** Smallest quantity (default: the lot size). */
  readonly minQuantity?: string;
  /** Largest quantity of one order (default 1000). */
  readonly maxQuantity?: string;
  /** Smallest notional in USDT (default 5). */
  readonly minNotional?: string;
  /** Highest leverage (default 100). */
  readonly maxLeverage?: string;
  /** Maker fee rate (default 0.0002). */
  readonly makerFee?: string;
  /** Taker fee rate (default 0.00055). */
  readonly takerFee?: string;
  /** Maintenance margin rate (default 0.005). */
  readonly maintenanceRate?: string;
  /** Price the synthetic feed starts at (default 50,000). */
  readonly startPrice?: number;
}

/** A listed contract: the domain instrument plus the venue-only limits. */
export interface SimInstrument {
  /** The domain instrument (`venue:CODE`, grids, fees). */
  readonly instrument: Instrument;
  /** Venue code. */
  readonly code: string;
  /** Largest quantity of one order. */
  readonly maxQuantity: Decimal;
  /** Highest leverage. */
  readonly maxLeverage: Decimal;
  /** Maintenance margin rate. */
  readonly maintenanceRate: Decimal;
  /** Decimals of the tick size (how prices are printed). */
  readonly priceScale: number;
  /** Decimals of the lot size (how quantities are printed). */
  readonly quantityScale: number;
  /** Price the synthetic feed starts at. */
  readonly startPrice: number;
}

/** The default listing: BTCUSDT and ETHUSDT linear perpetuals. */
export const DEFAULT_INSTRUMENTS: readonly SimInstrumentSpec[] = [
  {
    code: "BTCUSDT",
    base: "BTC",
    tickSize: "0.1",
    lotSize: "0.001",
    maxQuantity: "1190",
    minNotional: "5",
    startPrice: 50_000,
  },
  {
    code: "ETHUSDT",
    base: "ETH",
    tickSize: "0.01",
    lotSize: "0.01",
    maxQuantity: "7240",
    minNotional: "5",
    startPrice: 3_000,
  },
];

/** Builds the listed contracts of `venue` from plain specs. */
export function makeSimInstruments(
  venue: string,
  specs: readonly SimInstrumentSpec[],
): ReadonlyMap<string, SimInstrument> {
  const out = new Map<string, SimInstrument>();
  for (const spec of specs) {
    const quote = spec.quote ?? "USDT";
    const instrument = makeInstrument({
      symbol: `${venue}:${spec.code}`,
      kind: "linear",
      base: spec.base,
      quote,
      tickSize: spec.tickSize,
      lotSize: spec.lotSize,
      minQuantity: spec.minQuantity ?? spec.lotSize,
      minNotional: spec.minNotional ?? "5",
      makerFee: spec.makerFee ?? "0.0002",
      takerFee: spec.takerFee ?? "0.00055",
    });
    out.set(spec.code, {
      instrument,
      code: spec.code,
      maxQuantity: decimal(spec.maxQuantity ?? "1000"),
      maxLeverage: decimal(spec.maxLeverage ?? "100"),
      maintenanceRate: decimal(spec.maintenanceRate ?? "0.005"),
      priceScale: instrument.tickSize.decimalPlaces(),
      quantityScale: instrument.lotSize.decimalPlaces(),
      startPrice: spec.startPrice ?? 50_000,
    });
  }
  return out;
}
