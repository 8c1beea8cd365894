import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import type { ManualClock } from "../../../connectors/simulator/clock.ts";
import type { Simulator } from "../../../connectors/simulator/simulator.ts";
import { get, post, publicGet } from "./_bybit_client.ts";
import { twoAccounts, withSim } from "./_sim.ts";
import { assertShape, fixture } from "./_shape.ts";

type Body = Record<string, unknown>;

function withBybit(
  run: (sim: Simulator, clock: ManualClock) => Promise<void>,
  options: { balance?: string } = {},
): Promise<void> {
  return withSim({ venue: "bybit", accounts: twoAccounts(options.balance) }, run);
}

const LIMIT_BUY = {
  category: "linear",
  symbol: "BTCUSDT",
  side: "Buy",
  orderType: "Limit",
  qty: "0.010",
  price: "49000.0",
  timeInForce: "GTC",
  orderLinkId: "t-1",
};

Deno.test("Bybit /v5/market/time has the real shape and the venue clock", async () => {
  await withBybit(async (sim, clock) => {
    const { body } = await publicGet(sim, "/v5/market/time");
    assertShape(body, fixture("bybit_rest_market_time_response.json"));
    const result = body.result as Body;
    assertEquals(result.timeSecond, String(Math.floor(clock.now() / 1000)));
    assertEquals(body.time, clock.now());
  });
});

Deno.test("Bybit instruments-info lists the linear contracts with the real filters", async () => {
  await withBybit(async (sim) => {
    const { body } = await publicGet(sim, "/v5/market/instruments-info", "category=linear");
    assertShape(body, fixture("bybit_rest_instruments_info_linear_response.json"));
    const list = (body.result as { list: Body[] }).list;
    assertEquals(list.map((i) => i.symbol), ["BTCUSDT", "ETHUSDT"]);
    assertEquals(list[0].priceFilter, { minPrice: "0.1", maxPrice: "1999999.8", tickSize: "0.1" });
    assertEquals((list[0].lotSizeFilter as Body).qtyStep, "0.001");
    const spot = await publicGet(sim, "/v5/market/instruments-info", "category=spot");
    assertEquals((spot.body.result as { list: unknown[] }).list, []);
  });
});

Deno.test("Bybit orderbook and kline answer with the real shapes, klines newest first", async () => {
  await withBybit(async (sim, clock) => {
    const book = await publicGet(
      sim,
      "/v5/market/orderbook",
      "category=linear&symbol=BTCUSDT&limit=1",
    );
    assertShape(book.body, fixture("bybit_rest_market_orderbook_response.json"));
    const result = book.body.result as Body;
    assertEquals([result.b, result.a], [[["49999.9", "1.000"]], [["50000.1", "1.000"]]]);
    sim.market.trade("BTCUSDT", "buy", 50000.1, 0.5);
    clock.advance(60_000);
    sim.market.trade("BTCUSDT", "sell", 49999.9, 0.25);
    const kline = await publicGet(
      sim,
      "/v5/market/kline",
      "category=linear&symbol=BTCUSDT&interval=1",
    );
    assertShape(kline.body, fixture("bybit_rest_market_kline_response.json"));
    const rows = (kline.body.result as { list: string[][] }).list;
    assertEquals(rows.length, 2);
    assert(Number(rows[0][0]) > Number(rows[1][0]), "newest first");
    assertEquals(rows[0].slice(1, 6), ["49999.9", "49999.9", "49999.9", "49999.9", "0.250"]);
    const bad = await publicGet(
      sim,
      "/v5/market/kline",
      "category=linear&symbol=BTCUSDT&interval=7",
    );
    assertEquals(bad.body.retCode, 10001);
    assert(bad.body.retMsg.includes("interval 7 invalid"), bad.body.retMsg);
  });
});

