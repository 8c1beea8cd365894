/**
 * The Promise-based REST client every live connector implements: order entry and account
 * queries. The trading core never calls it directly; it reaches a connector through the one
 * `VenuePort` that `executionClientPort` makes of it, so there is one way to send an
 * order.
 *
 * @module
 */

import type {
  Balance,
  Decimal,
  Instrument,
  Order,
  OrderRequest,
  Position,
  SymbolId,
} from "../domain/mod.ts";

/** Changes to a working order; omitted fields stay as they are. */
export interface AmendRequest {
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** The order's client id. */
  readonly clientOrderId: string;
  /** New limit price. */
  readonly price?: Decimal;
  /** New total quantity. */
  readonly quantity?: Decimal;
}

/**
 * Order entry and account queries. Every method rejects with an `ExchangeError` (with its
 * `kind`) when the venue fails or refuses.
 */
export interface ExecutionClient {
  /** The venue name, e.g. `bybit`. */
  readonly venue: string;
  /** Sends a new order; resolves with the venue's acknowledgement. */
  placeOrder(request: OrderRequest): Promise<Order>;
  /** Cancels a working order. */
  cancelOrder(symbol: SymbolId, clientOrderId: string): Promise<Order>;
  /** Changes price and/or quantity of a working order. */
  amendOrder(request: AmendRequest): Promise<Order>;
  /** Working orders, for one symbol or all. */
  openOrders(symbol?: SymbolId): Promise<readonly Order[]>;
  /**
   * The order `clientOrderId` of `symbol` as the venue holds it now (open or finished), asked
   * by its id; `undefined` when the venue has no such order.
   */
  orderByClientId(symbol: SymbolId, clientOrderId: string): Promise<Order | undefined>;
  /** Open positions. */
  positions(): Promise<readonly Position[]>;
  /** Wallet balances. */
  balances(): Promise<readonly Balance[]>;
  /** Specifications of the venue's instruments. */
  instruments(): Promise<readonly Instrument[]>;
}
