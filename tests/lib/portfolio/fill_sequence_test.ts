import assert from "node:assert/strict";
import { decimal, type Fill, type Instrument, type Side } from "../../../lib/domain/mod.ts";
import { Portfolio } from "../../../lib/portfolio/mod.ts";
import { INVERSE, LINEAR, SPOT } from "./_fixtures.ts";

// A characterisation of the whole fill path: seeded random fills into one portfolio — linear
// and inverse perpetuals at 10× (slices of uneven size, partial closes, flips, funding drawn
// from the margin) and spot (buys and sells within the holding) — and after every step the
// complete exact state (the snapshot's every balance, position, total and open round trip),
// the liquidation and bankruptcy prices and the equity, folded into one SHA-256. The digest
// was taken before integer rounding replaced decimal.js past 40 digits (main at c73af6b); any
// change in any figure at any step changes it.
const EXPECTED_DIGEST = "91dedc61822133b30223756484e8c87cd0a3fcefb274ae50d2aa1e6cd31dffb1";

function run(): { digest: Promise<string>; steps: number } {
  let state = 20_261_204;
  const next = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const portfolio = new Portfolio({
    instruments: [LINEAR, INVERSE, SPOT],
    initialBalances: { USDT: 250_000, BTC: 3 },
    reportingCurrency: "USDT",
    leverage: 10,
  });
  const prices = new Map<Instrument, number>(); // last price of each, from 41,000
  let spotHeld = 0; // lots of SPOT bought through fills and not sold
  const texts: string[] = [];
  let n = 0;
  const book = (instrument: Instrument, side: Side, lots: number, ts: number): void => {
    const tick = instrument.tickSize.toNumber();
    const walked = (prices.get(instrument) ?? 41_000) + (next(41) - 20) * tick * 7;
    prices.set(instrument, walked);
    const price = decimal(walked.toFixed(instrument.tickSize.decimalPlaces()));
    const quantity = instrument.lotSize.times(lots);
    const notional = instrument.kind === "inverse" ? quantity.div(price) : quantity.times(price);
    const fee = notional.times(next(4) === 0 ? "-0.0001" : "0.00055");
    n++;
    const fill: Fill = {
      orderId: `o${n}`,
      clientOrderId: `c${n}`,
      symbol: instrument.symbol,
      side,
      price,
      quantity,
      fee,
      feeCurrency: instrument.settle,
      liquidity: fee.isNeg() ? "maker" : "taker",
      tradeId: `t${n}`,
    };
    portfolio.applyFill(fill, ts);
    portfolio.mark(instrument.symbol, walked);
  };
  for (let step = 0; step < 1_500; step++) {
    const ts = step * 60_000_000;
    const pick = next(10);
    if (pick < 5) book(LINEAR, next(2) === 0 ? "buy" : "sell", 1 + next(7), ts);
    else if (pick < 8) book(INVERSE, next(2) === 0 ? "buy" : "sell", 1 + next(40), ts);
    else if (spotHeld === 0 || next(2) === 0) {
      const lots = 1 + next(300);
      book(SPOT, "buy", lots, ts);
      spotHeld += lots;
    } else {
      const lots = 1 + next(spotHeld);
      book(SPOT, "sell", lots, ts);
      spotHeld -= lots;
    }
    if (step % 97 === 0) {
      for (const perp of [LINEAR, INVERSE]) {
        if (!portfolio.position(perp.symbol).quantity.isZero()) {
          portfolio.applyFunding(
            perp.symbol,
            0.0001 * (next(7) - 2),
            prices.get(perp) ?? 41_000,
            ts,
          );
        }
      }
    }
    texts.push(JSON.stringify({
      snapshot: portfolio.toJSON(),
      liquidation: [LINEAR, INVERSE].map((i) => portfolio.liquidationPrice(i.symbol) ?? null),
      bankruptcy: [LINEAR, INVERSE].map((i) => portfolio.bankruptcyPrice(i.symbol) ?? null),
      equity: portfolio.equity(),
    }));
  }
  const bytes = new TextEncoder().encode(texts.join("\n"));
  const digest = crypto.subtle.digest("SHA-256", bytes).then((hash) =>
    [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("")
  );
  return { digest, steps: texts.length };
}

Deno.test("every exact figure of 1,500 random fills, flips, partial closes and funding is unchanged", async () => {
  const { digest, steps } = run();
  assert.equal(steps, 1_500);
  assert.equal(await digest, EXPECTED_DIGEST);
});