Deno.test("Bybit signing: a correct signature passes, a wrong one is 10004, an unknown key 10003", async () => {
  await withBybit(async (sim) => {
    const ok = await get(sim, "/v5/account/wallet-balance", "accountType=UNIFIED");
    assertEquals(ok.body.retCode, 0);
    const bad = await get(sim, "/v5/account/wallet-balance", "accountType=UNIFIED", {
      sign: "00".repeat(32),
    });
    assertEquals(bad.body.retCode, 10004);
    assert(bad.body.retMsg.startsWith("error sign! origin_string["), bad.body.retMsg);
    const unknown = await get(sim, "/v5/account/wallet-balance", "accountType=UNIFIED", {
      apiKey: "nope",
    });
    assertEquals(unknown.body.retCode, 10003);
    const response = await fetch(`${sim.restUrl}/v5/account/wallet-balance?accountType=UNIFIED`);
    assertEquals((await response.json()).retCode, 10003);
  });
});

Deno.test("Bybit recv window: older than recvWindow or 1 s ahead is retCode 10002", async () => {
  await withBybit(async (sim, clock) => {
    const now = clock.now();
    const stale = await get(sim, "/v5/position/list", "category=linear&symbol=BTCUSDT", {
      timestamp: now - 5001,
    });
    assertEquals(stale.body.retCode, 10002);
    assert(stale.body.retMsg.includes(`server_timestamp[${now}]`), stale.body.retMsg);
    const edge = await get(sim, "/v5/position/list", "category=linear&symbol=BTCUSDT", {
      timestamp: now - 5000,
    });
    assertEquals(edge.body.retCode, 0);
    const ahead = await get(sim, "/v5/position/list", "category=linear&symbol=BTCUSDT", {
      timestamp: now + 1000,
    });
    assertEquals(ahead.body.retCode, 10002);
    const wide = await get(sim, "/v5/position/list", "category=linear&symbol=BTCUSDT", {
      timestamp: now - 9000,
      recvWindow: "10000",
    });
    assertEquals(wide.body.retCode, 0);
  });
});

Deno.test("Bybit create, realtime, amend and cancel answer with the real shapes and act", async () => {
  await withBybit(async (sim) => {
    const created = await post(sim, "/v5/order/create", LIMIT_BUY);
    assertShape(created.body, fixture("bybit_rest_order_create_response.json"));
    const orderId = (created.body.result as Body).orderId as string;
    const open = await get(sim, "/v5/order/realtime", "category=linear&symbol=BTCUSDT");
    // cumFeeDetail is a map by fee coin (MNT in the sample, USDT here).
    assertShape(open.body, fixture("bybit_rest_order_realtime_response.json"), [
      "$.result.list[0].cumFeeDetail.MNT",
    ]);
    const item = (open.body.result as { list: Body[] }).list[0];
    assertEquals([item.orderId, item.orderLinkId, item.orderStatus, item.price, item.qty], [
      orderId,
      "t-1",
      "New",
      "49000.0",
      "0.010",
    ]);
    const amended = await post(sim, "/v5/order/amend", {
      category: "linear",
      symbol: "BTCUSDT",
      orderLinkId: "t-1",
      qty: "0.020",
      price: "49100.0",
    });
    assertShape(amended.body, fixture("bybit_rest_order_amend_response.json"));
    assertEquals(sim.ledger.order(orderId)?.quantity.toString(), "0.02");
    assertEquals(sim.ledger.order(orderId)?.price?.toString(), "49100");
    const cancelled = await post(sim, "/v5/order/cancel", {
      category: "linear",
      symbol: "BTCUSDT",
      orderId,
    });
    assertShape(cancelled.body, fixture("bybit_rest_order_cancel_response.json"));
    assertEquals(sim.ledger.order(orderId)?.status, "cancelled");
    const again = await post(sim, "/v5/order/cancel", {
      category: "linear",
      symbol: "BTCUSDT",
      orderId,
    });
    assertEquals(again.body.retCode, 110001);
    const history = await get(sim, "/v5/order/history", "category=linear&symbol=BTCUSDT");
    assertEquals((history.body.result as { list: Body[] }).list[0].orderStatus, "Cancelled");
  });
});

