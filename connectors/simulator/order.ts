/**
 * The venue-neutral order and fill records of the simulator's matching core. Each venue's
 * REST and WebSocket layers render them in its own wire shapes.
 *
 * @module
 */

import type { Decimal } from "./_lib.ts";

/** Buy or sell. */
export type SimSide = "buy" | "sell";

/** How an order executes. */
export type SimOrderType = "market" | "limit";

/** Time in force; `post-only` is a GTC limit that must not take liquidity. */
export type SimTimeInForce = "gtc" | "ioc" | "fok" | "post-only";

/** Life-cycle state of an order. */
export type SimOrderStatus =
  | "untriggered"
  | "new"
  | "partially-filled"
  | "filled"
  | "cancelled"
  | "rejected";

/** Why an order ended without filling completely. */
export type SimCancelReason =
  | "user"
  | "cancel-all"
  | "countdown"
  | "ioc"
  | "fok"
  | "post-only"
  | "market-unfilled"
  | "reduce-only"
  | "liquidation";

/** Which way a stop's trigger is crossed. */
export type TriggerDirection = "rise" | "fall";

/** An order as the core holds it (mutated only by the core). */
export interface SimOrder {
  /** Venue order id. */
  readonly orderId: string;
  /** Client order id, when the client gave one. */
  readonly clientId: string | undefined;
  /** Owner. */
  readonly accountId: number;
  /** Venue code. */
  readonly code: string;
  /** Side. */
  readonly side: SimSide;
  /** Type after triggering (stop-market orders are `market`). */
  readonly type: SimOrderType;
  /** Time in force. */
  tif: SimTimeInForce;
  /** Limit price (undefined for market orders). */
  price: Decimal | undefined;
  /** Ordered quantity. */
  quantity: Decimal;
  /** Filled so far. */
  filled: Decimal;
  /** Σ price × quantity of the fills. */
  filledValue: Decimal;
  /** Σ fees of the fills. */
  fees: Decimal;
  /** Current state. */
  status: SimOrderStatus;
  /** Whether it may only reduce the position. */
  readonly reduceOnly: boolean;
  /** Trigger of a stop order. */
  triggerPrice: Decimal | undefined;
  /** Direction the trigger is crossed in. */
  readonly triggerDirection: TriggerDirection | undefined;
  /** Whether this order is a conditional (stop) order, triggered or not. */
  readonly conditional: boolean;
  /** When a conditional order's trigger was crossed (ms); undefined while it waits. */
  triggeredAt: number | undefined;
  /** Why it was cancelled, when it was. */
  cancelReason: SimCancelReason | undefined;
  /** Creation time, ms. */
  readonly createdAt: number;
  /** Last change, ms. */
  updatedAt: number;
  /** Displayed size ahead of it at its price (queue position). */
  queueAhead: number;
  /** The last trade price when it was created. */
  readonly lastPriceOnCreated: number;
  /** How many times it was amended. */
  amendments: number;
}

/** A fill of one of the accounts' orders. */
export interface SimFill {
  /** Execution id. */
  readonly execId: string;
  /** Sequence number of the fill across the venue. */
  readonly seq: number;
  /** The filled order's id. */
  readonly orderId: string;
  /** Its client id. */
  readonly clientId: string | undefined;
  /** Owner. */
  readonly accountId: number;
  /** Venue code. */
  readonly code: string;
  /** Side. */
  readonly side: SimSide;
  /** Fill price. */
  readonly price: Decimal;
  /** Fill quantity. */
  readonly quantity: Decimal;
  /** Fee charged (negative is a rebate). */
  readonly fee: Decimal;
  /** Fee rate applied. */
  readonly feeRate: Decimal;
  /** Whether the order was the resting side. */
  readonly maker: boolean;
  /** Realized PnL of the part that closed a position (before fees). */
  readonly realizedPnl: Decimal;
  /** Quantity of the position this fill closed. */
  readonly closedSize: Decimal;
  /** Quantity left on the order after this fill. */
  readonly leaves: Decimal;
  /** Whether the venue's liquidation closed the position with this fill. */
  readonly liquidation: boolean;
  /** Time, ms. */
  readonly ts: number;
}

/** What a new order is made of; the rest starts empty. */
export interface NewOrder {
  /** Venue order id. */
  readonly orderId: string;
  /** Client id, if any. */
  readonly clientId: string | undefined;
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
  /** Limit price (ignored for market orders). */
  readonly price: Decimal | undefined;
  /** Quantity. */
  readonly quantity: Decimal;
  /** Reduce-only flag. */
  readonly reduceOnly: boolean;
  /** Trigger of a stop order (makes it conditional). */
  readonly triggerPrice: Decimal | undefined;
  /** Direction of the trigger (default: rise for buys, fall for sells). */
  readonly triggerDirection: TriggerDirection | undefined;
  /** Creation time, ms. */
  readonly now: number;
  /** The last trade price at creation. */
  readonly lastPrice: number;
}

/** Makes an order: nothing filled, `untriggered` with a trigger, else `new`. */
export function newOrder(init: NewOrder): SimOrder {
  const conditional = init.triggerPrice !== undefined;
  const zero = init.quantity.minus(init.quantity);
  return {
    orderId: init.orderId,
    clientId: init.clientId === "" ? undefined : init.clientId,
    accountId: init.accountId,
    code: init.code,
    side: init.side,
    type: init.type,
    tif: init.type === "market" ? "ioc" : init.tif,
    price: init.type === "market" ? undefined : init.price,
    quantity: init.quantity,
    filled: zero,
    filledValue: zero,
    fees: zero,
    status: conditional ? "untriggered" : "new",
    reduceOnly: init.reduceOnly,
    triggerPrice: init.triggerPrice,
    triggerDirection: conditional
      ? init.triggerDirection ?? (init.side === "buy" ? "rise" : "fall")
      : undefined,
    conditional,
    triggeredAt: undefined,
    cancelReason: undefined,
    createdAt: init.now,
    updatedAt: init.now,
    queueAhead: 0,
    lastPriceOnCreated: init.lastPrice,
    amendments: 0,
  };
}

/** Whether an order can still fill or be changed. */
export function isOpen(order: SimOrder): boolean {
  return order.status === "new" || order.status === "partially-filled" ||
    order.status === "untriggered";
}

/** Quantity left to fill. */
export function leavesOf(order: SimOrder): Decimal {
  return isOpen(order) ? order.quantity.minus(order.filled) : order.quantity.minus(order.quantity);
}
