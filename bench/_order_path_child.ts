/**
 * Child of the order-path instruction counts (bench/README.md, "Instruction counts"): one
 * in-process candle session on the real candle venue over N seeded candles held in memory (no
 * file I/O, so a run under cachegrind with `--v8-flags=--predictable` repeats its count), whose
 * strategy enters on bar 0 and exits on bar 10 of every 20. Variants: `none` (the strategy
 * makes no signal: the per-bar path alone), `plain` (market orders), `twap1`/`twap5` (each
 * signal worked by a TWAP over 600 s of 1 or 5 slices), `refused` (an entry signal on every
 * bar, each refused by pre-trade risk's `maxOrderQuantity`: the refusal path, one per candle, so
 * that 40k candles give 40k refusals). Prints the orders sent and the refusals.
 *
 *   valgrind --tool=cachegrind --cache-sim=no deno run --v8-flags=--predictable -A \
 *     bench/_order_path_child.ts plain 100000
 *
 * @module
 */

import { generateCandles } from "../lib/data/mod.ts";
import type { Signal } from "../lib/domain/mod.ts";
import { fixedQuantity } from "../lib/execution/mod.ts";
import type { Strategy, StrategyContext } from "../lib/strategies/mod.ts";
import { TradingSession } from "../lib/trader/mod.ts";
import { CandleVenue } from "../lib/venues/mod.ts";
import { BTC } from "./_oms_harness.ts";

const HINTS: Readonly<Record<string, Signal["hint"] | null>> = {
  none: null,
  plain: undefined,
  twap1: { kind: "twap", durationSecs: 600, slices: 1 },
  twap5: { kind: "twap", durationSecs: 600, slices: 5 },
  refused: undefined,
};
const variant = Deno.args[0] ?? "plain";
const rows = Number(Deno.args[1] ?? 100_000);
const hint = HINTS[variant];
if (!(variant in HINTS) || !Number.isSafeInteger(rows) || rows < 1) {
  console.error("usage: bench/_order_path_child.ts none|plain|twap1|twap5|refused ROWS");
  Deno.exit(2);
}

/**
 * Enters on bar 0 of every 20 and exits on bar 10 (no signal at all for `none`, an entry on
 * every bar for `refused`).
 */
class Flip implements Strategy {
  readonly name = "flip";
  readonly subscriptions = [{
    kind: "candles" as const,
    symbol: BTC.symbol,
    interval: "1m" as const,
  }];
  readonly executionHints = ["twap"] as const;
  #bar = 0;
  onCandle(_c: unknown, ctx: StrategyContext): void {
    const phase = this.#bar++ % 20;
    if (hint === null || (phase !== 0 && phase !== 10 && variant !== "refused")) return;
    ctx.signal({
      symbol: BTC.symbol,
      confidence: 1,
      kind: phase === 0 || variant === "refused" ? "enter-long" : "exit-long",
      ...(hint === undefined ? {} : { hint }),
    });
  }
  snapshot(): null {
    return null;
  }
  restore(): void {}
}

const session = new TradingSession({
  strategy: new Flip(),
  instruments: [BTC],
  initialBalances: { USDT: 1_000_000_000 },
  reportingCurrency: "USDT",
  sizer: fixedQuantity(0.01),
  ...(variant === "refused" ? { risk: { maxOrderQuantity: 0.001 } } : {}),
}, ({ clock, inbox, portfolio }) =>
  new CandleVenue({
    instruments: new Map([[BTC.symbol, BTC]]),
    positionOf: (symbol) => portfolio.position(symbol).quantity,
    liquidationPriceOf: (symbol) => portfolio.liquidationPrice(symbol),
    bankruptcyPriceOf: (symbol) => portfolio.bankruptcyPrice(symbol),
    now: () => clock.now(),
  }, inbox));
session.host("1m");
const { venue, engine } = session;
const batches = [];
for await (const batch of generateCandles({ rows, seed: 7, symbol: BTC.symbol })) {
  batches.push(batch);
}
for (const batch of batches) {
  for (let i = 0; i < batch.length; i++) {
    const openTime = batch.ts[i];
    const o = batch.open[i], h = batch.high[i], l = batch.low[i], c = batch.close[i];
    const v = batch.volume[i];
    venue.onBar(BTC.symbol, openTime, 60_000_000, o, h, l, c, v);
    engine.process({
      kind: "candle",
      ts: openTime + 60_000_000,
      tsRecv: openTime + 60_000_000,
      candle: {
        symbol: BTC.symbol,
        interval: "1m",
        openTime,
        open: o,
        high: h,
        low: l,
        close: c,
        volume: v,
      },
    });
  }
}
console.log(
  `${variant} ${rows} orders ${session.oms.submitted} fills ${session.fills.length} ` +
    `refused ${session.oms.rejectedCount}`,
);
