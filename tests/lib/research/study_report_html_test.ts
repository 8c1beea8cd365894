import assert from "node:assert/strict";
import { runStudy, stitchEquity, studyReportHtml } from "../../../lib/research/mod.ts";
import { fakeEvaluator, sampleSpec } from "./_study_fixture.ts";

Deno.test("studyReportHtml is one self-contained page with every section", async () => {
  const spec = sampleSpec({ strategy: "Sma<Cross>" });
  const results = await runStudy(spec, fakeEvaluator());
  const curve = (equity: number[]) =>
    stitchEquity([{ index: 0, segment: { ts: [0, 60_000_000], equity, initial: 100 } }]);
  const input = {
    spec,
    results,
    walkForward: { outOfSample: curve([101, 102]), inSample: curve([103, 104]) },
    monteCarlo: { percentiles: [5, 50, 95], bands: [[100, 90], [100, 100], [100, 110]] },
  };
  const html = studyReportHtml(input);
  assert.equal(studyReportHtml(structuredClone(input)), html); // a pure function of its input
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /<h1>Study: Sma&lt;Cross&gt; \(grid search\)<\/h1>/);
  for (
    const section of [
      "Best set",
      "Objective across trials",
      "Heat map",
      "Walk-forward",
      "Monte Carlo",
    ]
  ) {
    assert.ok(html.includes(`<h2>${section}</h2>`), section);
  }
  assert.doesNotMatch(html, /<script|https?:|<link/);
  // Best: trial 5 (fast 8, slow 20) with score 3.
  assert.match(html, /<tr><th>trial<\/th><td>5<\/td><\/tr><tr><th>fast_period<\/th><td>8<\/td>/);
  // 5 fast values × 2 slow values; the cells without a scored trial (2/…, 11/20 failed,
  // and combinations the constraint removed) are grey.
  const cells = [...html.matchAll(/<rect class="cell"[^>]*fill="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(cells.length, 10);
  assert.equal(cells.filter((c) => c === "#ddd").length, 5);
  // One dot per scored trial (filtered ones included), the failed one has none.
  assert.equal([...html.matchAll(/<circle /g)].length, 7);
  assert.ok(html.includes("<title>fast_period=8 slow_period=20: 3</title>"));
});

Deno.test("studyReportHtml refuses a heat-map parameter the study does not have", async () => {
  const spec = sampleSpec();
  const results = await runStudy(spec, fakeEvaluator());
  assert.throws(
    () => studyReportHtml({ spec, results, heatMap: { x: "fast_period", y: "stop" } }),
    {
      name: "ConfigError",
      message:
        /heat map parameter stop is not in the study's space \(hint: parameters: fast_period, slow_period\)/,
    },
  );
});
