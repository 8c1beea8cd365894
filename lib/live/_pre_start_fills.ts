/**
 * The fence of a fresh start (no state restored): the private stream's catch-up asks the venue's
 * execution history from a little before the stream connected, so it delivers fills that happened
 * before the session existed. Their effect is already in the venue's position and wallet, which
 * the start's reconciliation adopts; booking them as well would count them twice (and record in
 * the state, and show the strategy, trades that were never the session's). So a fresh session
 * books no fill from before its start unless the order is one it sent itself.
 *
 * @module
 */

import type { Fill, Micros } from "../domain/mod.ts";
import type { ClientIdState } from "../execution/mod.ts";

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
