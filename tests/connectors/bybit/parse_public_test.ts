import assert from "node:assert/strict";
import { DataError } from "../../../lib/domain/mod.ts";
import { parsePublic } from "../../../connectors/bybit/parse_public.ts";
import { fixture, fixtureText } from "./_fixtures.ts";

Deno.test("parsePublic: documented publicTrade → trade events in µs with the receive time", () => {
  const frame = parsePublic(fixtureText("bybit_ws_publicTrade_doc.json"), 42);
  assert.deepEqual(frame, {
    type: "trades",
    events: [{
      kind: "trade",
      ts: 1672304486865000,
      tsRecv: 42,
      trade: {
        symbol: "bybit:BTCUSDT",
        price: 16578.5,
        quantity: 0.001,
        side: "buy",
        tradeId: "20f43950-d8dd-5b31-9112-a178eb6023af",
      },
    }],
  });
});

Deno.test("parsePublic: every captured (tardis) Bybit v5 public message parses; trades keep their order", () => {
  const messages = fixture("bybit_ws_captured_v5_public_tardis.json") as unknown[];
  let trades = 0;
  let books = 0;
  for (const message of messages) {
    const frame = parsePublic(JSON.stringify(message), 0);
    if (frame.type === "trades") {
      trades += frame.events.length;
      for (const event of frame.events) {
        assert.ok(event.trade.price > 0 && event.trade.quantity > 0);
      }
    }
    if (frame.type === "book") books++;
  }
  assert.ok(trades >= 3, `trades ${trades}`);
  assert.ok(books >= 1, `books ${books}`);
  const first = parsePublic(JSON.stringify(messages[0]), 0);
  assert.equal(first.type === "trades" ? first.events[0].trade.quantity : 0, 5823);
});

Deno.test("parsePublic: a running kline is no candle; a confirmed one is", () => {
  assert.deepEqual(parsePublic(fixtureText("bybit_ws_kline_doc.json"), 1), {
    type: "candles",
    events: [],
  });
  const closed = fixture("nautilus_ws_kline.json") as { data: Record<string, unknown>[] };
  closed.data[0].confirm = true;
  const frame = parsePublic(JSON.stringify(closed), 7);
  assert.deepEqual(frame, {
    type: "candles",
    events: [{
      kind: "candle",
      ts: 1672324988882000,
      tsRecv: 7,
      candle: {
        symbol: "bybit:BTCUSDT",
        interval: "5m",
        openTime: 1672324800000000,
        open: 16649.5,
        high: 16677,
        low: 16608,
        close: 16677,
        volume: 2.081,
      },
    }],
  });
});

Deno.test("parsePublic: documented orderbook.50 snapshot and delta", () => {
  const snapshot = parsePublic(fixtureText("bybit_ws_orderbook50_snapshot_doc.json"), 0);
  const delta = parsePublic(fixtureText("bybit_ws_orderbook50_delta_doc.json"), 0);
  assert.equal(snapshot.type, "book");
  assert.equal(delta.type, "book");
  if (snapshot.type !== "book" || delta.type !== "book") return;
  assert.equal(snapshot.message.type, "snapshot");
  assert.equal(snapshot.depth, 50);
  assert.equal(delta.message.type, "delta");
  assert.equal(typeof delta.message.u, "number");
});

Deno.test("parsePublic: control answers (pong, subscribe ack)", () => {
  const control = fixture("bybit_ws_control_messages.json") as Record<string, unknown>;
  const pong = parsePublic(JSON.stringify(control.pong_public_linear), 0);
  assert.deepEqual(pong, { type: "control", op: "ping", success: true, retMsg: "pong", reqId: "" });
});

Deno.test("parsePublic: malformed messages are DataErrors naming the field", () => {
  assert.throws(() => parsePublic("{not json", 0), DataError);
  assert.throws(
    () =>
      parsePublic('{"topic":"publicTrade.X","data":[{"T":1,"s":"X","S":"Up","v":"1","p":"1"}]}', 0),
    /publicTrade.S is "Up"/,
  );
  assert.throws(
    () =>
      parsePublic('{"topic":"publicTrade.X","data":[{"T":1,"s":"X","S":"Buy","v":"","p":"1"}]}', 0),
    /publicTrade.v is not a number/,
  );
  assert.throws(
    () =>
      parsePublic(
        '{"topic":"orderbook.50.X","type":"delta","ts":1,"data":{"s":"X","b":[[1,2]],"a":[],"u":2}}',
        0,
      ),
    /orderbook.data.b\[0\] is not a \[price, size\] pair/,
  );
});

Deno.test("parsePublic: a trade without an id has no tradeId field; both codes keep their own symbol", () => {
  const message = (code: string, id?: string): string =>
    JSON.stringify({
      topic: `publicTrade.${code}`,
      type: "snapshot",
      ts: 1,
      data: [{
        T: 2,
        s: code,
        S: "Sell",
        v: "0.5",
        p: "10.5",
        ...(id === undefined ? {} : { i: id }),
      }],
    });
  const trades = [message("BTCUSDT"), message("ETHUSDT", "x"), message("BTCUSDT", "y")].map(
    (text) => {
      const frame = parsePublic(text, 0);
      assert.equal(frame.type, "trades");
      return frame.type === "trades" ? frame.events[0]?.trade : undefined;
    },
  );
  assert.deepEqual(trades, [
    { symbol: "bybit:BTCUSDT", price: 10.5, quantity: 0.5, side: "sell" },
    { symbol: "bybit:ETHUSDT", price: 10.5, quantity: 0.5, side: "sell", tradeId: "x" },
    { symbol: "bybit:BTCUSDT", price: 10.5, quantity: 0.5, side: "sell", tradeId: "y" },
  ]);
  assert.equal(Object.hasOwn(trades[0] ?? {}, "tradeId"), false);
});
