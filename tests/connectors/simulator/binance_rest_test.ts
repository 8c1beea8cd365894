import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import type { ManualClock } from "../../../connectors/simulator/clock.ts";
import type { Simulator } from "../../../connectors/simulator/simulator.ts";
import { keyed, publicGet, signed } from "./_binance_client.ts";
import { twoAccounts, withSim } from "./_sim.ts";
import { assertShape, fixture } from "./_shape.ts";

type Body = Record<string, unknown>;

function withBinance(
  run: (sim: Simulator, clock: ManualClock) => Promise<void>,
  options: { balance?: string } = {},
): Promise<void> {
  return withSim({ venue: "binance", accounts: twoAccounts(options.balance) }, run);
}

// The order fixtures are trailing stops, whose activatePrice and priceRate other orders lack.
const TRAILING = ["$.activatePrice", "$.priceRate", "$[0].activatePrice", "$[0].priceRate"];

const LIMIT = {
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  timeInForce: "GTC",
  quantity: "0.010",
  price: "49000.0",
  newClientOrderId: "t-1",
};

Deno.test("Binance time, exchangeInfo, depth and klines have the real shapes", async () => {
  await withBinance(async (sim, clock) => {
    const time = await publicGet(sim, "/fapi/v1/time");
    assertShape(time.body, fixture("binance_rest_time_response.json"));
    assertEquals(time.body, { serverTime: clock.now() });
    const info = await publicGet(sim, "/fapi/v1/exchangeInfo");
    // The doc sample spells the order types key "OrderType"; the live API and ccxt use "orderTypes".
    assertShape(info.body, fixture("binance_rest_exchangeInfo_response_doc.json"), [
      "$.symbols[0].OrderType",
      "$.symbols[0].orderTypes",
    ]);
    const symbol = (info.body as { symbols: Body[] }).symbols[0];
    assertEquals((symbol.filters as Body[]).slice(0, 2), [
      { filterType: "PRICE_FILTER", maxPrice: "1999999.8", minPrice: "0.1", tickSize: "0.1" },
      { filterType: "LOT_SIZE", maxQty: "1190.000", minQty: "0.001", stepSize: "0.001" },
    ]);
    const depth = await publicGet(sim, "/fapi/v1/depth", "symbol=BTCUSDT&limit=5");
    assertShape(depth.body, fixture("binance_rest_depth_response_doc.json"));
    assertEquals((depth.body as Body).bids, [["49999.9", "1.000"], ["49999.8", "3.000"]]);
    sim.market.trade("BTCUSDT", "buy", 50000.1, 0.5);
    const klines = await publicGet(sim, "/fapi/v1/klines", "symbol=BTCUSDT&interval=1m");
    assertShape(klines.body, fixture("binance_rest_klines_response_doc.json"));
    assertEquals((klines.body as unknown[][])[0].slice(1, 6), [
      "50000.1",
      "50000.1",
      "50000.1",
      "50000.1",
      "0.500",
    ]);
    // time 1 + exchangeInfo 1 + depth(limit 5) 2 in this minute.
    assertEquals(depth.headers.get("x-mbx-used-weight-1m"), "4");
    const bad = await publicGet(sim, "/fapi/v1/depth", "symbol=DOGEUSDT");
    assertEquals([bad.status, bad.body], [400, { code: -1121, msg: "Invalid symbol." }]);
  });
});

Deno.test("Binance signing: the documented vector's algorithm, -1022 on a bad signature, -2015 on a bad key", async () => {
  await withBinance(async (sim) => {
    assertEquals((await signed(sim, "GET", "/fapi/v2/balance", {})).status, 200);
    const bad = await signed(sim, "GET", "/fapi/v2/balance", {}, { signature: "ab".repeat(32) });
    assertEquals([bad.status, bad.body], [400, {
      code: -1022,
      msg: "Signature for this request is not valid.",
    }]);
    const noKey = await fetch(`${sim.restUrl}/fapi/v2/balance?timestamp=1`);
    assertEquals([noKey.status, (await noKey.json()).code], [401, -2015]);
    // The parameters may travel in a form body; the signature covers query + body.
    const body = await signed(sim, "POST", "/fapi/v1/order", LIMIT, { body: true });
    assertEquals(body.status, 200);
  });
});

Deno.test("Binance timestamp window: -1021 outside recvWindow or 1 s ahead", async () => {
  await withBinance(async (sim, clock) => {
    const stale = await signed(sim, "GET", "/fapi/v2/balance", {}, {
      timestamp: clock.now() - 5001,
    });
    assertEquals(stale.body, {
      code: -1021,
      msg: "Timestamp for this request is outside of the recvWindow.",
    });
    const ahead = await signed(sim, "GET", "/fapi/v2/balance", {}, {
      timestamp: clock.now() + 1000,
    });
    assertEquals(
      (ahead.body as Body).msg,
      "Timestamp for this request was 1000ms ahead of the server's time.",
    );
    const wide = await signed(sim, "GET", "/fapi/v2/balance", { recvWindow: "10000" }, {
      timestamp: clock.now() - 9000,
    });
    assertEquals(wide.status, 200);
  });
});

