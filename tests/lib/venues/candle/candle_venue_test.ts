import assert from "node:assert/strict";
import {
  type Decimal,
  decimal,
  type Fill,
  makeInstrument,
  type Order,
  type OrderRequest,
  type SymbolId,
  ZERO,
} from "../../../../lib/domain/mod.ts";
import { CandleVenue, type CandleVenueOptions } from "../../../../lib/venues/mod.ts";

const M = 60_000_000; // one 1m bar in µs
const T0 = 1_700_000_040_000_000 - (1_700_000_040_000_000 % M);

const BTC = makeInstrument({
  symbol: "bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
  makerFee: "0.0002",
  takerFee: "0.0006",
});

const INVERSE = makeInstrument({
  symbol: "bitmex:XBTUSD",
  kind: "inverse",
  base: "XBT",
  quote: "USD",
  tickSize: "0.5",
  lotSize: "1",
  multiplier: "1",
  makerFee: "-0.00025",
  takerFee: "0.00075",
});

/** Records the venue's output as compact lines and keeps a position from the fills. */
class Recorder {
  readonly lines: string[] = [];
  readonly orders: Order[] = [];
  readonly fills: Fill[] = [];
  readonly positions = new Map<SymbolId, Decimal>();

  orderUpdate(order: Order, ts: number): void {
    this.orders.push(order);
    const reason = order.reason === undefined ? "" : ` (${order.reason})`;
    const avg = order.averagePrice === undefined ? "" : ` avg=${order.averagePrice}`;
    this.lines.push(
      `t${at(ts)} ${order.id} ${order.status} filled=${order.filledQuantity}${avg}${reason}`,
    );
  }

  fill(fill: Fill, ts: number): void {
    this.fills.push(fill);
    const sign = fill.side === "buy" ? fill.quantity : fill.quantity.neg();
    this.positions.set(fill.symbol, this.position(fill.symbol).plus(sign));
    this.lines.push(
      `t${at(ts)} ${fill.tradeId} ${fill.orderId} ${fill.side} ${fill.quantity}@${fill.price} ` +
        `fee=${fill.fee} ${fill.feeCurrency} ${fill.liquidity}`,
    );
  }

  position(symbol: SymbolId): Decimal {
    return this.positions.get(symbol) ?? ZERO;
  }

  take(): string[] {
    return this.lines.splice(0);
  }
}

function at(ts: number): string {
  const bars = (ts - T0) / M;
  return Number.isInteger(bars) ? String(bars) : bars.toFixed(3);
}

function setup(
  options: Partial<Omit<CandleVenueOptions, "positionOf">> = {},
): { venue: CandleVenue; rec: Recorder } {
  const rec = new Recorder();
  const venue = new CandleVenue(
    {
      instruments: new Map([[BTC.symbol, BTC], [INVERSE.symbol, INVERSE]]),
      positionOf: (symbol) => rec.position(symbol),
      ...options,
    },
    (report) => {
      if (report.kind === "fill") rec.fill(report.fill, report.ts);
      else if (report.kind === "order-update") rec.orderUpdate(report.order, report.ts);
    },
  );
  return { venue, rec };
}

let nextId = 1;
function order(
  side: "buy" | "sell",
  type: OrderRequest["type"],
  quantity: string,
  extra: Partial<OrderRequest> & { price?: Decimal; triggerPrice?: Decimal } = {},
): OrderRequest {
  return {
    clientOrderId: `c-${nextId++}`,
    symbol: BTC.symbol,
    side,
    type,
    quantity: decimal(quantity),
    timeInForce: "gtc",
    reduceOnly: false,
    ...extra,
  };
}

const px = decimal;

/** Feeds bar `i` (openTime T0 + i·M) of BTC. */
function bar(
  venue: CandleVenue,
  i: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume = 1000,
  symbol: SymbolId = BTC.symbol,
): void {
  venue.onBar(symbol, T0 + i * M, M, open, high, low, close, volume);
}

