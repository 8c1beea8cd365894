/**
 * The scripted BTCUSDT market the recording tests drive a simulator with, one step at a time:
 * sizes change on five levels a side around 49999.9 / 50000.1, and every other step a trade
 * prints at the touch (buy and sell in turn). A few milliseconds between steps let the frames
 * reach the stream one by one.
 *
 * @module
 */

import type { Simulator } from "../../../connectors/simulator/simulator.ts";
import { sleep } from "./_helpers.ts";

/** Step `i` of the scripted market on `sim`, then a 3 ms pause. */
export async function scriptedMarketStep(sim: Simulator, i: number): Promise<void> {
  const k = i % 5;
  const bid = Math.round((49999.9 - k * 0.1) * 10) / 10;
  const ask = Math.round((50000.1 + k * 0.1) * 10) / 10;
  sim.market.updateBook("BTCUSDT", [[bid, 1 + (i % 4)]], [[ask, 2 + (i % 3)]]);
  if (i % 2 === 0) {
    const buy = i % 4 === 0;
    sim.market.trade("BTCUSDT", buy ? "buy" : "sell", buy ? 50000.1 : 49999.9, 0.01);
  }
  await sleep(3);
}
