import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import type { ManualClock } from "../../../connectors/simulator/clock.ts";
import type { Simulator, SimulatorOptions } from "../../../connectors/simulator/simulator.ts";
import { keyed, publicGet, signed } from "./_binance_client.ts";
import { withSim } from "./_sim.ts";
import { assertShape, fixture } from "./_shape.ts";
import { WsClient } from "./_ws_client.ts";

type Body = Record<string, unknown>;

function withBinance(
  run: (sim: Simulator, clock: ManualClock) => Promise<void>,
  options: Partial<SimulatorOptions> = {},
): Promise<void> {
  return withSim({ venue: "binance", ...options }, run);
}

const CONTROL = fixture("binance_ws_control_messages.json") as Record<string, unknown>;
const CAPTURED = fixture("binance_ws_captured_futures_public_tardis.json") as {
  stream: string;
  data: Body;
}[];

Deno.test("Binance /public diff depth: depthUpdate in the real shape, chained by pu from the REST snapshot", async () => {
  await withBinance(async (sim) => {
    const client = await WsClient.connect(`${sim.wsPublicUrl}/ws/btcusdt@depth@100ms`);
    try {
      const snapshot = await publicGet(sim, "/fapi/v1/depth", "symbol=BTCUSDT&limit=5");
      const lastUpdateId = (snapshot.body as Body).lastUpdateId as number;
      sim.market.updateBook("BTCUSDT", [[49999.9, 0]], [[50000.1, 1.5]]);
      sim.market.updateBook("BTCUSDT", [[49999.7, 2]], []);
      await client.until(() => client.messages.length === 2, 2000, "two depth updates");
      const [first, second] = client.messages as Body[];
      assertShape(first, fixture("binance_ws_depthUpdate_doc.json"));
      assertEquals([first.b, first.a], [[["49999.9", "0.000"]], [["50000.1", "1.500"]]]);
      assertEquals(first.pu, lastUpdateId);
      assert((first.U as number) <= (first.u as number) && (first.u as number) > lastUpdateId);
      assertEquals(second.pu, first.u);
    } finally {
      await client.close();
    }
  });
});

Deno.test("Binance combined mode wraps payloads; SUBSCRIBE answers {result: null, id}", async () => {
  await withBinance(async (sim) => {
    const client = await WsClient.connect(`${sim.wsPublicUrl}/stream?streams=btcusdt@bookTicker`);
    try {
      client.send({ method: "SUBSCRIBE", params: ["btcusdt@depth5"], id: 7 });
      const ack = await client.next((m) => m.id === 7);
      assertShape(ack, CONTROL.subscribe_response);
      client.send({ method: "LIST_SUBSCRIPTIONS", id: 8 });
      assertEquals((await client.next((m) => m.id === 8)).result, [
        "btcusdt@bookTicker",
        "btcusdt@depth5",
      ]);
      sim.market.updateBook("BTCUSDT", [[49999.95, 1]], []);
      const ticker = await client.next((m) => m.stream === "btcusdt@bookTicker");
      assertShape(ticker, CONTROL.combined_stream_envelope, ["$.data"]);
      const bookTicker = CAPTURED.find((m) => m.stream === "btcusdt@bookTicker")?.data;
      assertShape(ticker.data, bookTicker, ["$.e", "$.E", "$.T"]);
      const partial = await client.next((m) => m.stream === "btcusdt@depth5");
      assertEquals(((partial.data as Body).b as string[][]).length, 3);
      client.send({ method: "SUBSCRIBE", params: ["btcusdt@nope"], id: 9 });
      assertEquals((await client.next((m) => m.id === 9)).error, {
        code: 2,
        msg: "Invalid request: invalid stream name btcusdt@nope",
      });
    } finally {
      await client.close();
    }
  });
});

Deno.test("Binance /market carries aggTrade and kline; the same streams on /public get nothing", async () => {
  await withBinance(async (sim) => {
    const market = await WsClient.connect(
      `${sim.wsMarketUrl}/ws/btcusdt@aggTrade/btcusdt@kline_1m`,
    );
    const misrouted = await WsClient.connect(`${sim.wsPublicUrl}/ws/btcusdt@aggTrade`);
    try {
      sim.market.trade("BTCUSDT", "sell", 49999.9, 0.25);
      const trade = await market.next((m) => m.e === "aggTrade");
      // The SDK sample's "st" is undocumented; the simulator does not send it.
      assertShape(trade, fixture("binance_ws_aggTrade_doc.json"), ["$.st"]);
      assertEquals([trade.p, trade.q, trade.m], ["49999.9", "0.250", true]);
      const kline = await market.next((m) => m.e === "kline");
      assertShape(kline, fixture("binance_ws_kline_doc.json"));
      await new Promise((resolve) => setTimeout(resolve, 50));
      assertEquals(misrouted.messages.length, 0);
    } finally {
      await market.close();
      await misrouted.close();
    }
  });
});

