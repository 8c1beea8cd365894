import assert from "node:assert/strict";
import { DataError } from "../../../lib/domain/mod.ts";
import {
  type DepthUpdate,
  depthUpdateOf,
  parseDepthSnapshot,
  parseDepthUpdate,
} from "../../../connectors/binance/depth_update.ts";
import { parseMarket } from "../../../connectors/binance/parse_public.ts";
import { binanceCode, binanceSymbol } from "../../../connectors/binance/symbols.ts";
import { btcCapture, fixture, fixtureText, markPriceCapture } from "./_fixtures.ts";

Deno.test("parseMarket: the documented depthUpdate → ids, times and flat levels", () => {
  const frame = parseMarket(fixtureText("binance_ws_depthUpdate_doc.json"), 1);
  assert.deepEqual(frame, {
    type: "depth",
    stream: "",
    update: {
      code: "BTCUSDT",
      eventTime: 123456789,
      transactionTime: 123456788,
      firstId: 157,
      lastId: 160,
      prevId: 149,
      bids: [0.0024, 10],
      asks: [0.0026, 100],
    },
  });
});

Deno.test("parseDepthUpdate: the fast scanner gives exactly what JSON.parse gives on every real depthUpdate", async () => {
  let compared = 0;
  for (const line of await btcCapture()) {
    if (!line.text.includes('"depthUpdate"')) continue;
    const fast = parseDepthUpdate(line.text);
    const outer = JSON.parse(line.text) as { stream: string; data: Record<string, unknown> };
    const slow: DepthUpdate = depthUpdateOf(outer.data);
    assert.deepEqual(fast, slow);
    // Every price and size is the double Number() reads from the text, not merely close.
    const levels = outer.data.b as [string, string][];
    for (let i = 0; i < levels.length; i++) {
      assert.equal(fast.bids[2 * i], Number(levels[i][0]));
      assert.equal(fast.bids[2 * i + 1], Number(levels[i][1]));
    }
    compared++;
  }
  assert.equal(compared, 48);
});

Deno.test("parseDepthUpdate: shapes the scanner does not know fall back to JSON.parse (spaces, nested fields, exponents)", () => {
  const expected: DepthUpdate = {
    code: "ETHUSDT",
    eventTime: 10,
    transactionTime: 9,
    firstId: 5,
    lastId: 7,
    prevId: 4,
    bids: [2500.5, 0.001],
    asks: [2500.6, 0],
  };
  const spaced =
    '{ "e": "depthUpdate", "E": 10, "T": 9, "s": "ETHUSDT", "U": 5, "u": 7, "pu": 4, "b": [["2500.5", "0.001"]], "a": [["2500.6", "0"]] }';
  assert.deepEqual(parseDepthUpdate(spaced), expected);
  const nested =
    '{"e":"depthUpdate","x":{"y":1},"E":10,"T":9,"s":"ETHUSDT","U":5,"u":7,"pu":4,"b":[["2500.5","1e-3"]],"a":[["2500.6","0"]]}';
  assert.deepEqual(parseDepthUpdate(nested), expected);
  // No T: the event time stands in.
  const noT =
    '{"e":"depthUpdate","E":10,"s":"ETHUSDT","U":5,"u":7,"pu":4,"b":[["2500.5","0.001"]],"a":[["2500.6","0"]]}';
  assert.deepEqual(parseDepthUpdate(noT), { ...expected, transactionTime: 10 });
});

Deno.test("parseDepthUpdate: a depthUpdate without pu is a DataError naming the field", () => {
  assert.throws(
    () => parseDepthUpdate('{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":1,"u":2,"b":[],"a":[]}'),
    (error: unknown) =>
      error instanceof DataError && /depthUpdate\.pu is not a number/.test(error.message),
  );
  assert.throws(
    () =>
      parseDepthUpdate(
        '{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":1,"u":2,"pu":0,"b":[["1"]],"a":[]}',
      ),
    (error: unknown) =>
      error instanceof DataError &&
      /depthUpdate\.b\[0\] is not a \[price, size\] pair/.test(error.message),
  );
});

