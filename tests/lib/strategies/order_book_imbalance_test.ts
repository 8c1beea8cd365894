import assert from "node:assert/strict";
import { bookImbalance } from "../../../lib/strategies/mod.ts";
import { orderBookImbalanceDefinition } from "../../../lib/strategies/order_book_imbalance.ts";
import type { BookView, StrategyContext } from "../../../lib/strategies/mod.ts";
import type { Signal } from "../../../lib/domain/mod.ts";
import { BOOK_SAMPLE, runOnSample, TRADES_10M } from "../backtest/tick/_strategy_run.ts";

function view(bids: number[], asks: number[]): BookView {
  const side = (sizes: number[], sign: number) => ({
    depth: sizes.length,
    price: (i: number) => 100 + sign * (i + 1),
    size: (i: number) => sizes[i],
  });
  return { symbol: "bitmex:XBTUSD", bids: side(bids, -1), asks: side(asks, 1) };
}

Deno.test("bookImbalance weighs deeper levels by level_decay^i", () => {
  assert.equal(bookImbalance(view([3], [1]), 5, 0.5), 0.5);
  // bids 1 + 0.5·4 = 3, asks 1 + 0.5·0 = 1 → 0.5
  assert.equal(bookImbalance(view([1, 4], [1, 0]), 2, 0.5), 0.5);
  assert.equal(bookImbalance(view([], []), 5, 0.5), 0);
});

Deno.test("OrderBookImbalance enters beyond the threshold and flattens in the neutral zone", () => {
  const strategy = orderBookImbalanceDefinition.create({
    symbol: "bitmex:XBTUSD",
    depth: 1,
    level_decay: 1,
    enter_threshold: 0.5,
    exit_threshold: 0.1,
    quantity: 100,
    cooldown_ms: 0,
  });
  const signals: Signal["kind"][] = [];
  let now = 0;
  const ctx = {
    get now() {
      return now;
    },
    signal: (s: Signal) => signals.push(s.kind),
  } as unknown as StrategyContext;
  for (const [b, a] of [[9, 1], [8, 2], [5, 5], [1, 9], [4, 6]]) {
    now += 1_000;
    strategy.onBook?.(view([b], [a]), ctx);
  }
  // 0.8 → long; 0.6 stays long; 0 → flatten; −0.8 → short; −0.2 (between thresholds) holds.
  assert.deepEqual(signals, ["enter-long", "flatten", "enter-short"]);
});

Deno.test("OrderBookImbalance on the real L2 book and trades: takes positions with market orders", async () => {
  const { report, diagnostics, strategy } = await runOnSample("OrderBookImbalance", {
    enter_threshold: 0.3,
    cooldown_ms: 100,
  }, [BOOK_SAMPLE, TRADES_10M]);
  assert.ok((strategy.signals as number) >= 1);
  assert.ok(report.fills >= 1, `fills ${report.fills}`);
  assert.equal(diagnostics.volume.maker, 0);
});
