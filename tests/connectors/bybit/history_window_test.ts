/**
 * Bybit answers a history query given only `startTime` with the 7 days from it (and refuses a
 * window longer than 7 days): the catch-up after a restart of more than a week must ask window
 * after window up to now, or it misses everything booked after the first week. Against
 * connectors/simulator, which keeps Bybit's window, asserting on its ledger.
 */

import assert from "node:assert/strict";
import { startSimulator } from "../../../connectors/simulator/simulator.ts";
import { fillAtMarket } from "../../_sim_orders.ts";
import { simExecutionClientOn, simRest } from "./_sim_client.ts";

const KEY = { apiKey: "key-w", apiSecret: "secret-w" };
const DAY_MS = 86_400_000;

Deno.test("BybitExecutionClient.executions and orderHistory since more than 7 days ago list what every week since then holds", async () => {
  const sim = await startSimulator({
    venue: "bybit",
    market: { kind: "none" },
    accounts: [{ ...KEY, balance: "100000" }],
  });
  try {
    sim.market.setBook("BTCUSDT", [[49_999.5, 5]], [[50_000.5, 5]]);
    const rest = simRest(sim, KEY, 1000);
    const client = simExecutionClientOn(rest);
    const buy = (clientId: string) => fillAtMarket(sim, "buy", "0.01", clientId);
    const since = sim.clock.now() - 1000;
    buy("week-0");
    // Ten days later on the venue's clock (and again measured by the client), another fill.
    sim.clock.skew = 10 * DAY_MS;
    buy("week-1");
    sim.exchange.settleFunding("BTCUSDT", "0.0001");
    await rest.syncTime();
    const ledger = sim.ledger.fills({ accountId: 0 });
    assert.equal(ledger.length, 2);
    const executions = await client.executions(since);
    assert.deepEqual(
      executions.map((e) => e.type === "fill" ? e.fill.tradeId : `funding ${e.funding.id}`),
      [
        ledger[0].execId,
        ledger[1].execId,
        `funding ${sim.ledger.fundings({ accountId: 0 })[0].id}`,
      ],
    );
    const orders = await client.orderHistory(since);
    assert.deepEqual(
      orders.map((o) => o.request.clientOrderId).sort(),
      ["week-0", "week-1"],
    );
  } finally {
    await sim.stop();
  }
});