Deno.test("parseDepthSnapshot: the real 1000-level snapshot and the documented one", async () => {
  const line = (await btcCapture()).find((l) => l.text.startsWith('{"lastUpdateId"'));
  assert.ok(line !== undefined);
  const snapshot = parseDepthSnapshot(line.text);
  assert.equal(snapshot.lastUpdateId, 5123107852948);
  assert.equal(snapshot.bids.length, 2000);
  assert.equal(snapshot.asks.length, 2000);
  assert.deepEqual(snapshot.bids.slice(0, 4), [61800.2, 2.909, 61800.1, 0.696]);
  const doc = parseDepthSnapshot(fixtureText("binance_rest_depth_response_doc.json"));
  assert.equal(doc.lastUpdateId, 1027024);
  assert.deepEqual(doc.bids, [4, 431]);
  assert.deepEqual(doc.asks, [4.000002, 12]);
});

Deno.test("parseMarket: real bookTicker and trade lines → quote and trade events with the receive time", async () => {
  const capture = await btcCapture();
  const ticker = capture.find((l) => l.text.includes('"bookTicker"'));
  const trade = capture.find((l) => l.text.includes('"e":"trade"'));
  assert.ok(ticker !== undefined && trade !== undefined);
  assert.deepEqual(parseMarket(ticker.text, 99), {
    type: "quote",
    stream: "btcusdt@bookTicker",
    event: {
      kind: "quote",
      ts: 1723161256313000,
      tsRecv: 99,
      quote: {
        symbol: "binance:BTCUSDT",
        bidPrice: 61800.2,
        bidSize: 2.507,
        askPrice: 61800.3,
        askSize: 2.51,
      },
    },
  });
  // m=false: the buyer was the taker.
  assert.deepEqual(parseMarket(trade.text, 5), {
    type: "trade",
    stream: "btcusdt@trade",
    event: {
      kind: "trade",
      ts: 1723161256322000,
      tsRecv: 5,
      trade: {
        symbol: "binance:BTCUSDT",
        price: 61800.3,
        quantity: 0.006,
        side: "buy",
        tradeId: "5266583935",
      },
    },
  });
});

Deno.test("parseMarket: every line of the real capture parses to a known frame", async () => {
  const counts = new Map<string, number>();
  for (const line of await btcCapture()) {
    // The REST snapshot the capture stored among its frames is read by parseDepthSnapshot.
    if (line.text.startsWith('{"lastUpdateId"')) continue;
    const frame = parseMarket(line.text, 0);
    counts.set(frame.type, (counts.get(frame.type) ?? 0) + 1);
  }
  assert.deepEqual([...counts.keys()].sort(), ["depth", "quote", "trade"]);
  assert.equal(counts.get("depth"), 48);
});

Deno.test("parseMarket: documented aggTrade with m=true → a sell by the taker, id from a", () => {
  const frame = parseMarket(fixtureText("binance_ws_aggTrade_doc.json"), 0);
  assert.equal(frame.type, "trade");
  if (frame.type !== "trade") return;
  assert.deepEqual(frame.event.trade, {
    symbol: "binance:BNBUSDT",
    price: 0.001,
    quantity: 100,
    side: "sell",
    tradeId: "5933014",
  });
  assert.equal(frame.event.ts, 123456785000);
});

Deno.test("parseMarket: a trade that is not a MARKET print (insurance fund) is not a trade event", () => {
  const frame = parseMarket(
    '{"e":"trade","E":1,"T":1,"s":"BTCUSDT","t":7,"p":"1","q":"1","X":"INSURANCE_FUND","m":true}',
    0,
  );
  assert.deepEqual(frame, { type: "other", stream: "", event: "trade" });
});

