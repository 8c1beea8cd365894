/**
 * The bracket's protective stop as Binance receives it: a reduce-only STOP_MARKET on
 * `/fapi/v1/algoOrder` (`algoType=CONDITIONAL`), and against the simulator an algo order that
 * waits at the venue, triggers on the venue's last price, and is then found as its actual
 * order with its fill — also by a client that did not place it (a restarted process), which
 * can cancel a restored stop through the algo route.
 */

import assert from "node:assert/strict";
import {
  algoParams,
  BinanceExecutionClient,
} from "../../../connectors/binance/execution_client.ts";
import { decimal, type OrderRequest } from "../../../lib/domain/mod.ts";
import { sleep, withBinanceSim } from "./_sim.ts";

const STOP: OrderRequest = {
  clientOrderId: "oms-1-2",
  symbol: "binance:BTCUSDT",
  side: "sell",
  type: "stop-market",
  quantity: decimal("0.01"),
  triggerPrice: decimal("49000.4"),
  timeInForce: "gtc",
  reduceOnly: true,
};

const ENTRY: OrderRequest = {
  clientOrderId: "oms-1-1",
  symbol: "binance:BTCUSDT",
  side: "buy",
  type: "market",
  quantity: decimal("0.01"),
  timeInForce: "ioc",
  reduceOnly: false,
};

Deno.test("Binance: a stop leg is a reduce-only STOP_MARKET algo order", () => {
  assert.deepEqual(JSON.parse(JSON.stringify(algoParams(STOP, "stop"))), {
    algoType: "CONDITIONAL",
    symbol: "BTCUSDT",
    side: "SELL",
    type: "STOP_MARKET",
    quantity: "0.01",
    triggerPrice: "49000.4",
    reduceOnly: "true",
    clientAlgoId: "oms-1-2",
  });
});

Deno.test("Binance: the stop waits at the venue, fills on the venue's price, and a fresh client finds its fill", async () => {
  await withBinanceSim(async ({ sim, rest, client }) => {
    await client.placeOrder(ENTRY);
    const placed = await client.placeOrder(STOP);
    assert.equal(placed.status, "accepted");
    const resting = sim.ledger.orders().find((o) => o.clientId === STOP.clientOrderId);
    assert.deepEqual(
      [resting?.conditional, resting?.status, resting?.reduceOnly],
      [true, "untriggered", true],
    );
    sim.market.setBook("BTCUSDT", [[48900, 5]], [[48901, 5]]);
    sim.market.trade("BTCUSDT", "sell", 48900, 0.1);
    assert.equal(sim.exchange.account(0).position("BTCUSDT", 0).size.toString(), "0");
    for (const asking of [client, new BinanceExecutionClient(rest, sleep)]) {
      const found = await asking.orderByClientId(STOP.symbol, STOP.clientOrderId);
      assert.deepEqual(
        [found?.status, found?.filledQuantity.toString(), found?.request.type],
        ["filled", "0.01", "stop-market"],
      );
    }
    const trades = await new BinanceExecutionClient(rest, sleep).userTrades(STOP.symbol, 0);
    assert.deepEqual(
      trades.map((t) => [t.fill.clientOrderId, t.fill.side, t.fill.price.toString()]),
      [["oms-1-1", "buy", "50000.1"], ["oms-1-2", "sell", "48900"]],
    );
  });
});

Deno.test("Binance: a restarted client cancels a restored stop it did not place (through the algo route)", async () => {
  await withBinanceSim(async ({ sim, rest, client }) => {
    await client.placeOrder(ENTRY);
    await client.placeOrder(STOP);
    const restarted = new BinanceExecutionClient(rest, sleep, { lookupDelayMs: 5 });
    const cancelled = await restarted.cancelOrder(STOP.symbol, STOP.clientOrderId);
    assert.equal(cancelled.status, "canceled");
    const record = sim.ledger.orders().find((o) => o.clientId === STOP.clientOrderId);
    assert.deepEqual([record?.status, record?.cancelReason], ["cancelled", "user"]);
  });
});
