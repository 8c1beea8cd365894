import assert from "node:assert/strict";
import { runCandleBacktest } from "../../../lib/backtest/mod.ts";
import { readStrategyFile } from "../../../cli/_strategy_file.ts";
import { batchToCandles, candlesToBatch, readCandleParquet } from "../../../lib/data/mod.ts";
import { type Candle, ConfigError, intervalMicros } from "../../../lib/domain/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import {
  builtinStrategies,
  ML_CLASSIFIER_MODEL,
  MlClassifier,
  type MlClassifierParams,
  type StrategyContext,
} from "../../../lib/strategies/mod.ts";
import {
  assertNoLookahead,
  candlesFromArrays,
  collectSignals,
  runStrategy,
  testInstrument,
} from "../../../lib/testing/mod.ts";

const FTX = "examples/data/ftx/ftx_btc_perp_1m_2022-01.parquet";
const SYMBOL = "ftx:BTC-PERP";

function params(overrides: Partial<MlClassifierParams>): MlClassifierParams {
  return {
    symbol: "bybit:BTCUSDT",
    interval: "1m",
    model_path: "examples/models/ml_linear.toml",
    features: "returns",
    lookback: 20,
    sequence_length: 1,
    threshold_long: 0.15,
    threshold_short: -0.15,
    allow_short: false,
    execution_providers: ["cpu"],
    ...overrides,
  };
}

async function ftxCandles(from: number, count: number): Promise<Candle[]> {
  const candles: Candle[] = [];
  for await (const batch of readCandleParquet(FTX)) candles.push(...batchToCandles(batch));
  return candles.slice(from, from + count);
}

