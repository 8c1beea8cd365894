// Issue 11 item 4: tick mode liquidates. Failed before: `--leverage` was accepted but nothing
// checked the liquidation price, so a 10× long rode a 20 % fall with `liquidations: 0`.
import assert from "node:assert/strict";
import { runTickBacktest, type TickSource } from "../../../../lib/backtest/tick/mod.ts";
import type { JsonValue } from "../../../../lib/domain/mod.ts";
import { fixedQuantity } from "../../../../lib/execution/mod.ts";
import type {
  BookView,
  Strategy,
  StrategyContext,
  StrategySubscription,
} from "../../../../lib/strategies/mod.ts";
import { quote, XBT, XBTUSD } from "../../venues/tick/_helpers.ts";

/** Buys 100 contracts at market on the first book; later books only mark. */
class MarketBuyer implements Strategy {
  readonly name = "MarketBuyer";
  readonly subscriptions: readonly StrategySubscription[] = [{ kind: "book", symbol: XBT }];
  orders: string[] = [];
  #sent = false;

  onBook(_book: BookView, ctx: StrategyContext): void {
    if (this.#sent) return;
    this.#sent = true;
    ctx.submitOrder({ symbol: XBT, side: "buy", type: "market", quantity: 100 });
  }

  snapshot(): JsonValue {
    return null;
  }

  restore(): void {}
}

function run(mids: readonly number[], leverage: number, balance = 1) {
  const source: TickSource = {
    name: "mem",
    events: mids.map((mid, i) => quote(10 + 10 * i, mid - 0.05, 10_000, mid + 0.05, 10_000)),
  };
  return runTickBacktest({
    strategy: new MarketBuyer(),
    instruments: [XBTUSD],
    sources: [source],
    initialBalances: { XBT: balance },
    reportingCurrency: "XBT",
    sizer: fixedQuantity(100),
    leverage,
  });
}

Deno.test("tick mode liquidates a 10× inverse long at its bankruptcy price", async () => {
  // Bought 100 contracts at the ask 100.1. Liquidation 100.1 / (1 + 0.1 − 0.005) = 91.42;
  // bankruptcy 100.1 / 1.1 = 91. The mid 91.3 crosses the first but not the second: the venue
  // takes the position at 91 — a loss of exactly the margin 100 / 100.1 / 10 ≈ 0.0999 XBT.
  const { report, bundle } = await run([100.05, 95, 91.3, 85, 80], 10);
  assert.equal(report.liquidations, 1);
  assert.deepEqual(
    bundle.fills.map(({ fill }) => `${fill.side} ${fill.quantity}@${fill.price} ${fill.liquidity}`),
    ["buy 100@100.1 taker", "sell 100@91 taker"],
  );
  const last = bundle.orders.find((o) => o.request.clientOrderId.startsWith("liquidation-"));
  assert.equal(last?.reason, "liquidation");
  // The loss is the margin plus the two taker fees, not the 20 % of the notional.
  const loss = 1 - Number(report.finalEquity);
  const margin = 100 / 100.1 / 10;
  const fees = 0.00075 * (100 / 100.1 + 100 / 91);
  assert.ok(Math.abs(loss - (margin + fees)) < 1e-9, `lost ${loss}`);
});

Deno.test("tick mode closes at the mark when it jumps beyond the bankruptcy price", async () => {
  // From 100.05 straight to 80.05: beyond 91, so the position closes at 80 (floor of the mid).
  const { report, bundle } = await run([100.05, 80.05, 80.05], 10);
  assert.equal(report.liquidations, 1);
  assert.deepEqual(bundle.fills.map(({ fill }) => `${fill.side} ${fill.price}`), [
    "buy 100.1",
    "sell 80",
  ]);
});

Deno.test("tick mode at 1× does not liquidate a long above E / (2 − m)", async () => {
  // An inverse long at 1× liquidates only at 100.1 / 1.995 ≈ 50.18. Its margin (≈ 0.999 XBT)
  // plus the taker fee needs more than 1 XBT of buying power, hence 2.
  const { report, bundle } = await run([100.05, 60, 51], 1, 2);
  assert.equal(report.liquidations, 0);
  assert.equal(bundle.fills.length, 1);
});
