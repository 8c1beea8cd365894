import assert from "node:assert/strict";
import {
  decimal,
  type Instrument,
  makeInstrument,
  notional,
  roundToStep,
} from "../../../lib/domain/mod.ts";
import { Portfolio } from "../../../lib/portfolio/mod.ts";
import { fill, INVERSE, LINEAR } from "./_fixtures.ts";

const ETH_SPOT = makeInstrument({
  symbol: "binance:ETHUSDT",
  kind: "spot",
  base: "ETH",
  quote: "USDT",
  tickSize: "0.01",
  lotSize: "0.001",
});

/** mulberry32: a small seeded PRNG, so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("Portfolio.equity (float64) matches exactEquity within 1e-9 after 1,000 random fills", () => {
  const random = prng(20240501);
  const instruments: readonly Instrument[] = [LINEAR, INVERSE, ETH_SPOT];
  const p = new Portfolio({
    instruments,
    initialBalances: { USDT: "1000000", BTC: "10" },
    reportingCurrency: "USDT",
    leverage: 5,
  });
  const prices = [20000, 20000, 1500];
  const sizes = [2, 40000, 30];
  let worst = 0;
  for (let n = 0; n < 1000; n++) {
    const k = Math.floor(random() * instruments.length);
    const instrument = instruments[k];
    prices[k] *= 1 + (random() - 0.5) * 0.02;
    const price = roundToStep(decimal(prices[k]), instrument.tickSize, "half-even");
    let side: "buy" | "sell" = random() < 0.5 ? "buy" : "sell";
    let quantity = roundToStep(
      decimal(random() * sizes[k]).plus(instrument.lotSize),
      instrument.lotSize,
      "down",
    );
    if (instrument.kind === "spot" && side === "sell") {
      const held = p.position(instrument.symbol).quantity;
      if (held.isZero()) side = "buy";
      else if (quantity.gt(held)) quantity = held;
    }
    const maker = random() < 0.3;
    const fee = notional(instrument, price, quantity).times(maker ? "-0.0001" : "0.0006");
    p.applyFill(fill(instrument, side, quantity, price, fee), n);
    if (random() < 0.1 && instrument.kind !== "spot") {
      p.applyFunding(instrument.symbol, (random() - 0.5) * 0.001, prices[k], n);
    }
    instruments.forEach((i, j) => p.mark(i.symbol, prices[j] * (1 + (random() - 0.5) * 0.001)));
    const exact = p.exactEquity().toNumber();
    worst = Math.max(worst, Math.abs(p.equity() - exact) / Math.abs(exact));
  }
  assert.ok(worst < 1e-9, `worst relative error ${worst}`);
  assert.ok(p.roundTrips().length > 10);
});

Deno.test("Portfolio.equity follows mark() with no fill in between", () => {
  const p = new Portfolio({
    instruments: [LINEAR],
    initialBalances: { USDT: "10000" },
    reportingCurrency: "USDT",
    leverage: 10,
  });
  p.applyFill(fill(LINEAR, "buy", "0.5", "20000", "6"), 1);
  let total = 0;
  for (let i = 0; i < 10_000; i++) {
    p.mark(LINEAR.symbol, 20000 + (i % 100));
    total += p.equity();
  }
  // 10000 − 6 + 0.5 × mean offset 49.5, ten thousand times.
  assert.equal(Math.round(total), Math.round((9994 + 0.5 * 49.5) * 10_000));
});
