// These tests load onnxruntime-node's native library: the test task grants --allow-ffi.
import assert from "node:assert/strict";
import {
  CortexEngine,
  denseForward,
  encodeOnnxClassifier,
  loadModel,
  readDenseLayers,
} from "../../../lib/cortex/mod.ts";
import { batchToCandles, readCandleParquet } from "../../../lib/data/mod.ts";
import { type Candle, ConfigError, type ModelSpec } from "../../../lib/domain/mod.ts";
import { mlFeatureNames } from "../../../lib/strategies/mod.ts";
import { buildMlDataset } from "../../../tools/_ml_dataset.ts";

const FTX = "examples/data/ftx/ftx_btc_perp_1m_2022-01.parquet";
const NAMES = mlFeatureNames("indicators", 20);

async function ftxCandles(count: number): Promise<Candle[]> {
  const candles: Candle[] = [];
  for await (const batch of readCandleParquet(FTX)) candles.push(...batchToCandles(batch));
  return candles.slice(-count);
}

function spec(path: string, overrides: Partial<ModelSpec> = {}): ModelSpec {
  return { id: "classifier", path, features: NAMES, window: 1, ...overrides };
}

for (const [file, window] of [["mlp", 1], ["logistic", 1], ["sequence", 8]] as const) {
  Deno.test(`the shipped ${file} ONNX model gives the TypeScript forward pass of its weights (1e-6)`, async () => {
    const path = `examples/models/ftx_btc_perp_${file}.onnx`;
    const layers = readDenseLayers(await Deno.readFile(path), path);
    const engine = await CortexEngine.load({ spec: spec(path, { window }), owner: "test" });
    assert.deepEqual(engine.providers, ["cpu"]);
    const data = buildMlDataset(await ftxCandles(600), {
      features: "indicators",
      lookback: 20,
      horizon: 15,
      sequence: window,
    });
    const width = data.features;
    const input = new Float32Array(width);
    let checked = 0;
    let spread = 0;
    for (let i = 0; i < data.y.length; i += 7) {
      input.set(data.x.subarray(i * width, (i + 1) * width));
      const [onnx] = await engine.run(input);
      const typescript = denseForward(layers, input);
      assert.ok(Math.abs(onnx - typescript) <= 1e-6, `row ${i}: onnx ${onnx}, ts ${typescript}`);
      spread = Math.max(spread, Math.abs(typescript - 0.5));
      checked++;
    }
    assert.ok(checked > 50);
    assert.ok(spread > 1e-3, "the rows must exercise the model, not sit at one output");
  });
}

