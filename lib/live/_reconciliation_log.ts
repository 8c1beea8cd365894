/**
 * The log lines of a reconciliation pass: each difference it adopted, each order it found out
 * of step and what it did about it, each query that failed, and the pass's verdict.
 *
 * @module
 */

import type { LiveLogRecord } from "./live_runtime_options.ts";
import type { OrderDifference } from "./order_difference.ts";
import type { ReconciliationOutcome } from "./reconciler.ts";

/** Which pass it was. */
export interface PassContext {
  /** Why the pass ran (`start`, `periodic`, `reconnect`, an operator's reason). */
  readonly reason: string;
  /** The OMS's trading state once the pass ended. */
  readonly tradingState: string;
}

/** The records a pass logs. */
export function reconciliationRecords(
  outcome: ReconciliationOutcome,
  { reason, tradingState }: PassContext,
): LiveLogRecord[] {
  const { event } = outcome;
  const records: LiveLogRecord[] = event.differences.map((difference) => ({
    level: "warn",
    component: "reconcile",
    message: difference.explanation,
    fields: { reason },
  }));
  for (const order of outcome.orders) {
    records.push({
      // What was done as asked (an external order adopted or cancelled, a stale listing) is
      // news; the rest needs a look.
      level: (order.kind === "external" && order.action !== "cancel-refused") ||
          order.action === "stale-listing"
        ? "info"
        : "warn",
      component: "reconcile",
      message: `${order.symbol}: order ${order.clientOrderId || "(no client id)"} is ${
        describeDifference(order)
      }`,
      fields: { reason },
    });
  }
  for (const why of outcome.unknown) {
    records.push({ level: "warn", component: "reconcile", message: `query failed: ${why}` });
  }
  records.push({
    level: outcome.mismatch ? "warn" : "info",
    component: "reconcile",
    message: outcome.mismatch
      ? `reconciliation (${reason}): mismatch open, trading halted until it clears`
      : `reconciliation (${reason}): ${event.differences.length} differences adopted, trading ${tradingState}`,
  });
  return records;
}

function describeDifference(order: OrderDifference): string {
  switch (order.kind) {
    case "missing":
      return "open here but not at the venue";
    case "unknown-ours":
      return `ours at the venue but unknown here: ${describeUnknownOurs(order)}`;
    case "external":
      return `not ours: ${describeExternal(order)}`;
    case "finished-listed":
      return `listed open at the venue but seen finished here: ${describeFinishedListed(order)}`;
    default: {
      const unknown: never = order.kind;
      throw new TypeError(`Unknown order difference ${unknown}`);
    }
  }
}

function describeUnknownOurs(order: OrderDifference): string {
  switch (order.action) {
    case "adopted":
      return "adopted (the strategy sees it, its fills are booked; its id is never made again)";
    case "canceled":
      return "cancelled at the venue (its id is never made again)";
    case "cancel-refused":
      return `the venue refused its cancel (${order.reason}); trading halted until a pass cancels it`;
    case "untouched":
    case undefined:
      return "the OMS saw it finish; trading halted until the venue's list agrees";
    case "stale-listing":
    case "query-failed":
      throw new TypeError(`Order ${order.clientOrderId} unknown here cannot be ${order.action}`);
    default: {
      const unknown: never = order.action;
      throw new TypeError(`Unknown order action ${unknown}`);
    }
  }
}

function describeFinishedListed(order: OrderDifference): string {
  switch (order.action) {
    case "stale-listing":
      return `asked by id, ${order.reason}: the listing was stale, nothing sent`;
    case "canceled":
      return `asked by id, the venue has it open: cancelled at the venue`;
    case "cancel-refused":
      return `asked by id, the venue has it open; it refused the cancel (${order.reason}); trading halted until a pass settles it`;
    case "untouched":
      return `asked by id, ${order.reason}; the OMS cannot adopt an order it saw finish: trading halted until an operator settles it`;
    case "query-failed":
    case undefined:
      return `the query by id failed (${order.reason}); trading halted until a pass settles it`;
    case "adopted":
      throw new TypeError(`Order ${order.clientOrderId} seen finished cannot be adopted`);
    default: {
      const unknown: never = order.action;
      throw new TypeError(`Unknown order action ${unknown}`);
    }
  }
}

function describeExternal(order: OrderDifference): string {
  switch (order.action) {
    case "adopted":
      return "adopted (the strategy sees it, its fills are booked)";
    case "canceled":
      return "cancelled at the venue";
    case "cancel-refused":
      return `the venue refused its cancel (${order.reason}); the next pass sends it again`;
    case "untouched":
    case undefined:
      return "left alone (it has no client id)";
    case "stale-listing":
    case "query-failed":
      throw new TypeError(`External order ${order.clientOrderId} cannot be ${order.action}`);
    default: {
      const unknown: never = order.action;
      throw new TypeError(`Unknown external order action ${unknown}`);
    }
  }
}
