/**
 * The comparison of the venue's open orders with the OMS's, run inside the engine so that an
 * order the `adopt` policy takes is in the OMS in the same step as the comparison that found it.
 *
 * Orders of ours the OMS does not know (live.md §2, step 6): an open venue order of our
 * client-id shape that no working order of the OMS holds — a previous run whose state file was
 * lost, an intent that was never committed. Halting on it would halt on every pass, forever: it
 * is handled by the same policy as an order that is not ours, and the id generator moves past
 * its id first, so this process never makes that id again.
 *
 * Orders of ours the OMS saw finish (in its memory of finished orders, `finishedOrderIds` after
 * a restart) that the venue lists open: the listing may be stale (the venue's list lags its
 * order state) or the OMS wrong, so neither policy acts on the listing alone; they are asked for
 * by id once the comparison is done (`_finished_listed_lookup.ts`).
 *
 * @module
 */

import type { Order, SymbolId } from "../domain/mod.ts";
import { isOurClientId } from "../execution/mod.ts";
import type { TradingSession } from "../trader/mod.ts";
import type { OrderDifference, UnknownOrderPolicy } from "./order_difference.ts";

/** What the comparison reads and where it adopts. */
export interface OpenOrderComparison {
  /** The session whose OMS is compared (and adopts under the `adopt` policy). */
  readonly session: TradingSession;
  /** Our client-id prefix. */
  readonly clientIdPrefix: string;
  /** The symbols compared. */
  readonly symbols: readonly SymbolId[];
  /** What is done with an open venue order the OMS does not know. */
  readonly policy: UnknownOrderPolicy;
}

/**
 * The differences between `venueOrders` and the OMS's open orders; inside the engine. An order
 * adopted is adopted here; one the `cancel` policy cancels, or one the OMS saw finish, has no
 * action yet (the pass sends its cancel or its query once it left the engine).
 */
export function compareOpenOrders(
  venueOrders: readonly Order[],
  comparison: OpenOrderComparison,
): readonly OrderDifference[] {
  const { session, clientIdPrefix, symbols, policy } = comparison;
  const traded = new Set(symbols);
  const local = new Map<string, Order>();
  for (const order of session.oms.openOrders()) local.set(order.request.clientOrderId, order);
  const out: OrderDifference[] = [];
  const seen = new Set<string>();
  for (const order of venueOrders) {
    const { clientOrderId, symbol } = order.request;
    if (!traded.has(symbol)) continue;
    seen.add(clientOrderId);
    if (local.has(clientOrderId)) continue;
    const ours = isOurClientId(clientIdPrefix, clientOrderId);
    const kind = ours ? "unknown-ours" : "external";
    // Before anything else: the id is taken at the venue, whatever becomes of the order.
    if (ours) session.oms.clientIds.moveBeyond(clientOrderId);
    if (ours && session.oms.sawFinish(clientOrderId)) {
      out.push({ clientOrderId, symbol, kind: "finished-listed" });
    } else if (clientOrderId === "") {
      out.push({ clientOrderId, symbol, kind, action: "untouched" });
    } else if (policy === "adopt") {
      const adopted = session.oms.adoptVenueOrder(order);
      out.push({ clientOrderId, symbol, kind, action: adopted ? "adopted" : "untouched" });
    } else {
      out.push({ clientOrderId, symbol, kind });
    }
  }
  for (const [clientOrderId, order] of local) {
    // An order still on its way (no acknowledgement yet) is not expected at the venue, and
    // one whose cancel is in flight may be gone already (e.g. the other leg of a bracket
    // whose stop filled): the answer to the request settles either.
    if (
      order.status === "pending-new" || order.status === "pending-cancel" ||
      seen.has(clientOrderId)
    ) continue;
    out.push({ clientOrderId, symbol: order.request.symbol, kind: "missing" });
  }
  return out;
}
