/**
 * Reconciliation policy: compares the ledger with what a venue reports and decides what to do
 * about each difference. {@linkcode Portfolio.reconcile} applies the plan.
 *
 * The policy, in full:
 * - The venue is the source of truth: a position (quantity and average entry) or a wallet
 *   balance that differs is adopted, and the difference is booked as a synthetic adjustment
 *   with a deterministic id (`reconcile:<ts>:<symbol or currency>`), so replaying the same
 *   reconciliation names it the same way.
 * - A position adjustment books no PnL and no fee: the cash effect of whatever we missed (a
 *   fill, a liquidation) is in the venue's balances, which are adopted too. In the round-trip
 *   ledger the adjustment closes at our own entry price and opens at the venue's.
 * - Quantities compare exactly; entry prices compare within half a tick of the instrument
 *   (venues round average prices, and a missed fill always shows as a quantity difference).
 *   Balances compare exactly on the wallet total.
 * - Spot holdings are balances at a venue: spot instruments are reconciled through the
 *   balances only (a position report does not cover them).
 * - A report is complete for what it covers: a symbol or currency the venue does not list is
 *   flat or zero at the venue. A venue figure for a symbol or currency this portfolio does not
 *   hold is listed as a difference but not adopted (there is nothing to book it in).
 * - A failed or unknown venue query is never taken as flat: it is passed as
 *   {@linkcode unknownReport}, nothing of that part is compared or changed, and the event says
 *   so.
 *
 * @module
 */

import {
  type Balance,
  DataError,
  type Decimal,
  type Instrument,
  type Position,
  type SymbolId,
  ZERO,
} from "../domain/mod.ts";
import type {
  BalanceDifference,
  PositionDifference,
  ReconciliationDifference,
  ReconciliationScope,
} from "../events/mod.ts";

/** A position as a venue reports it (one-way mode: one netted position per symbol). */
export interface VenuePosition {
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** Signed quantity (negative = short), in the instrument's quantity unit. */
  readonly quantity: Decimal;
  /** The venue's average entry price (0 when flat). */
  readonly entryPrice: Decimal;
}

/** A wallet balance as a venue reports it. */
export interface VenueBalance {
  /** Currency code. */
  readonly currency: string;
  /** Wallet total. */
  readonly total: Decimal;
}

/**
 * The venue's answer to one query: its figures (`known`, complete for what it covers), or
 * `unknown` when the query failed, which is never the same as "flat" or "zero".
 */
export type VenueAnswer<T> =
  | { readonly status: "known"; readonly value: T }
  | { readonly status: "unknown"; readonly reason: string };

/** A venue report with figures. */
export function knownReport<T>(value: T): VenueAnswer<T> {
  return { status: "known", value };
}

/** A venue report whose query failed, with why (e.g. `GET /v5/position/list timed out`). */
export function unknownReport<T>(reason: string): VenueAnswer<T> {
  return { status: "unknown", reason };
}

/** What the policy reads from the ledger. */
export interface LedgerView {
  /** Every instrument of the portfolio, in its order. */
  readonly instruments: readonly Instrument[];
  /** The ledger's position in `symbol` (quantity 0 when flat). */
  position(symbol: SymbolId): Position;
  /** The ledger's balances, in its currency order. */
  balances(): readonly Balance[];
}

/** A position to adopt. */
export interface PositionAdoption {
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** The venue's signed quantity. */
  readonly quantity: Decimal;
  /** The venue's entry price. */
  readonly entryPrice: Decimal;
  /** The adjustment's deterministic id. */
  readonly id: string;
}

/** A balance to adopt. */
export interface BalanceAdoption {
  /** Currency code. */
  readonly currency: string;
  /** The venue's wallet total. */
  readonly total: Decimal;
  /** The adjustment's deterministic id. */
  readonly id: string;
}

/** What a reconciliation found and what to change. */
export interface ReconciliationPlan {
  /** Whether positions were compared. */
  readonly positions: ReconciliationScope;
  /** Whether balances were compared. */
  readonly balances: ReconciliationScope;
  /** Every difference, positions (instrument order, then unknown symbols) before balances. */
  readonly differences: readonly ReconciliationDifference[];
  /** Positions to set to the venue's figures. */
  readonly positionAdoptions: readonly PositionAdoption[];
  /** Balances to set to the venue's figures. */
  readonly balanceAdoptions: readonly BalanceAdoption[];
}

function scope<T>(report: VenueAnswer<T>): ReconciliationScope {
  return report.status === "known"
    ? { status: "compared" }
    : { status: "unknown", reason: report.reason };
}

function byKey<T>(items: readonly T[], key: (item: T) => string, what: string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (map.has(k)) {
      throw new DataError(`the venue reported ${what} ${k} twice`, {
        hint: "pass one netted figure per " + what + " (one-way position mode)",
      });
    }
    map.set(k, item);
  }
  return map;
}

/**
 * Compares `ledger` with the venue's reports at time `ts` (µs, used in adjustment ids).
 *
 * @throws {DataError} when a report lists a symbol or currency twice, or an open position
 * without a positive entry price.
 */
