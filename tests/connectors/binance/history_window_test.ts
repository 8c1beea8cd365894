/**
 * Binance answers `GET /fapi/v1/userTrades` for at most 7 days (`startTime` alone gives the 7
 * days from it): the catch-up after a restart of more than a week must ask window after window
 * up to now, or it misses every fill after the first week. Against connectors/simulator, which
 * keeps Binance's window, asserting on its ledger.
 */

import assert from "node:assert/strict";
import { fillAtMarket } from "../../_sim_orders.ts";
import { withBinanceSim } from "./_sim.ts";

const DAY_MS = 86_400_000;

Deno.test("BinanceExecutionClient.userTrades since more than 7 days ago lists the fills of every week since then", async () => {
  await withBinanceSim(async ({ sim, rest, client }) => {
    const buy = (clientId: string) => fillAtMarket(sim, "buy", "0.01", clientId);
    const since = sim.clock.now() - 1000;
    buy("week-0");
    // Ten days later on the venue's clock (and measured so by the client), two more fills.
    sim.clock.skew = 10 * DAY_MS;
    buy("week-1");
    sim.clock.skew = 17 * DAY_MS + 5000;
    buy("week-2");
    await rest.syncTime();
    const ledger = sim.ledger.fills({ accountId: 0 });
    assert.equal(ledger.length, 3);
    const trades = await client.userTrades("binance:BTCUSDT", since);
    assert.deepEqual(
      trades.map((t) => [t.fill.tradeId, t.fill.clientOrderId]),
      ledger.map((f) => [String(f.seq), f.clientId]),
    );
  });
});

Deno.test("BinanceExecutionClient.userTrades since before the 6 months Binance keeps asks from then (no refusal)", async () => {
  await withBinanceSim(async ({ sim, rest, client }) => {
    fillAtMarket(sim, "buy", "0.01", "recent");
    await rest.syncTime();
    const trades = await client.userTrades("binance:BTCUSDT", 0);
    assert.deepEqual(trades.map((t) => t.fill.clientOrderId), ["recent"]);
  });
});

Deno.test("BinanceExecutionClient.userTrades pages a week of more than 1000 fills by fromId, then asks the next week", async () => {
  await withBinanceSim(async ({ sim, rest, client }) => {
    sim.market.setBook("BTCUSDT", [[49_999.9, 1000]], [[50_000.1, 1000]]);
    const buy = (clientId: string) => fillAtMarket(sim, "buy", "0.001", clientId);
    const since = sim.clock.now() - 1000;
    for (let i = 0; i < 1003; i++) buy(`w0-${i}`);
    sim.clock.skew = 9 * DAY_MS;
    buy("w1");
    await rest.syncTime();
    const ledger = sim.ledger.fills({ accountId: 0 });
    assert.equal(ledger.length, 1004);
    const trades = await client.userTrades("binance:BTCUSDT", since);
    assert.deepEqual(trades.map((t) => t.fill.tradeId), ledger.map((f) => String(f.seq)));
  });
});
