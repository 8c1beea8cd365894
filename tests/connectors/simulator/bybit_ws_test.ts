import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { createHmac } from "node:crypto";
import type { ManualClock } from "../../../connectors/simulator/clock.ts";
import type { Simulator } from "../../../connectors/simulator/simulator.ts";
import { post } from "./_bybit_client.ts";
import { withSim } from "./_sim.ts";
import { assertShape, fixture } from "./_shape.ts";
import { WsClient } from "./_ws_client.ts";

type Body = Record<string, unknown>;

function withBybit(run: (sim: Simulator, clock: ManualClock) => Promise<void>): Promise<void> {
  return withSim({ venue: "bybit" }, run);
}

const CONTROL = fixture("bybit_ws_control_messages.json") as Record<string, unknown>;

async function subscribed(sim: Simulator, topics: string[]): Promise<WsClient> {
  const client = await WsClient.connect(sim.wsPublicUrl);
  client.send({ req_id: "s1", op: "subscribe", args: topics });
  await client.next((m) => m.op === "subscribe");
  return client;
}

Deno.test("Bybit public: subscribe ack and ping/pong have the real linear shapes", async () => {
  await withBybit(async (sim) => {
    const client = await subscribed(sim, ["orderbook.50.BTCUSDT"]);
    try {
      const ack = await client.next((m) => m.op === "subscribe");
      assertShape(ack, CONTROL.subscribe_response_public_linear);
      assertEquals([ack.success, ack.req_id], [true, "s1"]);
      client.send({ req_id: "p1", op: "ping" });
      const pong = await client.next((m) => m.ret_msg === "pong");
      assertShape(pong, CONTROL.pong_public_linear);
      client.send({ op: "subscribe", args: ["orderbook.7.BTCUSDT"] });
      const refused = await client.next((m) => m.success === false);
      assertEquals(refused.ret_msg, "error:handler not found,topic:orderbook.7.BTCUSDT");
    } finally {
      await client.close();
    }
  });
});

Deno.test("Bybit orderbook.50: a snapshot, then deltas of changed levels with u + 1", async () => {
  await withBybit(async (sim) => {
    const client = await subscribed(sim, ["orderbook.50.BTCUSDT"]);
    try {
      const snapshot = await client.next((m) => m.type === "snapshot");
      assertShape(snapshot, fixture("bybit_ws_orderbook50_snapshot_doc.json"));
      const data = snapshot.data as Body;
      assertEquals(data.b, [["49999.9", "1.000"], ["49999.8", "3.000"]]);
      assertEquals(data.a, [["50000.1", "1.000"], ["50000.2", "2.000"]]);
      sim.market.updateBook("BTCUSDT", [[49999.9, 0], [49999.7, 4]], [[50000.1, 1.5]]);
      const delta = await client.next((m) => m.type === "delta");
      assertShape(delta, fixture("bybit_ws_orderbook50_delta_doc.json"));
      const change = delta.data as Body;
      assertEquals(change.b, [["49999.9", "0.000"], ["49999.7", "4.000"]]);
      assertEquals(change.a, [["50000.1", "1.500"]]);
      assertEquals(change.u, (data.u as number) + 1);
      assert((change.seq as number) > (data.seq as number));
    } finally {
      await client.close();
    }
  });
});

Deno.test("Bybit orderbook.1 is snapshot-only and follows the touch", async () => {
  await withBybit(async (sim) => {
    const client = await subscribed(sim, ["orderbook.1.BTCUSDT"]);
    try {
      await client.next((m) => m.type === "snapshot");
      sim.market.updateBook("BTCUSDT", [[50000, 2]], []);
      const next = await client.next((m) => m.type === "snapshot" && (m.data as Body).u === 2);
      assertEquals((next.data as Body).b, [["50000.0", "2.000"]]);
      assertEquals(client.all((m) => m.type === "delta").length, 0);
    } finally {
      await client.close();
    }
  });
});

