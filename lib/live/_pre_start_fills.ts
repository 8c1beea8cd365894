/**
 * The fence of a fresh start (no state restored): the private stream's catch-up asks the venue's
 * execution history from a little before the stream connected, so it delivers fills that happened
 * before the session existed. Their effect is already in the venue's position and wallet, which
 * the start's reconciliation adopts; booking them as well would count them twice (and record in
 * the state, and show the strategy, trades that were never the session's). So a fresh session
 * books no fill from before its start unless the order is one it sent itself, and no funding
 * payment from before it (the wallet it left is adopted as well).
 *
 * @module
 */

import type { Fill, Micros } from "../domain/mod.ts";
import type { Event } from "../events/mod.ts";
import type { ClientIdState } from "../execution/mod.ts";
import type { TradingSession } from "../trader/mod.ts";
import type { LiveLogRecord } from "./live_runtime_options.ts";

/** An execution event a fresh session did not book, and why. */
export interface PassedOver {
  /** The log line that says so. */
  readonly record: LiveLogRecord;
  /** Whether the session remembered it (its state is to be committed). */
  readonly changed: boolean;
}

/** The fence a fresh session keeps. */
export interface PreStartFence {
  /** The session the events are for. */
  readonly session: TradingSession;
  /** The start on the venue's clock; `undefined` when state was restored or before the run. */
  readonly venueStart: () => Micros | undefined;
}

/**
 * Passes over `event` when it is a fill or a funding payment from before a fresh start
 * (`venueStart`, on the venue's clock; `undefined` when state was restored or the run has not
 * started): the session remembers it, so a restart's catch-up that delivers it again does not
 * book it either. `undefined` when the event is to be booked.
 */
export function passOverPreStart(
  event: Event,
  { session, venueStart }: PreStartFence,
): PassedOver | undefined {
  if (event.kind === "fill") {
    const start = venueStart();
    const { fill } = event;
    if (
      start === undefined || !isPreStartFill(fill, event.ts, start, session.oms.clientIds.state())
    ) {
      return undefined;
    }
    // Remembered with the OMS's trade ids, which are committed.
    session.oms.passOverFill(fill);
    return {
      record: {
        level: "info",
        component: "execution",
        message: `${fill.symbol} fill ${fill.tradeId ?? ""} of order ${
          fill.clientOrderId || "(none)"
        } is from before the session started: not booked (the start's reconciliation adopts the venue's position)`,
        fields: { clientOrderId: fill.clientOrderId, tradeId: fill.tradeId ?? "" },
      },
      changed: true,
    };
  }
  if (event.kind !== "funding-payment") return undefined;
  const start = venueStart();
  if (start === undefined || event.ts >= start) return undefined;
  const { payment } = event;
  // Remembered by the portfolio (committed) where funding is booked at all.
  const instrument = session.instruments.get(payment.symbol);
  const changed = instrument !== undefined && instrument.kind !== "spot";
  if (changed) session.portfolio.skipFundingPayment(payment, event.ts);
  return {
    record: {
      level: "info",
      component: "execution",
      message: `${payment.symbol} funding payment ${payment.id} is from before ` +
        "the session started: not booked (the start's reconciliation adopts the venue's wallet)",
    },
    changed,
  };
}

/**
 * Whether a fill a fresh session receives is from before `startedAt` (µs) for an order this
 * process did not send: not one of the ids `ids` made (`<prefix>-<epoch>-<counter>` with this
 * process's epoch; an id of the same prefix from an earlier process whose state was lost counts
 * as not ours). Our own orders are always booked, even when the venue's clock runs behind ours.
 */
export function isPreStartFill(
  fill: Pick<Fill, "clientOrderId">,
  ts: Micros,
  startedAt: Micros,
  ids: ClientIdState,
): boolean {
  if (ts >= startedAt) return false;
  if (ids.epochMs === undefined) return true;
  return !fill.clientOrderId.startsWith(`${ids.prefix}-${ids.epochMs.toString(36)}-`);
}
