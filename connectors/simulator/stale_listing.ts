/**
 * The `stale-listing` fault's part of an open-order list: finished orders shown as still open,
 * each in its last open state from the ledger, as a venue whose list lags its order state shows
 * them. A query by the order's id is not affected.
 *
 * @module
 */

import { isOpen, type SimOrder } from "./order.ts";
import type { VenueContext } from "./venue_context.ts";

/**
 * The finished orders of `accountId` (in `code`, if given) that pending stale-listing faults
 * name, taking one hit of each; `route` is what the fault log says was hit.
 */
export function staleListed(
  context: VenueContext,
  accountId: number,
  code: string | undefined,
  route: string,
): readonly SimOrder[] {
  const { core, faults } = context;
  return faults.takeStaleListings().flatMap((clientId) => {
    const order = core.findOrder(accountId, { clientId });
    if (order === undefined || isOpen(order) || (code !== undefined && order.code !== code)) {
      return [];
    }
    const open = core.ledger.history(order.orderId).filter(isOpen).at(-1);
    if (open === undefined) return [];
    faults.record("stale-listing", route, `${clientId} listed ${open.status}`);
    return [open];
  });
}
