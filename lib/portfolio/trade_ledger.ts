/**
 * The round-trip builder: turns the closing and opening parts of fills into
 * {@linkcode RoundTrip} records, one per flat-to-flat episode of a symbol.
 *
 * @module
 */

import {
  type Decimal,
  decimal,
  type InstrumentKind,
  isPositive,
  type Micros,
  type SymbolId,
  ZERO,
} from "../domain/mod.ts";
import type { RoundTrip } from "./round_trip.ts";

/** What the ledger needs to know about one fill once the position has absorbed it. */
export interface LedgerFill {
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** Contract kind: decides how prices are averaged (inverse uses the harmonic mean). */
  readonly kind: InstrumentKind;
  /** Settle currency of the symbol (the currency of every amount below). */
  readonly settle: string;
  /** Fill time. */
  readonly ts: Micros;
  /** Direction the opened part trades in (the fill's side: buy opens long, sell short). */
  readonly openDirection: "long" | "short";
  /** Fill price. */
  readonly price: Decimal;
  /** Part of the fill that reduced the open position (0 when none). */
  readonly closedQuantity: Decimal;
  /** Part of the fill that opened or added to a position (0 when none). */
  readonly openedQuantity: Decimal;
  /** PnL realized by the closed part, from prices alone. */
  readonly realizedPnl: Decimal;
  /** The whole fill's fee, in the settle currency (negative = rebate). */
  readonly fee: Decimal;
}

/** A round trip still open: the running sums of its fills. JSON-safe when serialised. */
export interface OpenRoundTrip {
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** Contract kind. */
  readonly kind: InstrumentKind;
  /** Settle currency. */
  readonly settle: string;
  /** Long or short. */
  readonly direction: "long" | "short";
  /** Time of the first entry fill. */
  readonly entryTs: Micros;
  /** Quantity entered so far. */
  readonly entryQuantity: Decimal;
  /** Σ q·p (spot, linear) or Σ q/p (inverse) over entries. */
  readonly entryWeight: Decimal;
  /** Quantity exited so far. */
  readonly exitQuantity: Decimal;
  /** Σ q·p (spot, linear) or Σ q/p (inverse) over exits. */
  readonly exitWeight: Decimal;
  /** Realized PnL so far. */
  readonly grossPnl: Decimal;
  /** Fees so far (settle currency). */
  readonly fees: Decimal;
  /** Funding so far (positive = paid). */
  readonly funding: Decimal;
  /** Fills so far. */
  readonly fills: number;
}

function weight(kind: InstrumentKind, quantity: Decimal, price: Decimal): Decimal {
  switch (kind) {
    case "spot":
    case "linear":
      return quantity.times(price);
    case "inverse":
      return quantity.div(price);
    default: {
      const unknownKind: never = kind;
      throw new TypeError(`Unknown instrument kind ${unknownKind}`);
    }
  }
}

function averagePrice(kind: InstrumentKind, quantity: Decimal, sum: Decimal): Decimal {
  switch (kind) {
    case "spot":
    case "linear":
      return sum.div(quantity);
    case "inverse":
      return quantity.div(sum);
    default: {
      const unknownKind: never = kind;
      throw new TypeError(`Unknown instrument kind ${unknownKind}`);
    }
  }
}

function finish(trip: OpenRoundTrip, exitTs: Micros): RoundTrip {
  return {
    symbol: trip.symbol,
    direction: trip.direction,
    entryTs: trip.entryTs,
    exitTs,
    quantity: trip.entryQuantity,
    entryPrice: averagePrice(trip.kind, trip.entryQuantity, trip.entryWeight),
    exitPrice: averagePrice(trip.kind, trip.exitQuantity, trip.exitWeight),
    grossPnl: trip.grossPnl,
    fees: trip.fees,
    funding: trip.funding,
    netPnl: trip.grossPnl.minus(trip.fees).minus(trip.funding),
    settle: trip.settle,
    fills: trip.fills,
  };
}

/**
 * Builds round trips from flat to flat, per symbol. Entry and exit prices are volume-weighted
 * (for inverse contracts, the contract-weighted harmonic mean, so that
 * `grossPnl = quantity × multiplier × (1/entry − 1/exit)` holds for the trip as a whole).
 * A reversal fill closes one trip and opens the next; its fee is split pro rata by quantity
 * (the opening part takes the remainder, so the two shares add up exactly to the fee) and
 * it counts as a fill of both trips.
 */
export class TradeLedger {
  readonly #open = new Map<SymbolId, OpenRoundTrip>();
  readonly #closed: RoundTrip[] = [];

