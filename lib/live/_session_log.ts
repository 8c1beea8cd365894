/**
 * The log lines of what the session's engine handles: fills, order updates, connectivity
 * changes, risk refusals and alerts, each as one {@linkcode LiveLogRecord}.
 *
 * @module
 */

import type { Fill, Order } from "../domain/mod.ts";
import type { AlertEvent, ConnectivityEvent, RefusalEvent } from "../events/mod.ts";
import type { LiveLogRecord } from "./live_runtime_options.ts";

/** A fill booked. */
export function fillRecord(fill: Fill): LiveLogRecord {
  return {
    level: "info",
    component: "execution",
    message:
      `${fill.symbol} fill: ${fill.side} ${fill.quantity} at ${fill.price} (fee ${fill.fee} ${fill.feeCurrency})`,
    fields: { clientOrderId: fill.clientOrderId, tradeId: fill.tradeId ?? "" },
  };
}

/** An order's new state. */
export function orderUpdateRecord(order: Order): LiveLogRecord {
  return {
    level: order.status === "rejected" ? "warn" : "info",
    component: "execution",
    message: `${order.request.symbol} order ${order.request.clientOrderId}: ${order.status}${
      order.reason === undefined ? "" : ` (${order.reason})`
    }`,
    fields: { clientOrderId: order.request.clientOrderId, status: order.status },
  };
}

/** A market or execution channel going up or down. */
export function connectivityRecord(event: ConnectivityEvent): LiveLogRecord {
  return {
    level: event.state === "up" ? "info" : "warn",
    component: event.channel === "execution" ? "execution" : "feed",
    message: `${event.venue}${
      event.symbol === undefined ? "" : ` ${event.symbol}`
    } ${event.channel} ${event.state}${event.reason === undefined ? "" : `: ${event.reason}`}`,
  };
}

/** An order the risk rules refused. */
export function refusalRecord(event: RefusalEvent): LiveLogRecord {
  return {
    level: "warn",
    component: "risk",
    message: event.refusal.message,
    fields: { rule: event.refusal.rule },
  };
}

/**
 * An alert, at its severity. `expected` is the venue's report of an order not ours that
 * reconciliation cancelled: news, not a fault.
 */
export function alertRecord(event: AlertEvent, expected: boolean): LiveLogRecord {
  if (expected) {
    return {
      level: "info",
      component: "reconcile",
      message: `${event.symbol ?? ""} order ${event.clientOrderId}: the venue reports the cancel ` +
        "reconciliation sent (it was not ours)",
    };
  }
  return {
    level: event.severity === "critical" ? "error" : event.severity === "warning" ? "warn" : "info",
    component: event.code === "kill-switch" ? "risk" : "execution",
    message: event.message,
    fields: {
      code: event.code,
      ...(event.clientOrderId === undefined ? {} : { clientOrderId: event.clientOrderId }),
    },
  };
}