/** Submits at the close of bar 0 (= open of bar 1). */
const CLOSE0 = T0 + M;

Deno.test("market order fills at the next bar's open with taker fee, never on the submit bar", () => {
  const { venue, rec } = setup();
  bar(venue, 0, 99, 101, 98, 100);
  venue.submit(order("buy", "market", "0.01"), CLOSE0);
  assert.deepEqual(rec.take(), []);
  bar(venue, 1, 100, 102, 99.5, 101);
  assert.deepEqual(rec.take(), [
    "t1 o-1 accepted filled=0",
    "t1 sim-1 o-1 buy 0.01@100 fee=0.0006 USDT taker",
    "t1 o-1 filled filled=0.01 avg=100",
  ]);
  assert.equal(venue.openOrders().length, 0);
});

Deno.test("market slippage moves buys up and sells down, then rounds to the tick against us", () => {
  const { venue, rec } = setup({ slippageBps: 5 });
  venue.submit(order("buy", "market", "0.01"), CLOSE0);
  venue.submit(order("sell", "market", "0.01"), CLOSE0);
  bar(venue, 1, 100.3, 101, 99, 100);
  // 100.3 × 1.0005 = 100.35015 → 100.4; 100.3 × 0.9995 = 100.24985 → 100.2
  assert.deepEqual(rec.fills.map((f) => `${f.side} ${f.price} ${f.fee}`), [
    "buy 100.4 0.0006024",
    "sell 100.2 0.0006012",
  ]);
});

Deno.test("latency of 2 bars skips a bar; ms latency activates at the first bar at or after it", () => {
  const twoBars = setup({ latency: { kind: "bars", bars: 2 } });
  twoBars.venue.submit(order("buy", "market", "0.01"), CLOSE0);
  bar(twoBars.venue, 1, 100, 101, 99, 100);
  assert.deepEqual(twoBars.rec.take(), []);
  bar(twoBars.venue, 2, 105, 106, 104, 105);
  assert.deepEqual(twoBars.rec.take().slice(0, 2), [
    "t2 o-1 accepted filled=0",
    "t2 sim-1 o-1 buy 0.01@105 fee=0.00063 USDT taker",
  ]);

  const ms = setup({ latency: { kind: "ms", ms: 90_000 } }); // 1.5 bars
  ms.venue.submit(order("sell", "market", "0.01"), CLOSE0);
  bar(ms.venue, 1, 100, 101, 99, 100);
  bar(ms.venue, 2, 101, 101, 99, 100);
  assert.deepEqual(ms.rec.take(), []);
  bar(ms.venue, 3, 102, 103, 101, 102);
  assert.deepEqual(ms.rec.take().slice(0, 2), [
    "t3 o-1 accepted filled=0",
    "t3 sim-1 o-1 sell 0.01@102 fee=0.000612 USDT taker",
  ]);
});

Deno.test("limit: strict cross needs low below the limit; touch fills at low == limit (maker)", () => {
  const strict = setup();
  strict.venue.submit(order("buy", "limit", "0.01", { price: px("99") }), CLOSE0);
  bar(strict.venue, 1, 100, 101, 99, 100);
  assert.deepEqual(strict.rec.take(), ["t1 o-1 accepted filled=0"]);
  bar(strict.venue, 2, 100, 101, 98.9, 100);
  assert.deepEqual(strict.rec.take(), [
    "t2.651 sim-1 o-1 buy 0.01@99 fee=0.000198 USDT maker",
    "t2.651 o-1 filled filled=0.01 avg=99",
  ]);

  const touch = setup({ limitFill: "touch" });
  touch.venue.submit(order("sell", "limit", "0.01", { price: px("101") }), CLOSE0);
  bar(touch.venue, 1, 100, 101, 99, 100);
  assert.deepEqual(touch.rec.take(), [
    "t1 o-1 accepted filled=0",
    "t1.667 sim-1 o-1 sell 0.01@101 fee=0.000202 USDT maker",
    "t1.667 o-1 filled filled=0.01 avg=101",
  ]);
});

