/**
 * Orders placed straight on a simulator's exchange (no connector between), as a person trading
 * by hand beside the session would place them, or to lay down an account's history.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Simulator } from "../connectors/simulator/simulator.ts";
import { decimal } from "../lib/domain/mod.ts";

/**
 * A market order of `quantity` on account 0 of `sim`, for `code` (default BTCUSDT), that must
 * fill: fails naming `clientId` when the simulator refused it.
 */
export function fillAtMarket(
  sim: Simulator,
  side: "buy" | "sell",
  quantity: string,
  clientId: string,
  code = "BTCUSDT",
): void {
  const placed = sim.exchange.place({
    accountId: 0,
    code,
    side,
    type: "market",
    tif: "ioc",
    quantity: decimal(quantity),
    clientId,
  });
  assert.ok(placed.ok, `the ${clientId} order should fill`);
}