Deno.test("parseMarket: an open kline is not a candle; a closed one is, in µs", () => {
  const open = fixture("binance_ws_kline_doc.json") as { k: Record<string, unknown> };
  assert.deepEqual(parseMarket(JSON.stringify(open), 0), { type: "kline-open", stream: "" });
  const closed = { ...open, k: { ...open.k, x: true } };
  const frame = parseMarket(JSON.stringify({ stream: "btcusdt@kline_1m", data: closed }), 3);
  assert.deepEqual(frame, {
    type: "candle",
    stream: "btcusdt@kline_1m",
    event: {
      kind: "candle",
      ts: 1638747660000000,
      tsRecv: 3,
      candle: {
        symbol: "binance:BTCUSDT",
        interval: "1m",
        openTime: 1638747660000000,
        open: 0.001,
        high: 0.0025,
        low: 0.0015,
        close: 0.002,
        volume: 1000,
      },
    },
  });
});

Deno.test("parseMarket: real markPriceUpdate lines → mark, index, next funding rate and time", () => {
  const [first] = markPriceCapture();
  assert.deepEqual(parseMarket(first.text, 0), {
    type: "mark",
    stream: "btcusdt@markPrice@1s",
    mark: {
      symbol: "binance:BTCUSDT",
      ts: 1680652800010000,
      markPrice: 28155.1,
      indexPrice: 28165.04857143,
      fundingRate: 0.0000276,
      nextFundingTime: 1680652800000000,
    },
  });
  for (const line of markPriceCapture()) assert.equal(parseMarket(line.text, 0).type, "mark");
});

Deno.test("parseMarket: every captured (tardis) public message parses; unknown events are 'other'", () => {
  const messages = fixture("binance_ws_captured_futures_public_tardis.json") as unknown[];
  const types = new Set<string>();
  for (const message of messages) types.add(parseMarket(JSON.stringify(message), 0).type);
  assert.ok(types.has("trade"));
  assert.ok(types.has("mark"));
  assert.ok(types.has("other"));
});

Deno.test("parseMarket: SUBSCRIBE answers and refusals are control frames", () => {
  const controls = fixture("binance_ws_control_messages.json") as Record<string, unknown>;
  assert.deepEqual(parseMarket(JSON.stringify(controls.subscribe_response), 0), {
    type: "control",
    id: 1,
    error: "",
  });
  assert.deepEqual(
    parseMarket('{"error":{"code":2,"msg":"Invalid request: unknown stream"},"id":4}', 0),
    { type: "control", id: 4, error: "Invalid request: unknown stream (code 2)" },
  );
});

Deno.test("parseMarket: non-JSON and a bookTicker without prices are DataErrors saying what is wrong", () => {
  assert.throws(
    () => parseMarket("not json", 0),
    (error: unknown) => error instanceof DataError && /not JSON: not json/.test(error.message),
  );
  assert.throws(
    () => parseMarket('{"e":"bookTicker","s":"BTCUSDT","T":1,"E":1,"B":"1","a":"2","A":"1"}', 0),
    (error: unknown) =>
      error instanceof DataError && /bookTicker\.b is not a number/.test(error.message),
  );
});

Deno.test("parseMarket: a trade without an id has no tradeId field; symbol ids and codes round-trip", () => {
  const frame = parseMarket('{"e":"trade","E":1,"T":1,"s":"ETHUSDT","p":"2","q":"3","m":false}', 0);
  assert.equal(frame.type, "trade");
  if (frame.type !== "trade") return;
  assert.deepEqual(frame.event.trade, {
    symbol: "binance:ETHUSDT",
    price: 2,
    quantity: 3,
    side: "buy",
  });
  assert.equal(Object.hasOwn(frame.event.trade, "tradeId"), false);
  for (let i = 0; i < 2; i++) {
    assert.equal(binanceCode(binanceSymbol("ETHUSDT")), "ETHUSDT");
    assert.throws(() => binanceCode("bybit:ETHUSDT"), /bybit:ETHUSDT is not a Binance symbol/);
  }
});
