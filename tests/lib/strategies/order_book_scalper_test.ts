import assert from "node:assert/strict";
import { runOnSample } from "../backtest/tick/_strategy_run.ts";

Deno.test("OrderBookScalper on real XBTUSD: enters passively at the touch, re-pegs as it moves", async () => {
  const { report, diagnostics, strategy } = await runOnSample("OrderBookScalper", {
    threshold: 0.3,
    fast_period: 5,
    slow_period: 13,
    signal_period: 4,
  });
  assert.ok((strategy.placed as number) > 0);
  // Re-pegged when the touch moved, left alone (keeping queue priority) when it did not.
  assert.ok((strategy.amended as number) > 0);
  assert.ok((strategy.keptPriority as number) > 0);
  assert.ok(report.fills > 0, `fills ${report.fills}`);
  // Post-only pegs never take liquidity.
  assert.equal(diagnostics.volume.taker, 0);
});
