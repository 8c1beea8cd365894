// Issue 19: the session asks the OMS for refusals only while someone subscribed to them, so a
// backtest's refusals are counted without their messages being written; a listener and the
// report's examples still get each message whole.
import assert from "node:assert/strict";
import type { Refusal } from "../../../lib/domain/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import type { Strategy, StrategyContext } from "../../../lib/strategies/mod.ts";
import { TradingSession } from "../../../lib/trader/mod.ts";
import { BTC } from "../execution/_oms_harness.ts";

/** Enters long on every timer. */
const enterer: Strategy = {
  name: "Enterer",
  subscriptions: [{ kind: "candles", symbol: BTC.symbol, interval: "1m" }],
  onTimer(_tag: string, ctx: StrategyContext) {
    ctx.signal({ symbol: BTC.symbol, kind: "enter-long", confidence: 1 });
  },
  snapshot: () => null,
  restore: () => {},
};

const MESSAGE = "bybit:BTCUSDT: order quantity 1 exceeds the limit 0.5";

Deno.test("a refusal event carries the whole message; unheard refusals still fill the examples", () => {
  const s = new TradingSession({
    strategy: enterer,
    instruments: [BTC],
    initialBalances: { USDT: 1_000_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(1),
    risk: { maxOrderQuantity: 0.5 },
  }, () => ({ venue: "recorder", send: () => {} }));
  s.host("1m");
  s.portfolio.mark(BTC.symbol, 100);
  const timer = (ts: number): void =>
    s.engine.process({ kind: "timer", ts, tsRecv: ts, owner: "Enterer", tag: "go" });
  timer(1_000);
  const heard: Refusal[] = [];
  const unsubscribe = s.engine.bus.subscribe("refusal", (e) => heard.push(e.refusal));
  timer(2_000);
  unsubscribe();
  timer(3_000);
  assert.deepEqual(heard, [{
    rule: "max-order-quantity",
    message: MESSAGE,
    symbol: BTC.symbol,
    limit: 0.5,
    requested: 1,
  }]);
  assert.deepEqual(s.oms.rejections(), {
    counts: { "max-order-quantity": 3 },
    examples: [MESSAGE, MESSAGE, MESSAGE],
  });
});