async function withModel<T>(toml: string, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "tesser-ml-" });
  try {
    await Deno.writeTextFile(`${dir}/model.toml`, toml);
    return await fn(`${dir}/model.toml`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("MlClassifier with a linear TOML signals on the score computed by hand", async () => {
  await withModel("bias = 0.1\nweights = [2, -1]\n", async (path) => {
    const strategy = new MlClassifier(params({
      model_path: path,
      lookback: 2,
      threshold_long: 1,
      threshold_short: -1,
      allow_short: true,
    }));
    const candles = candlesFromArrays({ symbol: "bybit:BTCUSDT", close: [100, 101, 100, 103] });
    const { signals } = await runStrategy(strategy, { candles });
    // Bar 2: return_0 = 100·(100/101 − 1), return_1 = 100·(101/100 − 1) = 1.
    const first = 0.1 + 2 * (100 * (100 / 101 - 1)) - 1 * (100 * (101 / 100 - 1));
    // Bar 3: return_0 = 3, return_1 = 100·(100/101 − 1).
    const second = 0.1 + 2 * (100 * (103 / 100 - 1)) - 1 * (100 * (100 / 101 - 1));
    assert.deepEqual(
      signals.map((s) => [s.bar, s.signal.kind, s.signal.note]),
      [
        [2, "enter-short", `score ${first.toPrecision(6)}`],
        [3, "exit-short", `score ${second.toPrecision(6)}`],
        [3, "enter-long", `score ${second.toPrecision(6)}`],
      ],
    );
    // The linear model answers synchronously: the signal is at the bar's close itself.
    const close3 = candles[3].openTime + intervalMicros("1m");
    assert.equal(signals[2].ts, close3);
  });
});

Deno.test("the seed's ml_classifier.toml runs on the sample, each score being the seed's weights · returns", async () => {
  const file = await readStrategyFile("examples/strategies/ml_classifier.toml");
  const strategy = builtinStrategies.create(file.name, file.params);
  const candles: Candle[] = [];
  for await (const batch of readCandleParquet("examples/data/btcusdt_1m_sample.parquet")) {
    candles.push(...batchToCandles(batch));
  }
  const { signals } = await runStrategy(strategy, { candles });
  assert.ok(signals.length > 0, "the seed's thresholds are crossed on the sample");
  const weights = [
    0.15,
    0.12,
    0.1,
    0.08,
    0.05,
    0.03,
    0.02,
    0.01,
    -0.01,
    -0.02,
    -0.03,
    -0.05,
    -0.08,
    -0.1,
    -0.12,
    -0.15,
    -0.18,
    -0.2,
    -0.22,
    -0.25,
  ];
  for (const { bar, signal } of signals) {
    let score = 0.01;
    for (let i = 0; i < 20; i++) {
      // float32, as the FeatureBuffer holds the row
      const r = Math.fround(100 * (candles[bar - i].close / candles[bar - i - 1].close - 1));
      score += weights[i] * r;
    }
    assert.equal(signal.note, `score ${score.toPrecision(6)}`, `bar ${bar}`);
    assert.ok(score >= 0.15 || score <= -0.15);
  }
});

Deno.test("MlClassifier has no look-ahead with the trained linear model", async () => {
  const candles = await ftxCandles(10_000, 400);
  const signals = await assertNoLookahead(
    () =>
      new MlClassifier(params({
        symbol: SYMBOL,
        model_path: "examples/models/ftx_btc_perp_logistic.toml",
        features: "indicators",
        threshold_long: 0.05,
        threshold_short: -0.05,
        allow_short: true,
      })),
    candles,
    { cuts: 4, seed: 3 },
  );
  assert.ok(signals.length > 0);
});

Deno.test("MlClassifier has no look-ahead with the ONNX sequence model", async () => {
  const candles = await ftxCandles(20_000, 300);
  const signals = await assertNoLookahead(
    () =>
      new MlClassifier(params({
        symbol: SYMBOL,
        model_path: "examples/models/ftx_btc_perp_sequence.onnx",
        features: "indicators",
        sequence_length: 8,
        threshold_long: 0.52,
        threshold_short: 0.48,
        allow_short: true,
      })),
    candles,
    { cuts: 3, seed: 5 },
  );
  assert.ok(signals.length > 0);
});

async function onnxBacktest(candles: readonly Candle[]): Promise<string> {
  const strategy = builtinStrategies.create("MlClassifier", {
    symbol: SYMBOL,
    model_path: "examples/models/ftx_btc_perp_mlp.onnx",
    features: "indicators",
    threshold_long: 0.52,
    threshold_short: 0.48,
    allow_short: true,
  });
  const result = await runCandleBacktest({
    strategy,
    instruments: [testInstrument(SYMBOL)],
    sources: [[candlesToBatch(candles)]],
    initialBalances: { USDT: 100_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.1),
  });
  return JSON.stringify({
    report: result.report,
    fills: result.bundle.fills,
    events: result.events,
  });
}

Deno.test("a backtest with the ONNX model is byte-identical when rerun", async () => {
  const candles = await ftxCandles(30_000, 1500);
  const first = await onnxBacktest(candles);
  assert.equal(await onnxBacktest(candles), first);
  assert.ok((JSON.parse(first).report.trades as number) > 0, "the model trades");
});

Deno.test("ONNX answers arrive at the bar close + the default modelled latency (20 µs)", async () => {
  const candles = await ftxCandles(30_000, 300);
  const strategy = new MlClassifier(params({
    symbol: SYMBOL,
    model_path: "examples/models/ftx_btc_perp_mlp.onnx",
    features: "indicators",
    threshold_long: 0.5,
    threshold_short: 0.49,
    allow_short: true,
  }));
  const { signals } = await runStrategy(strategy, { candles });
  assert.ok(signals.length > 0);
  const bar = intervalMicros("1m");
  for (const { ts } of signals) assert.equal(ts % bar, 20, "20 µs after a bar close");
});

Deno.test("MlClassifier refuses thresholds out of order and says which", () => {
  assert.throws(
    () => new MlClassifier(params({ threshold_long: 0.1, threshold_short: 0.2 })),
    (e: unknown) =>
      e instanceof ConfigError &&
      /MlClassifier: parameter threshold_short must be below threshold_long \(got threshold_short = 0\.2, threshold_long = 0\.1\)/
        .test(e.message),
  );
  assert.throws(
    () => builtinStrategies.create("MlClassifier", { symbol: "bybit:BTCUSDT" }),
    /missing required parameter model_path/,
  );
});

Deno.test("MlClassifier declares its model: path, feature names and window", () => {
  const strategy = new MlClassifier(params({ features: "indicators", sequence_length: 8 }));
  assert.deepEqual(strategy.models, [{
    id: ML_CLASSIFIER_MODEL,
    path: "examples/models/ml_linear.toml",
    features: [
      "return_1",
      "return_5",
      "return_15",
      "return_60",
      "rsi_14",
      "zscore_20",
      "atr_14_pct",
      "range_pct",
      "volume_z_60",
    ],
    window: 8,
    executionProviders: ["cpu"],
  }]);
});

Deno.test("MlClassifier snapshot + restore continues with the same feature rows", async () => {
  const candles = await ftxCandles(5_000, 120);
  const rowsOf = (strategy: MlClassifier, bars: readonly Candle[]): number[][] => {
    const rows: number[][] = [];
    const ctx = { pushFeatures: (_: string, row: ArrayLike<number>) => rows.push(Array.from(row)) };
    for (const candle of bars) strategy.onCandle(candle, ctx as unknown as StrategyContext);
    return rows;
  };
  const make = () => new MlClassifier(params({ symbol: SYMBOL, features: "indicators" }));
  const full = rowsOf(make(), candles);
  const first = make();
  rowsOf(first, candles.slice(0, 80));
  const second = make();
  second.restore(JSON.parse(JSON.stringify(first.snapshot())));
  assert.deepEqual(rowsOf(second, candles.slice(80)), full.slice(full.length - 40));
});

Deno.test("collectSignals (no engine) says it cannot run a strategy that feeds a model", () => {
  const candles = candlesFromArrays({ symbol: "bybit:BTCUSDT", close: [1, 2, 3, 4] });
  assert.throws(
    () => collectSignals(new MlClassifier(params({ lookback: 2 })), candles),
    /collectSignals runs without models \(MlClassifier fed model "classifier"\); use runStrategy/,
  );
});
