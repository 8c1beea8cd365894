// A market order's minimum notional is checked at the open it arrives at: exactly at the
// minimum it passes, a hair below it is rejected with the numbers, for linear and inverse.
import assert from "node:assert/strict";
import { decimal, type Order, ZERO } from "../../../../lib/domain/mod.ts";
import { CandleVenue } from "../../../../lib/venues/mod.ts";

const M = 60_000_000;
const T0 = 1_700_000_040_000_000 - (1_700_000_040_000_000 % M);

import {
  MIN_NOTIONAL_INVERSE as INVERSE,
  MIN_NOTIONAL_LINEAR as LINEAR,
} from "../../_min_notional_instruments.ts";

// The status (and reason) of one market buy of `quantity` arriving at the open `open`.
function arrival(
  instrument: typeof LINEAR,
  quantity: string,
  open: number,
): string {
  const updates: Order[] = [];
  const venue = new CandleVenue(
    { instruments: new Map([[instrument.symbol, instrument]]), positionOf: () => ZERO },
    (report) => {
      if (report.kind === "order-update") updates.push(report.order);
    },
  );
  venue.submit({
    clientOrderId: "c-1",
    symbol: instrument.symbol,
    side: "buy",
    type: "market",
    quantity: decimal(quantity),
    timeInForce: "ioc",
    reduceOnly: false,
  }, T0);
  venue.onBar(instrument.symbol, T0 + M, M, open, open + 1, open - 1, open, 1_000);
  const first = updates[0];
  return first.reason === undefined ? first.status : `${first.status}: ${first.reason}`;
}

Deno.test("candle venue: a market order exactly at the minimum notional at its arrival open is accepted", () => {
  assert.equal(arrival(LINEAR, "0.05", 100), "accepted"); // 0.05 × 100 = 5
  assert.equal(arrival(LINEAR, "0.001", 5000), "accepted"); // 0.001 × 5000 = 5
  assert.equal(arrival(INVERSE, "10", 50_000), "accepted"); // 10 / 50,000 = 0.0002
});

Deno.test("candle venue: a market order below the minimum notional at its arrival open is rejected with the notional", () => {
  assert.equal(
    arrival(LINEAR, "0.05", 99.9),
    "rejected: bybit:BTCUSDT: notional 4.995 USDT is below the minimum 5",
  );
  // Far below: the same rule, the same message form.
  assert.equal(
    arrival(LINEAR, "0.001", 100),
    "rejected: bybit:BTCUSDT: notional 0.1 USDT is below the minimum 5",
  );
  assert.equal(
    arrival(INVERSE, "10", 50_000.5),
    "rejected: bitmex:XBTUSD: notional 0.000199998000019999800001999980000199998 XBT is below the minimum 0.0002",
  );
});
