/**
 * An operator's controls of a live session: halt (no new orders; cancels still go out), resume
 * (refused while a reconciliation mismatch is open) and flatten.
 *
 * @module
 */

import type { TradingSession } from "../trader/mod.ts";
import type { LiveLogRecord } from "./live_runtime_options.ts";
import type { ReconciliationOutcome } from "./reconciler.ts";

/** What the controls need from the runtime. */
export interface OperatorControlsOptions {
  /** The session controlled. */
  readonly session: TradingSession;
  /** Runs an action inside the engine (see `LiveRuntime.inEngine`). */
  readonly inEngine: (action: () => void) => void;
  /** The last reconciliation pass, if any. */
  readonly lastReconciliation: () => ReconciliationOutcome | undefined;
  /** Receives the log lines. */
  readonly log: (record: LiveLogRecord) => void;
}

/** An operator's halt, resume and flatten (see the module doc). */
export class OperatorControls {
  readonly #options: OperatorControlsOptions;
  #halted = false;

  /** Controls of `options.session`. */
  constructor(options: OperatorControlsOptions) {
    this.#options = options;
  }

  /** Whether an operator halted trading. */
  get halted(): boolean {
    return this.#halted;
  }

  /** Halts: no new orders (cancels still go out) until {@linkcode OperatorControls.resume}. */
  halt(reason: string): void {
    const { session, inEngine, log } = this.#options;
    this.#halted = true;
    inEngine(() => session.oms.setTradingState("halted"));
    log({ level: "warn", component: "runtime", message: `halted: ${reason}` });
  }

  /**
   * Ends the halt: trading resumes, reducing-only while the risk rules liquidate.
   *
   * @throws {RangeError} while a reconciliation mismatch is open (trading stays halted until a
   * pass clears it).
   */
  resume(): void {
    const { session, inEngine, log } = this.#options;
    const last = this.#options.lastReconciliation();
    if (last?.mismatch === true) {
      throw new RangeError(`cannot resume: the reconciliation mismatch (${last.reason}) is open`);
    }
    this.#halted = false;
    const state = session.risk.liquidateOnly ? "reducing-only" : "active";
    inEngine(() => session.oms.setTradingState(state));
    log({ level: "info", component: "runtime", message: `resumed: trading ${state}` });
  }

  /** Cancels working entries and closes every position. */
  flatten(): void {
    const { session, inEngine, log } = this.#options;
    inEngine(() => session.oms.flattenAll(session.instruments.keys()));
    log({ level: "warn", component: "runtime", message: "flatten requested by an operator" });
  }
}