Deno.test("Bybit publicTrade and kline pushes have the real shapes", async () => {
  await withBybit(async (sim, clock) => {
    const client = await subscribed(sim, ["publicTrade.BTCUSDT", "kline.1.BTCUSDT"]);
    try {
      sim.market.trade("BTCUSDT", "buy", 50000.1, 0.25);
      const trade = await client.next((m) => m.topic === "publicTrade.BTCUSDT");
      assertShape(trade, fixture("bybit_ws_publicTrade_doc.json"));
      const item = (trade.data as Body[])[0];
      assertEquals([item.S, item.p, item.v, item.T], ["Buy", "50000.1", "0.250", clock.now()]);
      const kline = await client.next((m) => m.topic === "kline.1.BTCUSDT");
      assertShape(kline, fixture("bybit_ws_kline_doc.json"));
      assertEquals((kline.data as Body[])[0].confirm, false);
      clock.advance(60_000);
      sim.market.trade("BTCUSDT", "sell", 49999.9, 0.1);
      const closed = await client.next((m) =>
        m.topic === "kline.1.BTCUSDT" && (m.data as Body[])[0].confirm === true
      );
      assertEquals((closed.data as Body[])[0].close, "50000.1");
    } finally {
      await client.close();
    }
  });
});

function authArgs(
  sim: Simulator,
  clock: ManualClock,
  secret = sim.accounts[0].apiSecret,
): unknown[] {
  const expires = clock.now() + 1000;
  const signature = createHmac("sha256", secret).update(`GET/realtime${expires}`).digest("hex");
  return [sim.accounts[0].apiKey, expires, signature];
}

Deno.test("Bybit private: auth checks the signature and expiry, subscribe needs auth", async () => {
  await withBybit(async (sim, clock) => {
    const client = await WsClient.connect(sim.wsPrivateUrl);
    try {
      client.send({ req_id: "x", op: "subscribe", args: ["order"] });
      const early = await client.next((m) => m.op === "subscribe");
      assertEquals([early.success, early.ret_msg], [false, "Request not authorized"]);
      client.send({ op: "auth", args: authArgs(sim, clock, "wrong-secret") });
      const bad = await client.next((m) => m.op === "auth");
      assertEquals([bad.success, bad.ret_msg], [
        false,
        "Error sign, please check your signature generation algorithm.",
      ]);
      const [key, , sign] = authArgs(sim, clock);
      client.send({ op: "auth", args: [key, clock.now() - 1, sign] });
      const expired = await client.next((m) => m.op === "auth", 2);
      assertEquals(expired.success, false);
      client.send({ op: "auth", args: authArgs(sim, clock) });
      const ok = await client.next((m) => m.op === "auth" && m.success === true);
      assertShape(ok, CONTROL.auth_success_response);
      client.send({ req_id: "p", op: "ping" });
      assertShape(await client.next((m) => m.op === "pong"), CONTROL.pong_private);
    } finally {
      await client.close();
    }
  });
});

Deno.test("Bybit private: a market fill pushes order, execution, position and wallet in the real shapes", async () => {
  await withBybit(async (sim, clock) => {
    const client = await WsClient.connect(sim.wsPrivateUrl);
    try {
      client.send({ op: "auth", args: authArgs(sim, clock) });
      await client.next((m) => m.op === "auth" && m.success === true);
      client.send({ op: "subscribe", args: ["order", "execution", "position", "wallet"] });
      const ack = await client.next((m) => m.op === "subscribe");
      assertShape(ack, CONTROL.subscribe_response_private, ["$.req_id"]);
      const created = await post(sim, "/v5/order/create", {
        category: "linear",
        symbol: "BTCUSDT",
        side: "Sell",
        orderType: "Market",
        qty: "0.500",
        orderLinkId: "m-1",
      });
      assertEquals(created.body.retCode, 0);
      const filled = await client.next((m) =>
        m.topic === "order" && (m.data as Body[])[0].orderStatus === "Filled"
      );
      assertShape(filled, fixture("bybit_ws_private_order_doc.json"), [
        "$.data[0].cumFeeDetail.MNT",
        "$.data[0].cumFeeDetail.USDT",
      ]);
      assertEquals((filled.data as Body[])[0].orderLinkId, "m-1");
      const execution = await client.next((m) => m.topic === "execution");
      assertShape(execution, fixture("bybit_ws_private_execution_doc.json"), [
        "$.data[0].extraFees[0]",
      ]);
      assertEquals((execution.data as Body[])[0].execPrice, "49999.9");
      const position = await client.next((m) => m.topic === "position");
      assertShape(position, fixture("bybit_ws_private_position_doc.json"));
      assertEquals([(position.data as Body[])[0].side, (position.data as Body[])[0].size], [
        "Sell",
        "0.500",
      ]);
      const wallet = await client.next((m) => m.topic === "wallet");
      assertShape(wallet, fixture("bybit_ws_private_wallet_doc.json"));
    } finally {
      await client.close();
    }
  });
});
