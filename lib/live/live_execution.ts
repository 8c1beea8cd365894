/**
 * How a live session executes orders: on a paper venue fed by the live data (candle or tick
 * matching, with their settings), or on a live venue through a connector's execution client and
 * its private stream.
 *
 * @module
 */

import type { AmendQueueRule, ExecutionClient } from "../broker/mod.ts";
import type { Order } from "../domain/mod.ts";
import type { Event } from "../events/mod.ts";
import type {
  CandleVenueOptions,
  FeeRates,
  LatencyModel,
  QueueModelOptions,
} from "../venues/mod.ts";

/** Settings of the paper venue (the simulated candle venue) the caller chooses. */
export type PaperVenueSettings = Omit<
  CandleVenueOptions,
  "instruments" | "positionOf" | "liquidationPriceOf" | "bankruptcyPriceOf" | "now"
>;

/** Settings of the paper tick venue (the tick matching engine of backtests). */
export interface PaperTickSettings {
  /** Queue model of resting limits (default risk-averse). */
  readonly queueModel?: QueueModelOptions;
  /** Order latency (default: constant zero). */
  readonly latency?: LatencyModel;
  /** Fee overrides (default: each instrument's maker/taker rates). */
  readonly fees?: FeeRates;
  /** The queue priority an amend keeps (default `keep-on-decrease`). */
  readonly amendQueue?: AmendQueueRule;
  /** Per-level liquidity consumption tracking (default true). */
  readonly liquidityConsumption?: boolean;
}

/** How paper orders are matched: on closed bars, or on the books and trades. */
export type PaperMatching = "candle" | "tick";

/** The private stream of a live venue, as the runtime drives it. */
export interface PrivateChannel {
  /** Connects and authenticates; resolves once events flow. */
  start(): Promise<void>;
  /** Disconnects. */
  stop(): Promise<void>;
  /**
   * Fetches what the venue's history holds since the last event delivered (fills, order
   * updates; the state of `working`, the orders we hold open) and delivers what was not
   * delivered yet; resolves once delivered, rejects when a query failed. Reconciliation asks
   * for it after reading the venue's positions, so no fill they hold is still on its way.
   */
  catchUp?(working: readonly Order[]): Promise<void>;
  /**
   * The venue's clock minus ours (ms), as measured: the times of the fills it delivers are the
   * venue's, so the fresh-start fence compares them with the venue's time of the start.
   */
  venueOffsetMs?(): number;
}

/** How orders are executed. */
export type LiveExecution =
  | {
    /** Paper: a simulated venue fed by the live data. */
    readonly kind: "paper";
    /** Candle (default): the candle venue walks each closed bar; tick: the matching engine. */
    readonly matching?: PaperMatching;
    /** The candle venue's latency, slippage, fees and fill rules. */
    readonly venue?: PaperVenueSettings;
    /** The tick venue's queue model, latency and fees. */
    readonly tick?: PaperTickSettings;
  }
  | {
    /** A live venue through a connector. */
    readonly kind: "venue";
    /** The connector's REST client (orders through `executionClientPort`, queries). */
    readonly client: ExecutionClient;
    /**
     * Makes the private stream delivering to `sink` (the inbox's execution lane). `resume` is
     * given when state was restored: the stream catches up from `sinceMs` (ms), so what the
     * venue did while the process was down (a resting stop that filled) arrives before the
     * start-up reconciliation.
     */
    readonly privateChannel?: (
      sink: (event: Event) => void,
      resume?: { readonly sinceMs: number },
    ) => PrivateChannel;
  };
