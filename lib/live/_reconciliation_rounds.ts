/**
 * The runtime's reconciliation passes: one at the start, one after each reconnect of the
 * execution channel, one on demand and one every interval. Each pass is recorded, raises the
 * `reconciliation-adopted` alert for what it adopted beyond the threshold (not on a fresh
 * session's baseline) and logs what it found.
 *
 * @module
 */

import type { Micros } from "../domain/mod.ts";
import type { Sleeper } from "../engine/mod.ts";
import type { TradingSession } from "../trader/mod.ts";
import { adoptedAlert } from "./_adopted_alert.ts";
import { reconciliationRecords } from "./_reconciliation_log.ts";
import type { LiveLogRecord } from "./live_runtime_options.ts";
import type { Reconciler, ReconciliationOutcome } from "./reconciler.ts";

/** What the passes need from the runtime. */
export interface ReconciliationRoundsOptions {
  /** The reconciler. */
  readonly reconciler: Reconciler;
  /** The session reconciled. */
  readonly session: TradingSession;
  /** Whether the session started fresh (no state restored). */
  readonly fresh: () => boolean;
  /** `live.reconciliation_threshold`: the share of a figure an adoption alerts beyond. */
  readonly threshold: number;
  /** Runs an action inside the engine (see `LiveRuntime.inEngine`). */
  readonly inEngine: (action: () => void) => void;
  /** Called as soon as a pass ended (its outcome is state to commit). */
  readonly recorded: () => void;
  /** Sees every pass once it ended. */
  readonly onReconciliation?: (outcome: ReconciliationOutcome) => void;
  /** Receives the log lines. */
  readonly log: (record: LiveLogRecord) => void;
}

/** How the periodic passes wait. */
export interface PassSchedule {
  /** Waits on the session clock. */
  readonly sleeper: Sleeper;
  /** The session clock (µs). */
  readonly now: () => Micros;
  /** Ends the schedule. */
  readonly signal: AbortSignal;
}

/** The reconciliation passes of a live session (see the module doc). */
export class ReconciliationRounds {
  readonly #options: ReconciliationRoundsOptions;
  #last: ReconciliationOutcome | undefined;
  // A fresh session's first pass that compared both positions and balances is its baseline.
  #baselineTaken = false;

  /** Passes of `options.reconciler`. */
  constructor(options: ReconciliationRoundsOptions) {
    this.#options = options;
  }

  /** The last pass. */
  get last(): ReconciliationOutcome | undefined {
    return this.#last;
  }

  /** Reconciles now for `reason`; resolves with the pass. */
  async pass(reason: string): Promise<ReconciliationOutcome> {
    const options = this.#options;
    const outcome = await options.reconciler.reconcile(reason);
    this.#last = outcome;
    options.recorded();
    const { event } = outcome;
    const baseline = options.fresh() && !this.#baselineTaken;
    if (event.positions.status === "compared" && event.balances.status === "compared") {
      this.#baselineTaken = true;
    }
    const alert = baseline ? undefined : adoptedAlert(event, options.threshold, reason);
    const { session } = options;
    if (alert !== undefined) options.inEngine(() => session.engine.emit(alert));
    const tradingState = session.oms.tradingState;
    for (const record of reconciliationRecords(outcome, { reason, tradingState })) {
      options.log(record);
    }
    options.onReconciliation?.(outcome);
    return outcome;
  }

  /** Reconciles every `intervalMs` (ms) until the schedule's signal aborts. */
  async every(intervalMs: number, schedule: PassSchedule): Promise<void> {
    const { sleeper, now, signal } = schedule;
    const interval = intervalMs * 1000;
    while (!signal.aborted) {
      const woke = await new Promise<boolean>((resolve) => {
        const onAbort = (): void => resolve(false);
        signal.addEventListener("abort", onAbort, { once: true });
        sleeper.sleepUntil(now() + interval, signal).then(() => {
          signal.removeEventListener("abort", onAbort);
          resolve(true);
        });
      });
      if (!woke) return;
      await this.pass("periodic");
    }
  }
}