Deno.test("limit: marketable on arrival fills at the open as taker; a resting limit gapped through fills at the open as maker", () => {
  const { venue, rec } = setup();
  venue.submit(order("buy", "limit", "0.01", { price: px("101") }), CLOSE0);
  venue.submit(order("buy", "limit", "0.01", { price: px("95") }), CLOSE0);
  bar(venue, 1, 100, 100.5, 99.5, 100);
  assert.deepEqual(rec.take(), [
    "t1 o-1 accepted filled=0",
    "t1 o-2 accepted filled=0",
    "t1 sim-1 o-1 buy 0.01@100 fee=0.0006 USDT taker",
    "t1 o-1 filled filled=0.01 avg=100",
  ]);
  bar(venue, 2, 94, 94.5, 93, 94);
  assert.deepEqual(rec.take(), [
    "t2 sim-2 o-2 buy 0.01@94 fee=0.000188 USDT maker",
    "t2 o-2 filled filled=0.01 avg=94",
  ]);
});

Deno.test("post-only is rejected when marketable on arrival and accepted otherwise", () => {
  const { venue, rec } = setup();
  venue.submit(
    order("sell", "limit", "0.01", { price: px("99"), timeInForce: "post-only" }),
    CLOSE0,
  );
  venue.submit(
    order("sell", "limit", "0.01", { price: px("102"), timeInForce: "post-only" }),
    CLOSE0,
  );
  bar(venue, 1, 100, 101, 99, 100);
  assert.deepEqual(rec.take(), [
    "t1 o-1 rejected filled=0 (post-only: limit 99 would take liquidity at the open 100)",
    "t1 o-2 accepted filled=0",
  ]);
  assert.equal(venue.rejected, 1);
});

Deno.test("IOC fills what the arrival bar allows and expires the rest; FOK is all or nothing", () => {
  const { venue, rec } = setup({ maxVolumeParticipation: 0.1 });
  // 10% of 0.05 = 0.005 per bar.
  venue.submit(order("buy", "limit", "0.01", { price: px("101"), timeInForce: "ioc" }), CLOSE0);
  bar(venue, 1, 100, 101, 99, 100, 0.05);
  assert.deepEqual(rec.take(), [
    "t1 o-1 accepted filled=0",
    "t1 sim-1 o-1 buy 0.005@100 fee=0.0003 USDT taker",
    "t1 o-1 partially-filled filled=0.005 avg=100",
    "t1 o-1 expired filled=0.005 avg=100 (ioc: unfilled quantity expired)",
  ]);
  venue.submit(order("buy", "limit", "0.01", { price: px("101"), timeInForce: "fok" }), T0 + 2 * M);
  bar(venue, 2, 100, 101, 99, 100, 0.05);
  assert.deepEqual(rec.take(), [
    "t2 o-2 accepted filled=0",
    "t2 o-2 expired filled=0 (fok: cannot fill the whole quantity)",
  ]);
  venue.submit(order("buy", "limit", "0.01", { price: px("101"), timeInForce: "fok" }), T0 + 3 * M);
  bar(venue, 3, 100, 101, 99, 100, 1);
  assert.deepEqual(rec.take(), [
    "t3 o-3 accepted filled=0",
    "t3 sim-2 o-3 buy 0.01@100 fee=0.0006 USDT taker",
    "t3 o-3 filled filled=0.01 avg=100",
  ]);
  // Not marketable at the open: an IOC never rests, even if the bar later trades through.
  venue.submit(order("buy", "limit", "0.01", { price: px("99"), timeInForce: "ioc" }), T0 + 4 * M);
  bar(venue, 4, 100, 101, 98, 100, 1);
  assert.deepEqual(rec.take(), [
    "t4 o-4 accepted filled=0",
    "t4 o-4 expired filled=0 (ioc: unfilled quantity expired)",
  ]);
});

