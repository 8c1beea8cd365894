// The tick venue as a VenuePort: commands without a time are sent at the `now` option, every
// report is an event stamped with venue time and the time we receive it, and a cancel or amend
// the venue cannot carry out comes back as a refusal naming the order.
import assert from "node:assert/strict";
import { decimal } from "../../../../lib/domain/mod.ts";
import type { VenueEvent, VenuePort } from "../../../../lib/broker/mod.ts";
import { constantLatency, TickVenue } from "../../../../lib/venues/mod.ts";
import { request, standardBook, trade, XBT, XBTUSD } from "./_helpers.ts";

function portVenue(now: () => number): { venue: TickVenue; reports: VenueEvent[] } {
  const reports: VenueEvent[] = [];
  const venue = new TickVenue({
    instruments: new Map([[XBT, XBTUSD]]),
    queueModel: { kind: "optimistic" },
    latency: constantLatency({ submit: 1_000, cancel: 1_000, amend: 1_000 }),
    venue: "paper",
    now,
    receivedAt: (ts) => ts + 250,
  }, (report) => reports.push(report));
  return { venue, reports };
}

function summary(reports: readonly VenueEvent[]): string[] {
  return reports.map((r) => {
    switch (r.kind) {
      case "order-update":
        return `${r.ts}/${r.tsRecv} update ${r.order.request.clientOrderId} ${r.order.status}`;
      case "fill":
        return `${r.ts}/${r.tsRecv} fill ${r.fill.clientOrderId} ${r.fill.quantity}@${r.fill.price}`;
      case "alert":
        return `${r.ts}/${r.tsRecv} ${r.code} ${r.symbol} ${r.clientOrderId}: ${r.message}`;
    }
  });
}

Deno.test("TickVenue as a port: send() takes the time from `now`, reports carry venue and receive times", () => {
  let now = 10;
  const { venue, reports } = portVenue(() => now);
  const port: VenuePort = venue;
  assert.equal(port.venue, "paper");
  venue.onMarketData(standardBook(), 1);
  port.send({
    type: "submit",
    request: request({ side: "buy", quantity: 100, price: 100, id: "o" }),
  });
  assert.equal(venue.nextArrival, 1_010);
  venue.processArrivals(1_010);
  venue.onMarketData(trade(2_000, 100, 100, "sell"), 2_000);
  assert.deepEqual(summary(reports), [
    "1010/1260 update o accepted",
    "2000/2250 fill o 100@100",
    "2000/2250 update o filled",
  ]);
  // A cancel of the filled order and an amend of an unknown one are refused, not dropped.
  now = 3_000;
  port.send({ type: "cancel", symbol: XBT, clientOrderId: "o" });
  port.send({ type: "amend", symbol: XBT, clientOrderId: "nope", price: decimal("99") });
  venue.processArrivals(10_000);
  assert.deepEqual(summary(reports).slice(3), [
    `4000/4250 cancel-refused ${XBT} o: cannot cancel o: too late: the order is filled`,
    `4000/4250 amend-refused ${XBT} nope: cannot amend nope: unknown order`,
  ]);
  assert.equal(venue.stats.lateCancels, 1);
  assert.equal(venue.stats.rejectedAmends, 1);
});

Deno.test("TickVenue refuses an amend below the filled quantity and a post-only amend that would cross", () => {
  const { venue, reports } = portVenue(() => 1);
  venue.onMarketData(standardBook(), 1);
  venue.send({
    type: "submit",
    request: request({ side: "buy", quantity: 300, price: 100, id: "p", timeInForce: "post-only" }),
  });
  venue.processArrivals(1_001);
  venue.onMarketData(trade(1_500, 100, 200, "sell"), 1_500);
  venue.send({ type: "amend", symbol: XBT, clientOrderId: "p", quantity: decimal("200") }, 1_600);
  venue.send({ type: "amend", symbol: XBT, clientOrderId: "p", price: decimal("100.2") }, 1_700);
  venue.processArrivals(10_000);
  const refusals = summary(reports).filter((line) => line.includes("refused"));
  assert.deepEqual(refusals, [
    `2600/2850 amend-refused ${XBT} p: cannot amend p: the new quantity is not above the filled one`,
    `2700/2950 amend-refused ${XBT} p: cannot amend p: post-only: the new price would take liquidity`,
  ]);
});
