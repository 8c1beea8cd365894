/**
 * What a caller gives {@linkcode LiveRuntime} (its options and the log records it receives) and
 * what it gets back (the operator's status, the run's summary).
 *
 * @module
 */

import type { MarketStream } from "../broker/mod.ts";
import type { Interval, Micros } from "../domain/mod.ts";
import type { Clock, LiveRunSummary, Sleeper } from "../engine/mod.ts";
import type { Event } from "../events/mod.ts";
import type { TradingOptions } from "../trader/mod.ts";
import type { LiveExecution } from "./live_execution.ts";
import type { LiveFeedCounts } from "./live_source.ts";
import type { UnknownOrderPolicy } from "./order_difference.ts";
import type { ReconciliationOutcome } from "./reconciler.ts";
import type { KillSwitchLatch, LiveStore } from "./state/mod.ts";

/** One line the runtime logs. */
export interface LiveLogRecord {
  /** Severity. */
  readonly level: "debug" | "info" | "warn" | "error";
  /** Which part of the runtime. */
  readonly component: "runtime" | "reconcile" | "feed" | "execution" | "risk" | "store";
  /** What happened, for humans. */
  readonly message: string;
  /** Ids and figures. */
  readonly fields?: Readonly<Record<string, string | number | boolean>>;
}

/** Options of {@linkcode LiveRuntime}. */
export interface LiveRuntimeOptions extends TradingOptions {
  /** The session clock: `WallClock` live, a `ManualClock` in tests. */
  readonly clock: Clock;
  /** Waits on the clock (default: the runtime's timers; pass the `ManualClock` in tests). */
  readonly sleeper?: Sleeper;
  /**
   * The clock the feeds stamp frames with (µs; default the session clock). Paper tick matching
   * waits on it and runs the session on the stamps (see `paper_tick_source.ts`); `sleeper`
   * must wait on this clock then.
   */
  readonly receiveClock?: () => Micros;
  /**
   * Paper tick matching: called once when the run ends; returns the receive time up to which
   * the session handles what it received (a recording is ended there). Default: the receive
   * clock's reading.
   */
  readonly paperEndAt?: () => Micros;
  /** Interval of the data bars (higher timeframes are aggregated from them as in backtests). */
  readonly dataInterval: Interval;
  /** The market streams; each is subscribed to the strategy's symbols. */
  readonly feeds: readonly MarketStream[];
  /** Build the data bars from trades (feeds without candles, e.g. the random walk). */
  readonly buildCandles: boolean;
  /** How orders are executed. */
  readonly orderVenue: LiveExecution;
  /** Milliseconds between reconciliation passes (live execution; default 60 s). */
  readonly reconcileIntervalMs?: number;
  /**
   * `live.reconciliation_threshold` (default 0.001): a difference a pass adopts that is more than
   * this fraction of the larger figure raises a `reconciliation-adopted` alert; smaller ones are
   * only logged. The first pass of a fresh session (no state restored) takes the venue's figures
   * as its baseline and raises none.
   */
  readonly reconciliationThreshold?: number;
  /**
   * `live.unknown_order_policy` (default `adopt`): what reconciliation does with an open venue
   * order that is not ours — adopt it into the OMS, or cancel it at the venue.
   */
  readonly unknownOrderPolicy?: UnknownOrderPolicy;
  /** The state store (none: nothing survives the process). */
  readonly store?: LiveStore;
  /** Market-lane capacity of the inbox (default 10,000). */
  readonly marketCapacity?: number;
  /** End after this many inbox events. */
  readonly maxEvents?: number;
  /** Cancel working orders on shutdown (`live.cancel_on_shutdown`). */
  readonly cancelOnShutdown?: boolean;
  /** How long a shutdown waits for cancels to be answered (ms, default 3000). */
  readonly shutdownWaitMs?: number;
  /** Flatten every position when the kill switch trips (default true, as backtests do). */
  readonly flattenOnKill?: boolean;
  /** Receives log lines (default: none). */
  readonly log?: (record: LiveLogRecord) => void;
  /** Sees every event the engine processes (metrics, alerts, audit). */
  readonly onEvent?: (event: Event) => void;
  /** Sees every reconciliation pass once it ended (metrics count what each one did). */
  readonly onReconciliation?: (outcome: ReconciliationOutcome) => void;
  /**
   * Venue execution: sees each order request a market event's handling sent, timed in µs from
   * the event's take to the request's hand-off to the venue's client (`tick_to_order.ts`).
   */
  readonly onTickToOrder?: (micros: number) => void;
}

/** A live session's state as an operator sees it. */
export interface LiveStatus {
  /** The strategy. */
  readonly strategy: string;
  /** Paper or venue execution. */
  readonly execution: "paper" | "venue";
  /** The OMS's trading state. */
  readonly tradingState: string;
  /** The kill switch's latch. */
  readonly killSwitch: KillSwitchLatch;
  /** Whether the last reconciliation left a mismatch open. */
  readonly reconciliationMismatch: boolean;
  /** Whether an operator halted trading. */
  readonly operatorHalt: boolean;
  /** Open positions. */
  readonly positions: readonly {
    readonly symbol: string;
    readonly quantity: string;
    readonly entryPrice: string;
  }[];
  /** Working orders. */
  readonly openOrders: number;
  /** Equity (reporting currency), NaN when it cannot be valued. */
  readonly equity: number;
  /** The feed counters. */
  readonly counts: LiveFeedCounts;
}

/** What a live run did. */
export interface LiveRuntimeSummary {
  /** The runner's counts. */
  readonly run: LiveRunSummary;
  /** The feed counts. */
  readonly feed: LiveFeedCounts;
  /** Orders submitted. */
  readonly orders: number;
  /** Fills booked. */
  readonly fills: number;
  /** Equity at the end (reporting currency), NaN when it cannot be valued. */
  readonly equity: number;
  /** Reconciliation passes. */
  readonly reconciliations: number;
  /** Whether the kill switch is latched. */
  readonly killSwitch: boolean;
  /** Why the run ended. */
  readonly ended: "bound" | "stopped" | "feeds-ended";
}