Deno.test("Binance markPrice pushes every second on /market", async () => {
  await withBinance(async (sim) => {
    const client = await WsClient.connect(`${sim.wsMarketUrl}/ws/btcusdt@markPrice@1s`);
    try {
      const mark = await client.next((m) => m.e === "markPriceUpdate", 0, 2500);
      const captured = CAPTURED.find((m) => m.stream === "btcusdt@markPrice")?.data;
      assertShape(mark, captured, ["$.i", "$.P"]);
      assertEquals(mark.p, "50000.000");
    } finally {
      await client.close();
    }
  });
});

Deno.test("Binance closes a connection that sends more than 10 messages per second", async () => {
  await withBinance(async (sim) => {
    const client = await WsClient.connect(`${sim.wsPublicUrl}/ws`);
    for (let i = 0; i < 11; i++) client.send({ method: "LIST_SUBSCRIPTIONS", id: i });
    await client.until(() => client.closed !== undefined, 2000, "close");
    assertEquals(client.closed?.code, 1008);
    assertEquals(client.all((m) => "result" in m).length, 10);
  });
});

const CODES = [
  "AAAUSDT",
  "BBBUSDT",
  "CCCUSDT",
  "DDDUSDT",
  "EEEUSDT",
  "FFFUSDT",
  "GGGUSDT",
  "HHHUSDT",
];
const INTERVALS = [
  "1m",
  "3m",
  "5m",
  "15m",
  "30m",
  "1h",
  "2h",
  "4h",
  "6h",
  "8h",
  "12h",
  "1d",
  "3d",
  "1w",
  "1M",
];

/** 28 distinct valid stream names per symbol. */
function streamNames(): string[] {
  return CODES.flatMap((code) => {
    const s = code.toLowerCase();
    return [
      `${s}@depth`,
      `${s}@bookTicker`,
      `${s}@aggTrade`,
      `${s}@markPrice`,
      ...INTERVALS.map((i) => `${s}@kline_${i}`),
      ...["5", "10", "20"].flatMap((
        n,
      ) => [`${s}@depth${n}`, `${s}@depth${n}@100ms`, `${s}@depth${n}@500ms`]),
    ];
  });
}

Deno.test("Binance refuses more than 200 streams on a connection", async () => {
  await withBinance(async (sim) => {
    const names = streamNames();
    assertEquals(new Set(names).size, 224);
    const client = await WsClient.connect(`${sim.wsPublicUrl}/ws`);
    try {
      client.send({ method: "SUBSCRIBE", params: names.slice(0, 200), id: 1 });
      assertEquals((await client.next((m) => m.id === 1)).result, null);
      client.send({ method: "SUBSCRIBE", params: names.slice(200, 201), id: 2 });
      assertEquals((await client.next((m) => m.id === 2)).error, {
        code: 2,
        msg: "Invalid request: more than 200 streams",
      });
    } finally {
      await client.close();
    }
    const tooMany = await WsClient.connect(
      `${sim.wsPublicUrl}/stream?streams=${names.slice(0, 201).join("/")}`,
    );
    await tooMany.until(() => tooMany.closed !== undefined, 2000, "close");
    assertEquals(tooMany.closed?.reason, "too many streams (more than 200)");
  }, {
    instruments: CODES.map((code) => ({
      code,
      base: code.slice(0, 3),
      tickSize: "0.01",
      lotSize: "0.1",
    })),
  });
});

Deno.test("Binance pings every interval and ends connections at their lifetime (time compressed)", async () => {
  await withBinance(async (sim) => {
    const client = await WsClient.connect(`${sim.wsPublicUrl}/ws/btcusdt@depth`);
    const [socket] = sim.ws.sockets("public");
    await client.until(() => socket.lastPong > 0, 1000, "a pong to the server's ping");
    await client.until(() => client.closed !== undefined, 2000, "the lifetime close");
    assertEquals(client.closed, { code: 1000, reason: "24h connection limit" });
    assert(sim.faults.log().some((e) => e.detail === "connection lifetime 300 ms reached"));
  }, { pingIntervalMs: 50, connectionLifetimeMs: 300 });
});

async function userStream(sim: Simulator, query = ""): Promise<{ client: WsClient; key: string }> {
  const key =
    ((await keyed(sim, "POST", "/fapi/v1/listenKey")).body as { listenKey: string }).listenKey;
  const client = await WsClient.connect(`${sim.wsPrivateUrl}/ws?listenKey=${key}${query}`);
  return { client, key };
}

