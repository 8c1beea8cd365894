/**
 * `live.cancel_on_shutdown`: the working orders are cancelled and their answers handled, for a
 * bounded time, before the session stops.
 *
 * @module
 */

import type { Event } from "../events/mod.ts";
import type { TradingSession } from "../trader/mod.ts";
import type { LiveLogRecord } from "./live_runtime_options.ts";

/** What the cancels at shutdown need from the runtime. */
export interface ShutdownCancels {
  /** The session whose working orders are cancelled. */
  readonly session: TradingSession;
  /** Runs an action inside the engine (see `LiveRuntime.inEngine`). */
  readonly inEngine: (action: () => void) => void;
  /** The next inbox event within `ms` milliseconds, `undefined` when none came. */
  readonly takeWithin: (ms: number) => Promise<Event | undefined>;
  /** How long to wait for the answers (ms). */
  readonly waitMs: number;
  /** Receives the log lines. */
  readonly log: (record: LiveLogRecord) => void;
}

/**
 * Cancels every working order and handles the answers until none is open or `waitMs` is up;
 * what is still working then is left for the next start's reconciliation.
 */
export async function cancelWorkingOrders(options: ShutdownCancels): Promise<void> {
  const { session, log } = options;
  const open = session.oms.openOrders();
  if (open.length === 0) return;
  log({
    level: "info",
    component: "execution",
    message: `cancelling ${open.length} working orders before shutdown`,
  });
  options.inEngine(() => {
    for (const order of open) {
      session.oms.cancelOrder(order.request.symbol, order.request.clientOrderId);
    }
  });
  // The answers come through the execution lane; handle them until none is open or time is
  // up (market data is no longer handled: the run has ended).
  const deadline = Date.now() + options.waitMs;
  while (session.oms.openOrders().length > 0) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const event = await options.takeWithin(left);
    if (event === undefined) break;
    if (event.kind === "order-update" || event.kind === "fill" || event.kind === "alert") {
      session.engine.process(event);
    }
  }
  const left = session.oms.openOrders();
  if (left.length > 0) {
    log({
      level: "warn",
      component: "execution",
      message: `${left.length} orders still working after ${options.waitMs} ms (${
        left.map((o) => o.request.clientOrderId).join(", ")
      }): the next start reconciles them`,
    });
  }
}
