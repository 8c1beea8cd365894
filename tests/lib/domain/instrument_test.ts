import assert from "node:assert/strict";
import { type Decimal, decimal } from "../../../lib/domain/decimal.ts";
import {
  type Instrument,
  type InstrumentSpec,
  makeInstrument,
  notional,
  type OrderShape,
  roundPrice,
  roundQuantity,
  validateOrder,
} from "../../../lib/domain/instrument.ts";

const d = (text: string): Decimal => decimal(text);

const LINEAR_SPEC: InstrumentSpec = {
  symbol: "Bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.5",
  lotSize: "0.001",
  minQuantity: "0.002",
  minNotional: "5",
  makerFee: "-0.00025",
  takerFee: 0.00075,
};

const LINEAR = makeInstrument(LINEAR_SPEC);

const INVERSE = makeInstrument({
  symbol: "bybit:BTCUSD",
  kind: "inverse",
  base: "BTC",
  quote: "USD",
  tickSize: "0.5",
  lotSize: "1",
  multiplier: "1",
  minNotional: "0.0001",
});

const SPOT = makeInstrument({
  symbol: "binance:ETHUSDT",
  kind: "spot",
  base: "ETH",
  quote: "USDT",
  tickSize: "0.01",
  lotSize: "0.0001",
});

/** The decimals of an instrument as strings, for deepEqual. */
function plain(instrument: Instrument): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(instrument).map(([key, value]) => [
      key,
      typeof value === "object" && value !== null ? String(value) : value,
    ]),
  );
}

Deno.test("makeInstrument canonicalises the symbol and keeps the given values", () => {
  assert.deepEqual(plain(LINEAR), {
    symbol: "bybit:BTCUSDT",
    venue: "bybit",
    code: "BTCUSDT",
    kind: "linear",
    base: "BTC",
    quote: "USDT",
    settle: "USDT",
    tickSize: "0.5",
    lotSize: "0.001",
    minQuantity: "0.002",
    minNotional: "5",
    multiplier: "1",
    makerFee: "-0.00025",
    takerFee: "0.00075",
    fundingIntervalHours: 8,
  });
});

Deno.test("makeInstrument defaults: min quantity = lot, no min notional, spot has no funding", () => {
  assert.deepEqual(plain(SPOT), {
    symbol: "binance:ETHUSDT",
    venue: "binance",
    code: "ETHUSDT",
    kind: "spot",
    base: "ETH",
    quote: "USDT",
    settle: "USDT",
    tickSize: "0.01",
    lotSize: "0.0001",
    minQuantity: "0.0001",
    minNotional: "0",
    multiplier: "1",
    makerFee: "0",
    takerFee: "0",
    fundingIntervalHours: undefined,
  });
});

Deno.test("makeInstrument settles inverse contracts in the base currency by default", () => {
  assert.equal(INVERSE.settle, "BTC");
  assert.equal(INVERSE.fundingIntervalHours, 8);
  assert.equal(makeInstrument({ ...LINEAR_SPEC, settle: "USDC" }).settle, "USDC");
  assert.equal(makeInstrument({ ...LINEAR_SPEC, fundingIntervalHours: 4 }).fundingIntervalHours, 4);
});

Deno.test("makeInstrument rejects a grid value that is not positive, naming the field", () => {
  const cases: readonly [Partial<InstrumentSpec>, string][] = [
    [{ tickSize: 0 }, "Instrument bybit:BTCUSDT: tickSize must be positive, got 0"],
    [{ tickSize: "-0.5" }, "Instrument bybit:BTCUSDT: tickSize must be positive, got -0.5"],
    [{ lotSize: "0" }, "Instrument bybit:BTCUSDT: lotSize must be positive, got 0"],
    [{ minQuantity: "0" }, "Instrument bybit:BTCUSDT: minQuantity must be positive, got 0"],
    [{ multiplier: -1 }, "Instrument bybit:BTCUSDT: multiplier must be positive, got -1"],
  ];
  for (const [change, message] of cases) {
    assert.throws(() => makeInstrument({ ...LINEAR_SPEC, ...change }), {
      name: "RangeError",
      message,
    });
  }
});

Deno.test("makeInstrument rejects a negative minimum notional", () => {
  assert.throws(
    () => makeInstrument({ ...LINEAR_SPEC, minNotional: "-1" }),
    { name: "RangeError", message: "Instrument bybit:BTCUSDT: minNotional must not be negative" },
  );
});

Deno.test("makeInstrument rejects a bad symbol", () => {
  assert.throws(
    () => makeInstrument({ ...LINEAR_SPEC, symbol: "BTCUSDT" }),
    /expected "venue:CODE"/,
  );
});

Deno.test("roundPrice rounds onto the tick grid in the given mode", () => {
  assert.equal(roundPrice(LINEAR, d("100.3"), "floor").toString(), "100");
  assert.equal(roundPrice(LINEAR, d("100.3"), "ceil").toString(), "100.5");
  assert.equal(roundPrice(LINEAR, d("100.25"), "half-even").toString(), "100");
  assert.equal(roundPrice(LINEAR, d("100.75"), "half-even").toString(), "101");
  assert.equal(roundPrice(LINEAR, d("100.5"), "floor").toString(), "100.5");
});

Deno.test("roundQuantity always rounds towards zero onto the lot grid", () => {
  assert.equal(roundQuantity(LINEAR, d("0.0129")).toString(), "0.012");
  assert.equal(roundQuantity(LINEAR, d("0.0009")).toString(), "0");
  assert.equal(roundQuantity(LINEAR, d("-0.0129")).toString(), "-0.012");
  assert.equal(roundQuantity(INVERSE, d("10.9")).toString(), "10");
});

