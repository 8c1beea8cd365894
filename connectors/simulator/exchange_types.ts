/**
 * The request, answer and event types of the simulator's matching core
 * ({@linkcode SimExchange} in exchange.ts).
 *
 * @module
 */

import type { Decimal } from "./_lib.ts";
import type { SimFunding } from "./funding.ts";
import type {
  SimFill,
  SimOrder,
  SimOrderType,
  SimSide,
  SimTimeInForce,
  TriggerDirection,
} from "./order.ts";

/** Why the core refused a request; each venue maps it to its own error code. */
export type RejectReason =
  | "unknown-symbol"
  | "invalid-request"
  | "quantity"
  | "price"
  | "min-notional"
  | "max-quantity"
  | "duplicate-client-id"
  | "insufficient-margin"
  | "reduce-only"
  | "post-only-would-take"
  | "fok-unfilled"
  | "order-not-found"
  | "order-closed"
  | "too-many-orders"
  | "leverage";

/** A refusal with a message for humans. */
export interface Rejection {
  /** Always false. */
  readonly ok: false;
  /** Classified reason. */
  readonly reason: RejectReason;
  /** What was wrong, with the numbers. */
  readonly message: string;
  /** The instrument-grid rule that failed, for grid refusals (`lot`, `tick`, `min-quantity`…). */
  readonly rule?: string;
}

/** The answer of a request that may be refused. */
export type CoreResult<T> = { readonly ok: true; readonly value: T } | Rejection;

/** A new order. */
export interface PlaceRequest {
  /** Owner. */
  readonly accountId: number;
  /** Venue code. */
  readonly code: string;
  /** Side. */
  readonly side: SimSide;
  /** Type. */
  readonly type: SimOrderType;
  /** Time in force (market orders are IOC whatever is given). */
  readonly tif: SimTimeInForce;
  /** Quantity. */
  readonly quantity: Decimal;
  /** Limit price (limit orders). */
  readonly price?: Decimal;
  /** Client id. */
  readonly clientId?: string;
  /** Reduce-only flag. */
  readonly reduceOnly?: boolean;
  /** Trigger price: makes it a stop order that waits for the last price to cross. */
  readonly triggerPrice?: Decimal;
  /** Direction of the trigger (default: rise for buys, fall for sells). */
  readonly triggerDirection?: TriggerDirection;
}

/** How an order is named in amend and cancel requests. */
export interface OrderRef {
  /** Venue id. */
  readonly orderId?: string;
  /** Client id. */
  readonly clientId?: string;
}

/** The changes of an amend. */
export interface AmendRequest {
  /** New total quantity. */
  readonly quantity?: Decimal;
  /** New limit price. */
  readonly price?: Decimal;
  /** New trigger price. */
  readonly triggerPrice?: Decimal;
}

/** What the core announces. */
export type CoreEvent =
  | { readonly kind: "order"; readonly order: SimOrder }
  | { readonly kind: "fill"; readonly fill: SimFill }
  | { readonly kind: "funding"; readonly funding: SimFunding }
  | { readonly kind: "position"; readonly accountId: number; readonly code: string }
  | { readonly kind: "wallet"; readonly accountId: number };

/** The venue-specific rules of the core. */
export interface ExchangeRules {
  /** Client ids must be unique for ever (`all`, Bybit) or among open orders (`open`, Binance). */
  readonly clientIdScope: "all" | "open";
  /** A crossing post-only order is cancelled after acceptance (Bybit) or refused (Binance). */
  readonly postOnlyCross: "cancel" | "reject";
  /** An unfillable FOK order is cancelled after acceptance (Bybit) or refused (Binance). */
  readonly fokUnfilled: "cancel" | "reject";
  /** Whether shrinking the quantity at the same price keeps the queue place (Bybit yes). */
  readonly keepQueueOnShrink: boolean;
  /** Formats the n-th order id. */
  readonly orderId: (n: number) => string;
  /** Formats the n-th execution id. */
  readonly execId: (n: number) => string;
  /** Most open orders per account and symbol. */
  readonly maxOpenOrders: number;
  /**
   * What happens to reduce-only orders once the position they reduce is closed: `cancel` them
   * at once (Bybit's `CancelByReduceOnly`), or `keep` them resting (Binance [inf]); either way a
   * reduce-only order that comes to fill or trigger with nothing to reduce is cancelled.
   */
  readonly reduceOnlyOrphans: "cancel" | "keep";
  /** The client id of the n-th liquidation order (Binance: `autoclose-…`), if the venue shows one. */
  readonly liquidationClientId?: (n: number) => string;
}
