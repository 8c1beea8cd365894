import assert from "node:assert/strict";
import { decimal, MICROS_PER_DAY, MICROS_PER_SECOND } from "../../../lib/domain/mod.ts";
import type { RoundTrip } from "../../../lib/portfolio/round_trip.ts";
import {
  computeMetrics,
  type MetricsInput,
  type PerformanceMetrics,
  periodsPerYear,
} from "../../../lib/backtest/metrics.ts";

const DAY = MICROS_PER_DAY;
const T0 = Date.UTC(2024, 0, 1) * 1000;

function close(actual: number | null, expected: number, what: string, tolerance = 1e-12): void {
  assert.ok(actual !== null, `${what} is null`);
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(
    Math.abs(actual - expected) <= tolerance * scale,
    `${what}: expected ${expected}, got ${actual}`,
  );
}

function input(equity: readonly number[], overrides: Partial<MetricsInput> = {}): MetricsInput {
  return {
    ts: Float64Array.from(equity, (_, i) => T0 + i * DAY),
    equity: Float64Array.from(equity),
    length: equity.length,
    initialEquity: 100,
    periodsPerYear: periodsPerYear("1d"),
    roundTrips: [],
    barsInMarket: 0,
    tradedNotional: 0,
    ...overrides,
  };
}

function trip(netPnl: string, entryTs: number, exitTs: number): RoundTrip {
  return {
    symbol: "bybit:BTCUSDT",
    direction: "long",
    entryTs,
    exitTs,
    quantity: decimal(1),
    entryPrice: decimal(100),
    exitPrice: decimal(100),
    grossPnl: decimal(netPnl),
    fees: decimal(0),
    funding: decimal(0),
    netPnl: decimal(netPnl),
    settle: "USDT",
    fills: 2,
  };
}

function assertNoNaN(metrics: PerformanceMetrics): void {
  for (const [key, value] of Object.entries(metrics)) {
    assert.ok(value === null || Number.isFinite(value), `${key} is ${value}`);
  }
}

Deno.test("periodsPerYear counts bars on a 365-day, 24-hour calendar", () => {
  assert.equal(periodsPerYear("1m"), 525_600);
  assert.equal(periodsPerYear("1h"), 8_760);
  assert.equal(periodsPerYear("4h"), 2_190);
  assert.equal(periodsPerYear("1d"), 365);
});

Deno.test("computeMetrics matches hand-computed values on six daily bars", () => {
  // Initial equity 100, returns r = +10 %, −10 %, +10 %, +20 %, −5 %, +5 %:
  //   equity = 110, 99, 108.9, 130.68, 124.146, 130.3533
  // mean(r) = 0.3 / 6 = 0.05
  // r − mean = 0.05, −0.15, 0.05, 0.15, −0.10, 0 → Σ² = 0.0025+0.0225+0.0025+0.0225+0.01+0 = 0.06
  // sd = √(0.06 / 5) = √0.012 = 0.109544511501
  // P = 365, √P = 19.104973174542800
  // Sharpe = 0.05 / 0.109544511501 · √365 = 0.456435464588 · 19.1049731745 = 8.720187
  // downside = √((0.1² + 0.05²) / 6) = √(0.0125 / 6) = 0.0456435464588
  // Sortino = 0.05 / 0.0456435464588 · √365 = 1.09544511501 · 19.1049731745 = 20.928450
  // annualVolatility = 0.109544511501 · 19.1049731745 = 2.092845
  // max drawdown: peak 110 (close of day 0) → 99: (110 − 99) / 110 = 0.1; recovered at the
  //   close of day 3 (130.68 ≥ 110): 3 days = 259,200 s. The second dip (130.68 → 124.146,
  //   5 %) never recovers: close of day 3 → end (close of day 5) = 2 days, shorter.
  // CAGR: elapsed = 5 days + one bar = 6 days = 6/365 years; 1.303533^(365/6) − 1 ≈ 1.0075272e7
  // Calmar = CAGR / 0.1; totalReturn = 0.303533
  const m = computeMetrics(input([110, 99, 108.9, 130.68, 124.146, 130.3533], {
    barsInMarket: 3,
    tradedNotional: 250,
  }));
  const sd = Math.sqrt(0.012);
  const rootP = Math.sqrt(365);
  assert.equal(m.bars, 6);
  assert.equal(m.finalEquity, 130.3533);
  close(m.totalReturn, 0.303533, "totalReturn");
  close(m.sharpe, (0.05 / sd) * rootP, "sharpe", 1e-10);
  close(m.sharpe, 8.720187, "sharpe (decimal)", 1e-6);
  close(m.sortino, (0.05 / Math.sqrt(0.0125 / 6)) * rootP, "sortino", 1e-10);
  close(m.sortino, 20.928450, "sortino (decimal)", 1e-6);
  close(m.annualVolatility, sd * rootP, "annualVolatility", 1e-10);
  close(m.annualVolatility, 2.092845, "annualVolatility (decimal)", 1e-6);
  close(m.maxDrawdown, 0.1, "maxDrawdown");
  assert.equal(m.maxDrawdownDuration, 3 * 86_400);
  const cagr = Math.pow(1.303533, 365 / 6) - 1;
  close(m.cagr, cagr, "cagr", 1e-9);
  close(m.cagr, 1.0075272e7, "cagr (decimal)", 1e-7);
  close(m.calmar, cagr / 0.1, "calmar", 1e-9);
  close(m.exposure, 0.5, "exposure");
  close(m.turnover, 2.5, "turnover");
  assert.equal(m.trades, 0);
  assert.equal(m.winRate, null);
});

