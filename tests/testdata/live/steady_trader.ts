/**
 * A test strategy for `live run` under faults: it trades steadily — on every `every`-th trade
 * it alternates its target position between `quantity` and flat and sends the market order that
 * gets there, but never while one of its orders is still working or in flight (so an order of
 * unknown outcome is not followed by a second one on top). It also subscribes the book, so the
 * feed's sequence gaps are real resynchronisations.
 */

import { defineStrategy, param } from "@tesser/tesser/strategies";

/** The export `--strategy-module` looks for. */
export const strategy = defineStrategy({
  name: "SteadyTrader",
  description: "alternates between long `quantity` and flat every `every` trades",
  params: {
    symbol: param.symbol(),
    quantity: param.number({ default: 0.01, min: 0.001 }),
    every: param.number({ integer: true, default: 2, min: 1 }),
  },
  state: { trades: 0, long: false },
  subscriptions: (p) => [
    { kind: "trades", symbol: p.symbol },
    { kind: "book", symbol: p.symbol },
  ],
  onTrade(_trade, ctx) {
    const { symbol, quantity, every } = ctx.params;
    ctx.state.trades++;
    if (ctx.state.trades % every !== 0) return;
    if (ctx.openOrders(symbol).length > 0) return;
    ctx.state.long = !ctx.state.long;
    const target = ctx.state.long ? quantity : 0;
    const difference = Math.round((target - ctx.position(symbol)) * 1e6) / 1e6;
    if (difference === 0) return;
    ctx.submitOrder({
      symbol,
      side: difference > 0 ? "buy" : "sell",
      type: "market",
      quantity: Math.abs(difference),
    });
  },
});