Deno.test("volume cap fills at most p × volume (lot-rounded) per bar; the rest keeps working", () => {
  const { venue, rec } = setup({ maxVolumeParticipation: 0.1 });
  venue.submit(order("buy", "limit", "0.01", { price: px("99") }), CLOSE0);
  bar(venue, 1, 100, 101, 98, 100, 0.0459); // 0.00459 → 0.004
  bar(venue, 2, 100, 101, 99.5, 100, 1); // no cross
  bar(venue, 3, 100, 101, 98, 100, 0.03); // 0.003
  bar(venue, 4, 98.5, 101, 98, 100, 1); // gapped through: the rest at the open
  assert.deepEqual(rec.take(), [
    "t1 o-1 accepted filled=0",
    "t1.556 sim-1 o-1 buy 0.004@99 fee=0.0000792 USDT maker",
    "t1.556 o-1 partially-filled filled=0.004 avg=99",
    "t3.167 sim-2 o-1 buy 0.003@99 fee=0.0000594 USDT maker",
    "t3.167 o-1 partially-filled filled=0.007 avg=99",
    "t4 sim-3 o-1 buy 0.003@98.5 fee=0.0000591 USDT maker",
    "t4 o-1 filled filled=0.01 avg=98.85",
  ]);
});

Deno.test("stops: a gap through fills at the open, a move through at the trigger ± slippage", () => {
  const { venue, rec } = setup({ slippageBps: 10 });
  venue.submit(order("buy", "stop-market", "0.01", { triggerPrice: px("105") }), CLOSE0);
  venue.submit(order("sell", "stop-market", "0.01", { triggerPrice: px("95") }), CLOSE0);
  bar(venue, 1, 100, 104, 96, 100);
  assert.deepEqual(rec.take(), ["t1 o-1 accepted filled=0", "t1 o-2 accepted filled=0"]);
  bar(venue, 2, 106, 107, 104, 106); // buy stop gapped: 106 × 1.001 = 106.106 → 106.2
  bar(venue, 3, 100, 101, 94, 96); // sell stop moved through: 95 × 0.999 = 94.905 → 94.9
  assert.deepEqual(rec.take(), [
    "t2 sim-1 o-1 buy 0.01@106.2 fee=0.0006372 USDT taker",
    "t2 o-1 filled filled=0.01 avg=106.2",
    "t3.278 sim-2 o-2 sell 0.01@94.9 fee=0.0005694 USDT taker",
    "t3.278 o-2 filled filled=0.01 avg=94.9",
  ]);
});

Deno.test("stop-limit fills later in the trigger bar only if the path after the trigger crosses", () => {
  // Buy stop 105, limit 104: triggered on the way up, fills when the price comes back below 104.
  const ohlc = setup({ intrabar: "ohlc" });
  ohlc.venue.submit(
    order("buy", "stop-limit", "0.01", { triggerPrice: px("105"), price: px("104") }),
    CLOSE0,
  );
  bar(ohlc.venue, 1, 100, 106, 99, 103); // O→H (trigger) →L (crosses 104) → same bar
  assert.deepEqual(ohlc.rec.take(), [
    "t1 o-1 accepted filled=0",
    "t1.429 sim-1 o-1 buy 0.01@104 fee=0.000208 USDT maker",
    "t1.429 o-1 filled filled=0.01 avg=104",
  ]);
  // Pessimistic: the high comes last for a buy stop; after it, H→C never drops below 104.
  const pess = setup();
  pess.venue.submit(
    order("buy", "stop-limit", "0.01", { triggerPrice: px("105"), price: px("104") }),
    CLOSE0,
  );
  bar(pess.venue, 1, 100, 106, 99, 105);
  assert.deepEqual(pess.rec.take(), ["t1 o-1 accepted filled=0"]);
  bar(pess.venue, 2, 105, 105.5, 103.5, 104);
  assert.deepEqual(pess.rec.take(), [
    "t2.583 sim-1 o-1 buy 0.01@104 fee=0.000208 USDT maker",
    "t2.583 o-1 filled filled=0.01 avg=104",
  ]);
  // Limit above the trigger: marketable at the trigger, fills there as taker.
  const taker = setup();
  taker.venue.submit(
    order("buy", "stop-limit", "0.01", { triggerPrice: px("105"), price: px("106") }),
    CLOSE0,
  );
  bar(taker.venue, 1, 100, 107, 99, 105);
  assert.deepEqual(taker.rec.take().slice(1), [
    "t1.583 sim-1 o-1 buy 0.01@105 fee=0.00063 USDT taker",
    "t1.583 o-1 filled filled=0.01 avg=105",
  ]);
});

