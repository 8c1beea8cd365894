import assert from "node:assert/strict";
import { main } from "../../cli/main.ts";
import { recordingIo } from "../../cli/io.ts";

async function tesser(...args: string[]) {
  const io = recordingIo();
  const code = await main(args, io);
  return { code, out: io.out.join("\n"), err: io.err.join("\n") };
}

const FTX = ["--data", "examples/data/ftx/ftx_btc_perp_1m_2022-01.parquet"];

/** `tesser --env ftx backtest run` of `examples/strategies/<name>.toml` on the FTX month. */
function ftxRun(name: string, ...extra: string[]) {
  return tesser(
    "--env",
    "ftx",
    "backtest",
    "run",
    "--strategy-config",
    `examples/strategies/${name}.toml`,
    ...FTX,
    ...extra,
  );
}

Deno.test("tesser strategies lists MlClassifier with its model params", async () => {
  const { code, out } = await tesser("strategies");
  assert.equal(code, 0);
  assert.match(out, /^MlClassifier \(aliases: ml_classifier, ml-classifier\)/m);
  assert.match(out, /model_path: string, required/);
  assert.match(out, /threshold_long: number, default 0\.15/);
});

Deno.test("backtest run: the seed's ml_classifier.toml trades the sample with the linear model", async () => {
  const { code, out, err } = await tesser(
    "backtest",
    "run",
    "--strategy-config",
    "examples/strategies/ml_classifier.toml",
    "--data",
    "examples/data/btcusdt_1m_sample.parquet",
  );
  assert.equal(code, 0, err);
  assert.match(out, /strategy\s+MlClassifier/);
  assert.match(out, /orders \/ fills \/ rejected\s+3 \/ 3 \/ 0/);
});

Deno.test("backtest run with the ONNX model records the modelled latency; --inference-latency-us sets it", async () => {
  const run = (...extra: string[]) =>
    ftxRun(
      "ml_classifier_ftx",
      "--from",
      "2022-01-31T00:00:00Z",
      "--quantity",
      "0.1",
      "--json",
      ...extra,
    );
  const modelled = await run();
  assert.equal(modelled.code, 0, modelled.err);
  const report = JSON.parse(modelled.out);
  assert.equal(report.settings.inference_latency_us, 20);
  assert.equal(report.symbols[0], "ftx:BTC-PERP");
  assert.equal(report.initialEquity, "10000");
  const instant = await run("--inference-latency-us", "0");
  assert.equal(JSON.parse(instant.out).settings.inference_latency_us, 0);
  const bad = await run("--inference-latency-us", "-1");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--inference-latency-us/);
});

Deno.test("backtest run: a model that does not fit the strategy is one clear line and exit 2", async () => {
  const { code, err } = await ftxRun("ml_classifier_ftx", "--param", 'features="returns"');
  assert.equal(code, 2);
  assert.match(
    err,
    /^error: examples\/models\/ftx_btc_perp_mlp\.onnx: the model's input "features" is float32\[batch, 9\], but strategy MlClassifier feeds 1 row × 20 features .*\(hint: use the model made for this strategy's features/,
  );
  assert.doesNotMatch(err, /\n\s+at /, "no stack trace");
});

Deno.test("backtest run: a missing model file names the file", async () => {
  const { code, err } = await tesser(
    "backtest",
    "run",
    "--strategy-config",
    "examples/strategies/ml_classifier.toml",
    "--param",
    'model_path="examples/models/missing.toml"',
    "--data",
    "examples/data/btcusdt_1m_sample.parquet",
  );
  assert.equal(code, 2);
  assert.match(err, /examples\/models\/missing\.toml: cannot read the linear model: no such file/);
});

Deno.test("backtest run: asking for cuda and tensorrt prints one fallback warning and runs on CPU", async () => {
  const { code, err } = await ftxRun(
    "ml_sequence_ftx",
    "--from",
    "2022-01-31T12:00:00Z",
  );
  assert.equal(code, 0, err);
  const warnings = err.split("\n").filter((line) => line.startsWith("warning:"));
  assert.equal(warnings.length, 1, err);
  assert.match(
    warnings[0],
    /^warning: model examples\/models\/ftx_btc_perp_sequence\.onnx: execution providers cuda \(.+\), tensorrt \(.+\) unavailable here; running on cpu$/,
  );
});