Deno.test("Binance order life cycle: POST, GET, PUT (loses queue place), DELETE in the real shapes", async () => {
  await withBinance(async (sim) => {
    const created = await signed(sim, "POST", "/fapi/v1/order", LIMIT);
    assertShape(created.body, fixture("binance_rest_order_post_response_doc.json"), TRAILING);
    const order = created.body as Body;
    assertEquals([order.status, order.clientOrderId, order.origQty, order.price], [
      "NEW",
      "t-1",
      "0.010",
      "49000.0",
    ]);
    assertEquals(created.headers.get("x-mbx-order-count-10s"), "1");
    assertEquals(created.headers.get("x-mbx-order-count-1m"), "1");
    const queried = await signed(sim, "GET", "/fapi/v1/order", {
      symbol: "BTCUSDT",
      origClientOrderId: "t-1",
    });
    assertShape(queried.body, fixture("binance_rest_order_get_response.json"), TRAILING);
    const open = await signed(sim, "GET", "/fapi/v1/openOrders", { symbol: "BTCUSDT" });
    assertShape(open.body, fixture("binance_rest_openOrders_response.json"), TRAILING);
    const missing = await signed(sim, "PUT", "/fapi/v1/order", {
      symbol: "BTCUSDT",
      orderId: String(order.orderId),
      side: "BUY",
      quantity: "0.020",
    });
    assertEquals((missing.body as Body).code, -1102);
    const modified = await signed(sim, "PUT", "/fapi/v1/order", {
      symbol: "BTCUSDT",
      orderId: String(order.orderId),
      side: "BUY",
      quantity: "0.020",
      price: "49999.8",
    });
    assertEquals([(modified.body as Body).origQty, (modified.body as Body).price], [
      "0.020",
      "49999.8",
    ]);
    assertEquals(sim.exchange.findOrder(0, { clientId: "t-1" })?.queueAhead, 3);
    const deleted = await signed(sim, "DELETE", "/fapi/v1/order", {
      symbol: "BTCUSDT",
      origClientOrderId: "t-1",
    });
    assertShape(deleted.body, fixture("binance_rest_order_delete_response.json"), TRAILING);
    assertEquals((deleted.body as Body).status, "CANCELED");
    const again = await signed(sim, "DELETE", "/fapi/v1/order", {
      symbol: "BTCUSDT",
      origClientOrderId: "t-1",
    });
    assertEquals(again.body, { code: -2011, msg: "Unknown order sent." });
  });
});

Deno.test("Binance client ids are unique among open orders only (-4116)", async () => {
  await withBinance(async (sim) => {
    assertEquals((await signed(sim, "POST", "/fapi/v1/order", LIMIT)).status, 200);
    const duplicate = await signed(sim, "POST", "/fapi/v1/order", LIMIT);
    assertEquals(duplicate.body, { code: -4116, msg: "ClientOrderId is duplicated." });
    await signed(sim, "DELETE", "/fapi/v1/allOpenOrders", { symbol: "BTCUSDT" });
    assertEquals((await signed(sim, "POST", "/fapi/v1/order", LIMIT)).status, 200);
  });
});

Deno.test("Binance order refusals: -4014 tick, -4023 step, -4164 notional, -2019 margin, -5022 GTX, -5021 FOK, -4120 stop", async () => {
  await withBinance(async (sim) => {
    const code = async (changes: Record<string, string>): Promise<number> => {
      const params: Record<string, string> = { ...LIMIT, ...changes };
      delete params.newClientOrderId;
      return ((await signed(sim, "POST", "/fapi/v1/order", params)).body as Body).code as number;
    };
    assertEquals(await code({ price: "49000.05" }), -4014);
    assertEquals(await code({ quantity: "0.0105" }), -4023);
    assertEquals(await code({ quantity: "0.001", price: "100.0" }), -4164);
    assertEquals(await code({ quantity: "2.5", price: "49000.0" }), -2019);
    assertEquals(await code({ price: "50000.1", timeInForce: "GTX" }), -5022);
    assertEquals(await code({ price: "50000.1", quantity: "1.5", timeInForce: "FOK" }), -5021);
    assertEquals(await code({ type: "STOP_MARKET" }), -4120);
    assertEquals(
      await code({ side: "SELL", type: "MARKET", reduceOnly: "true", timeInForce: "GTC" }),
      -2022,
    );
    assertEquals(sim.ledger.orders().length, 0, "refused orders are not recorded");
  }, { balance: "10000" });
});

