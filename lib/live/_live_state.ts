/**
 * What a live session commits to its store and how it comes back from it: with live execution
 * the working orders, portfolio, strategy and algorithms continue and the private stream
 * catches up from the last commit; with paper execution only the kill switch's latch outlives
 * the process.
 *
 * @module
 */

import type { Micros } from "../domain/mod.ts";
import type { Strategy } from "../strategies/mod.ts";
import type { TradingSession } from "../trader/mod.ts";
import type { PrivateOutage } from "./_private_outage.ts";
import type { LiveLogRecord } from "./live_runtime_options.ts";
import {
  type KillSwitchLatch,
  LIVE_STATE_VERSION,
  type LiveStore,
  type PersistedLiveState,
  restoreSession,
} from "./state/mod.ts";

/** What the restore needs from the runtime. */
export interface LiveRestoreTarget {
  /** The session to restore into. */
  readonly session: TradingSession;
  /** Its strategy. */
  readonly strategy: Strategy;
  /** Live execution (else paper). */
  readonly venue: boolean;
  /** Takes the outage the last commit recorded. */
  readonly outage: PrivateOutage;
  /** The session clock (µs). */
  readonly now: () => Micros;
  /** Receives the log lines. */
  readonly log: (record: LiveLogRecord) => void;
}

/** What the restore found. */
export interface LiveRestored {
  /** No state was restored: a fresh session (always with paper execution). */
  readonly fresh: boolean;
  /** mm: the orders adopted from the outbox (sent without an answer before the restart). */
  readonly adopted: readonly string[];
  /** The kill switch's latch as committed. */
  readonly latch: KillSwitchLatch;
}

/** Restores the session from `store` (see the module doc). */
export function restoreLive(store: LiveStore, target: LiveRestoreTarget): LiveRestored {
  if (!target.venue) {
    // Paper: the simulated venue and its orders died with the process; only the latch
    // outlives it.
    return { fresh: true, adopted: [], latch: store.load()?.killSwitch ?? { tripped: false } };
  }
  const { session, log } = target;
  // Working orders with their in-flight steps, the portfolio and the strategy continue;
  // intents written after the last commit come back as ambiguous orders for the start-up
  // reconciliation, and fills written after it are booked again (once per trade id).
  const outcome = restoreSession(store, { session, strategy: target.strategy });
  // protect: the private stream catches up from the last commit (savedAt is µs).
  // A commit made while the stream was down is later than what it delivered: from then.
  if (outcome.state !== undefined) {
    target.outage.restore(outcome.state.lastEventIds, Math.floor(outcome.state.savedAt / 1000));
  }
  for (const { fill, ts } of outcome.fills) {
    session.engine.process({ kind: "fill", ts, tsRecv: target.now(), fill });
  }
  if (outcome.adopted.length > 0) {
    log({
      level: "warn",
      component: "store",
      message: `${outcome.adopted.length} orders sent without an answer before the restart (${
        outcome.adopted.join(", ")
      }): their outcome is asked from the venue`,
    });
  }
  return {
    fresh: outcome.state === undefined,
    adopted: outcome.adopted,
    latch: outcome.killSwitch,
  };
}

/** The log line of a latch restored tripped. */
export function latchedRecord(latch: KillSwitchLatch): LiveLogRecord {
  return {
    level: "warn",
    component: "risk",
    message: `kill switch latched since ${new Date((latch.at ?? 0) / 1000).toISOString()}${
      latch.reason === undefined ? "" : ` (${latch.reason})`
    }: reducing-only until an operator clears it`,
  };
}

/** What a commit writes besides the session. */
export interface StateParts {
  /** The session's strategy. */
  readonly strategy: Strategy;
  /** The time of the commit (µs, the session clock). */
  readonly savedAt: Micros;
  /** The kill switch's latch. */
  readonly kill: KillSwitchLatch;
  /** The private stream's outage. */
  readonly outage: PrivateOutage;
}

/** The state a commit writes. */
export function persistedState(session: TradingSession, parts: StateParts): PersistedLiveState {
  const { strategy, savedAt, kill, outage } = parts;
  return {
    version: LIVE_STATE_VERSION,
    savedAt,
    // Halts are conditions of this process (a reconciliation in progress, the shutdown);
    // what outlives it is the kill switch's latch.
    oms: { ...session.oms.snapshot(), tradingState: kill.tripped ? "reducing-only" : "active" },
    strategy: strategy.snapshot(),
    algorithms: session.algorithms.snapshot(),
    portfolio: session.portfolio.toJSON(),
    lastEventIds: outage.lastEventIds(),
    killSwitch: kill,
  };
}

/**
 * The session's commits to its store: one per settled event when something changed, one
 * before a live venue's requests leave (the outbox), and one at shutdown.
 */
export class StateCommits {
  readonly #store: LiveStore | undefined;
  readonly #state: () => PersistedLiveState;
  // Dirty from the start: the first commit writes the session as it started (or was restored).
  #dirty = true;
  #failure: unknown;

  /** Commits `state()` to `store` (none: nothing is committed). */
  constructor(store: LiveStore | undefined, state: () => PersistedLiveState) {
    this.#store = store;
    this.#state = state;
  }

  /** The first commit that failed while requests waited for it, which ends the run. */
  get failure(): unknown {
    return this.#failure;
  }

  /** The state changed: the next commit writes it. */
  changed(): void {
    this.#dirty = true;
  }

  /** Commits when something changed; throws what the store throws. */
  commit(): void {
    const store = this.#store;
    if (store === undefined || !this.#dirty) return;
    this.#dirty = false;
    store.commit(this.#state());
  }

  /** Commits whether or not something changed. */
  commitNow(): void {
    this.#dirty = true;
    this.commit();
  }

  /** Records a failed commit; the first one is the run's failure. */
  fail(error: unknown): void {
    this.#failure ??= error;
  }
}
