/**
 * An example user strategy, MomentumBurst: enter long when the close has risen more than
 * `threshold_pct` percent over the last `lookback` bars, exit when the move over the same
 * window turns negative. Run it with
 *
 * ```sh
 * deno run -A cli/main.ts backtest run \
 *   --strategy-module examples/custom_strategy/my_strategy.ts \
 *   --strategy-config examples/custom_strategy/my_strategy.toml
 * ```
 *
 * and test it with `deno test -A examples/custom_strategy/`. Its one import,
 * `@tesser/tesser/strategies`, is what a strategy in your own project imports too.
 *
 * @module
 */

import { defineStrategy, param } from "@tesser/tesser/strategies";

/** The export `--strategy-module` looks for. */
export const strategy = defineStrategy({
  name: "MomentumBurst",
  aliases: ["momentum_burst"],
  description: "long after a fast rise, out when the move turns negative",
  params: {
    symbol: param.symbol(),
    lookback: param.number({ integer: true, min: 1, default: 10, description: "bars of the move" }),
    threshold_pct: param.number({ min: 0, default: 0.5, description: "entry rise in percent" }),
  },
  // The last lookback + 1 closes: the whole state, so snapshot/restore come for free.
  state: { closes: [] as number[] },
  subscriptions: (p) => [{ kind: "candles", symbol: p.symbol, interval: "1m" }],
  onCandle(candle, ctx) {
    const { params: p, state: { closes } } = ctx;
    closes.push(candle.close);
    if (closes.length > p.lookback + 1) closes.shift();
    if (closes.length <= p.lookback) return;
    const first = closes[0] as number;
    const movePct = ((candle.close - first) / first) * 100;
    const long = ctx.position(p.symbol) > 0;
    if (!long && movePct > p.threshold_pct) {
      ctx.signal({ symbol: p.symbol, kind: "enter-long", confidence: 1 });
    } else if (long && movePct < 0) {
      ctx.signal({ symbol: p.symbol, kind: "exit-long", confidence: 1 });
    }
  },
});
