/**
 * The simulator set-up the venue tests share: a manual clock at 2026-06-01T12:00Z, a known
 * BTCUSDT book, and a stop however the test ends.
 */

import { ManualClock } from "../../../connectors/simulator/clock.ts";
import type { Level } from "../../../connectors/simulator/market_feed.ts";
import {
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from "../../../connectors/simulator/simulator.ts";
import type { SimAccountSpec } from "../../../connectors/simulator/account.ts";

/** A known book: bids 49999.9 × 1, 49999.8 × 3; asks 50000.1 × 1, 50000.2 × 2. */
export const TEST_BOOK: { readonly bids: readonly Level[]; readonly asks: readonly Level[] } = {
  bids: [[49999.9, 1], [49999.8, 3]],
  asks: [[50000.1, 1], [50000.2, 2]],
};

/** Two accounts, `key-a` (with `balance`) and `key-b`. */
export function twoAccounts(balance?: string): readonly SimAccountSpec[] {
  return [
    { apiKey: "key-a", apiSecret: "secret-a", balance },
    { apiKey: "key-b", apiSecret: "secret-b" },
  ];
}

/** Starts a simulator, sets `book` on BTCUSDT (when listed), runs `run`, and stops it. */
export async function withSim(
  options: Omit<SimulatorOptions, "clock">,
  run: (sim: Simulator, clock: ManualClock) => Promise<void>,
  book = TEST_BOOK,
): Promise<void> {
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 12));
  const sim = await startSimulator({ market: { kind: "none" }, ...options, clock });
  try {
    if (sim.exchange.instrument("BTCUSDT") !== undefined) {
      sim.market.setBook("BTCUSDT", book.bids, book.asks);
    }
    await run(sim, clock);
  } finally {
    await sim.stop();
  }
}
