/**
 * The simulator of bench/live_latency.ts and bench/live_session.ts, driven by messages: the
 * same commands whether it runs in a worker (bench/_live_simulator_worker.ts) or in a process of
 * its own (bench/_live_simulator_process.ts). Messages in: `{ kind: "start", apiKey, apiSecret }`,
 * `{ kind: "trades", count, intervalMs, quantity }` (marker trades, one every `intervalMs`),
 * `{ kind: "stop" }`. Messages out: `{ kind: "ready", restUrl, wsPublicUrl }`, `{ kind: "sent" }`
 * after the last trade, `{ kind: "stopped", orders, clientIds, byStatus, fills }` (the
 * simulator's ledger: orders, distinct client ids, orders by status, fills).
 *
 * @module
 */

import { type Simulator, startSimulator } from "../connectors/simulator/simulator.ts";

/** A command to the simulator host. */
export type SimulatorCommand =
  | { readonly kind: "start"; readonly apiKey: string; readonly apiSecret: string }
  | {
    readonly kind: "trades";
    readonly count: number;
    readonly intervalMs: number;
    readonly quantity: number;
  }
  | { readonly kind: "stop" };

let sim: Simulator | undefined;

async function trades(count: number, intervalMs: number, quantity: number): Promise<void> {
  const venue = sim;
  if (venue === undefined) throw new TypeError("trades before start");
  let price = 50_000;
  const began = performance.now();
  for (let i = 0; i < count; i++) {
    // Paced on the schedule, not on the previous timer: a late timer does not stretch the run.
    const ahead = began + i * intervalMs - performance.now();
    if (ahead > 0) await new Promise((resolve) => setTimeout(resolve, ahead));
    price += i % 2 === 0 ? 0.5 : -0.5;
    venue.market.trade("BTCUSDT", i % 2 === 0 ? "buy" : "sell", price, quantity);
  }
}

/** Carries out `data`; `reply` gets the answer. */
export async function handleCommand(
  data: SimulatorCommand,
  reply: (message: Record<string, unknown>) => void,
): Promise<void> {
  switch (data.kind) {
    case "start":
      sim = await startSimulator({
        venue: "bybit",
        rateLimits: false,
        accounts: [{ apiKey: data.apiKey, apiSecret: data.apiSecret, balance: "100000" }],
      });
      reply({ kind: "ready", restUrl: sim.restUrl, wsPublicUrl: sim.wsPublicUrl });
      return;
    case "trades":
      await trades(data.count, data.intervalMs, data.quantity);
      reply({ kind: "sent" });
      return;
    case "stop": {
      const orders = sim?.ledger.orders() ?? [];
      const byStatus: Record<string, number> = {};
      for (const order of orders) byStatus[order.status] = (byStatus[order.status] ?? 0) + 1;
      const clientIds = new Set(orders.map((order) => order.clientId)).size;
      const fills = sim?.ledger.fills().length ?? 0;
      await sim?.stop();
      reply({ kind: "stopped", orders: orders.length, clientIds, byStatus, fills });
      return;
    }
    default: {
      const never: never = data;
      throw new TypeError(`Unknown message ${JSON.stringify(never)}`);
    }
  }
}
