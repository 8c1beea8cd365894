/**
 * What the runtime follows of the session's engine: every fill is journaled in the store and
 * every fill, order update, connectivity change, refusal and alert is logged, and each marks
 * the state to commit where it changed it; the caller's `onEvent` sees them too, except the
 * alerts reconciliation expected.
 *
 * @module
 */

import type { AlertEvent, ConnectivityEvent, Event } from "../events/mod.ts";
import type { TradingSession } from "../trader/mod.ts";
import {
  alertRecord,
  connectivityRecord,
  fillRecord,
  orderUpdateRecord,
  refusalRecord,
} from "./_session_log.ts";
import type { LiveLogRecord } from "./live_runtime_options.ts";
import type { LiveStore } from "./state/mod.ts";

/** What the journal needs from the runtime. */
export interface SessionJournalOptions {
  /** The session followed. */
  readonly session: TradingSession;
  /** Where fills are journaled (none: nothing is). */
  readonly store: LiveStore | undefined;
  /** Marks the state to commit. */
  readonly changed: () => void;
  /** Sees each alert before it is logged (the kill switch's latch). */
  readonly onAlert: (event: AlertEvent) => void;
  /** Sees each change of the execution channel's connectivity. */
  readonly onExecutionConnectivity: (event: ConnectivityEvent) => void;
  /** Whether an alert is one reconciliation expected (the report of a cancel it sent). */
  readonly expectedAlert: (event: AlertEvent) => boolean;
  /** The caller's view of the events (metrics, alerts, audit). */
  readonly onEvent: ((event: Event) => void) | undefined;
  /** Receives the log lines. */
  readonly log: (record: LiveLogRecord) => void;
}

/** Subscribes the journal to `options.session` (see the module doc). */
export function journalSession(options: SessionJournalOptions): void {
  const { session, store, changed, log, expectedAlert } = options;
  const bus = session.engine.bus;
  session.onFill((event) => {
    store?.recordFill(event.fill, event.ts);
    changed();
    log(fillRecord(event.fill));
  });
  session.onOrderUpdate((event) => {
    changed();
    log(orderUpdateRecord(event.order));
  });
  bus.subscribe("alert", (event) => {
    options.onAlert(event);
    log(alertRecord(event, expectedAlert(event)));
  });
  bus.subscribe("connectivity", (event) => {
    log(connectivityRecord(event));
    if (event.channel === "execution") options.onExecutionConnectivity(event);
  });
  bus.subscribe("refusal", (event) => log(refusalRecord(event)));
  const { onEvent } = options;
  if (onEvent === undefined) return;
  for (const kind of ["order-update", "fill", "alert", "refusal", "reconciliation"] as const) {
    bus.subscribe(kind, (event: Event) => {
      if (event.kind === "alert" && expectedAlert(event)) return;
      onEvent(event);
    });
  }
}
