/** BitmexFeed (books by id, trades, quotes, bins, funding) on real message sequences. */

import assert from "node:assert/strict";
import { BitmexFeed } from "../../../connectors/bitmex/feed.ts";
import { fromIso } from "../../../lib/domain/mod.ts";
import type { Event } from "../../../lib/events/mod.ts";
import { fixture, frames, rowMessage } from "./_fixtures.ts";

const T = 1_700_000_000_000_000;

function run(
  feed: BitmexFeed,
  messages: readonly string[],
): { events: Event[]; actions: string[] } {
  const events: Event[] = [];
  const actions: string[] = [];
  messages.forEach((m, i) => {
    const action = feed.frame(m, T + i, events);
    actions.push(action.kind === "resubscribe" ? `resubscribe ${action.topic}` : action.kind);
  });
  return { events, actions };
}

const brief = (e: Event): string => {
  switch (e.kind) {
    case "book-snapshot":
      return `snapshot ${e.book.symbol} b${
        JSON.stringify(e.book.bids.map((l) => [l.price, l.size]))
      } a${JSON.stringify(e.book.asks.map((l) => [l.price, l.size]))}`;
    case "book-delta":
      return `delta ${e.delta.symbol} b${
        JSON.stringify(e.delta.bids.map((l) => [l.price, l.size]))
      } a${JSON.stringify(e.delta.asks.map((l) => [l.price, l.size]))}`;
    case "connectivity":
      return `${e.state} ${e.symbol ?? ""} ${e.reason}`;
    case "trade":
      return `trade ${e.trade.symbol} ${e.trade.side} ${e.trade.quantity}@${e.trade.price}`;
    case "quote":
      return `quote ${e.quote.symbol} ${e.quote.bidPrice}/${e.quote.askPrice}`;
    default:
      return e.kind;
  }
};

Deno.test("BitmexFeed on the tardis captures: rows before the partial dropped, updates found by id, a crossed insert resyncs", () => {
  const feed = new BitmexFeed();
  const { events, actions } = run(
    feed,
    frames("bitmex_ws_captured_trade_quote_orderBookL2_tardis.json"),
  );
  assert.deepEqual(events.map(brief), [
    "trade bitmex:XBTUSD sell 1000@8544.5",
    "quote bitmex:ETHUSD 267.7/267.75",
    "up bitmex:XBTUSD book synchronised",
    "snapshot bitmex:XBTUSD b[] a[[8586,61227],[9780.5,40],[88846.5,501]]",
    "up bitmex:EOSM19 book synchronised",
    "snapshot bitmex:EOSM19 b[[0.0010102,417]] a[]",
    // The update carries no price: id 8799141400 is the ask at 8586.
    "delta bitmex:XBTUSD b[] a[[8586,91227]]",
    "delta bitmex:XBTUSD b[] a[[8586,0]]",
    // Two ids at one price: the level is their sum.
    "delta bitmex:EOSM19 b[[0.0010102,833]] a[]",
    "quote bitmex:XBTUSD 55411/55411.5",
    "quote bitmex:XBTUSD 55400/55400.5",
    // An empty partial names its symbol in its filter: that book is known to be empty.
    "up bitmex:XBTZ21 book synchronised",
    "snapshot bitmex:XBTZ21 b[] a[]",
    "snapshot bitmex:XBTUSD b[] a[[42362,1000000],[658900,20000],[662520,10000]]",
    // A bid at the best ask: the book is crossed, so it waits for a fresh partial.
    "stale bitmex:XBTUSD orderBookL2:XBTUSD: crossed book: bid 42362 ≥ ask 42362; resynchronising",
  ]);
  assert.equal(actions[10], "resubscribe orderBookL2:XBTUSD");
  assert.equal(actions[11], "none"); // the delete after it is dropped: no partial yet
  const stats = feed.stats();
  assert.equal(stats.waiting, 3);
  assert.equal(stats.gaps, 1);
  assert.equal(stats.snapshots, 4);
});

