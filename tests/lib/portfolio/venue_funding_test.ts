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
  assert.equal(portfolio.bookFundingPayment(payment("f-1", "0.01234567"), 1_000), "booked");
  assert.equal(portfolio.bookFundingPayment(payment("f-2", "-0.5"), 2_000), "booked");
  // Delivered again by a catch-up (same or an older time): not booked twice.
  assert.equal(portfolio.bookFundingPayment(payment("f-2", "-0.5"), 2_000), "repeat");
  assert.equal(portfolio.bookFundingPayment(payment("f-1", "0.01234567"), 1_000), "repeat");
  const usdt = (p: Portfolio): string =>
    p.balances().find((b) => b.currency === "USDT")?.total.toString() ?? "";
  assert.equal(portfolio.fundingPaid().toString(), "-0.48765433");
  assert.equal(usdt(portfolio), "1000.48765433");
  assert.equal(portfolio.toJSON().fundingByCurrency.USDT, "-0.48765433");
  // A restarted process remembers what was booked.
  const restored = Portfolio.restore(JSON.parse(JSON.stringify(portfolio.toJSON())), OPTIONS);
  assert.equal(restored.bookFundingPayment(payment("f-2", "-0.5"), 2_000), "repeat");
  assert.equal(restored.bookFundingPayment(payment("f-3", "0.25"), 3_000), "booked");
  assert.equal(restored.fundingPaid().toString(), "-0.23765433");
  assert.equal(usdt(restored), "1000.23765433");
});

Deno.test("bookFundingPayment refuses a spot symbol or an unknown one", () => {
  const portfolio = new Portfolio(OPTIONS);
  assert.throws(
    () => portfolio.bookFundingPayment({ ...payment("s", "1"), symbol: SPOT.symbol }, 1),
    /is spot; it has no funding/,
  );
  assert.throws(
    () => portfolio.bookFundingPayment({ ...payment("u", "1"), symbol: "bybit:ETHUSDT" }, 1),
    /no instrument/,
  );
});

Deno.test("bookFundingPayment books a payment in another currency the portfolio holds in that currency's balance", () => {
  const portfolio = new Portfolio({ ...OPTIONS, initialBalances: { USDT: "1000", BTC: "0.1" } });
  portfolio.mark(SPOT.symbol, 50_000);
  portfolio.mark(PERP.symbol, 50_000);
  const btc = { ...payment("b-1", "0.0001"), currency: "BTC" };
  assert.equal(portfolio.bookFundingPayment(btc, 1_000), "booked");
  assert.equal(portfolio.bookFundingPayment(btc, 1_000), "repeat");
  const balance = (c: string): string =>
    portfolio.balances().find((b) => b.currency === c)?.total.toString() ?? "";
  assert.equal(balance("BTC"), "0.0999");
  assert.equal(balance("USDT"), "1000");
  assert.equal(portfolio.fundingByCurrency().BTC.toString(), "0.0001");
  // The reporting-currency total at the BTC mark: 0.0001 BTC × 50,000.
  assert.equal(portfolio.fundingPaid().toString(), "5");
  assert.deepEqual(portfolio.unbookedFunding(), []);
});

Deno.test("bookFundingPayment does not throw on a currency the portfolio does not hold: it books nothing, once, and says so", () => {
  const portfolio = new Portfolio(OPTIONS);
  const usdc = { ...payment("c-1", "2.5"), currency: "USDC" };
  assert.equal(portfolio.bookFundingPayment(usdc, 1_000), "unbookable");
  // Delivered again by a catch-up: still listed once.
  assert.equal(portfolio.bookFundingPayment(usdc, 1_000), "unbookable");
  assert.deepEqual(portfolio.unbookedFunding(), [usdc]);
  assert.equal(portfolio.balances().find((b) => b.currency === "USDT")?.total.toString(), "1000");
  assert.equal(portfolio.fundingPaid().toString(), "0");
  // A later payment in the settle currency at the same funding time is still booked.
  assert.equal(portfolio.bookFundingPayment(payment("f-1", "1"), 1_000), "booked");
  assert.equal(portfolio.balances().find((b) => b.currency === "USDT")?.total.toString(), "999");
});
