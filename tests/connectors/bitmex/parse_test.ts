/** BitMEX message parsers on real captured messages (tests/testdata/bitmex/). */

import assert from "node:assert/strict";
import { parseBitmex } from "../../../connectors/bitmex/parse.ts";
import { DataError, fromIso } from "../../../lib/domain/mod.ts";
import { frames, rowMessage } from "./_fixtures.ts";

Deno.test("parseBitmex: trade, quote and orderBookL2 rows of the tardis captures, updates without a price", () => {
  const [trade, update, quote, partial] = frames(
    "bitmex_ws_captured_trade_quote_orderBookL2_tardis.json",
  ).map(parseBitmex);
  assert.deepEqual(trade, {
    type: "trades",
    action: "insert",
    rows: [{
      symbol: "bitmex:XBTUSD",
      ts: fromIso("2019-06-01T00:00:19.163Z"),
      side: "sell",
      size: 1000,
      price: 8544.5,
      tradeId: "f73b6f28-075a-3548-a81c-8c843afd2746",
    }],
  });
  assert.deepEqual(update, {
    type: "book",
    table: "orderBookL2",
    action: "update",
    filterSymbol: undefined,
    rows: [{
      symbol: "bitmex:XBTUSD",
      id: 8799145550,
      buy: true,
      size: 220288,
      price: undefined,
      ts: undefined,
    }],
  });
  assert.equal(quote.type, "quotes");
  if (quote.type === "quotes") {
    assert.deepEqual(quote.rows[0], {
      symbol: "bitmex:ETHUSD",
      ts: fromIso("2019-05-31T23:59:59.942Z"),
      bidPrice: 267.7,
      bidSize: 701,
      askPrice: 267.75,
      askSize: 62427,
    });
  }
  assert.equal(partial.type, "book");
  if (partial.type === "book") {
    assert.equal(partial.action, "partial");
    assert.deepEqual(partial.rows.map((r) => [r.symbol, r.price, r.size]), [
      ["bitmex:XBTUSD", 88846.5, 501],
      ["bitmex:XBTUSD", 9780.5, 40],
      ["bitmex:XBTUSD", 8586, 61227],
      ["bitmex:EOSM19", 0.0010102, 417],
    ]);
  }
});

Deno.test("parseBitmex: the official welcome → ack → partial (with filter) sequence and control messages", () => {
  const [welcome, ack, partial] = frames("bitmex_ws_orderBookL2_25_sequence_official.json").map(
    parseBitmex,
  );
  assert.deepEqual(welcome, { type: "welcome" });
  assert.deepEqual(ack, {
    type: "subscribed",
    success: true,
    topic: "orderBookL2_25:XBTUSD",
    error: "",
  });
  assert.equal(partial.type, "book");
  if (partial.type === "book") assert.equal(partial.filterSymbol, "bitmex:XBTUSD");
  assert.deepEqual(parseBitmex("pong"), { type: "pong" });
  assert.deepEqual(
    parseBitmex(
      '{"status":400,"error":"Unknown table: foo","request":{"op":"subscribe","args":["foo:XBTUSD"]}}',
    ),
    { type: "error", error: "Unknown table: foo", topics: ["foo:XBTUSD"] },
  );
});

Deno.test("parseBitmex: nautilus XBTUSD rows (trade, quote, L2 with price and timestamp, instrument, trade bin)", () => {
  const trade = parseBitmex(rowMessage("nautilus_ws_trade.json", "trade"));
  assert.equal(trade.type, "trades");
  if (trade.type === "trades") {
    assert.deepEqual(trade.rows[0], {
      symbol: "bitmex:XBTUSD",
      ts: fromIso("2024-11-24T08:15:38.704Z"),
      side: "sell",
      size: 100,
      price: 98570.9,
      tradeId: "00000000-006d-1000-0000-000e8737d536",
    });
  }
  const book = parseBitmex(rowMessage("nautilus_ws_orderbook_l2.json", "orderBookL2"));
  assert.equal(book.type, "book");
  if (book.type === "book") {
    assert.deepEqual(book.rows[0], {
      symbol: "bitmex:XBTUSD",
      id: 62400580205,
      buy: false,
      size: 33000,
      price: 98459.9,
      ts: fromIso("2024-11-24T08:26:22.356Z"),
    });
  }
  const instrument = parseBitmex(
    rowMessage("nautilus_http_get_instrument_xbtusd.json", "instrument", "partial"),
  );
  assert.equal(instrument.type, "instrument");
  if (instrument.type === "instrument") {
    assert.deepEqual(instrument.rows[0], {
      symbol: "bitmex:XBTUSD",
      markPrice: 97849.76,
      fundingRate: 0.00011,
      fundingTime: fromIso("2024-11-25T04:00:00.000Z"),
      ts: fromIso("2024-11-24T23:33:19.034Z"),
    });
  }
  const bin = parseBitmex(rowMessage("nautilus_ws_trade_bin_1m.json", "tradeBin1m"));
  assert.equal(bin.type, "bins");
  if (bin.type === "bins") {
    assert.deepEqual(bin.rows[0], {
      symbol: "bitmex:XBTUSD",
      end: fromIso("2024-11-23T20:07:00.000Z"),
      open: 97550,
      high: 97584.4,
      low: 97550,
      close: 97570.1,
      volume: 84000,
    });
  }
});

Deno.test("parseBitmex: a message without a documented field is a DataError naming it", () => {
  assert.throws(() => parseBitmex("{nope"), /BitMEX message: not JSON/);
  assert.throws(
    () =>
      parseBitmex(
        '{"table":"trade","action":"insert","data":[{"symbol":"XBTUSD","side":"Sell","size":1,"timestamp":"2024-01-01T00:00:00Z"}]}',
      ),
    (error) => error instanceof DataError && /trade\.price is missing/.test(error.message),
  );
  assert.throws(
    () => parseBitmex('{"table":"orderBookL2","action":"upsert","data":[]}'),
    /orderBookL2\.action is "upsert"/,
  );
  assert.throws(
    () =>
      parseBitmex(
        '{"table":"quote","action":"insert","data":[{"symbol":"XBTUSD","timestamp":"soon","bidPrice":1,"bidSize":1,"askPrice":2,"askSize":1}]}',
      ),
    /quote\.timestamp is "soon"/,
  );
});
