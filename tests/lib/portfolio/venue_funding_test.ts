// Live sessions book the funding a venue reports (its exact amount and id), not a rate applied
// to our own notional, and each payment once however often a catch-up delivers it again.
import assert from "node:assert/strict";
import { decimal, type FundingPayment } from "../../../lib/domain/mod.ts";
import { Portfolio, type PortfolioOptions } from "../../../lib/portfolio/mod.ts";
import { fill, LINEAR as PERP, SPOT } from "./_fixtures.ts";

const OPTIONS: PortfolioOptions = {
  instruments: [PERP, SPOT],
  initialBalances: { USDT: "1000", BTC: "0" },
  reportingCurrency: "USDT",
  leverage: 10,
};

const payment = (id: string, amount: string): FundingPayment => ({
  id,
  symbol: PERP.symbol,
  amount: decimal(amount),
  currency: "USDT",
});

Deno.test("bookFundingPayment books the venue's exact amount once per symbol and time, across a snapshot", () => {
  const portfolio = new Portfolio(OPTIONS);
  portfolio.applyFill(fill(PERP, "buy", 1, 100, 0), 0);
  assert.equal(portfolio.bookFundingPayment(payment("f-1", "0.01234567"), 1_000), true);
  assert.equal(portfolio.bookFundingPayment(payment("f-2", "-0.5"), 2_000), true);
  // Delivered again by a catch-up (same or an older time): not booked twice.
  assert.equal(portfolio.bookFundingPayment(payment("f-2", "-0.5"), 2_000), false);
  assert.equal(portfolio.bookFundingPayment(payment("f-1", "0.01234567"), 1_000), false);
  const usdt = (p: Portfolio): string =>
    p.balances().find((b) => b.currency === "USDT")?.total.toString() ?? "";
  assert.equal(portfolio.fundingPaid().toString(), "-0.48765433");
  assert.equal(usdt(portfolio), "1000.48765433");
  assert.equal(portfolio.toJSON().fundingByCurrency.USDT, "-0.48765433");
  // A restarted process remembers what was booked.
  const restored = Portfolio.restore(JSON.parse(JSON.stringify(portfolio.toJSON())), OPTIONS);
  assert.equal(restored.bookFundingPayment(payment("f-2", "-0.5"), 2_000), false);
  assert.equal(restored.bookFundingPayment(payment("f-3", "0.25"), 3_000), true);
  assert.equal(restored.fundingPaid().toString(), "-0.23765433");
  assert.equal(usdt(restored), "1000.23765433");
});

Deno.test("bookFundingPayment refuses a spot symbol, an unknown one, or a currency other than the settle currency", () => {
  const portfolio = new Portfolio(OPTIONS);
  assert.throws(
    () => portfolio.bookFundingPayment({ ...payment("s", "1"), symbol: SPOT.symbol }, 1),
    /is spot; it has no funding/,
  );
  assert.throws(
    () => portfolio.bookFundingPayment({ ...payment("u", "1"), symbol: "bybit:ETHUSDT" }, 1),
    /no instrument/,
  );
  assert.throws(
    () => portfolio.bookFundingPayment({ ...payment("c", "1"), currency: "BTC" }, 1),
    /funding payment c for .* is in BTC; the position settles in USDT/,
  );
});
