/**
 * The OMS as plain JSON-able data, so a restarted process carries on where it stopped: working
 * orders with their in-flight state, brackets still waiting for their entry, the trading state
 * and the client id counter. Decimals are kept as their exact strings.
 *
 * @module
 */

import {
  type Decimal,
  decimal,
  type Order,
  ORDER_STATUSES,
  type OrderRequest,
  type OrderStatus,
} from "../domain/mod.ts";
import type { ClientIdState } from "./client_ids.ts";
import type { TradingState } from "./oms_ports.ts";
import type { AmendChange, InFlight, TrackedOrder } from "./order_tracker.ts";

/** An order request with its decimals as strings. */
export interface RequestSnapshot {
  /** Client id. */
  readonly clientOrderId: string;
  /** Symbol. */
  readonly symbol: string;
  /** Side. */
  readonly side: OrderRequest["side"];
  /** Type. */
  readonly type: OrderRequest["type"];
  /** Quantity. */
  readonly quantity: string;
  /** Limit price. */
  readonly price?: string;
  /** Trigger price. */
  readonly triggerPrice?: string;
  /** Time in force. */
  readonly timeInForce: OrderRequest["timeInForce"];
  /** Reduce-only. */
  readonly reduceOnly: boolean;
  /** Group id. */
  readonly groupId?: string;
}

/** A venue report with its decimals as strings. */
export interface ReportSnapshot {
  /** Venue order id. */
  readonly id: string;
  /** The request as the venue confirmed it. */
  readonly request: RequestSnapshot;
  /** Reported status. */
  readonly status: OrderStatus;
  /** Filled quantity. */
  readonly filledQuantity: string;
  /** Average fill price. */
  readonly averagePrice?: string;
  /** Created (µs). */
  readonly createdTs: number;
  /** Updated (µs). */
  readonly updatedTs: number;
  /** Reason. */
  readonly reason?: string;
}

/** An amend change with its decimals as strings. */
export interface ChangeSnapshot {
  /** New price. */
  readonly price?: string;
  /** New quantity. */
  readonly quantity?: string;
}

/** One working order. */
export interface OrderSnapshot {
  /** The request as last confirmed (or as sent). */
  readonly request: RequestSnapshot;
  /** The venue's last report. */
  readonly venue?: ReportSnapshot;
  /** The unanswered step. */
  readonly inFlight?: InFlight;
  /** The amend in flight. */
  readonly target?: ChangeSnapshot;
  /** The amend waiting for the step in flight. */
  readonly next?: ChangeSnapshot;
  /** Step counter. */
  readonly seq: number;
  /** Whether the step in flight timed out. */
  readonly ambiguous: boolean;
  /** Quantity of the fills seen. */
  readonly filledByFills: string;
  /** When it was sent (µs). */
  readonly createdTs: number;
  /** When its latest step was sent (µs). */
  readonly sentAt: number;
}

/** A bracket waiting for its entry to fill. */
export interface BracketSnapshot {
  /** The entry's client id. */
  readonly entry: string;
  /** Stop-loss trigger. */
  readonly stopLoss?: number;
  /** Take-profit limit. */
  readonly takeProfit?: number;
}

/**
 * An entry the venue reported finished (with a fill) before all its fills were booked: its
 * bracket is attached once they are, so a restart in between must not forget it.
 */
export interface AwaitingFillsSnapshot {
  /** The entry's finishing report. */
  readonly entry: ReportSnapshot;
  /** Stop-loss trigger. */
  readonly stopLoss?: number;
  /** Take-profit limit. */
  readonly takeProfit?: number;
  /** Quantity of the entry's fills booked so far. */
  readonly booked: string;
}

/** The whole OMS state; `JSON.stringify` round-trips it. */
export interface OmsSnapshot {
  /** Format version. */
  readonly version: 1;
  /** Trading state. */
  readonly tradingState: TradingState;
  /** Client id generator. */
  readonly clientIds: ClientIdState;
  /** Working orders, in the order they were sent. */
  readonly orders: readonly OrderSnapshot[];
  /** Brackets waiting for their entry. */
  readonly brackets: readonly BracketSnapshot[];
  /**
   * The last fills applied (`symbol|tradeId`), so a fill the venue re-delivers after the
   * restart is not booked again (absent in older snapshots).
   */
  readonly tradeIds?: readonly string[];
  /**
   * Client ids of the last orders that finished, so the venue's reports of them re-delivered
   * after the restart (a stream's catch-up overlaps the time before the kill) are known late or
   * duplicate reports, not orders this OMS never sent (absent in older snapshots).
   */
  readonly finishedOrderIds?: readonly string[];
  /** Finished entries whose bracket waits for their fills (absent in older snapshots). */
  readonly awaitingFills?: readonly AwaitingFillsSnapshot[];
}

