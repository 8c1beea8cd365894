// The strategy the protective-stop tests run through `tesser live run --strategy-module`:
// on the first trade it sees while flat, it enters long once with a stop-loss `stop_pct` below
// and a take-profit `take_pct` above that price; then it does nothing, so every later order is
// the venue's or the OMS's (the bracket legs).

import { defineStrategy, param } from "../../lib/strategies/mod.ts";

/** The export `--strategy-module` looks for. */
export const strategy = defineStrategy({
  name: "EnterOnceProtected",
  description: "one long entry with a bracket, then nothing",
  params: {
    symbol: param.symbol(),
    stop_pct: param.number({ min: 0.01, default: 2, description: "stop distance, percent" }),
    take_pct: param.number({ min: 0.01, default: 2, description: "target distance, percent" }),
  },
  state: { entered: false },
  subscriptions: (p) => [{ kind: "trades", symbol: p.symbol }],
  onTrade(trade, ctx) {
    const { params: p, state } = ctx;
    if (state.entered || ctx.position(p.symbol) !== 0) return;
    state.entered = true;
    ctx.signal({
      symbol: p.symbol,
      kind: "enter-long",
      confidence: 1,
      stopLoss: trade.price * (1 - p.stop_pct / 100),
      takeProfit: trade.price * (1 + p.take_pct / 100),
    });
  },
});