Deno.test("computeMetrics measures an unrecovered drawdown to the end of the run", () => {
  // 100 → 120 (peak at close of day 0) → 90 → 95 → 100: drawdown 30/120 = 0.25, never
  // recovered: close of day 0 → close of day 3 = 3 days. Hourly bars: 3 h.
  const hour = 3_600_000_000;
  const m = computeMetrics({
    ...input([120, 90, 95, 100]),
    ts: Float64Array.from([0, 1, 2, 3], (i) => T0 + i * hour),
    periodsPerYear: periodsPerYear("1h"),
  });
  close(m.maxDrawdown, 0.25, "maxDrawdown");
  assert.equal(m.maxDrawdownDuration, 3 * 3_600);
});

Deno.test("computeMetrics starts the drawdown peak at the initial equity", () => {
  // 100 → 80 → 100: the peak is the initial equity at the first bar's open; the dip lasts from
  // that open to the close of bar 1 (two bars).
  const m = computeMetrics(input([80, 100]));
  close(m.maxDrawdown, 0.2, "maxDrawdown");
  assert.equal(m.maxDrawdownDuration, 2 * 86_400);
  close(m.totalReturn, 0, "totalReturn");
});

Deno.test("computeMetrics computes trade statistics from round trips", () => {
  // netPnl: +30, −10, +20, 0, −20 → wins 50 (2), losses −30 (2), one flat trade.
  // winRate = 2/5, profitFactor = 50/30, expectancy = 20/5 = 4, avgWin = 25, avgLoss = −15,
  // holding times 1 h, 2 h, 3 h, 4 h, 5 h → mean 3 h = 10,800 s.
  const hour = 3_600 * MICROS_PER_SECOND;
  const trips = ["30", "-10", "20", "0", "-20"].map((pnl, i) => trip(pnl, T0, T0 + (i + 1) * hour));
  const m = computeMetrics(input([100, 101], { roundTrips: trips }));
  assert.equal(m.trades, 5);
  close(m.winRate, 0.4, "winRate");
  close(m.profitFactor, 50 / 30, "profitFactor");
  close(m.expectancy, 4, "expectancy");
  close(m.avgWin, 25, "avgWin");
  close(m.avgLoss, -15, "avgLoss");
  close(m.avgHoldingTime, 10_800, "avgHoldingTime");
});

Deno.test("computeMetrics reports an infinite profit factor as null and no wins as 0", () => {
  const onlyWins = computeMetrics(input([101], { roundTrips: [trip("5", T0, T0 + DAY)] }));
  assert.equal(onlyWins.profitFactor, null);
  assert.equal(onlyWins.avgLoss, null);
  close(onlyWins.winRate, 1, "winRate");
  const onlyLosses = computeMetrics(input([99], { roundTrips: [trip("-5", T0, T0 + DAY)] }));
  assert.equal(onlyLosses.profitFactor, 0);
  assert.equal(onlyLosses.avgWin, null);
  close(onlyLosses.winRate, 0, "winRate");
});

