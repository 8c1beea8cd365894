/**
 * Reconciliation is live execution's: a paper venue is the session's own simulation, with
 * nothing to compare against. The reconciler and its passes for a live venue, wired to the
 * runtime's engine actions and private stream.
 *
 * @module
 */

import type { TradingSession } from "../trader/mod.ts";
import { ReconciliationRounds } from "./_reconciliation_rounds.ts";
import type { LiveLogRecord, LiveRuntimeOptions } from "./live_runtime_options.ts";
import { Reconciler } from "./reconciler.ts";

/** The reconciler of a live venue and its passes. */
export interface VenueReconciliation {
  /** The reconciler. */
  readonly reconciler: Reconciler;
  /** Its passes (start, reconnect, on demand, periodic). */
  readonly rounds: ReconciliationRounds;
}

/** What the reconciliation takes from the runtime. */
export interface VenueReconciliationParts {
  /** The session reconciled. */
  readonly session: TradingSession;
  /** Runs an action inside the engine (see `LiveRuntime.inEngine`). */
  readonly inEngine: (action: () => void) => void;
  /** Runs an action inside the engine once the execution lane's deliveries are handled. */
  readonly afterDelivered: (action: () => void) => Promise<void>;
  /** Asks the private stream to catch up from the venue's history. */
  readonly catchUp: () => Promise<void>;
  /** Whether the session started fresh (no state restored). */
  readonly fresh: () => boolean;
  /** Called as soon as a pass ended (its outcome is state to commit). */
  readonly recorded: () => void;
  /** Receives the log lines. */
  readonly log: (record: LiveLogRecord) => void;
}

/** The reconciliation of `options`' session: `undefined` in paper execution. */
export function venueReconciliation(
  options: LiveRuntimeOptions,
  parts: VenueReconciliationParts,
): VenueReconciliation | undefined {
  const execution = options.orderVenue;
  if (execution.kind !== "venue") return undefined;
  const { session, inEngine } = parts;
  const reconciler = new Reconciler({
    session,
    account: execution.client,
    clientIdPrefix: session.oms.clientIds.prefix,
    ...(options.unknownOrderPolicy === undefined
      ? {}
      : { unknownOrderPolicy: options.unknownOrderPolicy }),
    symbols: [...session.instruments.keys()],
    inEngine,
    afterDelivered: parts.afterDelivered,
    catchUp: parts.catchUp,
  });
  const rounds = new ReconciliationRounds({
    reconciler,
    session,
    fresh: parts.fresh,
    threshold: options.reconciliationThreshold ?? 0.001,
    inEngine,
    recorded: parts.recorded,
    ...(options.onReconciliation === undefined
      ? {}
      : { onReconciliation: options.onReconciliation }),
    log: parts.log,
  });
  return { reconciler, rounds };
}
