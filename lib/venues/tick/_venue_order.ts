/**
 * The matching engine's record of one of our orders: the exact `Order` it reports, plus the
 * float64 state the hot path reads (limit and trigger as numbers, quantities in whole lots, the
 * queue position), and the per-symbol state the orders live in.
 *
 * @module
 */

import {
  type Decimal,
  decimal,
  type Fill,
  type Instrument,
  type Liquidity,
  type Micros,
  type Order,
  transitionOrder,
} from "../../domain/mod.ts";
import { type FeeRates, fillFee } from "../_venue_fill.ts";
import type { QueueState } from "./queue_model.ts";
import { SimBook } from "./sim_book.ts";

/** Where an order is inside the matching engine. */
export type VenueOrderState = "resting" | "stop" | "done";

/** One of our orders inside the matching engine. */
export interface VenueOrder {
  /** The order as last reported. */
  order: Order;
  /** Buy side. */
  readonly buy: boolean;
  /** Limit price (NaN for market orders). */
  price: number;
  /** Trigger price (NaN when none). */
  readonly trigger: number;
  /** Total quantity in lots. */
  totalLots: number;
  /** Filled quantity in lots. */
  filledLots: number;
  /** Queue position while resting. */
  readonly queue: QueueState;
  /** Where it is. */
  state: VenueOrderState;
}

/** The matching engine's state of one symbol. */
export interface SymbolState {
  /** The instrument. */
  readonly instrument: Instrument;
  /** Lot size as a float (fill quantities are whole lots). */
  readonly lot: number;
  /** The historical book (never changed by our fills). */
  readonly book: SimBook;
  /** Resting buy orders in time priority. */
  readonly bids: VenueOrder[];
  /** Resting sell orders in time priority. */
  readonly asks: VenueOrder[];
  /** Untriggered stop orders. */
  readonly stops: VenueOrder[];
  /** Last trade price (NaN before the first trade). */
  lastTrade: number;
  /** Our position in lots (signed), as the venue knows it. */
  positionLots: number;
  /** Whether an L2 snapshot has been seen (then quotes no longer drive the book). */
  l2: boolean;
}

/** Makes the empty state of a symbol. */
export function symbolState(instrument: Instrument): SymbolState {
  return {
    instrument,
    lot: instrument.lotSize.toNumber(),
    book: new SimBook(instrument.symbol),
    bids: [],
    asks: [],
    stops: [],
    lastTrade: NaN,
    positionLots: 0,
    l2: false,
  };
}

/** Whole lots in `quantity` data units (tolerating float noise just below a whole lot). */
export function wholeLots(quantity: number, lot: number): number {
  return quantity > 0 ? Math.floor(quantity / lot + 1e-9) : 0;
}

/** Lots the order still has to fill. */
export function remainingLots(o: VenueOrder): number {
  return o.totalLots - o.filledLots;
}

/** Lots of a reduce-only order that would close (not open or grow) the venue position. */
export function reducibleLots(state: SymbolState, o: VenueOrder): number {
  const closable = o.buy ? -state.positionLots : state.positionLots;
  return Math.max(Math.min(closable, remainingLots(o)), 0);
}

/**
 * Caps a reduce-only order at the venue position, as the candle venue does: when the position
 * is smaller than what remains, the order's quantity is lowered to what was filled plus the
 * position, so it ends `filled` once it closed the position. Returns the lots it may fill now
 * (0: nothing to reduce; the order is left unchanged).
 */
export function capReduceOnly(state: SymbolState, o: VenueOrder, ts: Micros): number {
  const lots = reducibleLots(state, o);
  if (lots <= 0 || lots >= remainingLots(o)) return lots;
  o.totalLots = o.filledLots + lots;
  const request = o.order.request;
  o.order = transitionOrder(o.order, o.order.status, ts, {
    request: { ...request, quantity: decimal(o.totalLots).times(state.instrument.lotSize) },
  });
  return lots;
}

/** The exact fill record and the order after it. */
export interface Execution {
  /** The fill. */
  readonly fill: Fill;
  /** The order after the fill. */
  readonly order: Order;
}

/**
 * Books an execution of `lots` at `price` on the exact path: the fill with its fee, and the
 * order's new filled quantity, average price and status.
 */
export function execute(
  o: VenueOrder,
  instrument: Instrument,
  lots: number,
  price: Decimal,
  liquidity: Liquidity,
  rates: FeeRates,
  tradeId: string,
  ts: Micros,
): Execution {
  const quantity = decimal(lots).times(instrument.lotSize);
  const { fee, currency } = fillFee(instrument, price, quantity, liquidity, rates);
  const before = o.order;
  const filled = before.filledQuantity.plus(quantity);
  const average = before.averagePrice === undefined
    ? price
    : before.averagePrice.times(before.filledQuantity).plus(price.times(quantity)).div(filled);
  o.filledLots += lots;
  const done = o.filledLots >= o.totalLots;
  o.order = transitionOrder(before, done ? "filled" : "partially-filled", ts, {
    filledQuantity: filled,
    averagePrice: average,
  });
  if (done) o.state = "done";
  return {
    fill: {
      orderId: before.id,
      clientOrderId: before.request.clientOrderId,
      symbol: before.request.symbol,
      side: before.request.side,
      price,
      quantity,
      fee,
      feeCurrency: currency,
      liquidity,
      tradeId,
    },
    order: o.order,
  };
}