Deno.test("Binance market fill: userTrades, positionRisk v2/v3 and balance in the real shapes", async () => {
  await withBinance(async (sim) => {
    const created = await signed(sim, "POST", "/fapi/v1/order", {
      symbol: "BTCUSDT",
      side: "BUY",
      type: "MARKET",
      quantity: "1.500",
      newOrderRespType: "RESULT",
    });
    assertEquals([(created.body as Body).status, (created.body as Body).avgPrice], [
      "FILLED",
      "50000.1333",
    ]);
    const trades = await signed(sim, "GET", "/fapi/v1/userTrades", { symbol: "BTCUSDT" });
    assertEquals((trades.body as Body[]).map((t) => [t.price, t.qty, t.maker]), [
      ["50000.1", "1.000", false],
      ["50000.2", "0.500", false],
    ]);
    const v2 = await signed(sim, "GET", "/fapi/v2/positionRisk", { symbol: "BTCUSDT" });
    assertShape(v2.body, fixture("binance_rest_positionRisk_v2_response.json"));
    assertEquals((v2.body as Body[])[0].positionAmt, "1.500");
    assertEquals((v2.body as Body[])[0].liquidationPrice, "45250.2");
    const v3 = await signed(sim, "GET", "/fapi/v3/positionRisk", {});
    assertShape(v3.body, fixture("binance_rest_positionRisk_v3_response.json"));
    assertEquals((v3.body as Body[]).map((p) => p.symbol), ["BTCUSDT"]);
    const balance = await signed(sim, "GET", "/fapi/v2/balance", {});
    assertShape(balance.body, fixture("binance_rest_balance_v2_response.json"));
    assertEquals((balance.body as Body[])[0].balance, "99958.74989");
  });
});

Deno.test("Binance ACK answers the accepted order, RESULT the matched one", async () => {
  await withBinance(async (sim) => {
    const ack = await signed(sim, "POST", "/fapi/v1/order", {
      symbol: "BTCUSDT",
      side: "SELL",
      type: "MARKET",
      quantity: "0.500",
    });
    assertEquals([(ack.body as Body).status, (ack.body as Body).executedQty], ["NEW", "0.000"]);
    assertEquals(sim.ledger.orders()[0].status, "filled");
  });
});

Deno.test("Binance algo orders: a STOP_MARKET waits, triggers on the last price and fills", async () => {
  await withBinance(async (sim) => {
    const placed = await signed(sim, "POST", "/fapi/v1/algoOrder", {
      algoType: "CONDITIONAL",
      symbol: "BTCUSDT",
      side: "BUY",
      type: "STOP_MARKET",
      quantity: "0.100",
      triggerPrice: "50100.0",
      clientAlgoId: "stop-1",
    });
    assertEquals([(placed.body as Body).algoStatus, (placed.body as Body).orderType], [
      "NEW",
      "STOP_MARKET",
    ]);
    const open = await signed(sim, "GET", "/fapi/v1/openAlgoOrders", { symbol: "BTCUSDT" });
    assertEquals((open.body as Body[]).map((o) => o.clientAlgoId), ["stop-1"]);
    assertEquals(
      ((await signed(sim, "GET", "/fapi/v1/openOrders", {})).body as unknown[]).length,
      0,
    );
    sim.market.trade("BTCUSDT", "buy", 50100, 0.01);
    const done = await signed(sim, "GET", "/fapi/v1/algoOrder", { clientAlgoId: "stop-1" });
    assertEquals((done.body as Body).algoStatus, "FINISHED");
    assertEquals(sim.exchange.account(0).position("BTCUSDT", 0).size.toString(), "0.1");
  });
});

Deno.test("Binance leverage, listenKey and countdownCancelAll act as documented", async () => {
  await withBinance(async (sim, clock) => {
    const leverage = await signed(sim, "POST", "/fapi/v1/leverage", {
      symbol: "BTCUSDT",
      leverage: "20",
    });
    assertEquals(leverage.body, { leverage: 20, maxNotionalValue: "1000000", symbol: "BTCUSDT" });
    const bad = await signed(sim, "POST", "/fapi/v1/leverage", {
      symbol: "BTCUSDT",
      leverage: "500",
    });
    assertEquals((bad.body as Body).code, -4028);
    const first = await keyed(sim, "POST", "/fapi/v1/listenKey");
    assertShape(first.body, fixture("binance_rest_listenKey_post_response.json"));
    const again = await keyed(sim, "POST", "/fapi/v1/listenKey");
    assertEquals(again.body, first.body, "a POST while a key is active returns the same key");
    assertEquals((await keyed(sim, "PUT", "/fapi/v1/listenKey")).status, 200);
    clock.advance(60 * 60_000);
    const expired = await keyed(sim, "PUT", "/fapi/v1/listenKey");
    assertEquals((expired.body as Body).code, -1125);
    await signed(sim, "POST", "/fapi/v1/order", LIMIT);
    const countdown = await signed(sim, "POST", "/fapi/v1/countdownCancelAll", {
      symbol: "BTCUSDT",
      countdownTime: "2000",
    });
    assertEquals(countdown.body, { symbol: "BTCUSDT", countdownTime: "2000" });
    clock.advance(1999);
    assertEquals(sim.exchange.openOrders(0).length, 1);
    clock.advance(1);
    await publicGet(sim, "/fapi/v1/time");
    assertEquals(sim.exchange.openOrders(0).length, 0);
    assertEquals(sim.ledger.orders()[0].cancelReason, "countdown");
  });
});

