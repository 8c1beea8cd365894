/**
 * computeMetrics over 10M one-minute bars (~19 years) with 10k round trips.
 * Run: `deno bench --no-prompt bench/metrics_bench.ts`.
 */
import { decimal } from "../lib/domain/mod.ts";
import type { RoundTrip } from "../lib/portfolio/round_trip.ts";
import { computeMetrics, type MetricsInput, periodsPerYear } from "../lib/backtest/metrics.ts";

const BARS = 10_000_000;
const MINUTE = 60_000_000;
const T0 = Date.UTC(2020, 0, 1) * 1000;

function input(): MetricsInput {
  const ts = new Float64Array(BARS);
  const equity = new Float64Array(BARS);
  let e = 10_000;
  let seed = 1;
  for (let i = 0; i < BARS; i++) {
    seed = (seed * 16807) % 2147483647;
    e *= 1 + (seed / 2147483647 - 0.4999) * 0.001;
    ts[i] = T0 + i * MINUTE;
    equity[i] = e;
  }
  const roundTrips: RoundTrip[] = Array.from({ length: 10_000 }, (_, i) => ({
    symbol: "bybit:BTCUSDT",
    direction: "long",
    entryTs: T0 + i * 1_000 * MINUTE,
    exitTs: T0 + (i * 1_000 + 30) * MINUTE,
    quantity: decimal("0.01"),
    entryPrice: decimal("42000"),
    exitPrice: decimal("42100"),
    grossPnl: decimal(i % 3 === 0 ? "-2.5" : "1.25"),
    fees: decimal("0"),
    funding: decimal("0"),
    netPnl: decimal(i % 3 === 0 ? "-2.5" : "1.25"),
    settle: "USDT",
    fills: 2,
  }));
  return {
    ts,
    equity,
    length: BARS,
    initialEquity: 10_000,
    periodsPerYear: periodsPerYear("1m"),
    roundTrips,
    barsInMarket: BARS / 2,
    tradedNotional: 1e7,
  };
}

const data = input();

Deno.bench({
  name: "computeMetrics, 10M bars + 10k round trips",
  group: "metrics",
  baseline: true,
  fn() {
    computeMetrics(data);
  },
});
