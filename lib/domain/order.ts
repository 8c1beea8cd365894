/**
 * Orders, their lifecycle, and fills. Quantities and prices here are exact {@linkcode Decimal}s:
 * this is the path money takes.
 *
 * @module
 */

import type { Decimal } from "./decimal.ts";
import type { Side } from "./market.ts";
import type { SymbolId } from "./symbol.ts";
import type { Micros } from "./time.ts";

/** How an order executes. */
export type OrderType = "market" | "limit" | "stop-market" | "stop-limit";

/** How long an order stays working. `post-only` rejects an order that would take liquidity. */
export type TimeInForce = "gtc" | "ioc" | "fok" | "post-only";

/** What a strategy or the OMS asks a venue to do. */
export interface OrderRequest {
  /** Caller-chosen id, unique per process; venues echo it back. */
  readonly clientOrderId: string;
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** Buy or sell. */
  readonly side: Side;
  /** Order type. */
  readonly type: OrderType;
  /** Quantity, positive, on the lot grid. */
  readonly quantity: Decimal;
  /** Limit price (limit and stop-limit). */
  readonly price?: Decimal;
  /** Trigger price (stop-market and stop-limit). */
  readonly triggerPrice?: Decimal;
  /** Time in force; market orders are IOC by nature. */
  readonly timeInForce: TimeInForce;
  /** Only reduce an open position, never open or flip one. */
  readonly reduceOnly: boolean;
  /** Links orders of one intent (bracket legs, pair legs). */
  readonly groupId?: string;
}

/**
 * Where an order is in its life. Venues report `pending-new` (not yet acknowledged),
 * `accepted`, `partially-filled` and the terminal states; `pending-cancel` and `pending-amend`
 * are the OMS's own in-flight steps (a cancel or an amend sent, its answer not yet seen).
 */
export type OrderStatus =
  | "pending-new"
  | "pending-cancel"
  | "pending-amend"
  | "accepted"
  | "partially-filled"
  | "filled"
  | "canceled"
  | "rejected"
  | "expired";

/** Every {@linkcode OrderStatus}, in lifecycle order. */
export const ORDER_STATUSES: readonly OrderStatus[] = [
  "pending-new",
  "pending-cancel",
  "pending-amend",
  "accepted",
  "partially-filled",
  "filled",
  "canceled",
  "rejected",
  "expired",
];

const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  "pending-new": [
    "pending-cancel",
    "accepted",
    "rejected",
    "partially-filled",
    "filled",
    "canceled",
    "expired",
  ],
  // A cancel in flight ends canceled (fills kept), filled, expired, or back where it was when
  // the venue proves the order still open; fills may arrive meanwhile.
  "pending-cancel": [
    "pending-cancel",
    "accepted",
    "partially-filled",
    "filled",
    "canceled",
    "expired",
  ],
  // An amend in flight ends amended (accepted/partially-filled) or refused (back to either).
  "pending-amend": [
    "pending-amend",
    "pending-cancel",
    "accepted",
    "partially-filled",
    "filled",
    "canceled",
    "expired",
  ],
  "accepted": [
    "accepted",
    "pending-cancel",
    "pending-amend",
    "partially-filled",
    "filled",
    "canceled",
    "expired",
  ],
  "partially-filled": [
    "partially-filled",
    "pending-cancel",
    "pending-amend",
    "filled",
    "canceled",
    "expired",
  ],
  "filled": [],
  "canceled": [],
  "rejected": [],
  "expired": [],
};

/** Whether the status is final (no further updates can come). */
export function isTerminal(status: OrderStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

/** Whether an order may move from `from` to `to`. */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** An order as a venue knows it: the request plus its state. */
export interface Order {
  /** Venue order id (the simulator assigns one too). */
  readonly id: string;
  /** What was asked. */
  readonly request: OrderRequest;
  /** Current status. */
  readonly status: OrderStatus;
  /** Quantity filled so far. */
  readonly filledQuantity: Decimal;
  /** Volume-weighted fill price, once anything filled. */
  readonly averagePrice: Decimal | undefined;
  /** When the venue accepted (or first saw) it. */
  readonly createdTs: Micros;
  /** When it last changed. */
  readonly updatedTs: Micros;
  /** Why it was rejected, canceled or expired, when known. */
  readonly reason?: string;
  /**
   * Set by the OMS when the answer to an in-flight step never came in time: the outcome is
   * unknown and only reconciliation with the venue may settle it (never a guess, never a resend).
   */
  readonly ambiguous?: boolean;
}

/**
 * Returns the order in its new status.
 *
 * @throws {RangeError} when the lifecycle does not allow the move (e.g. filled → canceled).
 */
export function transitionOrder(
  order: Order,
  status: OrderStatus,
  ts: Micros,
  changes: Partial<Pick<Order, "filledQuantity" | "averagePrice" | "reason" | "request">> = {},
): Order {
  if (!canTransition(order.status, status)) {
    throw new RangeError(
      `Order ${order.request.clientOrderId} cannot go from ${order.status} to ${status}`,
    );
  }
  return { ...order, ...changes, status, updatedTs: ts };
}

/** Whether the fill took liquidity (taker) or provided it (maker). */
export type Liquidity = "maker" | "taker";

/** One execution of (part of) an order. */
export interface Fill {
  /** Venue order id. */
  readonly orderId: string;
  /** The order's client id. */
  readonly clientOrderId: string;
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** Side of our order. */
  readonly side: Side;
  /** Execution price. */
  readonly price: Decimal;
  /** Executed quantity (positive). */
  readonly quantity: Decimal;
  /** Fee charged (negative = rebate received). */
  readonly fee: Decimal;
  /** Currency of the fee. */
  readonly feeCurrency: string;
  /** Maker or taker. */
  readonly liquidity: Liquidity;
  /** Venue trade id, unique per venue. */
  readonly tradeId: string;
}

/** A netted position in one symbol; `quantity` is signed (negative = short). */
export interface Position {
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** Signed quantity: > 0 long, < 0 short, 0 flat. */
  readonly quantity: Decimal;
  /** Average entry price of the open quantity (0 when flat). */
  readonly entryPrice: Decimal;
  /** PnL realized so far on this symbol, in the settle currency, before fees. */
  readonly realizedPnl: Decimal;
}

/** A currency balance. */
export interface Balance {
  /** Currency code. */
  readonly currency: string;
  /** Total wallet balance. */
  readonly total: Decimal;
  /** Part not locked by orders or margin. */
  readonly available: Decimal;
}

/**
 * An order a strategy places itself (market makers, passive execution), in plain numbers.
 * The OMS rounds the quantity down to the lot and the price to the tick (buys down, sells up),
 * validates it and applies pre-trade risk, exactly as for signals.
 */
export interface OrderIntent {
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** Buy or sell. */
  readonly side: Side;
  /** Order type. */
  readonly type: OrderType;
  /** Quantity (base units or contracts). */
  readonly quantity: number;
  /** Limit price (limit, stop-limit). */
  readonly price?: number;
  /** Trigger price (stop-market, stop-limit). */
  readonly triggerPrice?: number;
  /** Time in force (default gtc; market orders are ioc). */
  readonly timeInForce?: TimeInForce;
  /** Only reduce the position. */
  readonly reduceOnly?: boolean;
  /** Links related orders; `oco:` prefixes a one-cancels-other group. */
  readonly groupId?: string;
}

/** Changes to a working order placed with `StrategyContext.submitOrder`. */
export interface AmendIntent {
  /** New limit price. */
  readonly price?: number;
  /** New total quantity. */
  readonly quantity?: number;
}
