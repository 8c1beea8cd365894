// The candle venue as a VenuePort: send() submits and cancels at the `now` option's time, it
// declares that it cannot amend (and refuses an amend sent anyway), and every report is an
// event stamped with the simulated time it happens.
import assert from "node:assert/strict";
import { decimal, makeInstrument, ZERO } from "../../../../lib/domain/mod.ts";
import type { VenueEvent, VenuePort } from "../../../../lib/broker/mod.ts";
import { CandleVenue } from "../../../../lib/venues/mod.ts";

const M = 60_000_000;
const BTC = makeInstrument({
  symbol: "bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
  takerFee: "0.0006",
});

Deno.test("CandleVenue as a port: commands at the session's time, reports as timed events, no amend", () => {
  let now = M;
  const reports: VenueEvent[] = [];
  const venue = new CandleVenue({
    instruments: new Map([[BTC.symbol, BTC]]),
    positionOf: () => ZERO,
    now: () => now,
  }, (report) => reports.push(report));
  const port: VenuePort = venue;
  assert.equal(port.venue, "sim");
  assert.deepEqual(port.capabilities, { amend: false });
  const request = {
    clientOrderId: "c-1",
    symbol: BTC.symbol,
    side: "buy" as const,
    type: "market" as const,
    quantity: decimal("0.01"),
    timeInForce: "ioc" as const,
    reduceOnly: false,
  };
  port.send({ type: "submit", request });
  // Sent at the close of bar 0: it meets bar 1, not bar 0.
  venue.onBar(BTC.symbol, 0, M, 100, 101, 99, 100, 10);
  assert.equal(reports.length, 0);
  venue.onBar(BTC.symbol, M, M, 100, 101, 99, 100.5, 10);
  assert.deepEqual(
    reports.map((r) =>
      r.kind === "fill"
        ? `${r.ts}/${r.tsRecv} fill ${r.fill.quantity}@${r.fill.price}`
        : r.kind === "order-update"
        ? `${r.ts}/${r.tsRecv} ${r.order.status}`
        : r.code
    ),
    [`${M}/${M} accepted`, `${M}/${M} fill 0.01@100`, `${M}/${M} filled`],
  );
  now = 2 * M;
  port.send({ type: "amend", symbol: BTC.symbol, clientOrderId: "c-1", price: decimal("99") });
  const last = reports[reports.length - 1];
  assert.equal(last.kind, "alert");
  if (last.kind !== "alert") return;
  assert.deepEqual(
    [last.ts, last.code, last.severity, last.symbol, last.clientOrderId, last.message],
    [
      2 * M,
      "amend-refused",
      "warning",
      BTC.symbol,
      "c-1",
      "c-1: amend is not simulated in candle mode",
    ],
  );
});
