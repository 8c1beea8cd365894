// Orders that reach the candle venue inside a bar it is matching (or has just matched): a
// bracket attached when an entry fills, stamped with the fill's time, joins the rest of the
// bar's path. Issue 11 item 5; each case failed before (the order waited for the next bar).
import assert from "node:assert/strict";
import { decimal, type Order, type OrderRequest, ZERO } from "../../../../lib/domain/mod.ts";
import { CandleVenue, type CandleVenueOptions } from "../../../../lib/venues/mod.ts";
import { ISSUE11_PERP } from "../../backtest/_issue11_perp.ts";

const M = 60_000_000;
const T0 = 1_700_000_040_000_000 - (1_700_000_040_000_000 % M);
const BTC = ISSUE11_PERP;

function request(
  clientOrderId: string,
  side: "buy" | "sell",
  type: OrderRequest["type"],
  extra: Partial<OrderRequest> = {},
): OrderRequest {
  return {
    clientOrderId,
    symbol: BTC.symbol,
    side,
    type,
    quantity: decimal(1),
    timeInForce: "gtc",
    reduceOnly: false,
    ...extra,
  };
}

/** A venue whose sink keeps the position and calls `onFilled` for each filled order. */
function venueWith(
  onFilled: (venue: CandleVenue, order: Order, ts: number) => void,
  options: Partial<CandleVenueOptions> = {},
): { venue: CandleVenue; lines: string[] } {
  const lines: string[] = [];
  let position = ZERO;
  const venue: CandleVenue = new CandleVenue({
    instruments: new Map([[BTC.symbol, BTC]]),
    positionOf: () => position,
    ...options,
  }, (report) => {
    if (report.kind === "fill") {
      const { fill, ts } = report;
      position = fill.side === "buy" ? position.plus(fill.quantity) : position.minus(fill.quantity);
      lines.push(
        `${(ts - T0) / M} ${fill.clientOrderId} ${fill.side}@${fill.price} ${fill.liquidity}`,
      );
    } else if (report.kind === "order-update" && report.order.status === "filled") {
      onFilled(venue, report.order, report.ts);
    }
  });
  return { venue, lines };
}

Deno.test("a stop sent from the entry's fill handler fills later in the same bar", () => {
  const { venue, lines } = venueWith((v, order, ts) => {
    if (order.request.clientOrderId === "entry") {
      v.submit(
        request("stop", "sell", "stop-market", { triggerPrice: decimal(95), reduceOnly: true }),
        ts,
      );
    }
  });
  venue.submit(request("entry", "buy", "market"), T0 + M);
  venue.onBar(BTC.symbol, T0 + M, M, 100, 100, 90, 92, 1000);
  // Flat at the open, pessimistic walks the adaptive path 100 → 100 → 90 → 92 (the open is at
  // the high): the stop is reached halfway down the second leg, at path time 1.5 = half the bar.
  assert.deepEqual(lines, ["1 entry buy@100 taker", "1.5 stop sell@95 taker"]);
});

Deno.test("a limit sent mid-bar is matched only on the path after its arrival", () => {
  // OHLC path 100 → 110 → 90 → 95. A buy limit at 105 sent when the buy stop at 108 fills
  // (on the way up) cannot use the part before; it fills on the way down at 105, maker.
  const { venue, lines } = venueWith((v, order, ts) => {
    if (order.request.clientOrderId === "breakout") {
      v.submit(request("add", "buy", "limit", { price: decimal(105) }), ts);
    }
  }, { intrabar: "ohlc" });
  venue.submit(request("breakout", "buy", "stop-market", { triggerPrice: decimal(108) }), T0 + M);
  venue.onBar(BTC.symbol, T0 + M, M, 100, 110, 90, 95, 1000);
  assert.equal(lines.length, 2);
  assert.match(lines[0], /breakout buy@108 taker$/);
  assert.match(lines[1], /add buy@105 maker$/);
});

Deno.test("an order sent after the bar was walked, stamped inside it, still joins its rest", () => {
  // Reports processed after onBar returned (a queued inbox): the stop arrives stamped with the
  // entry's fill time and is matched on the rest of that bar at once.
  const fills: string[] = [];
  let position = ZERO;
  let filledAt = Number.NaN;
  const venue = new CandleVenue({
    instruments: new Map([[BTC.symbol, BTC]]),
    positionOf: () => position,
  }, (report) => {
    if (report.kind !== "fill") return;
    const { fill, ts } = report;
    position = fill.side === "buy" ? position.plus(fill.quantity) : position.minus(fill.quantity);
    fills.push(`${fill.clientOrderId} ${fill.side}@${fill.price}`);
    filledAt = ts;
  });
  venue.submit(request("entry", "buy", "market"), T0 + M);
  venue.onBar(BTC.symbol, T0 + M, M, 100, 100, 90, 92, 1000);
  venue.submit(
    request("stop", "sell", "stop-market", { triggerPrice: decimal(95), reduceOnly: true }),
    filledAt,
  );
  assert.deepEqual(fills, ["entry buy@100", "stop sell@95"]);
});

Deno.test("an order sent at the bar's close still waits for the next bar", () => {
  const { venue, lines } = venueWith(() => {});
  venue.onBar(BTC.symbol, T0, M, 100, 101, 99, 100, 1000);
  venue.submit(request("late", "buy", "market"), T0 + M);
  assert.deepEqual(lines, []);
  venue.onBar(BTC.symbol, T0 + M, M, 103, 104, 102, 103, 1000);
  assert.deepEqual(lines, ["1 late buy@103 taker"]);
});

Deno.test("with ms latency a mid-bar order joins after the latency; with a 2-bar latency it waits", () => {
  const stopOnEntry = (v: CandleVenue, order: Order, ts: number): void => {
    if (order.request.clientOrderId === "entry") {
      v.submit(
        request("stop", "sell", "stop-market", { triggerPrice: decimal(95), reduceOnly: true }),
        ts,
      );
    }
  };
  // 20 s of latency in a 60 s bar: the entry, sent 20 s before bar 1, fills at its open; the
  // stop sent then arrives 20 s in (path time 1, still 100 on the OHLC path 100 → 100 → 90 →
  // 92) and triggers at 95 halfway down (path time 1.5).
  const ms = venueWith(stopOnEntry, { latency: { kind: "ms", ms: 20_000 }, intrabar: "ohlc" });
  ms.venue.submit(request("entry", "buy", "market"), T0 + M - 20_000_000);
  ms.venue.onBar(BTC.symbol, T0 + M, M, 100, 100, 90, 92, 1000);
  assert.deepEqual(ms.lines, ["1 entry buy@100 taker", "1.5 stop sell@95 taker"]);

  // Two bars of latency count from a bar close: the stop sent at the entry's fill (bar 2's
  // open) waits until bar 3, which opens through it.
  const bars = venueWith(stopOnEntry, { latency: { kind: "bars", bars: 2 } });
  bars.venue.submit(request("entry", "buy", "market"), T0 + M);
  bars.venue.onBar(BTC.symbol, T0 + M, M, 100, 100, 90, 92, 1000);
  assert.deepEqual(bars.lines, []);
  bars.venue.onBar(BTC.symbol, T0 + 2 * M, M, 92, 93, 91, 92, 1000);
  bars.venue.onBar(BTC.symbol, T0 + 3 * M, M, 92, 93, 91, 92, 1000);
  assert.deepEqual(bars.lines, ["2 entry buy@92 taker", "3 stop sell@92 taker"]);
});