/** A request as snapshot data. */
export function requestToSnapshot(request: OrderRequest): RequestSnapshot {
  return {
    clientOrderId: request.clientOrderId,
    symbol: request.symbol,
    side: request.side,
    type: request.type,
    quantity: request.quantity.toString(),
    ...(request.price === undefined ? {} : { price: request.price.toString() }),
    ...(request.triggerPrice === undefined
      ? {}
      : { triggerPrice: request.triggerPrice.toString() }),
    timeInForce: request.timeInForce,
    reduceOnly: request.reduceOnly,
    ...(request.groupId === undefined ? {} : { groupId: request.groupId }),
  };
}

/** A request from snapshot data. */
export function requestFromSnapshot(data: RequestSnapshot): OrderRequest {
  return {
    clientOrderId: data.clientOrderId,
    symbol: data.symbol,
    side: data.side,
    type: data.type,
    quantity: decimal(data.quantity),
    ...(data.price === undefined ? {} : { price: decimal(data.price) }),
    ...(data.triggerPrice === undefined ? {} : { triggerPrice: decimal(data.triggerPrice) }),
    timeInForce: data.timeInForce,
    reduceOnly: data.reduceOnly,
    ...(data.groupId === undefined ? {} : { groupId: data.groupId }),
  };
}

/** A venue report as snapshot data. */
export function reportToSnapshot(order: Order): ReportSnapshot {
  return {
    id: order.id,
    request: requestToSnapshot(order.request),
    status: order.status,
    filledQuantity: order.filledQuantity.toString(),
    ...(order.averagePrice === undefined ? {} : { averagePrice: order.averagePrice.toString() }),
    createdTs: order.createdTs,
    updatedTs: order.updatedTs,
    ...(order.reason === undefined ? {} : { reason: order.reason }),
  };
}

/**
 * A venue report from snapshot data.
 *
 * @throws {RangeError} for an unknown order status.
 */
export function reportFromSnapshot(data: ReportSnapshot): Order {
  if (!ORDER_STATUSES.includes(data.status)) {
    throw new RangeError(`OMS snapshot: unknown order status "${data.status}"`);
  }
  return {
    id: data.id,
    request: requestFromSnapshot(data.request),
    status: data.status,
    filledQuantity: decimal(data.filledQuantity),
    averagePrice: data.averagePrice === undefined ? undefined : decimal(data.averagePrice),
    createdTs: data.createdTs,
    updatedTs: data.updatedTs,
    ...(data.reason === undefined ? {} : { reason: data.reason }),
  };
}

function changeToSnapshot(change: AmendChange): ChangeSnapshot {
  return {
    ...(change.price === undefined ? {} : { price: change.price.toString() }),
    ...(change.quantity === undefined ? {} : { quantity: change.quantity.toString() }),
  };
}

function changeFromSnapshot(data: ChangeSnapshot): AmendChange {
  const price: Decimal | undefined = data.price === undefined ? undefined : decimal(data.price);
  const quantity: Decimal | undefined = data.quantity === undefined
    ? undefined
    : decimal(data.quantity);
  return {
    ...(price === undefined ? {} : { price }),
    ...(quantity === undefined ? {} : { quantity }),
  };
}

/** A tracked order as snapshot data. */
export function orderToSnapshot(order: TrackedOrder): OrderSnapshot {
  return {
    request: requestToSnapshot(order.request),
    ...(order.venue === undefined ? {} : { venue: reportToSnapshot(order.venue) }),
    ...(order.inFlight === undefined ? {} : { inFlight: order.inFlight }),
    ...(order.target === undefined ? {} : { target: changeToSnapshot(order.target) }),
    ...(order.next === undefined ? {} : { next: changeToSnapshot(order.next) }),
    seq: order.seq,
    ambiguous: order.ambiguous,
    filledByFills: order.filledByFills.toString(),
    createdTs: order.createdTs,
    sentAt: order.sentAt,
  };
}

/** A tracked order from snapshot data. */
export function orderFromSnapshot(data: OrderSnapshot): TrackedOrder {
  return {
    request: requestFromSnapshot(data.request),
    venue: data.venue === undefined ? undefined : reportFromSnapshot(data.venue),
    inFlight: data.inFlight,
    target: data.target === undefined ? undefined : changeFromSnapshot(data.target),
    next: data.next === undefined ? undefined : changeFromSnapshot(data.next),
    seq: data.seq,
    ambiguous: data.ambiguous,
    filledByFills: decimal(data.filledByFills),
    createdTs: data.createdTs,
    sentAt: data.sentAt,
    view: undefined,
  };
}