Deno.test("deno task train-ml reproduces the shipped models byte for byte", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tesser-train-" });
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["task", "train-ml", "--out-dir", dir],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    assert.match(new TextDecoder().decode(output.stdout), /test accuracy [\d.]+%, AUC 0\.\d{4}/);
    for (
      const name of [
        "ftx_btc_perp_mlp.onnx",
        "ftx_btc_perp_logistic.onnx",
        "ftx_btc_perp_sequence.onnx",
        "ftx_btc_perp_logistic.toml",
        "ftx_btc_perp_model_card.md",
      ]
    ) {
      assert.deepEqual(
        await Deno.readFile(`${dir}/${name}`),
        await Deno.readFile(`examples/models/${name}`),
        name,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("CortexEngine runs a hand-made model: sigmoid(0.5·1 − 0.25·2 + 1·3 + 0.1)", async () => {
  const bytes = encodeOnnxClassifier({
    features: ["a", "b", "c"],
    window: 1,
    layers: [{
      inputs: 3,
      outputs: 1,
      weights: [0.5, -0.25, 1],
      bias: [0.1],
      activation: "sigmoid",
    }],
  });
  const engine = await CortexEngine.load({
    spec: spec("hand.onnx", { features: ["a", "b", "c"] }),
    owner: "test",
    bytes,
  });
  const input = new Float32Array([1, 2, 3]);
  const [p] = await engine.run(input);
  assert.ok(Math.abs(p - 1 / (1 + Math.exp(-3.1))) < 1e-6);
  // The tensor wraps the caller's buffer: a changed buffer is a changed input, no copy.
  input[0] = 3;
  const [q] = await engine.run(input);
  assert.ok(Math.abs(q - 1 / (1 + Math.exp(-4.1))) < 1e-6);
  await assert.rejects(engine.run(new Float32Array(2)), /expected 3 values, got 2/);
});

Deno.test("cuda and tensorrt unavailable: CPU with exactly one warning naming both", async () => {
  const warnings: string[] = [];
  const path = "examples/models/ftx_btc_perp_mlp.onnx";
  const engine = await CortexEngine.load({
    spec: spec(path, { executionProviders: ["cuda", "tensorrt", "cpu"] }),
    owner: "test",
    warn: (message) => warnings.push(message),
  });
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0],
    /^model examples\/models\/ftx_btc_perp_mlp\.onnx: execution providers cuda \(.+\), tensorrt \(.+\) unavailable here; running on cpu$/,
  );
  assert.deepEqual(engine.providers, ["cpu"]);
  const [p] = await engine.run(new Float32Array(NAMES.length));
  assert.ok(p > 0 && p < 1);
});

Deno.test("CPU only: no warning; an unknown provider is a ConfigError listing the known ones", async () => {
  const warnings: string[] = [];
  const path = "examples/models/ftx_btc_perp_mlp.onnx";
  await CortexEngine.load({ spec: spec(path), owner: "t", warn: (m) => warnings.push(m) });
  assert.deepEqual(warnings, []);
  await assert.rejects(
    CortexEngine.load({ spec: spec(path, { executionProviders: ["rocm"] }), owner: "t" }),
    /unknown execution provider "rocm" \(hint: execution_providers may list cpu, cuda, tensorrt\)/,
  );
});

Deno.test("feature-spec mismatch: a ConfigError naming the model's input and the strategy's features", async () => {
  const path = "examples/models/ftx_btc_perp_mlp.onnx";
  const returns = mlFeatureNames("returns", 20);
  const error = await loadModel(spec(path, { features: returns }), { owner: "MlClassifier" })
    .then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof ConfigError);
  assert.match(
    error.message,
    /ftx_btc_perp_mlp\.onnx: the model's input "features" is float32\[batch, 9\], but strategy MlClassifier feeds 1 row × 20 features \(return_0, .*, …\), which needs float32\[1, 20\]/,
  );
  // Right shape, wrong order of names: the names recorded in the model are checked too.
  const swapped = [NAMES[1], NAMES[0], ...NAMES.slice(2)];
  await assert.rejects(
    loadModel(spec(path, { features: swapped }), { owner: "MlClassifier" }),
    /the model was trained on 9 features \(return_1, return_5, .*\), but strategy MlClassifier feeds 1 row × 9 features \(return_5, return_1, /,
  );
  // A window the model was not made for.
  await assert.rejects(
    loadModel(spec(path, { window: 8 }), { owner: "MlClassifier" }),
    /float32\[batch, 9\], but strategy MlClassifier feeds 8 rows × 9 features .* needs float32\[1, 8, 9\]/,
  );
});

Deno.test("a missing ONNX file is a ConfigError with a hint", async () => {
  await assert.rejects(
    loadModel(spec("examples/models/none.onnx"), { owner: "S" }),
    /examples\/models\/none\.onnx: cannot read the model: no such file \(hint: model_path is relative to the working directory/,
  );
});

Deno.test("named input and output: checked when the spec names them, the named output is read", async () => {
  const path = "examples/models/ftx_btc_perp_mlp.onnx";
  const engine = await CortexEngine.load({
    spec: spec(path, { input: "features", output: "probability" }),
    owner: "S",
  });
  assert.equal(engine.inputName, "features");
  assert.equal(engine.outputName, "probability");
  await assert.rejects(
    CortexEngine.load({ spec: spec(path, { input: "float_input" }), owner: "S" }),
    /the model's input is named "features", but strategy S feeds "float_input"/,
  );
  await assert.rejects(
    CortexEngine.load({ spec: spec(path, { output: "label" }), owner: "S" }),
    /the model has no output "label", which strategy S reads \(outputs: probability\)/,
  );
});