Deno.test("notional is qty × multiplier × price for spot and linear", () => {
  assert.equal(notional(LINEAR, d("50000"), d("0.002")).toString(), "100");
  assert.equal(notional(SPOT, d("2000.5"), d("0.1")).toString(), "200.05");
  // The sign of the quantity does not matter.
  assert.equal(notional(LINEAR, d("50000"), d("-0.002")).toString(), "100");
  const contracts = makeInstrument({ ...LINEAR_SPEC, multiplier: "0.01" });
  assert.equal(notional(contracts, d("50000"), d("3")).toString(), "1500");
});

Deno.test("notional is qty × multiplier ÷ price for inverse, in the base currency", () => {
  assert.equal(notional(INVERSE, d("50000"), d("100")).toString(), "0.002");
  const hundred = makeInstrument({
    symbol: "bitmex:XBTUSD",
    kind: "inverse",
    base: "XBT",
    quote: "USD",
    tickSize: "0.5",
    lotSize: "1",
    multiplier: "100",
  });
  assert.equal(notional(hundred, d("40000"), d("-2")).toString(), "0.005");
});

function messages(instrument: Instrument, order: OrderShape, reference?: Decimal): string[] {
  return validateOrder(instrument, order, reference).map((v) => `${v.rule}: ${v.message}`);
}

Deno.test("validateOrder returns no violation for a valid order", () => {
  assert.deepEqual(validateOrder(LINEAR, { quantity: d("0.002"), price: d("50000") }), []);
  assert.deepEqual(validateOrder(LINEAR, { quantity: d("0.01") }, d("50000")), []);
  assert.deepEqual(validateOrder(INVERSE, { quantity: d("100"), price: d("50000.5") }), []);
  assert.deepEqual(
    validateOrder(LINEAR, { quantity: d("1"), price: d("50000"), triggerPrice: d("49000.5") }),
    [],
  );
});

Deno.test("validateOrder stops at a quantity that is zero or negative", () => {
  assert.deepEqual(messages(LINEAR, { quantity: d("0"), price: d("1.3") }), [
    "quantity: bybit:BTCUSDT: quantity must be positive, got 0",
  ]);
  assert.deepEqual(messages(LINEAR, { quantity: d("-0.002") }), [
    "quantity: bybit:BTCUSDT: quantity must be positive, got -0.002",
  ]);
});

Deno.test("validateOrder reports a quantity off the lot grid and under the minimum", () => {
  assert.deepEqual(messages(LINEAR, { quantity: d("0.0025"), price: d("50000") }), [
    "lot: bybit:BTCUSDT: quantity 0.0025 is not a multiple of the lot size 0.001",
  ]);
  assert.deepEqual(messages(LINEAR, { quantity: d("0.001"), price: d("50000") }), [
    "min-quantity: bybit:BTCUSDT: quantity 0.001 is below the minimum 0.002",
  ]);
  assert.deepEqual(messages(LINEAR, { quantity: d("0.0015"), price: d("50000") }), [
    "lot: bybit:BTCUSDT: quantity 0.0015 is not a multiple of the lot size 0.001",
    "min-quantity: bybit:BTCUSDT: quantity 0.0015 is below the minimum 0.002",
  ]);
});

Deno.test("validateOrder reports prices and trigger prices off the tick grid", () => {
  assert.deepEqual(
    messages(LINEAR, { quantity: d("0.01"), price: d("50000.3"), triggerPrice: d("49999.9") }),
    [
      "tick: bybit:BTCUSDT: price 50000.3 is not a multiple of the tick size 0.5",
      "tick: bybit:BTCUSDT: trigger price 49999.9 is not a multiple of the tick size 0.5",
    ],
  );
});

Deno.test("validateOrder reports prices that are not positive", () => {
  assert.deepEqual(
    messages(LINEAR, { quantity: d("0.01"), price: d("0"), triggerPrice: d("-0.5") }),
    [
      "price: bybit:BTCUSDT: price must be positive, got 0",
      "price: bybit:BTCUSDT: trigger price must be positive, got -0.5",
    ],
  );
});

Deno.test("validateOrder reports a linear notional under the minimum, at the limit price", () => {
  assert.deepEqual(messages(LINEAR, { quantity: d("0.002"), price: d("2000") }), [
    "min-notional: bybit:BTCUSDT: notional 4 USDT is below the minimum 5",
  ]);
  // Exactly the minimum is fine.
  assert.deepEqual(messages(LINEAR, { quantity: d("0.002"), price: d("2500") }), []);
});

Deno.test("validateOrder checks a market order's notional at the reference price only", () => {
  assert.deepEqual(messages(LINEAR, { quantity: d("0.002") }), []);
  assert.deepEqual(messages(LINEAR, { quantity: d("0.002") }, d("1000")), [
    "min-notional: bybit:BTCUSDT: notional 2 USDT is below the minimum 5",
  ]);
  // The limit price wins over the reference price.
  assert.deepEqual(messages(LINEAR, { quantity: d("0.002"), price: d("50000") }, d("1000")), []);
});

Deno.test("validateOrder reports an inverse notional under the minimum, in the base currency", () => {
  assert.deepEqual(messages(INVERSE, { quantity: d("1"), price: d("50000") }), [
    "min-notional: bybit:BTCUSD: notional 0.00002 BTC is below the minimum 0.0001",
  ]);
  assert.deepEqual(messages(INVERSE, { quantity: d("5"), price: d("50000") }), []);
});

Deno.test("validateOrder returns every violation of one order together", () => {
  assert.deepEqual(
    validateOrder(LINEAR, { quantity: d("0.0011"), price: d("10.1") }).map((v) => v.rule),
    ["lot", "min-quantity", "tick", "min-notional"],
  );
});
