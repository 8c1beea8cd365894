import assert from "node:assert/strict";
import { main } from "../../cli/main.ts";
import { recordingIo } from "../../cli/io.ts";

const TICK = [
  "backtest",
  "run",
  "--mode",
  "tick",
  "--strategy-config",
  "examples/strategies/gueant_market_maker.toml",
];
const LOB = [
  "--lob-data",
  "examples/data/bitmex/bitmex_xbtusd_quotes_10m.csv.gz",
  "--lob-data",
  "examples/data/bitmex/bitmex_xbtusd_trades_10m.csv.gz",
];

async function tesser(...args: string[]) {
  const io = recordingIo();
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

Deno.test("backtest run --mode tick runs the BitMEX sample and honours --max-drawdown", async () => {
  const free = await tesser(...TICK, ...LOB, "--json");
  assert.equal(free.code, 0, free.err.join("\n"));
  assert.equal(JSON.parse(free.out.join("\n")).rejections["kill-switch"], undefined);
  const tight = await tesser(...TICK, ...LOB, "--json", "--max-drawdown", "0.0000001");
  assert.equal(tight.code, 0, tight.err.join("\n"));
  const report = JSON.parse(tight.out.join("\n"));
  assert.ok(report.rejections["kill-switch"] > 0);
  assert.ok(report.orders < JSON.parse(free.out.join("\n")).orders);
});

Deno.test("backtest run refuses flags of the other mode instead of ignoring them", async () => {
  const tick = await tesser(...TICK, ...LOB, "--latency-bars", "3");
  assert.equal(tick.code, 2);
  assert.match(
    tick.err.join("\n"),
    /flag --latency-bars applies to --mode candle only \(this run is tick\)/,
  );
  const candle = await tesser(
    "backtest",
    "run",
    "--strategy-config",
    "examples/strategies/sma_cross.toml",
    "--queue-model",
    "optimistic",
  );
  assert.equal(candle.code, 2);
  assert.match(candle.err.join("\n"), /flag --queue-model applies to --mode tick only/);
});
