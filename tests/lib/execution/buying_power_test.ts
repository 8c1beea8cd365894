import assert from "node:assert/strict";
import {
  decimal,
  type Instrument,
  makeInstrument,
  type OrderRequest,
  type OrderType,
} from "../../../lib/domain/mod.ts";
import {
  type BuyingPowerContext,
  checkBuyingPower,
  reservationPrice,
  reserved,
  type WorkingExposure,
} from "../../../lib/execution/mod.ts";
import { BTC as PERP } from "./_oms_harness.ts";

const SPOT = makeInstrument({
  symbol: "binance:BTCUSDT",
  kind: "spot",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.01",
  lotSize: "0.0001",
});

function order(
  symbol: string,
  side: "buy" | "sell",
  quantity: string,
  extra: { type?: OrderType; price?: string; trigger?: string; reduceOnly?: boolean } = {},
): OrderRequest {
  return {
    clientOrderId: `x-${side}-${quantity}`,
    symbol,
    side,
    type: extra.type ?? "market",
    quantity: decimal(quantity),
    ...(extra.price === undefined ? {} : { price: decimal(extra.price) }),
    ...(extra.trigger === undefined ? {} : { triggerPrice: decimal(extra.trigger) }),
    timeInForce: "gtc",
    reduceOnly: extra.reduceOnly ?? false,
  };
}

function context(
  free: (currency: string) => number,
  options: {
    position?: number;
    leverage?: number;
    last?: number;
    slippageBps?: number;
    fee?: number;
  } = {},
): BuyingPowerContext {
  const instruments = new Map<string, Instrument>([[PERP.symbol, PERP], [SPOT.symbol, SPOT]]);
  return {
    instrument: (symbol) => instruments.get(symbol),
    position: () => options.position ?? 0,
    leverage: () => options.leverage ?? 1,
    lastPrice: () => options.last ?? 50_000,
    free,
    slippageBps: options.slippageBps ?? 0,
    takerFeeRate: () => options.fee ?? 0,
  };
}

const working = (...requests: OrderRequest[]): WorkingExposure[] =>
  requests.map((request) => ({ request, remaining: request.quantity.toNumber() }));

Deno.test("checkBuyingPower refuses perp exposure whose initial margin exceeds the free margin, with its numbers", () => {
  const ctx = context(() => 1_000, { leverage: 10 });
  // 0.1 BTC × 50,000 = 5,000 notional at 10× = 500 margin: fits.
  assert.equal(checkBuyingPower(order(PERP.symbol, "buy", "0.1"), [], ctx), undefined);
  assert.deepEqual(checkBuyingPower(order(PERP.symbol, "buy", "0.3"), [], ctx), {
    rule: "insufficient-margin",
    message: "bybit:BTCUSDT: order needs 1500 USDT of initial margin and fee at 50000, 1000 free",
    // No client id: the check runs before an order gets one (issue 19).
    symbol: PERP.symbol,
    limit: 1_000,
    requested: 1_500,
    current: 0,
  });
});

Deno.test("checkBuyingPower charges a reversal only for the part that opens; reducing orders always pass", () => {
  // Long 0.2, sell 0.3: 0.2 closes, 0.1 opens → 5,000 notional at 5× = 1,000 margin.
  const at = (free: number) => context(() => free, { position: 0.2, leverage: 5 });
  assert.equal(checkBuyingPower(order(PERP.symbol, "sell", "0.3"), [], at(1_000)), undefined);
  assert.equal(
    checkBuyingPower(order(PERP.symbol, "sell", "0.3"), [], at(999))?.rule,
    "insufficient-margin",
  );
  assert.equal(checkBuyingPower(order(PERP.symbol, "sell", "0.2"), [], at(-5)), undefined);
  assert.equal(
    checkBuyingPower(order(PERP.symbol, "buy", "1", { reduceOnly: true }), [], at(-5)),
    undefined,
  );
});

