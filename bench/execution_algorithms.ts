/**
 * Execution algorithms benchmark (issue 17). Two figures:
 *
 * 1. Per-event cost, in process: one candle session (the real candle venue) over N synthetic 1m
 *    candles whose strategy enters and exits every 20 bars: with market orders (the plain OMS
 *    path), with a one-slice TWAP (the same orders, each through the algorithm layer: its cost
 *    alone) and with a TWAP of 5 slices over 10 minutes (five times the orders), as µs per
 *    candle.
 * 2. End to end: `tesser backtest run` over N candles (default 10,000,000) of SmaCross (50/200),
 *    plain and with `[execution]` TWAP (600 s; 1 and 5 slices), in a child process each, best
 *    of two, as M candles/s.
 *
 *   deno run -A bench/execution_algorithms.ts [rows=10000000] [inprocess_rows=1000000]
 *
 * @module
 */

import { generateCandles, writeCandleParquet } from "../lib/data/mod.ts";
import { makeInstrument, type Signal } from "../lib/domain/mod.ts";
import { fixedQuantity } from "../lib/execution/mod.ts";
import type { Strategy, StrategyContext } from "../lib/strategies/mod.ts";
import { TradingSession } from "../lib/trader/mod.ts";
import { CandleVenue } from "../lib/venues/mod.ts";

const rows = Number(Deno.args[0] ?? 10_000_000);
const inProcessRows = Number(Deno.args[1] ?? 1_000_000);
if (!Number.isSafeInteger(rows) || rows < 1 || !Number.isSafeInteger(inProcessRows)) {
  console.error("usage: deno run -A bench/execution_algorithms.ts [rows] [inprocess_rows]");
  Deno.exit(2);
}

const BTC = makeInstrument({
  symbol: "bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
});

/** Enters on bar 0 of every 20 and exits on bar 10, with `hint` (market when undefined). */
class Flip implements Strategy {
  readonly name = "flip";
  readonly subscriptions = [{
    kind: "candles" as const,
    symbol: BTC.symbol,
    interval: "1m" as const,
  }];
  readonly executionHints = ["twap"] as const;
  #bar = 0;
  constructor(readonly hint: Signal["hint"]) {}
  onCandle(_c: unknown, ctx: StrategyContext): void {
    const phase = this.#bar++ % 20;
    const base = {
      symbol: BTC.symbol,
      confidence: 1,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
    };
    if (phase === 0) ctx.signal({ ...base, kind: "enter-long" });
    else if (phase === 10) ctx.signal({ ...base, kind: "exit-long" });
  }
  snapshot(): null {
    return null;
  }
  restore(): void {}
}

async function inProcess(hint: Signal["hint"]): Promise<{ us: number; children: number }> {
  const session = new TradingSession({
    strategy: new Flip(hint),
    instruments: [BTC],
    initialBalances: { USDT: 1_000_000_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.01),
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
  const started = performance.now();
  let n = 0;
  for await (const batch of generateCandles({ rows: inProcessRows, seed: 7, symbol: BTC.symbol })) {
    for (let i = 0; i < batch.length; i++, n++) {
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
  const us = ((performance.now() - started) * 1000) / n;
  return { us, children: session.oms.submitted };
}

const variants: readonly [string, Signal["hint"]][] = [
  ["plain OMS", undefined],
  ["TWAP 1 slice", { kind: "twap", durationSecs: 600, slices: 1 }],
  ["TWAP 5 slices", { kind: "twap", durationSecs: 600, slices: 5 }],
];
// Interleaved twice, best of two each: the machine is shared.
const best = new Map<string, { us: number; children: number }>();
for (let round = 0; round < 2; round++) {
  for (const [name, hint] of variants) {
    const result = await inProcess(hint);
    const seen = best.get(name);
    if (seen === undefined || result.us < seen.us) best.set(name, result);
  }
}
const plainUs = best.get("plain OMS")?.us ?? NaN;
for (const [name, result] of best) {
  console.log(
    `in process, ${inProcessRows} candles, ${name}: ${result.us.toFixed(3)} µs/candle, ` +
      `${result.children} orders, ${(result.us / plainUs).toFixed(2)}x plain`,
  );
}

const dir = await Deno.makeTempDir({ prefix: "tesser-algo-bench-" });
const root = new URL("..", import.meta.url).pathname;
try {
  const data = `${dir}/bybit_btcusdt_1m.parquet`;
  await writeCandleParquet(data, generateCandles({ rows, seed: 7, symbol: BTC.symbol }), {
    symbol: BTC.symbol,
    interval: "1m",
  });
  const base =
    'strategy_name = "SmaCross"\n\n[params]\nsymbol = "bybit:BTCUSDT"\nfast_period = 50\nslow_period = 200\n';
  await Deno.writeTextFile(`${dir}/plain.toml`, base);
  for (const slices of [1, 5]) {
    await Deno.writeTextFile(
      `${dir}/twap${slices}.toml`,
      `${base}\n[execution]\nalgorithm = "twap"\nduration_secs = 600\nslices = ${slices}\n`,
    );
  }
  const rates: Record<string, number> = {};
  for (const name of ["plain", "twap1", "twap5", "plain", "twap1", "twap5"]) {
    const started = performance.now();
    const child = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "-A",
        "bench/_backtest_e2e_child.ts",
        "backtest",
        "run",
        "--strategy-config",
        `${dir}/${name}.toml`,
        "--data",
        data,
        "--max-drawdown",
        "1",
        "--json",
      ],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const seconds = (performance.now() - started) / 1000;
    if (!child.success) throw new Error(new TextDecoder().decode(child.stderr));
    const report = JSON.parse(new TextDecoder().decode(child.stdout));
    const rate = report.bars / seconds / 1e6;
    // Best of two runs each: the machine is shared, the slower run measures the neighbours.
    rates[name] = Math.max(rates[name] ?? 0, rate);
    console.log(
      `end to end ${name}: ${report.bars} candles in ${seconds.toFixed(2)} s = ${
        rate.toFixed(2)
      }M candles/s (orders ${report.orders}, fills ${report.fills})`,
    );
  }
  for (const name of ["twap1", "twap5"]) {
    console.log(
      `end to end, best of two: ${name} ${rates[name].toFixed(2)} vs plain ${
        rates.plain.toFixed(2)
      } M candles/s = ${((1 - rates[name] / rates.plain) * 100).toFixed(1)} % lower`,
    );
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