Deno.test("Bybit refuses a reused orderLinkId with 110072, even after the order closed", async () => {
  await withBybit(async (sim) => {
    assertEquals((await post(sim, "/v5/order/create", LIMIT_BUY)).body.retCode, 0);
    const duplicate = await post(sim, "/v5/order/create", LIMIT_BUY);
    assertEquals(duplicate.body.retCode, 110072);
    await post(sim, "/v5/order/cancel-all", { category: "linear", symbol: "BTCUSDT" });
    assertEquals((await post(sim, "/v5/order/create", LIMIT_BUY)).body.retCode, 110072);
    // Client ids are per account.
    assertEquals((await post(sim, "/v5/order/create", LIMIT_BUY, { account: 1 })).body.retCode, 0);
    assertEquals(sim.ledger.orders().length, 2);
  });
});

Deno.test("Bybit order errors: tick 110003, lot 110017, notional 110094, margin 110007, params 10001", async () => {
  await withBybit(async (sim) => {
    const code = async (changes: Body): Promise<[number, string]> => {
      const { body } = await post(sim, "/v5/order/create", {
        ...LIMIT_BUY,
        orderLinkId: undefined,
        ...changes,
      });
      return [body.retCode, body.retMsg];
    };
    assertEquals((await code({ price: "49000.05" }))[0], 110003);
    assertEquals((await code({ qty: "0.0105" }))[0], 110017);
    assertEquals((await code({ qty: "0.001", price: "100.0" }))[0], 110094);
    const [margin, message] = await code({ qty: "100", price: "49000.0" });
    assertEquals(margin, 110007);
    assert(message.includes("USDT of margin"), message);
    const [missing, why] = await code({ qty: undefined });
    assertEquals([missing, why], [10001, "params error: qty is required"]);
    assertEquals(
      (await code({ side: "Long" }))[1],
      "params error: side Long invalid (Buy or Sell)",
    );
    assertEquals((await code({ symbol: "DOGEUSDT" }))[1], "params error: symbol DOGEUSDT invalid");
    assertEquals(sim.ledger.orders().length, 0);
  }, { balance: "1000" });
});

Deno.test("Bybit market order fills: executions, position and wallet with the real shapes", async () => {
  await withBybit(async (sim) => {
    const created = await post(sim, "/v5/order/create", {
      category: "linear",
      symbol: "BTCUSDT",
      side: "Buy",
      orderType: "Market",
      qty: "1.500",
    });
    assertEquals(created.body.retCode, 0);
    const executions = await get(sim, "/v5/execution/list", "category=linear&symbol=BTCUSDT");
    const list = (executions.body.result as { list: Body[] }).list;
    assertShape(
      list[0],
      (fixture("bybit_ws_private_execution_doc.json") as { data: unknown[] }).data[0],
    );
    assertEquals(list.map((e) => [e.execPrice, e.execQty, e.isMaker]), [
      ["50000.2", "0.500", false],
      ["50000.1", "1.000", false],
    ]);
    const positions = await get(sim, "/v5/position/list", "category=linear&symbol=BTCUSDT");
    assertShape(positions.body, fixture("bybit_rest_position_list_response.json"));
    const position = (positions.body.result as { list: Body[] }).list[0];
    assertEquals([position.side, position.size, position.avgPrice], [
      "Buy",
      "1.500",
      "50000.13333333",
    ]);
    const wallet = await get(sim, "/v5/account/wallet-balance", "accountType=UNIFIED");
    assertShape(wallet.body, fixture("bybit_rest_wallet_balance_response.json"));
    const coin = (wallet.body.result as { list: { coin: Body[] }[] }).list[0].coin[0];
    // 100,000 − taker fees 0.00055 × (50000.1 + 0.5 × 50000.2) = 41.25011.
    assertEquals(coin.walletBalance, "99958.74989");
    const bySettle = await get(sim, "/v5/position/list", "category=linear&settleCoin=USDT");
    assertEquals((bySettle.body.result as { list: Body[] }).list.map((p) => p.symbol), ["BTCUSDT"]);
  });
});

