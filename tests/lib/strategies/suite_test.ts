import assert from "node:assert/strict";
import { builtinStrategies } from "../../../lib/strategies/mod.ts";
import {
  assertNoLookahead,
  assertSnapshotRestore,
  collectSignals,
} from "../../../lib/testing/mod.ts";
import { CASES } from "./_cases.ts";

const names = builtinStrategies.list().map((d) => d.name);

Deno.test("every built-in strategy has a snapshot/look-ahead case", () => {
  // Another engineer may register tick-mode strategies; the candle cases cover ours.
  for (const name of Object.keys(CASES)) assert.ok(names.includes(name), name);
});

for (const [name, testCase] of Object.entries(CASES)) {
  const factory = () => builtinStrategies.create(name, testCase.params);

  Deno.test(`${name} trades on its case data (so the suites below are not vacuous)`, () => {
    const signals = collectSignals(factory(), testCase.candles());
    assert.ok(signals.length >= 4, `${name}: only ${signals.length} signals`);
  });

  Deno.test(`${name} snapshot + JSON + restore continues with the same signals`, () => {
    const candles = testCase.candles();
    const n = candles.length;
    assertSnapshotRestore(factory, candles, {
      at: [0, 1, 7, Math.floor(n / 3), Math.floor(n / 2) + 1, n - 3, n],
    });
  });

  Deno.test(`${name} emits nothing that depends on later bars (look-ahead guard)`, async () => {
    const signals = await assertNoLookahead(factory, testCase.candles(), { cuts: 6, seed: 7 });
    assert.ok(signals.length > 0);
  });
}

Deno.test("restore rejects a state that snapshot() did not make", () => {
  for (const [name, testCase] of Object.entries(CASES)) {
    const strategy = builtinStrategies.create(name, testCase.params);
    assert.throws(() => strategy.restore("nope"), TypeError, name);
    assert.throws(() => strategy.restore({ closes: "x", bars: 3, rows: null }), TypeError, name);
  }
});
