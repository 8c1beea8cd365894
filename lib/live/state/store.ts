/**
 * The seam between the live runtime and its durable state: what a live process writes while it
 * trades (each order intent before its request leaves, each fill when it arrives, the rest per
 * settled timestamp) and what a restarted process reads back. Engines implement
 * {@linkcode LiveStore}; {@linkcode openLiveStore} picks one.
 *
 * @module
 */

import type { Fill, JsonValue, Micros } from "../../domain/mod.ts";
import type { OrderCommand } from "../../events/mod.ts";
import type { AlgorithmsSnapshot, OmsSnapshot } from "../../execution/mod.ts";
import type { PortfolioSnapshot } from "../../portfolio/mod.ts";

/** Version of the {@linkcode PersistedLiveState} shape (not of an engine's file schema). */
export const LIVE_STATE_VERSION = 1;

/** The drawdown kill switch's latch: once tripped it stays so until an operator clears it. */
export interface KillSwitchLatch {
  /** Whether the latch is set. */
  readonly tripped: boolean;
  /** When it tripped (µs). */
  readonly at?: Micros;
  /** Why it tripped, for the operator. */
  readonly reason?: string;
}

/** Everything a restarted live process needs, as plain JSON-able data. */
export interface PersistedLiveState {
  /** Shape version ({@linkcode LIVE_STATE_VERSION}). */
  readonly version: number;
  /** When this state was committed (µs, the session's clock). */
  readonly savedAt: Micros;
  /** The OMS: working orders with their in-flight state, brackets, client-id counter. */
  readonly oms: OmsSnapshot;
  /** The strategy's own snapshot (`strategy.snapshot()`). */
  readonly strategy: JsonValue;
  /**
   * The execution algorithms' state (`session.algorithms.snapshot()`; `null` in stores written
   * before the algorithms existed).
   */
  readonly algorithms: AlgorithmsSnapshot | null;
  /** The account: balances, positions, PnL, ledger. */
  readonly portfolio: PortfolioSnapshot;
  /**
   * The last event id processed per stream (e.g. `bybit:private` → sequence or trade id), so
   * reconciliation asks the venue only for what came after.
   */
  readonly lastEventIds: Readonly<Record<string, string>>;
  /** The kill-switch latch. */
  readonly killSwitch: KillSwitchLatch;
}

/** An order command about to leave for the venue (an outbox row). */
export interface LiveIntent {
  /** The order's client id. */
  readonly clientOrderId: string;
  /** The command. */
  readonly command: OrderCommand;
  /** When it was made (µs). */
  readonly ts: Micros;
}

/** A fill as the store keeps it: the fill and when it arrived. */
export interface RecordedFill {
  /** The fill. */
  readonly fill: Fill;
  /** When it was recorded (µs). */
  readonly ts: Micros;
}

/**
 * What was written after the last commit: a crash between a write and the next commit leaves
 * these for the restarted process to settle (intents by reconciliation with the venue by client
 * id, fills by booking them again; the OMS drops a fill whose trade id it already booked).
 */
export interface UncommittedWrites {
  /** Intents recorded after the last commit, in the order they were written. */
  readonly intents: readonly LiveIntent[];
  /** Fills recorded after the last commit, in the order they arrived. */
  readonly fills: readonly RecordedFill[];
}

/** Sizes of a store, for `tesser state inspect` and tests. */
export interface StoreCounts {
  /** Intents in the outbox. */
  readonly intents: number;
  /** Fills recorded. */
  readonly fills: number;
  /** Commits that wrote something (unchanged states are skipped). */
  readonly commits: number;
}

/** Durable live state, one store per process and state file. */
export interface LiveStore {
  /** The engine behind it. */
  readonly engine: LiveStoreEngine;
  /** The state file. */
  readonly path: string;
  /** The file's schema version. */
  readonly schemaVersion: number;
  /** The last committed state, or undefined on a fresh file. */
  load(): PersistedLiveState | undefined;
  /** What was written after the last commit (empty after a clean stop). */
  uncommitted(): UncommittedWrites;
  /**
   * The outbox: durable when this returns, so call it BEFORE the request leaves; a restarted
   * process then knows every client id its predecessor may have used.
   */
  recordIntent(intent: LiveIntent): void;
  /**
   * Records a fill as it arrives; `false` (and nothing written) when a fill of that symbol and
   * trade id is already recorded.
   */
  recordFill(fill: Fill, ts?: Micros): boolean;
  /** Commits the state (per settled timestamp, only when something changed). */
  commit(state: PersistedLiveState): void;
  /** Every client id an intent was recorded for, oldest first (the crash test's audit). */
  intentIds(): readonly string[];
  /** How many intents and fills are recorded and how many commits wrote something. */
  counts(): StoreCounts;
  /** Flushes, closes the file and releases the single-writer lock (idempotent). */
  close(): void;
}

/** The engines a store can run on. */
export type LiveStoreEngine = "sqlite" | "lmdb";

/** The engines, for flag and config validation. */
export const LIVE_STORE_ENGINES: readonly LiveStoreEngine[] = ["sqlite", "lmdb"];

/** Options of {@linkcode openLiveStore}. */
export interface LiveStoreOptions {
  /** Which engine. */
  readonly engine: LiveStoreEngine;
  /** The state file. */
  readonly path: string;
  /**
   * What one process owns, e.g. `bybit:main:BTCUSDT` (venue, account, symbols): a second
   * process with the same key refuses to start, and a file made under another key is refused.
   */
  readonly lockKey: string;
}