Deno.test("Bybit set-leverage changes the position's leverage; the same value is 110043", async () => {
  await withBybit(async (sim) => {
    const body = { category: "linear", symbol: "BTCUSDT", buyLeverage: "25", sellLeverage: "25" };
    assertEquals((await post(sim, "/v5/position/set-leverage", body)).body.retCode, 0);
    assertEquals((await post(sim, "/v5/position/set-leverage", body)).body.retCode, 110043);
    const positions = await get(sim, "/v5/position/list", "category=linear&symbol=BTCUSDT");
    assertEquals((positions.body.result as { list: Body[] }).list[0].leverage, "25");
    const tooHigh = await post(sim, "/v5/position/set-leverage", {
      ...body,
      buyLeverage: "101",
      sellLeverage: "101",
    });
    assertEquals(tooHigh.body.retCode, 10001);
  });
});

Deno.test("Bybit rate limit: 10 creates per second per key, X-Bapi-Limit-* headers, then 10006", async () => {
  await withBybit(async (sim, clock) => {
    let last = await post(sim, "/v5/order/create", { ...LIMIT_BUY, orderLinkId: "r-0" });
    assertEquals(last.headers.get("x-bapi-limit"), "10");
    assertEquals(last.headers.get("x-bapi-limit-status"), "9");
    const reset = Number(last.headers.get("x-bapi-limit-reset-timestamp"));
    assert(reset > clock.now() && reset <= clock.now() + 1000);
    for (let i = 1; i < 10; i++) {
      last = await post(sim, "/v5/order/create", { ...LIMIT_BUY, orderLinkId: `r-${i}` });
    }
    assertEquals(last.body.retCode, 0);
    const over = await post(sim, "/v5/order/create", { ...LIMIT_BUY, orderLinkId: "r-10" });
    assertEquals([over.body.retCode, over.body.retMsg], [10006, "Too many visits!"]);
    assertEquals(over.headers.get("x-bapi-limit-status"), "0");
    const otherKey = await post(sim, "/v5/order/create", { ...LIMIT_BUY, orderLinkId: "r-11" }, {
      account: 1,
    });
    assertEquals(otherKey.body.retCode, 0);
    clock.advance(1000);
    assertEquals(
      (await post(sim, "/v5/order/create", { ...LIMIT_BUY, orderLinkId: "r-12" })).body.retCode,
      0,
    );
  });
});

Deno.test("Bybit cancel-all, account info, fee rate and API key answer for the caller", async () => {
  await withBybit(async (sim) => {
    await post(sim, "/v5/order/create", { ...LIMIT_BUY, orderLinkId: "c-1" });
    await post(sim, "/v5/order/create", { ...LIMIT_BUY, orderLinkId: "c-2" });
    const all = await post(sim, "/v5/order/cancel-all", { category: "linear", symbol: "BTCUSDT" });
    assertEquals((all.body.result as { list: Body[] }).list.map((o) => o.orderLinkId), [
      "c-1",
      "c-2",
    ]);
    const fee = await get(sim, "/v5/account/fee-rate", "category=linear&symbol=BTCUSDT");
    assertEquals((fee.body.result as { list: Body[] }).list, [
      { symbol: "BTCUSDT", takerFeeRate: "0.00055", makerFeeRate: "0.0002" },
    ]);
    const info = await get(sim, "/v5/account/info", "");
    assertEquals((info.body.result as Body).marginMode, "REGULAR_MARGIN");
    const key = await get(sim, "/v5/user/query-api", "", { account: 1 });
    assertEquals((key.body.result as Body).apiKey, "key-b");
    const missing = await get(sim, "/v5/order/realtime", "category=linear");
    assertEquals(missing.body.retCode, 10001);
  });
});
