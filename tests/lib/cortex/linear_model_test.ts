import assert from "node:assert/strict";
import {
  checkLinearModel,
  linearScore,
  loadModel,
  parseLinearModel,
} from "../../../lib/cortex/mod.ts";
import { ConfigError, type ModelSpec } from "../../../lib/domain/mod.ts";

const SEED_MODEL = "examples/models/ml_linear.toml";

function spec(features: readonly string[], path = "m.toml", window = 1): ModelSpec {
  return { id: "classifier", path, features, window };
}

Deno.test("the seed's linear model TOML parses to its bias and 20 weights", async () => {
  const model = parseLinearModel(await Deno.readTextFile(SEED_MODEL), SEED_MODEL);
  assert.equal(model.bias, 0.01);
  assert.equal(model.weights.length, 20);
  assert.equal(model.weights[0], 0.15);
  assert.equal(model.weights[19], -0.25);
  assert.equal(model.features, undefined);
});

Deno.test("linearScore is bias + Σ wᵢ·xᵢ (by hand)", () => {
  const model = parseLinearModel("bias = 0.5\nweights = [2, -1, 0.25]\n", "m.toml");
  // 0.5 + 2·1 − 1·3 + 0.25·4 = 0.5
  assert.equal(linearScore(model, [1, 3, 4]), 0.5);
  assert.equal(linearScore(model, new Float32Array([0, 0, 0])), 0.5);
});

Deno.test("loadModel turns a .toml into a synchronous scorer checked against the spec", async () => {
  const names = Array.from({ length: 20 }, (_, i) => `return_${i}`);
  const model = await loadModel(spec(names, SEED_MODEL), { owner: "MlClassifier" });
  assert.equal(model.kind, "sync");
  if (model.kind !== "sync") return;
  const input = new Float32Array(20).fill(1);
  // all ones: 0.01 + Σ weights = 0.01 + (0.56 − 1.41) = −0.84
  assert.ok(Math.abs((model.run(input)[0] ?? NaN) - -0.84) < 1e-12);
});

Deno.test("a weight count that does not fit the features is a ConfigError naming both", async () => {
  const names = Array.from({ length: 9 }, (_, i) => `f${i}`);
  const error = await loadModel(spec(names, SEED_MODEL), { owner: "MlClassifier" }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof ConfigError);
  assert.match(
    error.message,
    /ml_linear\.toml: the model has 20 weights, but strategy MlClassifier feeds 1 row × 9 features \(f0, f1, f2, f3, f4, f5, …\) \(9 values\)/,
  );
});

Deno.test("features recorded in the TOML must be the strategy's, in order", () => {
  const model = parseLinearModel('features = ["a", "b"]\nbias = 0\nweights = [1, 2]\n', "m.toml");
  checkLinearModel(model, spec(["a", "b"]), "S");
  assert.throws(
    () => checkLinearModel(model, spec(["b", "a"]), "S"),
    (e: unknown) =>
      e instanceof ConfigError &&
      /fitted on 2 features \(a, b\) with 2 weights, but strategy S feeds 1 row × 2 features \(b, a\)/
        .test(e.message),
  );
});

Deno.test("a malformed linear model is a ConfigError naming the file and the key", () => {
  assert.throws(
    () => parseLinearModel("weights = [1]\n", "m.toml"),
    /m\.toml: a linear model needs a numeric bias/,
  );
  assert.throws(
    () => parseLinearModel("bias = 1\nweights = []\n", "m.toml"),
    /needs weights: a non-empty array of numbers/,
  );
  assert.throws(() => parseLinearModel('bias = 1\nweights = ["x"]\n', "m.toml"), /needs weights/);
  assert.throws(
    () => parseLinearModel("bias = 1\nweights = [1]\nscale = 2\n", "m.toml"),
    /unknown key "scale" in a linear model \(hint: a linear model has bias, weights, features\)/,
  );
  assert.throws(() => parseLinearModel("bias = \n", "m.toml"), /m\.toml:1:\d+: invalid TOML/);
});

Deno.test("loadModel says what is wrong with a missing file or an unknown extension", async () => {
  await assert.rejects(
    loadModel(spec(["a"], "no/such/model.toml"), { owner: "S" }),
    /no\/such\/model\.toml: cannot read the linear model: no such file/,
  );
  await assert.rejects(
    loadModel(spec(["a"], "model.pkl"), { owner: "S" }),
    /model\.pkl: a model must be a linear model TOML \(\.toml\) or an ONNX file \(\.onnx\)/,
  );
});
