/**
 * Cortex benchmark (issue 18): batch-1 inference latency of the shipped models (p50 / p99 over
 * many single runs: ONNX logistic, MLP and sequence through CortexEngine, and the linear TOML
 * scorer in TypeScript), and the candles per second of a backtest with MlClassifier over the
 * real FTX BTC-PERP month. Prints one line per figure.
 *
 *   deno run -A bench/cortex_inference.ts [runs=20000]
 *
 * @module
 */

import { runCandleBacktest } from "../lib/backtest/mod.ts";
import { CortexEngine, loadModel } from "../lib/cortex/mod.ts";
import { batchToCandles, candlesToBatch, readCandleParquet } from "../lib/data/mod.ts";
import type { Candle, ModelSpec } from "../lib/domain/mod.ts";
import { fixedQuantity } from "../lib/execution/mod.ts";
import { builtinStrategies, mlFeatureNames } from "../lib/strategies/mod.ts";
import { testInstrument } from "../lib/testing/mod.ts";

const runs = Number(Deno.args[0] ?? 20_000);
if (!Number.isSafeInteger(runs) || runs < 100) {
  console.error(`usage: deno run -A bench/cortex_inference.ts [runs ≥ 100], not "${Deno.args[0]}"`);
  Deno.exit(2);
}
const FTX = "examples/data/ftx/ftx_btc_perp_1m_2022-01.parquet";
const NAMES = mlFeatureNames("indicators", 20);

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function report(name: string, samples: Float64Array): void {
  samples.sort();
  const us = (ms: number): string => `${(ms * 1000).toFixed(2)} µs`;
  console.log(
    `${name}: p50 ${us(percentile(samples, 0.5))}, p99 ${
      us(percentile(samples, 0.99))
    } (${runs} runs)`,
  );
}

// A varying input, so no run is a cache replay of the last.
function fill(input: Float32Array, i: number): void {
  for (let j = 0; j < input.length; j++) input[j] = Math.sin(i * 0.37 + j);
}

for (const [file, window] of [["logistic", 1], ["mlp", 1], ["sequence", 8]] as const) {
  const spec: ModelSpec = {
    id: "m",
    path: `examples/models/ftx_btc_perp_${file}.onnx`,
    features: NAMES,
    window,
  };
  const engine = await CortexEngine.load({ spec, owner: "bench" });
  const input = new Float32Array(engine.inputSize);
  for (let i = 0; i < 2_000; i++) {
    fill(input, i);
    await engine.run(input);
  }
  const samples = new Float64Array(runs);
  for (let i = 0; i < runs; i++) {
    fill(input, i);
    const started = performance.now();
    await engine.run(input);
    samples[i] = performance.now() - started;
  }
  report(`ONNX ${file} (${engine.inputSize} inputs), batch-1 CortexEngine.run`, samples);
}

{
  const spec: ModelSpec = {
    id: "m",
    path: "examples/models/ftx_btc_perp_logistic.toml",
    features: NAMES,
    window: 1,
  };
  const model = await loadModel(spec, { owner: "bench" });
  if (model.kind !== "sync") throw new Error("the linear model should load synchronously");
  const input = new Float32Array(NAMES.length);
  // One call is below the timer's resolution: time blocks of 100 calls.
  const samples = new Float64Array(runs);
  let sink = 0;
  for (let i = 0; i < runs; i++) {
    fill(input, i);
    const started = performance.now();
    for (let k = 0; k < 100; k++) sink += model.run(input)[0];
    samples[i] = (performance.now() - started) / 100;
  }
  if (Number.isNaN(sink)) console.log("");
  report("linear TOML score (TypeScript), per call", samples);
}

const candles: Candle[] = [];
for await (const batch of readCandleParquet(FTX)) candles.push(...batchToCandles(batch));
for (
  const [label, params] of [
    ["SmaCross (no model), for scale", { strategy: "SmaCross", fast_period: 12, slow_period: 30 }],
    ["MlClassifier, linear TOML", {
      strategy: "MlClassifier",
      model_path: "examples/models/ftx_btc_perp_logistic.toml",
      threshold_long: 0.2,
      threshold_short: -0.2,
    }],
    ["MlClassifier, ONNX MLP", {
      strategy: "MlClassifier",
      model_path: "examples/models/ftx_btc_perp_mlp.onnx",
      threshold_long: 0.55,
      threshold_short: 0.45,
    }],
    ["MlClassifier, ONNX sequence (8 rows)", {
      strategy: "MlClassifier",
      model_path: "examples/models/ftx_btc_perp_sequence.onnx",
      sequence_length: 8,
      threshold_long: 0.55,
      threshold_short: 0.45,
    }],
  ] as const
) {
  const { strategy: name, ...rest } = params;
  const strategy = builtinStrategies.create(name, {
    symbol: "ftx:BTC-PERP",
    ...(name === "MlClassifier" ? { features: "indicators", allow_short: true } : {}),
    ...rest,
  });
  const started = performance.now();
  const result = await runCandleBacktest({
    strategy,
    instruments: [testInstrument("ftx:BTC-PERP")],
    sources: [[candlesToBatch(candles)]],
    initialBalances: { USDT: 1_000_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.1),
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `backtest ${label}: ${
      (candles.length / seconds / 1000).toFixed(1)
    } k candles/s (${candles.length} bars in ${
      seconds.toFixed(2)
    } s, ${result.report.trades} trades)`,
  );
}
