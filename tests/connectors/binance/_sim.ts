/** The Binance connector wired to connectors/simulator (venue binance) on 127.0.0.1. */

import { decimal, type OrderRequest } from "../../../lib/domain/mod.ts";
import { BinanceExecutionClient } from "../../../connectors/binance/execution_client.ts";
import { WeightLimiter } from "../../../connectors/binance/rate_limit.ts";
import { BinanceRest } from "../../../connectors/binance/rest.ts";
import {
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from "../../../connectors/simulator/simulator.ts";

/** The simulator's test account. */
export const KEY = { apiKey: "bn-key-a", apiSecret: "bn-secret-a" };
/** Real-time sleep. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Waits (bounded) until a predicate holds. */
export { until } from "../../_until.ts";

/** Reconnect pacing for tests. */
export const FAST = { initialMs: 1, factor: 1.5, maxMs: 5 };

/** What a test gets. */
export interface BinanceSim {
  /** The simulator. */
  readonly sim: Simulator;
  /** REST transport. */
  readonly rest: BinanceRest;
  /** Execution client. */
  readonly client: BinanceExecutionClient;
  /** Alerts the transport raised. */
  readonly alerts: string[];
}

/** Runs `body` against a fresh simulator with a two-level BTCUSDT book; stops it after. */
export async function withBinanceSim(
  body: (context: BinanceSim) => Promise<void>,
  options: Partial<SimulatorOptions> = {},
): Promise<void> {
  const sim = await startSimulator({
    venue: "binance",
    market: { kind: "none" },
    accounts: [{ ...KEY, balance: "100000" }],
    ...options,
  });
  try {
    sim.market.setBook("BTCUSDT", [[49999.9, 1], [49999.8, 3]], [[50000.1, 1], [50000.2, 2]]);
    const alerts: string[] = [];
    const rest = new BinanceRest({
      baseUrl: sim.restUrl,
      credentials: KEY,
      limiter: new WeightLimiter({ share: 1, clock: { now: () => Date.now(), sleep } }),
      now: () => Date.now(),
      sleep,
      timeoutMs: 1000,
      onAlert: (code, message) => alerts.push(`${code}: ${message}`),
    });
    await body({
      sim,
      rest,
      client: new BinanceExecutionClient(rest, sleep, { lookupDelayMs: 20 }),
      alerts,
    });
  } finally {
    await sim.stop();
  }
}

/** A BTCUSDT limit buy (resting below the book unless `price` crosses it). */
export function limitBuy(id: string, price = "49000", quantity = "0.01"): OrderRequest {
  return {
    clientOrderId: id,
    symbol: "binance:BTCUSDT",
    side: "buy",
    type: "limit",
    quantity: decimal(quantity),
    price: decimal(price),
    timeInForce: "gtc",
    reduceOnly: false,
  };
}