  /**
   * Records one fill; returns the round trip it completed, if any.
   *
   * @throws {RangeError} when a closing quantity arrives for a symbol with no open trip.
   */
  record(fill: LedgerFill): RoundTrip | undefined {
    let closeFee = ZERO;
    let completed: RoundTrip | undefined;
    if (isPositive(fill.closedQuantity)) {
      const trip = this.#open.get(fill.symbol);
      if (trip === undefined) {
        throw new RangeError(`TradeLedger: ${fill.symbol} has no open round trip to close`);
      }
      closeFee = fill.openedQuantity.isZero()
        ? fill.fee
        : fill.fee.times(fill.closedQuantity).div(fill.closedQuantity.plus(fill.openedQuantity));
      const next: OpenRoundTrip = {
        ...trip,
        exitQuantity: trip.exitQuantity.plus(fill.closedQuantity),
        exitWeight: trip.exitWeight.plus(weight(fill.kind, fill.closedQuantity, fill.price)),
        grossPnl: trip.grossPnl.plus(fill.realizedPnl),
        fees: trip.fees.plus(closeFee),
        fills: trip.fills + 1,
      };
      if (next.exitQuantity.gte(next.entryQuantity)) {
        completed = finish(next, fill.ts);
        this.#closed.push(completed);
        this.#open.delete(fill.symbol);
      } else {
        this.#open.set(fill.symbol, next);
      }
    }
    if (isPositive(fill.openedQuantity)) {
      const openFee = fill.fee.minus(closeFee);
      const trip = this.#open.get(fill.symbol);
      this.#open.set(
        fill.symbol,
        trip === undefined
          ? {
            symbol: fill.symbol,
            kind: fill.kind,
            settle: fill.settle,
            direction: fill.openDirection,
            entryTs: fill.ts,
            entryQuantity: fill.openedQuantity,
            entryWeight: weight(fill.kind, fill.openedQuantity, fill.price),
            exitQuantity: ZERO,
            exitWeight: ZERO,
            grossPnl: ZERO,
            fees: openFee,
            funding: ZERO,
            fills: 1,
          }
          : {
            ...trip,
            entryQuantity: trip.entryQuantity.plus(fill.openedQuantity),
            entryWeight: trip.entryWeight.plus(weight(fill.kind, fill.openedQuantity, fill.price)),
            fees: trip.fees.plus(openFee),
            fills: trip.fills + 1,
          },
      );
    }
    return completed;
  }

  /** Attributes a funding payment (positive = paid) to the symbol's open trip, if any. */
  addFunding(symbol: SymbolId, amount: Decimal): void {
    const trip = this.#open.get(symbol);
    if (trip === undefined) return;
    this.#open.set(symbol, { ...trip, funding: trip.funding.plus(amount) });
  }

  /** The open round trip of a symbol, if any. */
  openTrip(symbol: SymbolId): OpenRoundTrip | undefined {
    return this.#open.get(symbol);
  }

  /** Every open round trip. */
  openTrips(): readonly OpenRoundTrip[] {
    return [...this.#open.values()];
  }

  /** Completed round trips in the order they completed. */
  roundTrips(): readonly RoundTrip[] {
    return this.#closed;
  }

  /** JSON-safe copy of the ledger (decimals as strings). */
  toJSON(): TradeLedgerSnapshot {
    return {
      open: this.openTrips().map(openToJson),
      closed: this.#closed.map(roundTripToJson),
    };
  }

  /**
   * Rebuilds a ledger from {@linkcode TradeLedger.toJSON} output.
   *
   * @throws {RangeError} when a decimal field is not a decimal number.
   */
  static restore(data: TradeLedgerSnapshot): TradeLedger {
    const ledger = new TradeLedger();
    for (const trip of data.open) ledger.#open.set(trip.symbol, openFromJson(trip));
    for (const trip of data.closed) ledger.#closed.push(roundTripFromJson(trip));
    return ledger;
  }
}

/** A value with every Decimal field replaced by its string. */
export type Jsonify<T> = { readonly [K in keyof T]: T[K] extends Decimal ? string : T[K] };

/** Serialised {@linkcode TradeLedger}. */
export interface TradeLedgerSnapshot {
  /** Open round trips. */
  readonly open: readonly Jsonify<OpenRoundTrip>[];
  /** Completed round trips. */
  readonly closed: readonly Jsonify<RoundTrip>[];
}

function openToJson(trip: OpenRoundTrip): Jsonify<OpenRoundTrip> {
  return {
    ...trip,
    entryQuantity: trip.entryQuantity.toString(),
    entryWeight: trip.entryWeight.toString(),
    exitQuantity: trip.exitQuantity.toString(),
    exitWeight: trip.exitWeight.toString(),
    grossPnl: trip.grossPnl.toString(),
    fees: trip.fees.toString(),
    funding: trip.funding.toString(),
  };
}

function openFromJson(trip: Jsonify<OpenRoundTrip>): OpenRoundTrip {
  return {
    ...trip,
    entryQuantity: decimal(trip.entryQuantity),
    entryWeight: decimal(trip.entryWeight),
    exitQuantity: decimal(trip.exitQuantity),
    exitWeight: decimal(trip.exitWeight),
    grossPnl: decimal(trip.grossPnl),
    fees: decimal(trip.fees),
    funding: decimal(trip.funding),
  };
}

/** A round trip with decimals as strings. */
export function roundTripToJson(trip: RoundTrip): Jsonify<RoundTrip> {
  return {
    ...trip,
    quantity: trip.quantity.toString(),
    entryPrice: trip.entryPrice.toString(),
    exitPrice: trip.exitPrice.toString(),
    grossPnl: trip.grossPnl.toString(),
    fees: trip.fees.toString(),
    funding: trip.funding.toString(),
    netPnl: trip.netPnl.toString(),
  };
}

function roundTripFromJson(trip: Jsonify<RoundTrip>): RoundTrip {
  return {
    ...trip,
    quantity: decimal(trip.quantity),
    entryPrice: decimal(trip.entryPrice),
    exitPrice: decimal(trip.exitPrice),
    grossPnl: decimal(trip.grossPnl),
    fees: decimal(trip.fees),
    funding: decimal(trip.funding),
    netPnl: decimal(trip.netPnl),
  };
}