export function planReconciliation(
  ledger: LedgerView,
  positions: VenueAnswer<readonly VenuePosition[]>,
  balances: VenueAnswer<readonly VenueBalance[]>,
  ts: number,
): ReconciliationPlan {
  const differences: ReconciliationDifference[] = [];
  const positionAdoptions: PositionAdoption[] = [];
  const balanceAdoptions: BalanceAdoption[] = [];
  if (positions.status === "known") {
    const venue = byKey(positions.value, (p) => p.symbol, "symbol");
    for (const position of positions.value) {
      if (!position.quantity.isZero() && !position.entryPrice.gt(0)) {
        throw new DataError(
          `the venue reported ${position.quantity} ${position.symbol} at entry price ` +
            `${position.entryPrice}; an open position needs a positive entry price`,
          { hint: "check the venue adapter's position mapping" },
        );
      }
    }
    for (const instrument of ledger.instruments) {
      // Spot holdings are wallet balances at the venue, reconciled with the balances.
      if (instrument.kind === "spot") {
        venue.delete(instrument.symbol);
        continue;
      }
      const ours = ledger.position(instrument.symbol);
      const theirs = venue.get(instrument.symbol);
      venue.delete(instrument.symbol);
      const quantity = theirs?.quantity ?? ZERO;
      const entryPrice = quantity.isZero() ? ZERO : theirs?.entryPrice ?? ZERO;
      const sameQuantity = ours.quantity.eq(quantity);
      const halfTick = instrument.tickSize.div(2);
      if (
        sameQuantity && (quantity.isZero() || ours.entryPrice.minus(entryPrice).abs().lte(halfTick))
      ) {
        continue;
      }
      const id = `reconcile:${ts}:${instrument.symbol}`;
      positionAdoptions.push({ symbol: instrument.symbol, quantity, entryPrice, id });
      differences.push(positionDifference(instrument.symbol, ours, quantity, entryPrice, id));
    }
    for (const theirs of [...venue.values()].sort((a, b) => a.symbol < b.symbol ? -1 : 1)) {
      if (theirs.quantity.isZero()) continue;
      differences.push({
        kind: "position",
        symbol: theirs.symbol,
        ledgerQuantity: ZERO,
        venueQuantity: theirs.quantity,
        ledgerEntryPrice: ZERO,
        venueEntryPrice: theirs.entryPrice,
        action: "ignored",
        explanation: `the venue holds ${theirs.quantity} ${theirs.symbol} at ` +
          `${theirs.entryPrice}, which has no instrument here: not adopted ` +
          `(add it to the markets file to manage it)`,
      });
    }
  }
  if (balances.status === "known") {
    const venue = byKey(balances.value, (b) => b.currency, "currency");
    for (const ours of ledger.balances()) {
      const total = venue.get(ours.currency)?.total ?? ZERO;
      venue.delete(ours.currency);
      if (ours.total.eq(total)) continue;
      const id = `reconcile:${ts}:${ours.currency}`;
      balanceAdoptions.push({ currency: ours.currency, total, id });
      differences.push(balanceDifference(ours.currency, ours.total, total, id));
    }
    for (const theirs of [...venue.values()].sort((a, b) => a.currency < b.currency ? -1 : 1)) {
      if (theirs.total.isZero()) continue;
      differences.push({
        kind: "balance",
        currency: theirs.currency,
        ledgerTotal: ZERO,
        venueTotal: theirs.total,
        action: "ignored",
        explanation: `the venue holds ${theirs.total} ${theirs.currency}, a currency this ` +
          `portfolio does not account in: not adopted`,
      });
    }
  }
  return {
    positions: scope(positions),
    balances: scope(balances),
    differences,
    positionAdoptions,
    balanceAdoptions,
  };
}

function positionDifference(
  symbol: SymbolId,
  ours: Position,
  quantity: Decimal,
  entryPrice: Decimal,
  id: string,
): PositionDifference {
  const what = ours.quantity.eq(quantity)
    ? `entry price of ${quantity} ${symbol} differs: ledger ${ours.entryPrice}, venue ` +
      `${entryPrice}`
    : `ledger holds ${ours.quantity} ${symbol} at ${ours.entryPrice}, the venue ${quantity}` +
      (quantity.isZero() ? "" : ` at ${entryPrice}`) +
      ` (difference ${quantity.minus(ours.quantity)})`;
  return {
    kind: "position",
    symbol,
    ledgerQuantity: ours.quantity,
    venueQuantity: quantity,
    ledgerEntryPrice: ours.entryPrice,
    venueEntryPrice: entryPrice,
    action: "adopted",
    adjustmentId: id,
    explanation: `${what}: adopted the venue's position as adjustment ${id} ` +
      `(no PnL booked; the venue's balances carry its cash effect)`,
  };
}

function balanceDifference(
  currency: string,
  ledgerTotal: Decimal,
  venueTotal: Decimal,
  id: string,
): BalanceDifference {
  return {
    kind: "balance",
    currency,
    ledgerTotal,
    venueTotal,
    action: "adopted",
    adjustmentId: id,
    explanation: `ledger balance ${ledgerTotal} ${currency}, venue ${venueTotal} ` +
      `(difference ${venueTotal.minus(ledgerTotal)}): adopted the venue's balance as ` +
      `adjustment ${id}`,
  };
}