function bracket(venue: CandleVenue, rec: Recorder): void {
  // Long 0.01 opened at bar 1, then a TP at 110 and an SL at 95 in one OCO group.
  venue.submit(order("buy", "market", "0.01"), CLOSE0);
  bar(venue, 1, 100, 101, 99, 100);
  const oco = { groupId: "oco:1", reduceOnly: true };
  venue.submit(order("sell", "limit", "0.01", { price: px("110"), ...oco }), T0 + 2 * M);
  venue.submit(
    order("sell", "stop-market", "0.01", { triggerPrice: px("95"), ...oco }),
    T0 + 2 * M,
  );
  bar(venue, 2, 100, 101, 99, 100);
  rec.take();
}

Deno.test("OCO: both legs in one bar — pessimistic takes the stop-loss and counts the bar", () => {
  const { venue, rec } = setup();
  bracket(venue, rec);
  bar(venue, 3, 100, 111, 94, 105); // open nearer the high: an OHLC walk would hit the TP first
  assert.deepEqual(rec.take(), [
    "t3.278 sim-2 o-3 sell 0.01@95 fee=0.00057 USDT taker",
    "t3.278 o-3 filled filled=0.01 avg=95",
    "t3.278 o-2 canceled filled=0 (oco)",
  ]);
  assert.equal(venue.ambiguousBars, 1);
  assert.equal(rec.position(BTC.symbol).toString(), "0");
});

Deno.test("OCO: ohlc walks the high first (TP); adaptive follows the nearer extreme", () => {
  const ohlc = setup({ intrabar: "ohlc" });
  bracket(ohlc.venue, ohlc.rec);
  bar(ohlc.venue, 3, 100, 111, 94, 105);
  const ohlcLines = ohlc.rec.take();
  assert.match(ohlcLines[0], /sell 0\.01@110 fee=0\.00022 USDT maker$/);
  assert.match(ohlcLines[2], /canceled filled=0 \(oco\)$/);
  assert.equal(ohlc.venue.ambiguousBars, 1);

  const adaptive = setup({ intrabar: "adaptive" });
  bracket(adaptive.venue, adaptive.rec);
  bar(adaptive.venue, 3, 100, 111, 94, 105); // open 100: 11 to the high, 6 to the low → low first
  assert.match(adaptive.rec.take()[0], /sell 0\.01@95 fee=0\.00057 USDT taker$/);
  bar(adaptive.venue, 4, 100, 101, 99, 100);
  assert.equal(adaptive.venue.ambiguousBars, 1);

  const adaptiveHigh = setup({ intrabar: "adaptive" });
  bracket(adaptiveHigh.venue, adaptiveHigh.rec);
  bar(adaptiveHigh.venue, 3, 105, 111, 94, 105); // 6 to the high, 11 to the low → high first
  assert.match(adaptiveHigh.rec.take()[0], /sell 0\.01@110 fee=0\.00022 USDT maker$/);
  assert.equal(adaptiveHigh.venue.ambiguousBars, 1);
});

