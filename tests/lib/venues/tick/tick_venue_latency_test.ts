import assert from "node:assert/strict";
import {
  fillSummary,
  lastStatus,
  makeVenue,
  request,
  standardBook,
  submit,
  trade,
  XBT,
} from "./_helpers.ts";
import {
  constantLatency,
  interpolatedLatency,
  readLatencyFile,
} from "../../../../lib/venues/mod.ts";
import { DataError } from "../../../../lib/domain/mod.ts";

Deno.test("orders reach the venue after the entry latency: data before arrival cannot fill them", () => {
  const { venue, seen } = makeVenue({ kind: "optimistic" }, { entry: 1000 });
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 100, price: 100, id: "o" }, 10);
  assert.equal(venue.nextArrival, 1010);
  venue.onMarketData(trade(500, 100, 500, "sell"), 500); // before arrival: no fill
  assert.equal(seen.updates.length, 0);
  venue.onMarketData(trade(1500, 100, 500, "sell"), 1500); // arrival at 1010, then the trade
  assert.deepEqual(seen.updates.map((u) => `${u.ts} ${u.order.status}`), [
    "1010 accepted",
    "1500 filled",
  ]);
  assert.equal(seen.updates[0].order.createdTs, 10);
});

Deno.test("an order can fill while its cancel is in flight; the late cancel is counted", () => {
  const { venue, seen } = makeVenue({ kind: "optimistic" }, { submit: 0, cancel: 5_000 });
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 100, price: 100, id: "o" }, 1);
  venue.processArrivals(1);
  venue.send({ type: "cancel", symbol: XBT, clientOrderId: "o" }, 2);
  venue.onMarketData(trade(3_000, 100, 100, "sell"), 3_000); // the cancel lands at 5,002
  venue.processArrivals(10_000);
  assert.deepEqual(fillSummary(seen), ["3000 buy 100@100 maker fee=-0.0001"]);
  assert.equal(lastStatus(seen, "o"), "filled");
  assert.equal(venue.stats.lateCancels, 1);
});

Deno.test("a cancel that arrives first removes the order before the trade", () => {
  const { venue, seen } = makeVenue({ kind: "optimistic" }, { cancel: 1_000 });
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 100, price: 100, id: "o" }, 1);
  venue.processArrivals(1);
  venue.send({ type: "cancel", symbol: XBT, clientOrderId: "o" }, 2);
  venue.onMarketData(trade(3_000, 100, 100, "sell"), 3_000);
  assert.equal(seen.fills.length, 0);
  assert.equal(lastStatus(seen, "o"), "canceled");
});

Deno.test("commands with different latencies arrive in arrival-time order", () => {
  const { venue, seen } = makeVenue({ kind: "risk-averse" }, { submit: 3_000, cancel: 500 });
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 100, price: 99, id: "o" }, 1);
  venue.send({ type: "cancel", symbol: XBT, clientOrderId: "o" }, 2);
  venue.processArrivals(10_000);
  // The cancel overtook the submit: it found nothing, and the order stays working.
  assert.equal(venue.stats.lateCancels, 1);
  assert.equal(lastStatus(seen, "o"), "accepted");
});

Deno.test("stop-market triggers on the last trade price and walks the book", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(standardBook(), 1);
  submit(venue, {
    side: "buy",
    type: "stop-market",
    quantity: 200,
    triggerPrice: 100.5,
    id: "s",
  }, 1);
  venue.processArrivals(1);
  venue.onMarketData(trade(2, 100.4, 100, "buy"), 2);
  assert.equal(seen.fills.length, 0);
  venue.onMarketData(trade(3, 100.5, 100, "buy"), 3);
  assert.deepEqual(fillSummary(seen).map((s) => s.split(" fee")[0]), ["3 buy 200@100.1 taker"]);
  assert.equal(lastStatus(seen, "s"), "filled");
});

