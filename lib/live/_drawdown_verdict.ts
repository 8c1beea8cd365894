/**
 * The kill switch's verdict after an event that moved equity, shared by the live sources.
 *
 * @module
 */

import type { Event } from "../events/mod.ts";
import type { TradingSession } from "../trader/mod.ts";

/** The drawdown alert `session` raises at its current equity, if any. */
export function drawdownVerdict(session: TradingSession): Event | undefined {
  if (!session.watchesDrawdown) return undefined;
  let equity: number;
  try {
    equity = session.portfolio.equity();
  } catch (error) {
    // A balance that cannot be valued yet (no mark) says nothing about the drawdown.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  return session.drawdownAlert(equity);
}
