import assert from "node:assert/strict";
import { decimal, type Fill, makeInstrument } from "../../../lib/domain/mod.ts";
import { Portfolio } from "../../../lib/portfolio/mod.ts";
import { fill, LINEAR, SPOT } from "./_fixtures.ts";

const ETH = makeInstrument({
  symbol: "bybit:ETHUSDT",
  kind: "linear",
  base: "ETH",
  quote: "USDT",
  tickSize: "0.01",
  lotSize: "0.01",
});

function portfolio(): Portfolio {
  const p = new Portfolio({
    instruments: [LINEAR, SPOT],
    initialBalances: { USDT: "10000" },
    reportingCurrency: "USDT",
  });
  p.applyFill(fill(LINEAR, "buy", "0.1", "20000", "1"), 1);
  p.applyFill(fill(SPOT, "buy", "0.1", "20000", "1"), 2);
  return p;
}

function assertRejected(p: Portfolio, call: () => unknown, message: string | RegExp): void {
  const before = JSON.stringify(p.toJSON());
  assert.throws(call, { name: "RangeError", message });
  assert.equal(JSON.stringify(p.toJSON()), before);
}

Deno.test("Portfolio.applyFill for an unknown symbol names it and the known ones", () => {
  const p = portfolio();
  assertRejected(
    p,
    () => p.applyFill(fill(ETH, "buy", "1", "2000", "0"), 3),
    "Portfolio: no instrument for bybit:ETHUSDT (known: bybit:BTCUSDT, binance:BTCUSDT)",
  );
  assert.throws(() => p.mark("bybit:ETHUSDT", 1), /no instrument for bybit:ETHUSDT/);
  assert.throws(() => p.applyFunding("bybit:ETHUSDT", 0, 1, 1), /no instrument/);
});

Deno.test("Portfolio.applyFill rejects a negative or zero quantity and leaves state unchanged", () => {
  const p = portfolio();
  const negative: Fill = { ...fill(LINEAR, "sell", "1", "20000", "0"), quantity: decimal(-1) };
  assertRejected(
    p,
    () => p.applyFill(negative, 3),
    `Portfolio: fill ${negative.tradeId} for bybit:BTCUSDT has quantity -1; it must be positive`,
  );
  assertRejected(p, () => p.applyFill(fill(LINEAR, "buy", "0", "1", "0"), 3), /quantity 0/);
  assertRejected(p, () => p.applyFill(fill(LINEAR, "buy", "1", "0", "0"), 3), /price 0/);
});

Deno.test("Portfolio.applyFill rejects a spot oversell and leaves state unchanged", () => {
  const p = portfolio();
  const oversell = fill(SPOT, "sell", "0.2", "21000", "0");
  assertRejected(
    p,
    () => p.applyFill(oversell, 3),
    `Portfolio: fill ${oversell.tradeId} for binance:BTCUSDT: cannot sell 0.2 with a ` +
      "position of 0.1; spot cannot go short",
  );
});

Deno.test("Portfolio.applyFill rejects a fee in a currency foreign to the instrument", () => {
  const p = portfolio();
  assertRejected(
    p,
    () => p.applyFill(fill(LINEAR, "buy", "0.1", "20000", "1", { feeCurrency: "BNB" }), 3),
    /charges its fee in BNB; expected USDT$/,
  );
});

Deno.test("Portfolio.applyFill rejects a timestamp that is not integer microseconds", () => {
  const p = portfolio();
  assertRejected(p, () => p.applyFill(fill(LINEAR, "buy", "0.1", "20000", "1"), 1.5), /1\.5/);
});

Deno.test("Portfolio constructor rejects a currency with no route to the reporting currency", () => {
  assert.throws(
    () =>
      new Portfolio({
        instruments: [ETH],
        initialBalances: { USDT: "1000", EUR: "5" },
        reportingCurrency: "USDT",
      }),
    {
      name: "RangeError",
      message: "Portfolio: cannot value EUR in the reporting currency USDT: no instrument " +
        "trades EUR against USDT (instruments: bybit:ETHUSDT)",
    },
  );
});

Deno.test("Portfolio constructor rejects bad leverage and unknown leverage symbols", () => {
  const base = { instruments: [ETH], initialBalances: {}, reportingCurrency: "USDT" };
  assert.throws(() => new Portfolio({ ...base, leverage: 0.5 }), /leverage must be .* got 0\.5/);
  assert.throws(
    () => new Portfolio({ ...base, leverageBySymbol: { "bybit:XRPUSDT": 5 } }),
    /leverageBySymbol names bybit:XRPUSDT, which is not an instrument \(known: bybit:ETHUSDT\)/,
  );
});

Deno.test("Portfolio.equity names the mark it still needs", () => {
  const p = new Portfolio({
    instruments: [LINEAR],
    initialBalances: { BTC: "1" },
    reportingCurrency: "USDT",
  });
  assert.throws(
    () => p.equity(),
    /cannot value in USDT before a mark for BTC via bybit:BTCUSDT/,
  );
  p.mark(LINEAR.symbol, 20000);
  assert.equal(p.equity(), 20000);
});