Deno.test("stop-limit triggers into a limit order that rests beyond its limit", () => {
  const { venue, seen } = makeVenue({ kind: "optimistic" });
  venue.onMarketData(standardBook(), 1);
  submit(venue, {
    side: "sell",
    type: "stop-limit",
    quantity: 200,
    triggerPrice: 100,
    price: 100.3,
    id: "s",
  }, 1);
  venue.processArrivals(1);
  venue.onMarketData(trade(2, 100, 100, "sell"), 2);
  assert.equal(seen.fills.length, 0);
  assert.equal(lastStatus(seen, "s"), "accepted");
  venue.onMarketData(trade(3, 100.3, 500, "buy"), 3);
  assert.deepEqual(fillSummary(seen).map((s) => s.split(" fee")[0]), ["3 sell 200@100.3 maker"]);
});

Deno.test("reduce-only orders are capped at the venue position and canceled when flat", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 200 }, 1);
  submit(venue, { side: "sell", quantity: 500, reduceOnly: true, id: "r" }, 1);
  submit(venue, { side: "sell", quantity: 100, reduceOnly: true, id: "z" }, 1);
  venue.processArrivals(1);
  assert.deepEqual(
    seen.fills.map((f) => `${f.fill.side} ${f.fill.quantity}`),
    ["buy 200", "sell 200"],
  );
  assert.equal(venue.position(XBT), 0);
  assert.equal(lastStatus(seen, "z"), "canceled");
});

Deno.test("orders for unknown symbols and duplicate ids are rejected", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(standardBook(), 1);
  venue.send({
    type: "submit",
    request: { ...request({ side: "buy", quantity: 100 }), symbol: "bitmex:ETHUSD" },
  }, 1);
  submit(venue, { side: "buy", quantity: 100, price: 99, id: "d" }, 1);
  submit(venue, { side: "buy", quantity: 100, price: 99, id: "d" }, 1);
  venue.processArrivals(1);
  const rejected = seen.updates.filter((u) => u.order.status === "rejected");
  assert.deepEqual(rejected.map((u) => u.order.reason), [
    "unknown symbol bitmex:ETHUSD",
    "duplicate client order id d",
  ]);
});

Deno.test("constant latency per operation and interpolated latency from measured rows", () => {
  const constant = constantLatency({ entry: 100, cancel: 50, response: 20 });
  assert.equal(constant.entry("submit", 0), 100);
  assert.equal(constant.entry("amend", 0), 100);
  assert.equal(constant.entry("cancel", 0), 50);
  assert.equal(constant.response(0), 20);
  assert.throws(() => constantLatency({ entry: -1 }), RangeError);
  const measured = interpolatedLatency([
    { requestTs: 1_000, exchangeTs: 1_100, responseTs: 1_300 },
    { requestTs: 2_000, exchangeTs: 2_300, responseTs: 2_400 },
  ]);
  assert.equal(measured.entry("submit", 500), 100);
  assert.equal(measured.entry("submit", 1_500), 200);
  assert.equal(measured.entry("submit", 9_000), 300);
  assert.equal(measured.response(1_100), 200);
  assert.equal(measured.response(1_700), 150);
});

Deno.test("readLatencyFile reads req/exch/resp rows and names the bad line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const good = `${dir}/good.csv`;
    await Deno.writeTextFile(good, "req_ts,exch_ts,resp_ts\n1000,1200,1500\n2000,2100,2300\n");
    const model = await readLatencyFile(good);
    assert.equal(model.entry("cancel", 1000), 200);
    const bad = `${dir}/bad.csv`;
    await Deno.writeTextFile(bad, "req_ts,exch_ts,resp_ts\n1000,1200,1500\n2000,x,2300\n");
    await assert.rejects(() => readLatencyFile(bad), (error: unknown) => {
      assert.ok(error instanceof DataError);
      assert.match(String(error.message) + JSON.stringify(error.location), /line.*3/);
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
