// The venue's amend rule on the real BitMEX XBTUSD sample (quotes + trades of 2024-08-01,
// tests/testdata/tick/README.md): Bybit's rule keeps the queue place on a quantity decrease,
// Binance USD-M's modify re-queues on every amend, and a price change re-queues under both.
import assert from "node:assert/strict";
import { decimal, type OrderRequest } from "../../../../lib/domain/mod.ts";
import type { AmendQueueRule } from "../../../../lib/broker/mod.ts";
import { mergeTickSources, tickFileSource } from "../../../../lib/backtest/tick/mod.ts";
import { constantLatency, type MarketDataEvent, TickVenue } from "../../../../lib/venues/mod.ts";
import { XBT, XBTUSD } from "./_helpers.ts";

const ROOT = new URL("../../../../", import.meta.url).pathname;
const QUOTES = `${ROOT}tests/testdata/tick/bitmex_xbtusd_quotes_10m.csv.gz`;
const TRADES = `${ROOT}tests/testdata/tick/bitmex_xbtusd_trades_10m.csv.gz`;

async function sample(): Promise<MarketDataEvent[]> {
  const events: MarketDataEvent[] = [];
  for await (const e of mergeTickSources([tickFileSource(QUOTES), tickFileSource(TRADES)])) {
    events.push(e);
    if (events.length >= 20_000) break;
  }
  return events;
}

const BID: OrderRequest = {
  clientOrderId: "q-1",
  symbol: XBT,
  side: "buy",
  type: "limit",
  quantity: decimal(1_000),
  price: decimal("64600"),
  timeInForce: "gtc",
  reduceOnly: false,
};

/**
 * Rests a 1,000-contract bid at 64600 (the sample's first best bid, 35,500 contracts), replays
 * until sells have eaten into the queue ahead of it and others have joined behind it, then
 * amends it with `change`. Returns the
 * queue ahead before and after the amend, and the level's size when it was amended.
 */
async function amendAfterQueueMoved(
  rule: AmendQueueRule,
  change: { quantity?: string; price?: string },
): Promise<{ before: number; after: number | undefined; initial: number }> {
  const venue = new TickVenue({
    instruments: new Map([[XBT, XBTUSD]]),
    latency: constantLatency({}),
    amendQueue: rule,
  }, () => {});
  const events = await sample();
  let i = 0;
  venue.onMarketData(events[i], events[i].tsRecv);
  venue.send({ type: "submit", request: BID }, events[0].tsRecv);
  venue.processArrivals(events[0].tsRecv);
  const initial = venue.queueAhead("q-1") ?? NaN;
  for (i = 1; i < events.length; i++) {
    venue.onMarketData(events[i], events[i].tsRecv);
    const ahead = venue.queueAhead("q-1");
    // Ahead of us shrank, and others joined behind us (the level is larger than our place).
    const level = venue.book(XBT)?.bids.sizeAt(64600) ?? 0;
    if (ahead !== undefined && ahead < initial && ahead < level) break;
  }
  assert.ok(i < events.length, "the sample's trades reach the queue ahead of the bid");
  const before = venue.queueAhead("q-1") ?? NaN;
  const ts = events[i].tsRecv;
  venue.send({
    type: "amend",
    symbol: XBT,
    clientOrderId: "q-1",
    ...(change.quantity === undefined ? {} : { quantity: decimal(change.quantity) }),
    ...(change.price === undefined ? {} : { price: decimal(change.price) }),
  }, ts);
  venue.processArrivals(ts);
  return { before, after: venue.queueAhead("q-1"), initial };
}

Deno.test("a quantity-only decrease keeps the queue place under Bybit's rule (real BitMEX sample)", async () => {
  const { before, after, initial } = await amendAfterQueueMoved("keep-on-decrease", {
    quantity: "500",
  });
  assert.equal(initial, 35_500);
  assert.ok(before < initial);
  assert.equal(after, before);
});

Deno.test("Binance's modify re-queues even a quantity-only decrease (real BitMEX sample)", async () => {
  const { before, after } = await amendAfterQueueMoved("requeue-always", { quantity: "500" });
  assert.ok(after !== undefined && after > before, `${after} > ${before}`);
});

Deno.test("a price change loses the queue place under both rules (real BitMEX sample)", async () => {
  for (const rule of ["keep-on-decrease", "requeue-always"] as const) {
    const { before, after } = await amendAfterQueueMoved(rule, { price: "64599.5" });
    // The order now waits behind the whole level at its new price.
    assert.ok(after !== undefined && after !== before, rule);
  }
});
