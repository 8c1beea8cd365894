/**
 * The one adapter from a Promise-based REST client ({@linkcode ExecutionClient}, what every
 * live connector implements) to the {@linkcode VenuePort}: each command is sent at once, and
 * its result or failure comes back through the inbox as events. A definitive refusal becomes
 * a rejection (or a refused cancel/amend); a failure whose outcome is unknown (timeout, 5xx,
 * dropped connection, anything unclassified) is never turned into a rejection: it is reported
 * as `order-outcome-unknown`, so the OMS keeps the order in flight for reconciliation instead
 * of resending it (live.md §2, "Unknown outcomes").
 *
 * @module
 */

import {
  ExchangeError,
  type ExchangeErrorKind,
  type Micros,
  type Order,
  type OrderRequest,
  type SymbolId,
  ZERO,
} from "../domain/mod.ts";
import type { OrderCommand } from "../events/mod.ts";
import type { ExecutionClient } from "./execution_client.ts";
import type { VenueAlertCode, VenueInbox, VenuePort } from "./venue_port.ts";

/** Options of {@linkcode executionClientPort}. */
export interface ExecutionClientPortOptions {
  /** The time reports are received at (µs): the live runner's wall clock. */
  readonly now: () => Micros;
}

/**
 * Whether a failure of kind `kind` proves the venue did not act on the request. Everything
 * else may have reached the matching engine: a timeout or a reset after sending, a 5xx
 * ("Unknown error"), a network failure we cannot place before or after the send.
 */
export function isDefinitiveRefusal(kind: ExchangeErrorKind): boolean {
  switch (kind) {
    case "rejected":
    case "invalid-request":
    case "auth":
    case "rate-limit":
      return true;
    case "network":
    case "timeout":
    case "unavailable":
    case "unknown":
      return false;
    default: {
      const unknown: never = kind;
      throw new TypeError(`Unknown exchange error kind ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Adapts `client` to the venue port; reports go to `inbox`, stamped with `options.now()` as
 * their receive time.
 *
 * @example
 * ```ts
 * import { executionClientPort, type ExecutionClient, type VenueEvent } from "@tesser/tesser/broker";
 * import assert from "node:assert/strict";
 *
 * // A connector's client; only its venue name matters here.
 * const client = { venue: "bybit" } as unknown as ExecutionClient;
 * const reports: VenueEvent[] = [];
 * const port = executionClientPort(client, (report) => reports.push(report), {
 *   now: () => Date.now() * 1000,
 * });
 * assert.equal(port.venue, "bybit"); // the client's venue name
 * assert.deepEqual(reports, []); // nothing sent, nothing reported
 * ```
 */
export function executionClientPort(
  client: ExecutionClient,
  inbox: VenueInbox,
  options: ExecutionClientPortOptions,
): VenuePort {
  const { now } = options;
  const venue = client.venue;
  const update = (order: Order): void => {
    const at = now();
    inbox({ kind: "order-update", ts: Math.min(order.updatedTs, at), tsRecv: at, order });
  };
  const alert = (
    code: VenueAlertCode,
    symbol: SymbolId,
    clientOrderId: string,
    message: string,
  ): void => {
    const at = now();
    inbox({
      kind: "alert",
      ts: at,
      tsRecv: at,
      severity: code === "order-outcome-unknown" ? "critical" : "warning",
      code,
      message,
      symbol,
      clientOrderId,
    });
  };
  const failed = (
    command: OrderCommand,
    symbol: SymbolId,
    clientOrderId: string,
    error: unknown,
  ): void => {
    const definitive = error instanceof ExchangeError && isDefinitiveRefusal(error.kind);
    const why = error instanceof Error ? error.message : String(error);
    if (!definitive) {
      alert(
        "order-outcome-unknown",
        symbol,
        clientOrderId,
        `${venue} ${command.type} of ${clientOrderId}: outcome unknown (${why}); left in flight for reconciliation, not resent`,
      );
      return;
    }
    switch (command.type) {
      case "submit":
        update(refused(command.request, why, now()));
        return;
      case "cancel":
        alert(
          "cancel-refused",
          symbol,
          clientOrderId,
          `${venue} refused to cancel ${clientOrderId}: ${why}`,
        );
        return;
      case "amend":
        alert(
          "amend-refused",
          symbol,
          clientOrderId,
          `${venue} refused to amend ${clientOrderId}: ${why}`,
        );
        return;
      default: {
        const unknown: never = command;
        throw new TypeError(`Unknown order command ${JSON.stringify(unknown)}`);
      }
    }
  };
  // A connector that throws synchronously instead of rejecting is treated the same way.
  const dispatch = (command: OrderCommand): Promise<Order> => {
    switch (command.type) {
      case "submit":
        return client.placeOrder(command.request);
      case "cancel":
        return client.cancelOrder(command.symbol, command.clientOrderId);
      case "amend":
        return client.amendOrder({
          symbol: command.symbol,
          clientOrderId: command.clientOrderId,
          ...(command.price === undefined ? {} : { price: command.price }),
          ...(command.quantity === undefined ? {} : { quantity: command.quantity }),
        });
      default: {
        const unknown: never = command;
        throw new TypeError(`Unknown order command ${JSON.stringify(unknown)}`);
      }
    }
  };
  return {
    venue,
    send(command: OrderCommand): void {
      const symbol = command.type === "submit" ? command.request.symbol : command.symbol;
      const clientOrderId = command.type === "submit"
        ? command.request.clientOrderId
        : command.clientOrderId;
      let pending: Promise<Order>;
      try {
        pending = dispatch(command);
      } catch (error) {
        pending = Promise.reject(error);
      }
      pending.then(update, (error) => failed(command, symbol, clientOrderId, error));
    },
  };
}

/** The order a definitive refusal leaves: rejected before the venue gave it an id. */
function refused(request: OrderRequest, reason: string, ts: Micros): Order {
  return {
    id: "",
    request,
    status: "rejected",
    filledQuantity: ZERO,
    averagePrice: undefined,
    createdTs: ts,
    updatedTs: ts,
    reason,
  };
}