Deno.test("Binance user data: a fill pushes TRADE_LITE, ORDER_TRADE_UPDATE and ACCOUNT_UPDATE in the real shapes", async () => {
  await withBinance(async (sim) => {
    const { client } = await userStream(sim);
    try {
      const created = await signed(sim, "POST", "/fapi/v1/order", {
        symbol: "BTCUSDT",
        side: "BUY",
        type: "MARKET",
        quantity: "0.500",
        newClientOrderId: "m-1",
      });
      assertEquals(created.status, 200);
      const accepted = await client.next((m) => m.e === "ORDER_TRADE_UPDATE");
      assertEquals([(accepted.o as Body).x, (accepted.o as Body).X], ["NEW", "NEW"]);
      const trade = await client.next((m) =>
        m.e === "ORDER_TRADE_UPDATE" && (m.o as Body).x === "TRADE"
      );
      // AP (activation price) and cr (callback rate) belong to trailing stops only.
      assertShape(trade, fixture("binance_ws_ORDER_TRADE_UPDATE_doc.json"), ["$.o.AP", "$.o.cr"]);
      assertEquals([(trade.o as Body).c, (trade.o as Body).X, (trade.o as Body).L], [
        "m-1",
        "FILLED",
        "50000.1",
      ]);
      assertShape(
        await client.next((m) => m.e === "TRADE_LITE"),
        fixture("binance_ws_TRADE_LITE_doc.json"),
      );
      const account = await client.next((m) => m.e === "ACCOUNT_UPDATE");
      assertShape(account, fixture("binance_ws_ACCOUNT_UPDATE_sample.json"));
      assertEquals(((account.a as Body).P as Body[])[0].pa, "0.5");
    } finally {
      await client.close();
    }
  });
});

Deno.test("Binance user data: a modify is an AMENDMENT, a stop pushes ALGO_UPDATE, events= filters", async () => {
  await withBinance(async (sim) => {
    const { client } = await userStream(sim, "&events=ORDER_TRADE_UPDATE/ALGO_UPDATE");
    try {
      const placed = await signed(sim, "POST", "/fapi/v1/order", {
        symbol: "BTCUSDT",
        side: "BUY",
        type: "LIMIT",
        timeInForce: "GTC",
        quantity: "0.010",
        price: "49000.0",
      });
      await signed(sim, "PUT", "/fapi/v1/order", {
        symbol: "BTCUSDT",
        orderId: String((placed.body as Body).orderId),
        side: "BUY",
        quantity: "0.020",
        price: "49000.0",
      });
      const amended = await client.next((m) =>
        m.e === "ORDER_TRADE_UPDATE" && (m.o as Body).x === "AMENDMENT"
      );
      assertEquals((amended.o as Body).q, "0.020");
      await signed(sim, "POST", "/fapi/v1/algoOrder", {
        algoType: "CONDITIONAL",
        symbol: "BTCUSDT",
        side: "SELL",
        type: "STOP_MARKET",
        quantity: "0.010",
        triggerPrice: "49000.0",
      });
      const algo = await client.next((m) => m.e === "ALGO_UPDATE");
      assertEquals([(algo.o as Body).X, (algo.o as Body).o, (algo.o as Body).tp], [
        "NEW",
        "STOP_MARKET",
        "49000.0",
      ]);
      sim.market.trade("BTCUSDT", "sell", 48999.9, 0.01);
      await client.next((m) => m.e === "ALGO_UPDATE" && (m.o as Body).X === "TRIGGERED");
      await client.next((m) => m.e === "ALGO_UPDATE" && (m.o as Body).X === "FINISHED");
      assertEquals(client.all((m) => m.e === "ACCOUNT_UPDATE" || m.e === "TRADE_LITE").length, 0);
    } finally {
      await client.close();
    }
  });
});

Deno.test("Binance listenKey expiry (fault or 60 minutes) pushes listenKeyExpired and closes", async () => {
  await withBinance(async (sim, clock) => {
    const { client, key } = await userStream(sim);
    sim.faults.inject({ kind: "listen-key-expire" });
    const expired = await client.next((m) => m.e === "listenKeyExpired");
    assertShape(expired, CONTROL.listenKeyExpired_spot_doc_payload);
    assertEquals(expired.listenKey, key);
    await client.until(() => client.closed !== undefined, 2000, "close");
    assertEquals(sim.faults.log().map((e) => e.kind), ["listen-key-expire"]);
    const second = await userStream(sim);
    clock.advance(60 * 60_000);
    await second.client.until(() => second.client.closed !== undefined, 2000, "close at expiry");
    assertEquals(second.client.all((m) => m.e === "listenKeyExpired").length, 1);
    const stale = await WsClient.connect(`${sim.wsPrivateUrl}/ws?listenKey=${key}`);
    await stale.until(() => stale.closed !== undefined, 2000, "refusal");
    assertEquals(stale.closed, { code: 1008, reason: "Invalid listenKey" });
  });
});
