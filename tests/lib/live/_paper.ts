/**
 * Shared set-up of the paper runtime tests: SmaCross on the seeded random walk, on a manual
 * clock the test moves in the walk's steps.
 */

import { loadMarkets } from "../../../lib/backtest/markets.ts";
import type { Candle, Instrument } from "../../../lib/domain/mod.ts";
import { ManualClock } from "../../../lib/engine/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import { LiveRuntime, type LiveRuntimeOptions, RandomWalkMarket } from "../../../lib/live/mod.ts";
import { builtinStrategies } from "../../../lib/strategies/mod.ts";

/** 2026-01-01T00:00Z in µs. */
export const START = Date.UTC(2026, 0, 1) * 1000;

/** Milliseconds between two trades of the walk: 30 trades per 1m bar. */
export const STEP_MS = 2_000;

/** SmaCross params the tests use: quick to warm up on 1m bars. */
export const SMA_PARAMS = {
  symbol: "bybit:BTCUSDT",
  interval: "1m",
  fast_period: 3,
  slow_period: 8,
  min_samples: 8,
} as const;

/** The instruments of config/markets.toml. */
export function instruments(): Promise<readonly Instrument[]> {
  return loadMarkets("config/markets.toml");
}

/** A paper runtime on a random walk; `overrides` replace any option. */
export async function paperRuntime(
  overrides: Partial<LiveRuntimeOptions> = {},
  params: Readonly<Record<string, string | number>> = SMA_PARAMS,
): Promise<
  { runtime: LiveRuntime; clock: ManualClock; market: RandomWalkMarket; candles: Candle[] }
> {
  const clock = new ManualClock(START);
  const market = new RandomWalkMarket({
    venue: "bybit",
    startPrice: 25_000,
    volatility: 0.003,
    intervalMs: STEP_MS,
    seed: 7,
    clock,
    sleeper: clock,
  });
  const runtime = new LiveRuntime({
    strategy: builtinStrategies.create("SmaCross", params),
    instruments: await instruments(),
    initialBalances: { USDT: 10_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.01),
    clock,
    sleeper: clock,
    dataInterval: "1m",
    feeds: [market],
    buildCandles: true,
    orderVenue: { kind: "paper" },
    ...overrides,
  });
  const candles: Candle[] = [];
  runtime.session.engine.bus.subscribe("candle", (event) => candles.push(event.candle));
  return { runtime, clock, market, candles };
}

/** Lets every pending promise reaction run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Moves `clock` in the walk's steps until `done` settles (at most `maxSteps`). */
export async function driveUntil<T>(
  clock: ManualClock,
  done: Promise<T>,
  maxSteps: number,
): Promise<T> {
  let finished = false;
  done.then(() => finished = true, () => finished = true);
  for (let step = 0; step < maxSteps && !finished; step++) {
    clock.advance(STEP_MS * 1000);
    await settle();
  }
  if (!finished) throw new Error(`the run did not end within ${maxSteps} steps`);
  return await done;
}
