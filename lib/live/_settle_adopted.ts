/**
 * mm: the orders a restart adopted from the outbox (sent without an answer before it), settled
 * against the venue once at the start. An adopted submit still pending past its fence is the
 * venue's open order when listed, else it never arrived; an adopted cancel or amend of an
 * order listed unchanged never took effect (`state/resolve_adopted.ts`). Nothing is resent.
 *
 * @module
 */

import type { ExecutionClient } from "../broker/mod.ts";
import type { Micros, Order } from "../domain/mod.ts";
import type { Sleeper } from "../engine/mod.ts";
import type { TradingSession } from "../trader/mod.ts";
import type { LiveLogRecord } from "./live_runtime_options.ts";
import { adoptedFence, refusedSteps, resolveAdopted } from "./state/mod.ts";
import { errorMessage } from "./_error_message.ts";

/** What settling the adopted orders needs from the runtime. */
export interface AdoptedSettling {
  /** The session whose OMS holds the adopted orders. */
  readonly session: TradingSession;
  /** The client order ids the restore adopted. */
  readonly adopted: readonly string[];
  /** The venue's client, asked for its open orders. */
  readonly client: ExecutionClient;
  /** Waits until the adopted orders' fence has passed. */
  readonly sleeper: Sleeper;
  /** The private stream's catch-up. */
  readonly catchUp: () => Promise<void>;
  /** Handles the events the execution lane holds. */
  readonly drainExecutionLane: () => Promise<void>;
  /** The caller's clock (µs), the time of the updates. */
  readonly now: () => Micros;
  /** Receives the log lines. */
  readonly log: (record: LiveLogRecord) => void;
}

/** Settles the adopted orders (see the module doc); a failed venue query leaves them open. */
export async function settleAdopted(options: AdoptedSettling): Promise<void> {
  const { session, adopted, log } = options;
  const { oms } = session;
  const fence = adoptedFence(oms, adopted);
  if (fence === undefined) return;
  await options.sleeper.sleepUntil(fence * 1000, new AbortController().signal);
  let open: readonly Order[];
  try {
    // What the venue did with them meanwhile (filled, cancelled) is delivered and handled
    // first: an order missing from the open list may have filled, which is no evidence that
    // it never arrived.
    await options.catchUp();
    await options.drainExecutionLane();
    open = await options.client.openOrders();
  } catch (error) {
    // Unknown stays unknown: the reconciliation halts trading until the venue answers.
    log({
      level: "warn",
      component: "store",
      message: `adopted orders not settled: venue query failed: ${errorMessage(error)}`,
    });
    return;
  }
  const now = options.now();
  for (const order of resolveAdopted(oms, adopted, open, now)) {
    log({
      level: order.status === "rejected" ? "warn" : "info",
      component: "store",
      message: `adopted order ${order.request.clientOrderId}: ${
        order.status === "rejected" ? "never arrived at the venue" : `${order.status} there`
      }`,
    });
    session.engine.process({ kind: "order-update", ts: now, tsRecv: now, order });
  }
  // Then the cancels and amends the venue did not carry out are undone (logged as alerts).
  for (const alert of refusedSteps(oms, adopted, open, now)) {
    session.engine.process(alert);
  }
}
