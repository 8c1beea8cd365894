import assert from "node:assert/strict";
import { accuracy, logLoss, rocAuc } from "../../../lib/cortex/mod.ts";

Deno.test("rocAuc: 1 for a perfect ranking, 0 reversed, 0.5 for ties, hand case in between", () => {
  assert.equal(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]), 1);
  assert.equal(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]), 0);
  assert.equal(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]), 0.5);
  // positives 0.35, 0.8; negatives 0.1, 0.4: pairs won 1 + 2 of 4.
  assert.equal(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  assert.ok(Number.isNaN(rocAuc([0.1, 0.2], [1, 1])));
});

Deno.test("accuracy counts p ≥ threshold as 1; logLoss is the mean cross-entropy", () => {
  assert.equal(accuracy([0.6, 0.4, 0.5, 0.1], [1, 0, 0, 1]), 0.5);
  assert.equal(accuracy([0.6, 0.4], [1, 1], 0.3), 1);
  assert.ok(Math.abs(logLoss([0.5, 0.5], [0, 1]) - Math.LN2) < 1e-15);
  assert.throws(() => accuracy([0.5], [1, 0]), /as many scores as labels/);
});