Deno.test("OCO: one leg alone fills without counting an ambiguous bar", () => {
  const { venue, rec } = setup();
  bracket(venue, rec);
  bar(venue, 3, 100, 111, 99, 105);
  const lines = rec.take();
  assert.equal(lines.length, 3);
  assert.match(lines[0], /sell 0\.01@110/);
  assert.equal(venue.ambiguousBars, 0);
  assert.equal(venue.openOrders().length, 0);
});

Deno.test("reduce-only is capped at the position and canceled when there is nothing to reduce", () => {
  const { venue, rec } = setup();
  venue.submit(order("buy", "market", "0.004"), CLOSE0);
  const capped = order("sell", "market", "0.01", { reduceOnly: true });
  venue.submit(capped, T0 + 2 * M);
  bar(venue, 1, 100, 101, 99, 100);
  rec.take();
  bar(venue, 2, 100, 101, 99, 100);
  assert.deepEqual(rec.take(), [
    "t2 o-2 accepted filled=0",
    "t2 sim-2 o-2 sell 0.004@100 fee=0.00024 USDT taker",
    "t2 o-2 filled filled=0.004 avg=100",
  ]);
  assert.equal(rec.orders.at(-1)?.request.quantity.toString(), "0.004");
  venue.submit(order("sell", "market", "0.01", { reduceOnly: true }), T0 + 3 * M);
  venue.submit(order("buy", "limit", "0.01", { price: px("99"), reduceOnly: true }), T0 + 3 * M);
  bar(venue, 3, 100, 101, 98, 100);
  assert.deepEqual(rec.take(), [
    "t3 o-3 accepted filled=0",
    "t3 o-4 accepted filled=0",
    "t3 o-3 canceled filled=0 (reduce-only: no position to reduce)",
    "t3.556 o-4 canceled filled=0 (reduce-only: no position to reduce)",
  ]);
});

Deno.test("reduce-only caps use the bar's own fills even when the sink applies fills later", () => {
  const rec = new Recorder();
  const deferred: Fill[] = [];
  let position = decimal("0.01");
  const venue = new CandleVenue({
    instruments: new Map([[BTC.symbol, BTC]]),
    positionOf: () => position,
  }, (report) => {
    if (report.kind === "order-update") rec.orderUpdate(report.order, report.ts);
    else if (report.kind === "fill") deferred.push(report.fill);
  });
  venue.submit(order("sell", "limit", "0.01", { price: px("101"), reduceOnly: true }), CLOSE0);
  venue.submit(order("sell", "limit", "0.01", { price: px("102"), reduceOnly: true }), CLOSE0);
  bar(venue, 1, 100, 103, 99, 100);
  for (const fill of deferred) position = position.minus(fill.quantity);
  assert.deepEqual(rec.take(), [
    "t1 o-1 accepted filled=0",
    "t1 o-2 accepted filled=0",
    "t1.500 o-1 filled filled=0.01 avg=101",
    "t1.583 o-2 canceled filled=0 (reduce-only: no position to reduce)",
  ]);
  assert.equal(position.toString(), "0");
});

Deno.test("cancel before arrival never reaches the book; after arrival it lands on the next bar", () => {
  const { venue, rec } = setup();
  const early = order("buy", "limit", "0.01", { price: px("99") });
  venue.submit(early, CLOSE0);
  venue.cancel(BTC.symbol, early.clientOrderId, CLOSE0);
  const late = order("buy", "limit", "0.01", { price: px("99") });
  venue.submit(late, CLOSE0);
  assert.equal(venue.openOrders(BTC.symbol).length, 2);
  bar(venue, 1, 100, 101, 99.5, 100);
  venue.cancel(BTC.symbol, late.clientOrderId, T0 + 2 * M);
  venue.cancel(BTC.symbol, "nope", T0 + 2 * M); // ignored
  bar(venue, 2, 100, 101, 98, 100); // would have filled: the cancel lands first
  assert.deepEqual(rec.take(), [
    "t1 o-1 canceled filled=0 (canceled)",
    "t1 o-2 accepted filled=0",
    "t2 o-2 canceled filled=0 (canceled)",
  ]);
  venue.cancel(BTC.symbol, late.clientOrderId, T0 + 3 * M); // finished: ignored
  bar(venue, 3, 100, 101, 98, 100);
  assert.deepEqual(rec.take(), []);
  assert.equal(venue.rejected, 0);
  assert.deepEqual(venue.openOrders(), []);
});

