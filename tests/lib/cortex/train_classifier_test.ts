import assert from "node:assert/strict";
import {
  accuracy,
  type Dataset,
  denseForward,
  fitClassifier,
  rocAuc,
} from "../../../lib/cortex/mod.ts";

// y = 1 when 3·x0 − 2·x1 + noise > 0; x1 is on a larger scale to exercise the standardisation.
function dataset(n: number, seed: number): Dataset {
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  const x = new Float64Array(n * 2);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = next();
    x[2 * i + 1] = 100 + 50 * next();
    y[i] = 3 * x[2 * i] - 2 * (x[2 * i + 1] - 100) / 50 + 0.1 * next() > 0 ? 1 : 0;
  }
  return { x, y, features: 2 };
}

function probabilities(layers: Parameters<typeof denseForward>[0], data: Dataset): number[] {
  return Array.from(
    { length: data.y.length },
    (_, i) => denseForward(layers, data.x.subarray(2 * i, 2 * i + 2)),
  );
}

for (const hidden of [0, 8]) {
  Deno.test(`fitClassifier (hidden ${hidden}) learns a separable rule on raw, unscaled inputs`, () => {
    const train = dataset(2000, 1);
    const validation = dataset(500, 2);
    const test = dataset(500, 3);
    const fit = fitClassifier(train, validation, { hidden, seed: 4, epochs: 150 });
    const p = probabilities(fit.layers, test);
    assert.ok(accuracy(p, test.y) > 0.93, `accuracy ${accuracy(p, test.y)}`);
    assert.ok(rocAuc(p, test.y) > 0.98);
    assert.ok(fit.bestEpoch >= 1 && fit.bestEpoch <= fit.epochs);
    // float32 weights, as the ONNX file and the TOML store them
    for (const layer of fit.layers) {
      for (const w of Array.from(layer.weights)) assert.equal(w, Math.fround(w));
    }
  });
}

Deno.test("fitClassifier is deterministic for a seed and depends on it", () => {
  const train = dataset(800, 5);
  const validation = dataset(200, 6);
  const a = fitClassifier(train, validation, { hidden: 4, seed: 1, epochs: 20 });
  const b = fitClassifier(train, validation, { hidden: 4, seed: 1, epochs: 20 });
  const c = fitClassifier(train, validation, { hidden: 4, seed: 2, epochs: 20 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.layers, c.layers);
});

Deno.test("logistic regression folds the scaling in: one layer, sigmoid(b + w·x) on raw inputs", () => {
  const train = dataset(1000, 7);
  const fit = fitClassifier(train, dataset(300, 8), { hidden: 0, seed: 1, epochs: 40 });
  assert.equal(fit.layers.length, 1);
  const [layer] = fit.layers;
  assert.equal(layer.activation, "sigmoid");
  const x = [0.2, 120];
  const z = layer.bias[0] + layer.weights[0] * x[0] + layer.weights[1] * x[1];
  assert.equal(denseForward(fit.layers, x), 1 / (1 + Math.exp(-z)));
  assert.ok(layer.weights[0] > 0 && layer.weights[1] < 0, "signs of the rule 3·x0 − 2·x1");
});

Deno.test("denseForward: ReLU then sigmoid, by hand", () => {
  const layers = [
    { inputs: 2, outputs: 2, weights: [1, -1, 2, 1], bias: [0, 0.5], activation: "relu" as const },
    { inputs: 2, outputs: 1, weights: [0.5, -0.25], bias: [0.1], activation: "sigmoid" as const },
  ];
  // hidden = relu([1·1 + 2·1, −1·1 + 1·1 + 0.5]) = [3, 0.5]; z = 0.1 + 1.5 − 0.125 = 1.475
  assert.equal(denseForward(layers, [1, 1]), 1 / (1 + Math.exp(-1.475)));
});

Deno.test("fitClassifier refuses empty sets and mismatched widths", () => {
  const empty = { x: new Float64Array(0), y: new Uint8Array(0), features: 2 };
  assert.throws(() => fitClassifier(empty, dataset(10, 1), { hidden: 0 }), /must not be empty/);
  assert.throws(
    () => fitClassifier(dataset(10, 1), { ...dataset(10, 2), features: 3 }, { hidden: 0 }),
    /differ in width/,
  );
});
