/**
 * A test strategy for `live run`: on its first trade it rests one limit buy 10 % below the
 * price and keeps it, so a shutdown with cancel-on-shutdown has a working order to cancel.
 */

import { defineStrategy, param } from "@tesser/tesser/strategies";

/** The export `--strategy-module` looks for. */
export const strategy = defineStrategy({
  name: "RestingBid",
  description: "one resting limit buy 10% below the first trade",
  params: { symbol: param.symbol() },
  state: { placed: false },
  subscriptions: (p) => [{ kind: "trades", symbol: p.symbol }],
  onTrade(trade, ctx) {
    if (ctx.state.placed) return;
    ctx.state.placed = true;
    ctx.submitOrder({
      symbol: ctx.params.symbol,
      side: "buy",
      type: "limit",
      quantity: 0.01,
      price: Math.round(trade.price * 0.9),
    });
  },
});