Deno.test("BitmexFeed on the official orderBookL2_25 sequence: the update without price lands on its id's price", () => {
  const feed = new BitmexFeed();
  const { events, actions } = run(feed, frames("bitmex_ws_orderBookL2_25_sequence_official.json"));
  assert.deepEqual(events.map(brief).slice(0, 6), [
    "up bitmex:XBTUSD book synchronised",
    "snapshot bitmex:XBTUSD b[[22077.5,102500]] a[[22105,375300]]",
    "up bitmex:ETHYLDH23 book synchronised",
    "snapshot bitmex:ETHYLDH23 b[[22077.5,102500]] a[]",
    "delta bitmex:XBTUSD b[] a[[22105,77300]]",
    // The fixture's re-partial has its bid above its ask.
    "stale bitmex:XBTUSD orderBookL2_25:XBTUSD: crossed book: bid 22078 ≥ ask 22077.5; resynchronising",
  ]);
  assert.equal(actions[1], "ack");
  const delta = events.find((e) => e.kind === "book-delta");
  assert.equal(delta?.ts, fromIso("2023-02-15T08:11:07.523Z"));
  assert.equal(delta?.tsRecv, T + 5);
});

Deno.test("BitmexFeed: an update of an id the book does not hold is a desync that asks for a new partial", () => {
  const feed = new BitmexFeed();
  const partial = JSON.stringify({
    table: "orderBookL2",
    action: "partial",
    filter: { symbol: "XBTUSD" },
    data: [
      { symbol: "XBTUSD", id: 1, side: "Buy", size: 100, price: 99.5 },
      { symbol: "XBTUSD", id: 2, side: "Sell", size: 200, price: 100 },
    ],
  });
  const update = JSON.stringify({
    table: "orderBookL2",
    action: "update",
    data: [{ symbol: "XBTUSD", id: 3, side: "Buy", size: 5 }],
  });
  const { events, actions } = run(feed, [partial, update, update, partial]);
  assert.deepEqual(events.map(brief), [
    "up bitmex:XBTUSD book synchronised",
    "snapshot bitmex:XBTUSD b[[99.5,100]] a[[100,200]]",
    "stale bitmex:XBTUSD orderBookL2:XBTUSD: update of unknown id 3; resynchronising",
    "up bitmex:XBTUSD book synchronised",
    "snapshot bitmex:XBTUSD b[[99.5,100]] a[[100,200]]",
  ]);
  assert.deepEqual(actions, ["none", "resubscribe orderBookL2:XBTUSD", "none", "none"]);
});

Deno.test("BitmexFeed: funding is emitted when the instrument's fundingTimestamp moves past an instant, with that instant's rate", () => {
  const feed = new BitmexFeed();
  const row = fixture("nautilus_http_get_instrument_xbtusd.json") as Record<string, unknown>;
  const partial = rowMessage("nautilus_http_get_instrument_xbtusd.json", "instrument", "partial");
  const mark = JSON.stringify({
    table: "instrument",
    action: "update",
    data: [{ symbol: "XBTUSD", markPrice: 97900.5, timestamp: "2024-11-25T03:59:59.000Z" }],
  });
  const next = JSON.stringify({
    table: "instrument",
    action: "update",
    data: [{
      symbol: "XBTUSD",
      fundingRate: 0.0002,
      fundingTimestamp: "2024-11-25T12:00:00.000Z",
      timestamp: "2024-11-25T04:00:00.100Z",
    }],
  });
  const { events } = run(feed, [partial, mark, next]);
  assert.equal(row.fundingRate, 0.00011);
  assert.deepEqual(events, [{
    kind: "funding",
    ts: fromIso("2024-11-25T04:00:00.000Z"),
    tsRecv: T + 2,
    funding: { symbol: "bitmex:XBTUSD", rate: 0.00011, markPrice: 97900.5 },
  }]);
  const bins = run(feed, [rowMessage("nautilus_ws_trade_bin_1m.json", "tradeBin1m")]).events;
  assert.deepEqual(bins, [{
    kind: "candle",
    ts: fromIso("2024-11-23T20:07:00.000Z"),
    tsRecv: T,
    candle: {
      symbol: "bitmex:XBTUSD",
      interval: "1m",
      openTime: fromIso("2024-11-23T20:06:00.000Z"),
      open: 97550,
      high: 97584.4,
      low: 97550,
      close: 97570.1,
      volume: 84000,
    },
  }]);
  // A trade table's partial holds trades from before the subscription: not emitted.
  assert.deepEqual(run(feed, frames("bitmex_ws_trade_subscribe_partial_official.json")).events, []);
  // A frame that does not parse is an alert, as in the live stream.
  const bad = run(feed, ["{oops"]).events;
  assert.equal(bad[0].kind, "alert");
});
