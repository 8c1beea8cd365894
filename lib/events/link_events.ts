/**
 * The events a connector raises about its own link rather than about the market or the
 * account: a `connectivity` change and a `warning` alert. Both carry one time twice (`ts` and
 * `tsRecv`): the link's own news has no venue time.
 *
 * @module
 */

import type { Micros, SymbolId } from "../domain/mod.ts";
import type {
  AlertEvent,
  ConnectivityChannel,
  ConnectivityEvent,
  ConnectivityState,
} from "./event.ts";

/** `venue`'s `channel` went to `state` at `at`, for `reason` (about `symbol` alone when set). */
export function connectivityEvent(
  at: Micros,
  channel: ConnectivityChannel,
  venue: string,
  state: ConnectivityState,
  reason: string,
  symbol?: SymbolId,
): ConnectivityEvent {
  return {
    kind: "connectivity",
    ts: at,
    tsRecv: at,
    channel,
    venue,
    state,
    reason,
    ...(symbol === undefined ? {} : { symbol }),
  };
}

/** A `warning` alert at `at` under the stable `code`. */
export function warningEvent(at: Micros, code: string, message: string): AlertEvent {
  return { kind: "alert", ts: at, tsRecv: at, severity: "warning", code, message };
}

/** The `warning` that a frame received at `at` could not be read, with why (`error`). */
export function badFrameEvent(at: Micros, code: string, error: unknown): AlertEvent {
  return warningEvent(at, code, error instanceof Error ? error.message : String(error));
}