Deno.test("liquidation cancels the symbol's orders and closes the position at the price, taker", () => {
  const { venue, rec } = setup();
  venue.submit(order("sell", "market", "0.02"), CLOSE0);
  bar(venue, 1, 100, 101, 99, 100);
  venue.submit(order("buy", "limit", "0.02", { price: px("90") }), T0 + 2 * M);
  bar(venue, 2, 100, 101, 99, 100);
  rec.take();
  venue.liquidate(BTC.symbol, 120.04, T0 + 2.5 * M);
  assert.deepEqual(rec.take(), [
    "t2.500 o-2 canceled filled=0 (liquidation)",
    "t2.500 sim-2 o-3 buy 0.02@120.1 fee=0.0014412 USDT taker",
    "t2.500 o-3 filled filled=0.02 avg=120.1 (liquidation)",
  ]);
  assert.equal(rec.position(BTC.symbol).toString(), "0");
});

Deno.test("fee overrides: a negative maker rate is a rebate; inverse fees are in the base", () => {
  const { venue, rec } = setup({ makerFeeRate: px("-0.0001"), takerFeeRate: px("0.001") });
  venue.submit(order("buy", "limit", "0.01", { price: px("99") }), CLOSE0);
  venue.submit(order("buy", "market", "0.01"), CLOSE0);
  bar(venue, 1, 100, 101, 98, 100);
  assert.deepEqual(rec.fills.map((f) => `${f.liquidity} ${f.fee}`), [
    "taker 0.001",
    "maker -0.000099",
  ]);

  const inverse = setup();
  inverse.venue.submit(
    { ...order("sell", "limit", "100", { price: px("50000") }), symbol: INVERSE.symbol },
    CLOSE0,
  );
  inverse.venue.submit(
    { ...order("buy", "market", "100"), symbol: INVERSE.symbol },
    CLOSE0,
  );
  bar(inverse.venue, 1, 40000, 50001, 39000, 45000, 1e6, INVERSE.symbol);
  assert.deepEqual(inverse.rec.fills.map((f) => `${f.price} ${f.fee} ${f.feeCurrency}`), [
    "40000 0.000001875 XBT", // 100 / 40000 × 0.00075
    "50000 -0.0000005 XBT", // 100 / 50000 × −0.00025 (rebate)
  ]);
});

Deno.test("unknown symbols and off-grid orders are rejected with a reason", () => {
  const { venue, rec } = setup();
  venue.submit({ ...order("buy", "market", "1"), symbol: "bybit:NOPE" }, CLOSE0);
  venue.submit(order("buy", "limit", "0.0105", { price: px("99.05") }), CLOSE0);
  bar(venue, 1, 100, 101, 99, 100);
  const lines = rec.take();
  assert.match(lines[0], /^t1 o-\d+ rejected filled=0 \(unknown symbol bybit:NOPE\)$/);
  assert.match(lines[1], /rejected .*not a multiple of the lot size.*not a multiple of the tick/);
  assert.equal(venue.rejected, 2);
});

Deno.test("onBar ignores symbols without working orders and resting orders out of range", () => {
  const { venue, rec } = setup();
  bar(venue, 1, 100, 101, 99, 100);
  venue.submit(order("buy", "limit", "0.01", { price: px("90") }), CLOSE0);
  for (let i = 1; i < 5; i++) bar(venue, i, 100, 101, 99, 100);
  assert.deepEqual(rec.take().length, 1);
  assert.equal(venue.openOrders()[0].status, "accepted");
});