Deno.test("computeMetrics with no bars reports nulls and no drawdown", () => {
  const m = computeMetrics(input([]));
  assertNoNaN(m);
  assert.equal(m.bars, 0);
  assert.equal(m.finalEquity, 100);
  assert.equal(m.totalReturn, 0);
  assert.equal(m.cagr, null);
  assert.equal(m.annualVolatility, null);
  assert.equal(m.sharpe, null);
  assert.equal(m.sortino, null);
  assert.equal(m.calmar, null);
  assert.equal(m.maxDrawdown, 0);
  assert.equal(m.maxDrawdownDuration, 0);
  assert.equal(m.exposure, null);
  assert.equal(m.trades, 0);
  assert.equal(m.expectancy, null);
  assert.equal(m.avgHoldingTime, null);
});

Deno.test("computeMetrics with flat equity has zero volatility and null ratios", () => {
  const m = computeMetrics(input([100, 100, 100]));
  assertNoNaN(m);
  assert.equal(m.annualVolatility, 0);
  assert.equal(m.sharpe, null);
  assert.equal(m.sortino, null);
  assert.equal(m.cagr, 0);
  assert.equal(m.calmar, null);
  assert.equal(m.maxDrawdown, 0);
  assert.equal(m.maxDrawdownDuration, 0);
});

Deno.test("computeMetrics with one bar has no sample deviation", () => {
  const m = computeMetrics(input([90]));
  assertNoNaN(m);
  assert.equal(m.annualVolatility, null);
  assert.equal(m.sharpe, null);
  // One negative return: downside = 0.1, Sortino = −0.1 / 0.1 · √365.
  close(m.sortino, -Math.sqrt(365), "sortino");
  close(m.maxDrawdown, 0.1, "maxDrawdown");
  assert.equal(m.maxDrawdownDuration, 86_400);
});

Deno.test("computeMetrics treats a busted account as a −100 % CAGR without NaN", () => {
  // Equity goes negative (a loss beyond margin); the return from a non-positive equity is 0.
  const m = computeMetrics(input([50, -10, -5]));
  assertNoNaN(m);
  assert.equal(m.cagr, -1);
  close(m.maxDrawdown, 1.1, "maxDrawdown");
});

Deno.test("computeMetrics reads only the first length entries", () => {
  const full = computeMetrics(input([110, 99, 108.9]));
  const padded = computeMetrics({
    ...input([110, 99, 108.9, 1e9, 0]),
    length: 3,
  });
  assert.deepEqual(padded, full);
});

Deno.test("computeMetrics rejects misuse with RangeError", () => {
  assert.throws(() => computeMetrics(input([100], { initialEquity: 0 })), RangeError);
  assert.throws(() => computeMetrics(input([100], { periodsPerYear: 0 })), RangeError);
  assert.throws(() => computeMetrics({ ...input([100]), length: 2 }), RangeError);
});

Deno.test("computeMetrics keeps the mean exact over a million tiny returns", () => {
  // Equity alternates 100 → 100·(1+ε) → 100 …: returns +ε, −ε/(1+ε), …; a naive sum of a
  // million such values drifts, the compensated sum matches the pairwise closed form.
  const n = 1_000_000;
  const eps = 1e-9;
  const equity = new Float64Array(n);
  for (let i = 0; i < n; i++) equity[i] = i % 2 === 0 ? 100 * (1 + eps) : 100;
  const m = computeMetrics({
    ...input([]),
    ts: Float64Array.from(equity, (_, i) => T0 + i * DAY),
    equity,
    length: n,
  });
  const up = (100 * (1 + eps)) / 100 - 1;
  const down = 100 / (100 * (1 + eps)) - 1;
  const expectedMean = (up + down) / 2;
  // Sharpe = mean/sd·√P; sd ≈ |up − down| / 2 · √(n/(n−1)).
  const sd = (Math.abs(up - down) / 2) * Math.sqrt(n / (n - 1));
  close(m.sharpe, (expectedMean / sd) * Math.sqrt(365), "sharpe", 1e-6);
});