Deno.test("Binance countdownCancelAll cancels the open orders but leaves the algo (conditional) orders resting [inf]", async () => {
  await withBinance(async (sim, clock) => {
    await signed(sim, "POST", "/fapi/v1/order", LIMIT);
    await signed(sim, "POST", "/fapi/v1/algoOrder", {
      algoType: "CONDITIONAL",
      symbol: "BTCUSDT",
      side: "BUY",
      type: "STOP_MARKET",
      quantity: "0.100",
      triggerPrice: "50100.0",
      clientAlgoId: "stop-1",
    });
    await signed(sim, "POST", "/fapi/v1/countdownCancelAll", {
      symbol: "BTCUSDT",
      countdownTime: "1000",
    });
    clock.advance(1000);
    await publicGet(sim, "/fapi/v1/time");
    assertEquals(
      sim.exchange.openOrders(0).map((o) => [o.clientId ?? "", o.status]),
      [["stop-1", "untriggered"]],
    );
    assertEquals(
      sim.ledger.orders().map((o) => [o.clientId === "stop-1", o.status, o.cancelReason]),
      [[false, "cancelled", "countdown"], [true, "untriggered", undefined]],
    );
  });
});

Deno.test("Binance weight limit: 429 with Retry-After, then 418 for going on", async () => {
  await withBinance(async (sim) => {
    let last = await publicGet(sim, "/fapi/v1/depth", "symbol=BTCUSDT&limit=1000");
    for (let i = 1; i < 120; i++) {
      last = await publicGet(sim, "/fapi/v1/depth", "symbol=BTCUSDT&limit=1000");
    }
    assertEquals([last.status, last.headers.get("x-mbx-used-weight-1m")], [200, "2400"]);
    const limited = await publicGet(sim, "/fapi/v1/time");
    assertEquals([limited.status, (limited.body as Body).code], [429, -1003]);
    assert(Number(limited.headers.get("retry-after")) > 0);
    const banned = await publicGet(sim, "/fapi/v1/time");
    assertEquals(banned.status, 418);
    assert(
      ((banned.body as Body).msg as string).startsWith(
        "Way too many requests; IP(127.0.0.1) banned until",
      ),
    );
    assert(Number(banned.headers.get("retry-after")) >= 120);
  });
});

Deno.test("Binance routes that name a symbol refuse one the venue does not list with -1121", async () => {
  await withBinance(async (sim) => {
    const invalid = [400, { code: -1121, msg: "Invalid symbol." }];
    const symbol = "DOGEUSDT";
    for (const path of ["/fapi/v1/klines", "/fapi/v1/premiumIndex", "/fapi/v1/ticker/bookTicker"]) {
      const answer = await publicGet(sim, path, `symbol=${symbol}&interval=1m`);
      assertEquals([answer.status, answer.body], invalid, path);
    }
    const calls: readonly ["GET" | "POST", string, Record<string, string>][] = [
      ["GET", "/fapi/v2/positionRisk", { symbol }],
      ["GET", "/fapi/v3/positionRisk", { symbol }],
      ["GET", "/fapi/v1/income", { symbol }],
      ["GET", "/fapi/v1/commissionRate", { symbol }],
      ["POST", "/fapi/v1/marginType", { symbol, marginType: "CROSSED" }],
      ["POST", "/fapi/v1/leverage", { symbol, leverage: "5" }],
      ["POST", "/fapi/v1/order", { ...LIMIT, symbol }],
      ["GET", "/fapi/v1/openOrders", { symbol }],
      ["POST", "/fapi/v1/algoOrder", {
        algoType: "CONDITIONAL",
        symbol,
        side: "SELL",
        type: "STOP_MARKET",
        quantity: "0.010",
        triggerPrice: "45000.0",
      }],
    ];
    for (const [method, path, params] of calls) {
      const answer = await signed(sim, method, path, params);
      assertEquals([answer.status, answer.body], invalid, `${method} ${path}`);
    }
  });
});
