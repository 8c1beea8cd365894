/**
 * The ports of the order manager: what it reads of the account, where it sends orders, where
 * its time and timers come from, what it reports, and how it is configured. Runners (backtest,
 * live) implement them through the session.
 *
 * @module
 */

import type { Decimal, Instrument, Micros, OrderStatus, Refusal, SymbolId } from "../domain/mod.ts";
import type { OrderCommand } from "../events/mod.ts";
import type { ExecutionAlgorithms } from "./algorithms/execution_algorithms.ts";
import type { ExecutionTemplate } from "./algorithms/execution_template.ts";
import type { ClientIds } from "./client_ids.ts";
import type { PreTradeRisk } from "./risk.ts";
import type { Sizer } from "./sizer.ts";

/** What the OMS reads of the account. */
export interface AccountView {
  /** Signed position. */
  position(symbol: SymbolId): Decimal;
  /** Equity in the reporting currency. */
  equity(): number;
  /** Value of one unit of `currency` in the reporting currency (NaN when not yet known). */
  rateOf(currency: string): number;
  /** Margin free for new exposure in `currency` (perps), or its balance (spot). */
  freeMargin(currency: string): number;
  /** Leverage of the symbol's positions. */
  leverage(symbol: SymbolId): number;
  /** Last price seen for the symbol (NaN when none). */
  lastPrice(symbol: SymbolId): number;
  /** Latest ATR of the symbol for risk-adjusted sizing, when tracked. */
  volatility(symbol: SymbolId): number | undefined;
}

/** Where the OMS sends its orders, cancels and amends: one fire-and-forget port. */
export interface OrderPort {
  /** Sends one command; the answers come back as reports (order updates and fills). */
  send(command: OrderCommand): void;
}

/**
 * Time for the OMS, which never reads the real clock: the session's clock, and timers the
 * session delivers back through {@linkcode OrderManager.onTimer} at (or after) `at`.
 */
export interface OmsClock {
  /** The current time (event time in backtests, the wall clock live). */
  now(): Micros;
  /** Asks for `onTimer(tag)` at time `at`. */
  setTimer(at: Micros, tag: string): void;
}

/**
 * Whether the OMS may trade: `active`; `reducing-only` (only orders that shrink a position,
 * e.g. after the drawdown kill switch); `halted` (nothing but cancels, e.g. while reconciling).
 */
export type TradingState = "active" | "reducing-only" | "halted";

/** Something the OMS saw that reconciliation must settle. */
export type OmsNotice =
  | {
    /** A report or fill for an order this OMS never sent (another client, a liquidation). */
    readonly kind: "unknown-order";
    /** Its client id. */
    readonly clientOrderId: string;
    /** Its symbol. */
    readonly symbol: SymbolId;
    /** The reported status, or `fill` for an execution. */
    readonly status: OrderStatus | "fill";
    /** Whether the id has this OMS's prefix (a predecessor's order, to adopt). */
    readonly ours: boolean;
  }
  | {
    /** A sent submit, cancel or amend was not answered within the acknowledgement timeout. */
    readonly kind: "ambiguous";
    /** The order's client id. */
    readonly clientOrderId: string;
    /** Its symbol. */
    readonly symbol: SymbolId;
    /** The unanswered step. */
    readonly step: "new" | "cancel" | "amend";
    /** When the step was sent. */
    readonly sentAt: Micros;
  };

/** Options of {@linkcode OrderManager}. */
export interface OrderManagerOptions {
  /** Instruments by symbol. */
  readonly instruments: ReadonlyMap<SymbolId, Instrument>;
  /** Decides quantities. */
  readonly sizer: Sizer;
  /** Pre-trade risk checks. */
  readonly risk: PreTradeRisk;
  /** Allow adding to an open position with another Enter signal (default false). */
  readonly pyramiding?: boolean;
  /** Client order ids (default: prefix `t`, epoch from the clock). */
  readonly clientIds?: ClientIds;
  /** Time and timers (default: time 0 and no timers, so no acknowledgement timeout). */
  readonly clock?: OmsClock;
  /**
   * How long (µs) a sent step may stay unanswered before the order becomes ambiguous; needs a
   * `clock`. Absent: never (simulated venues always answer).
   */
  readonly ackTimeout?: number;
  /** Slippage of market fills (bps) the buying-power check prices orders with (default 0). */
  readonly slippageBps?: number;
  /** The taker fee rate the buying-power check adds (default each instrument's). */
  readonly takerFeeRate?: Decimal;
  /**
   * The execution algorithms that work signals whose hint is one (TWAP, VWAP, …); without them
   * such a signal is refused (`unsupported-hint`).
   */
  readonly algorithms?: ExecutionAlgorithms;
  /**
   * The algorithm that works every signal without a hint of its own (a strategy file's
   * `[execution]` table); the kill switch's flatten is always a market order.
   */
  readonly execution?: ExecutionTemplate;
  /** Called with every refusal (the OMS also counts them, see `rejections()`). */
  readonly onRefusal?: (refusal: Refusal) => void;
  /**
   * Whether `onRefusal` wants the refusals now (absent: always). A refusal nobody wants is
   * only counted, and its message written only for the first examples.
   */
  readonly wantsRefusals?: () => boolean;
  /** Called with what reconciliation must settle (unknown orders, ambiguous steps). */
  readonly onNotice?: (notice: OmsNotice) => void;
}
