/**
 * The one port through which orders reach a venue, whatever it is: a simulated venue of a
 * backtest or paper run, or a live exchange behind {@linkcode executionClientPort}. Commands go
 * out fire-and-forget; everything the venue answers comes back later as events, delivered to
 * the {@linkcode VenueInbox} the venue was given when it was made, never as a return value and
 * never by re-entering the engine.
 *
 * @module
 */

import type { AlertEvent, FillEvent, OrderCommand, OrderUpdateEvent } from "../events/mod.ts";

/**
 * What a venue reports: order updates (accepted, rejected, amended, canceled, expired, filled)
 * and fills, plus the alerts of {@linkcode VenueAlertCode} for outcomes that are not an order
 * state (a command whose fate is unknown, a cancel or amend the venue refused).
 */
export type VenueEvent = OrderUpdateEvent | FillEvent | AlertEvent;

/**
 * Where a venue delivers its reports: the engine's inbox. A backtest schedules or queues them
 * at their simulated time; a live runner pushes them into its execution lane.
 */
export type VenueInbox = (report: VenueEvent) => void;

/**
 * The alert codes a venue reports besides order updates; each such alert names the order in
 * `clientOrderId` and `symbol`.
 *
 * - `order-outcome-unknown`: the command may or may not have reached the venue (a timeout, a
 *   5xx, a dropped connection). The order keeps its in-flight state and must be reconciled; it
 *   is neither rejected nor sent again.
 * - `cancel-refused` / `amend-refused`: the venue refused the cancel or amend; the order itself
 *   is unchanged (a cancel refused as "not found" may mean it filled: reconcile, do not assume
 *   it is canceled).
 */
export type VenueAlertCode = "order-outcome-unknown" | "cancel-refused" | "amend-refused";

/**
 * What an amend of a resting order costs in queue priority, by the venue's rule:
 * `keep-on-decrease` keeps the place when only the quantity goes down and loses it on a price
 * change or a larger quantity (Bybit's amend); `requeue-always` loses it on every amend
 * (Binance USD-M's modify, `PUT /fapi/v1/order`, which always carries price and quantity).
 */
export type AmendQueueRule = "keep-on-decrease" | "requeue-always";

/** What a venue can do; a session refuses (as typed refusals) what its venue cannot. */
export interface VenueCapabilities {
  /** Whether working orders can be amended in place (default true). */
  readonly amend?: boolean;
  /** The queue priority an amend keeps (default `keep-on-decrease`). */
  readonly amendQueue?: AmendQueueRule;
}

/**
 * A venue as the trading core sees it. Implemented by the simulated venues (`lib/venues`) and,
 * for every live connector, by {@linkcode executionClientPort}. Nothing downcasts it.
 */
export interface VenuePort {
  /** The venue name, e.g. `bybit` or `sim`. */
  readonly venue: string;
  /** What the venue supports; everything when omitted. */
  readonly capabilities?: VenueCapabilities;
  /** Sends a command; its outcome arrives later in the venue's inbox. */
  send(command: OrderCommand): void;
}