Deno.test("checkBuyingPower keeps spot buys within the quote balance and sells within the base", () => {
  const ctx = context((currency) => (currency === "USDT" ? 1_000 : 0.01));
  assert.equal(checkBuyingPower(order(SPOT.symbol, "buy", "0.02"), [], ctx), undefined);
  assert.equal(
    checkBuyingPower(order(SPOT.symbol, "buy", "0.03"), [], ctx)?.message,
    "binance:BTCUSDT: buy needs 1500 USDT at 50000, 1000 available",
  );
  assert.equal(checkBuyingPower(order(SPOT.symbol, "sell", "0.01"), [], ctx), undefined);
  assert.equal(
    checkBuyingPower(order(SPOT.symbol, "sell", "0.0101"), [], ctx)?.rule,
    "insufficient-balance",
  );
});

Deno.test("working spot buys reserve cash: a second buy that the first already spent is refused", () => {
  // 10,000 USDT, last close 100: two market buys of 60 (6,000 each).
  const ctx = context(() => 10_000, { last: 100 });
  const first = order(SPOT.symbol, "buy", "60");
  assert.equal(checkBuyingPower(first, [], ctx), undefined);
  const refused = checkBuyingPower(order(SPOT.symbol, "buy", "60"), working(first), ctx);
  assert.equal(refused?.rule, "insufficient-balance");
  assert.equal(refused?.requested, 6_000);
  assert.equal(refused?.current, 6_000);
  assert.equal(refused?.limit, 10_000);
  assert.match(refused?.message ?? "", /6000 reserved by working orders, 10000 available/);
});

Deno.test("the check prices a market order at the last close moved against it by the slippage, plus the taker fee", () => {
  // Buy 1 at 100 with 50 bps slippage and a 0.1% taker fee: 100.5 × 1.001 = 100.6005.
  const ctx = context(() => 100.6, { last: 100, slippageBps: 50, fee: 0.001 });
  const near = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9);
  near(reservationPrice(order(SPOT.symbol, "buy", "1"), ctx), 100.5);
  near(reservationPrice(order(SPOT.symbol, "sell", "1"), ctx), 99.5);
  assert.equal(
    checkBuyingPower(order(SPOT.symbol, "buy", "1"), [], ctx)?.rule,
    "insufficient-balance",
  );
  const enough = context(() => 100.61, { last: 100, slippageBps: 50, fee: 0.001 });
  assert.equal(checkBuyingPower(order(SPOT.symbol, "buy", "1"), [], enough), undefined);
  // A limit is reserved at its own price; a stop at its trigger or the last price, the worse.
  assert.equal(
    reservationPrice(order(SPOT.symbol, "buy", "1", { type: "limit", price: "90" }), ctx),
    90,
  );
  assert.equal(
    reservationPrice(order(SPOT.symbol, "buy", "1", { type: "stop-market", trigger: "110" }), ctx),
    110 * 1.005,
  );
});

Deno.test("perp reservations: the larger side counts, and orders that close the position reserve nothing", () => {
  const ctx = context(() => 1e9, { leverage: 10, last: 100 });
  const buys = working(order(PERP.symbol, "buy", "10"), order(PERP.symbol, "buy", "5"));
  const sells = working(order(PERP.symbol, "sell", "20"));
  // Buys 15 × 100 / 10 = 150; sells 20 × 100 / 10 = 200: only the larger side counts.
  assert.equal(reserved("USDT", [...buys, ...sells], ctx), 200);
  // Short 20: the buys close it, nothing opens; the sells still reserve 200.
  const short = context(() => 1e9, { leverage: 10, last: 100, position: -20 });
  assert.equal(reserved("USDT", buys, short), 0);
  assert.equal(reserved("USDT", [...buys, ...sells], short), 200);
  // Reduce-only orders and other currencies reserve nothing.
  assert.equal(
    reserved("USDT", working(order(PERP.symbol, "buy", "10", { reduceOnly: true })), ctx),
    0,
  );
  assert.equal(reserved("BTC", buys, ctx), 0);
});

Deno.test("two large perp buys at 10× cannot both be working beyond the free margin", () => {
  // Equity 10,000 at 10×: one buy of 900 at 100 needs 9,000 of margin; a second is refused.
  const ctx = context(() => 10_000, { leverage: 10, last: 100 });
  const first = order(PERP.symbol, "buy", "900");
  assert.equal(checkBuyingPower(first, [], ctx), undefined);
  const second = checkBuyingPower(order(PERP.symbol, "buy", "900"), working(first), ctx);
  assert.equal(second?.rule, "insufficient-margin");
  assert.equal(second?.current, 9_000);
});
