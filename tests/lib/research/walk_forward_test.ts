import assert from "node:assert/strict";
import { Random } from "../../../lib/data/mod.ts";
import {
  curveSummary,
  type EvaluationRequest,
  runWalkForward,
  stitchEquity,
  walkForwardWindows,
} from "../../../lib/research/mod.ts";
import { fakeEvaluator, fakeMetrics, sampleSpec } from "./_study_fixture.ts";

const spans = (w: ReturnType<typeof walkForwardWindows>) =>
  w.map((x) => [x.train.from, x.train.to, x.test.from, x.test.to]);

Deno.test("walkForwardWindows: rolling, anchored, with a step; only whole test windows", () => {
  assert.deepEqual(spans(walkForwardWindows({ start: 100, end: 111, train: 4, test: 2 })), [
    [100, 104, 104, 106],
    [102, 106, 106, 108],
    [104, 108, 108, 110],
  ]);
  assert.deepEqual(
    spans(walkForwardWindows({ start: 0, end: 10, train: 4, test: 2, anchored: true })),
    [[0, 4, 4, 6], [0, 6, 6, 8], [0, 8, 8, 10]],
  );
  assert.deepEqual(spans(walkForwardWindows({ start: 0, end: 12, train: 4, test: 2, step: 3 })), [
    [0, 4, 4, 6],
    [3, 7, 7, 9],
    [6, 10, 10, 12],
  ]);
});

Deno.test("walkForwardWindows refuses overlapping tests, empty spans and bad lengths", () => {
  assert.throws(() => walkForwardWindows({ start: 0, end: 10, train: 4, test: 2, step: 1 }), {
    name: "ConfigError",
    message: /step shorter than the test window makes the test windows overlap/,
  });
  assert.throws(() => walkForwardWindows({ start: 0, end: 5, train: 4, test: 2 }), {
    message: /shorter than one training plus one test window \(hint: shorten --train/,
  });
  assert.throws(() => walkForwardWindows({ start: 0, end: 5, train: 0, test: 2 }), {
    message: /need positive --train, --test and --step/,
  });
});

Deno.test("no walk-forward window leaks: tests follow their training and never overlap", () => {
  const random = new Random(11);
  for (let round = 0; round < 500; round++) {
    const train = 1 + Math.floor(random.next() * 50);
    const test = 1 + Math.floor(random.next() * 20);
    const step = test + Math.floor(random.next() * 10);
    const anchored = random.next() < 0.5;
    const end = train + test + Math.floor(random.next() * 300);
    const windows = walkForwardWindows({ start: 0, end, train, test, step, anchored });
    let previousTestEnd = -Infinity;
    for (const w of windows) {
      assert.equal(w.test.from, w.train.to); // the test starts where training ends
      assert.ok(w.train.from < w.train.to && w.test.to - w.test.from === test);
      assert.ok(w.test.from >= previousTestEnd); // out-of-sample windows are disjoint
      assert.ok(w.test.to <= end);
      assert.equal(w.train.from, anchored ? 0 : w.index * step);
      previousTestEnd = w.test.to;
    }
    // No room was left for one more whole test window.
    assert.ok(windows[windows.length - 1].test.to + step > end);
  }
});

Deno.test("stitchEquity compounds each window on the end of the previous one", () => {
  const curve = stitchEquity([
    { index: 0, segment: { ts: [1, 2], equity: [110, 120], initial: 100 } },
    { index: 2, segment: { ts: [5, 6], equity: [90, 150], initial: 100 } },
  ]);
  assert.deepEqual(curve.ts, [1, 2, 5, 6]);
  assert.deepEqual(curve.equity, [110, 120, 108, 180]);
  assert.deepEqual(curve.window, [0, 0, 2, 2]);
  const summary = curveSummary(curve, 100);
  assert.equal(summary.totalReturn, 0.8);
  assert.equal(summary.maxDrawdown, 0.1); // 120 → 108
  assert.deepEqual(curveSummary(stitchEquity([]), 100), { totalReturn: null, maxDrawdown: null });
});

Deno.test("runWalkForward optimizes on training data only and tests the best on the next window", async () => {
  const windows = walkForwardWindows({ start: 0, end: 1000, train: 400, test: 200 });
  const seen: EvaluationRequest[] = [];
  const curveRuns: { window: { from: number; to: number }; reportDir: string }[] = [];
  const result = await runWalkForward(sampleSpec(), windows, {
    evaluate: fakeEvaluator(seen),
    evaluateCurve: (request) => {
      curveRuns.push(request);
      if (request.window.from === 800) return Promise.resolve({ ok: false, error: "no data" });
      const r = 1 + request.window.from / 10_000;
      return Promise.resolve({
        ok: true,
        metrics: fakeMetrics(request.params, request.window.from),
        equity: { ts: [request.window.from], equity: [100 * r], initial: 100 },
      });
    },
    reportDir: (w) => `out/window-${w.index}`,
  });
  assert.equal(windows.length, 3);
  // Every trial of window k replayed exactly its training window.
  assert.equal(seen.length, 3 * 8);
  for (const [k, w] of windows.entries()) {
    for (const request of seen.slice(k * 8, (k + 1) * 8)) {
      assert.deepEqual(request.window, w.train);
    }
  }
  assert.deepEqual(curveRuns.map((r) => [r.reportDir, r.window.from, r.window.to]), [
    ["out/window-0/train", 0, 400],
    ["out/window-0/test", 400, 600],
    ["out/window-1/train", 200, 600],
    ["out/window-1/test", 600, 800],
    ["out/window-2/train", 400, 800],
    ["out/window-2/test", 800, 1000],
  ]);
  // The fake peaks at fast 8 / slow 20 and decays with the window start: trial 5 each time.
  assert.deepEqual(result.windows.map((r) => r.best?.trial), [5, 5, 5]);
  assert.equal(result.windows[2].note, "test run failed: no data");
  assert.deepEqual(result.outOfSample.ts, [400, 600]);
  assert.deepEqual(result.outOfSample.equity, [104, 104 * 1.06]);
  assert.deepEqual(result.inSample.window, [0, 1, 2]);
});
