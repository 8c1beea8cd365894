// PeggedBest and Iceberg in tick mode on the real BitMEX XBTUSD sample (10 minutes of quotes
// and trades, tests/testdata/tick/README.md): the tick venue's book, queue and latency decide.
import assert from "node:assert/strict";
import { runTickBacktest, tickFileSource } from "../../../../lib/backtest/tick/mod.ts";
import { loadMarkets } from "../../../../lib/backtest/markets.ts";
import type { ExecutionHint, Order, Quote } from "../../../../lib/domain/mod.ts";
import { fixedQuantity } from "../../../../lib/execution/mod.ts";
import type { Strategy, StrategyContext } from "../../../../lib/strategies/mod.ts";
import { constantLatency } from "../../../../lib/venues/mod.ts";

const ROOT = new URL("../../../../", import.meta.url).pathname;
const QUOTES = `${ROOT}tests/testdata/tick/bitmex_xbtusd_quotes_10m.csv.gz`;
const TRADES = `${ROOT}tests/testdata/tick/bitmex_xbtusd_trades_10m.csv.gz`;
const XBT = "bitmex:XBTUSD";

/** Buys once, on the first quote, with `hint`. */
class BuyOnce implements Strategy {
  readonly name = "buy-once";
  readonly subscriptions = [{ kind: "quotes" as const, symbol: XBT }, {
    kind: "trades" as const,
    symbol: XBT,
  }];
  readonly executionHints: readonly ExecutionHint["kind"][];
  readonly hint: ExecutionHint;
  #sent = false;
  constructor(hint: ExecutionHint) {
    this.hint = hint;
    this.executionHints = [hint.kind];
  }
  onQuote(_q: Quote, ctx: StrategyContext): void {
    if (this.#sent) return;
    this.#sent = true;
    ctx.signal({ symbol: XBT, kind: "enter-long", confidence: 1, hint: this.hint });
  }
  snapshot(): null {
    return null;
  }
  restore(): void {}
}

async function run(hint: ExecutionHint, quantity: number) {
  const instruments = await loadMarkets(`${ROOT}config/markets.toml`);
  return await runTickBacktest({
    strategy: new BuyOnce(hint),
    instruments,
    sources: [tickFileSource(QUOTES), tickFileSource(TRADES)],
    initialBalances: { XBT: 1 },
    reportingCurrency: "XBT",
    sizer: fixedQuantity(quantity),
    latency: constantLatency({ entry: 5_000, response: 5_000 }),
  });
}

type Row = Record<string, unknown>;

Deno.test("PeggedBest on the BitMEX sample rests at the best bid and follows it with price amends", async () => {
  const { report, bundle } = await run({
    kind: "pegged-best",
    offsetTicks: 0,
    refreshSecs: 1,
    clipSize: 200,
  }, 1_000);
  const parents = (report.executionAlgorithms as { parents: Row[] }).parents;
  assert.equal(parents.length, 1);
  const [parent] = parents;
  const parentOf = bundle.parentOf;
  assert.ok(parentOf !== undefined);
  const children = bundle.orders.filter((o: Order) =>
    parentOf(o.request.clientOrderId) === parent.parentId
  );
  // Clips of 200 contracts at most, limits on the bid side.
  assert.ok(children.length >= 2);
  for (const c of children) {
    assert.equal(c.request.type, "limit");
    assert.ok(c.request.quantity.toNumber() <= 200);
  }
  // The touch moved during the ten minutes: a child was re-priced in place (the tick venue
  // amends), so its final price differs from the first bid it rested at.
  const prices = new Set(children.map((c) => c.request.price?.toString()));
  assert.ok(prices.size >= 2, [...prices].join(" "));
  assert.ok(bundle.fills.some((f) => parentOf(f.fill.clientOrderId) === parent.parentId));
  // A buy never pays above the price its child rested at (a re-priced child whose new price
  // the market crossed within the latency takes, at or below it).
  const byId = new Map(children.map((c) => [c.request.clientOrderId, c]));
  for (const f of bundle.fills) {
    const child = byId.get(f.fill.clientOrderId);
    assert.ok(child?.request.price !== undefined && f.fill.price.lte(child.request.price));
  }
  assert.equal(report.rejections["unsupported-amend"], undefined);
});

Deno.test("Iceberg on the BitMEX sample refills its visible slice as each fills, every refill a new order", async () => {
  const { report, bundle } = await run(
    { kind: "iceberg", price: 64_600, displayQuantity: 200 },
    1_000,
  );
  const [parent] = (report.executionAlgorithms as { parents: Row[] }).parents;
  const parentOf = bundle.parentOf;
  assert.ok(parentOf !== undefined);
  const children = bundle.orders.filter((o: Order) =>
    parentOf(o.request.clientOrderId) === parent.parentId
  );
  assert.ok(children.length >= 2, `${children.length} slices`);
  for (let i = 0; i < children.length; i++) {
    const c = children[i];
    assert.equal(c.request.price?.toString(), "64600");
    assert.equal(c.request.quantity.toString(), "200");
    // A refill is sent only once the slice before it has filled.
    if (i > 0) {
      assert.equal(children[i - 1].status, "filled");
      assert.ok(c.createdTs >= children[i - 1].updatedTs);
    }
  }
  assert.equal(new Set(children.map((c) => c.request.clientOrderId)).size, children.length);
  assert.equal(parent.filled, children.reduce((a, c) => a + c.filledQuantity.toNumber(), 0));
});
