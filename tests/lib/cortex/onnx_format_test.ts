import assert from "node:assert/strict";
import { encodeOnnxClassifier, readOnnxModelInfo } from "../../../lib/cortex/mod.ts";
import { ConfigError } from "../../../lib/domain/mod.ts";

Deno.test("encodeOnnxClassifier declares features/probability shapes and the feature names", () => {
  const bytes = encodeOnnxClassifier({
    features: ["a", "b"],
    window: 3,
    layers: [{
      inputs: 6,
      outputs: 1,
      weights: [1, 2, 3, 4, 5, 6],
      bias: [0],
      activation: "sigmoid",
    }],
    metadata: { horizon_bars: "15" },
  });
  const info = readOnnxModelInfo(bytes, "m.onnx");
  assert.deepEqual(info.inputs, [{ name: "features", type: "float32", dims: ["batch", 3, 2] }]);
  assert.deepEqual(info.outputs, [{ name: "probability", type: "float32", dims: ["batch", 1] }]);
  assert.equal(info.metadata.features, "a,b");
  assert.equal(info.metadata.window, "3");
  assert.equal(info.metadata.horizon_bars, "15");
});

Deno.test("encodeOnnxClassifier refuses layers that do not chain into one output", () => {
  const layer = {
    inputs: 2,
    outputs: 1,
    weights: [1, 2],
    bias: [0],
    activation: "sigmoid" as const,
  };
  assert.throws(
    () => encodeOnnxClassifier({ features: ["a", "b", "c"], window: 1, layers: [layer] }),
    /layer 0 takes 2 inputs, but 3 come in/,
  );
  assert.throws(
    () =>
      encodeOnnxClassifier({
        features: ["a", "b"],
        window: 1,
        layers: [{ ...layer, outputs: 2, weights: [1, 2, 3, 4], bias: [0, 0] }],
      }),
    /last layer must have exactly one output/,
  );
});

Deno.test("readOnnxModelInfo: bytes that are not ONNX are a ConfigError naming the file", () => {
  assert.throws(
    () => readOnnxModelInfo(new TextEncoder().encode("bias = 1\nweights = [1]\n"), "x.onnx"),
    (e: unknown) => e instanceof ConfigError && /^x\.onnx: not an ONNX model/.test(e.message),
  );
});
