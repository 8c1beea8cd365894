/**
 * The strategy the kill -9 test runs through `tesser live run --strategy-module`: it quotes one
 * bid and one ask of 0.001 a few ticks from the last trade (re-pricing the bid by an amend and
 * cancelling the oldest quote now and then, so cancels and amends are in flight when the
 * process dies), and every `twap_every_ms` it goes long or back flat by a TWAP of four market
 * slices over two seconds, so an execution algorithm is mid-parent at many of the kills. Its
 * state records the time of its very first trade: a restored strategy keeps it.
 */

import { defineStrategy, param } from "@tesser/tesser/strategies";

/** The export `--strategy-module` looks for. */
export const strategy = defineStrategy({
  name: "TwapMaker",
  description: "quotes around the last trade and works position changes by TWAP (kill -9 test)",
  params: {
    symbol: param.symbol(),
    quote_ms: param.number({ min: 1, default: 200 }),
    twap_every_ms: param.number({ min: 1, default: 3000 }),
  },
  state: { firstTs: 0, quotes: 0, twaps: 0, lastQuoteTs: 0, lastTwapTs: 0, long: false },
  subscriptions: (p) => [{ kind: "trades", symbol: p.symbol }],
  executionHints: () => ["twap"],
  onTrade(trade, ctx) {
    const s = ctx.state;
    const symbol = ctx.params.symbol;
    if (s.firstTs === 0) {
      s.firstTs = ctx.now;
      s.lastTwapTs = ctx.now;
    }
    if (ctx.now - s.lastTwapTs >= ctx.params.twap_every_ms * 1000) {
      s.lastTwapTs = ctx.now;
      s.twaps++;
      ctx.signal({
        symbol,
        kind: s.long ? "exit-long" : "enter-long",
        confidence: 1,
        hint: { kind: "twap", durationSecs: 2, slices: 4 },
      });
      s.long = !s.long;
    }
    if (ctx.now - s.lastQuoteTs < ctx.params.quote_ms * 1000) return;
    s.lastQuoteTs = ctx.now;
    s.quotes++;
    const quotes = ctx.openOrders(symbol).filter((o) => o.request.type === "limit");
    const offset = 0.1 * (1 + (s.quotes % 4));
    const price = (p: number): number => Math.round(p * 10) / 10;
    const bid = quotes.find((o) => o.request.side === "buy");
    const ask = quotes.find((o) => o.request.side === "sell");
    const position = ctx.position(symbol);
    if (bid === undefined && position < 0.01) {
      ctx.submitOrder({
        symbol,
        side: "buy",
        type: "limit",
        quantity: 0.001,
        price: price(trade.price - offset),
      });
    } else if (bid !== undefined && bid.status === "accepted" && s.quotes % 3 === 0) {
      ctx.amendOrder(symbol, bid.request.clientOrderId, { price: price(trade.price - offset) });
    }
    if (ask === undefined && position > -0.01) {
      ctx.submitOrder({
        symbol,
        side: "sell",
        type: "limit",
        quantity: 0.001,
        price: price(trade.price + offset),
      });
    }
    const oldest = quotes.find((o) => o.status === "accepted");
    if (s.quotes % 7 === 0 && oldest !== undefined) {
      ctx.cancelOrder(symbol, oldest.request.clientOrderId);
    }
  },
});
