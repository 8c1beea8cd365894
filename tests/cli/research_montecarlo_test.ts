import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../../cli/main.ts";
import { recordingIo } from "../../cli/io.ts";

async function run(
  args: readonly string[],
): Promise<{ code: number; out: string[]; err: string[] }> {
  const io = recordingIo();
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

Deno.test("research montecarlo resamples a backtest's trades, reproducibly with its seed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tesser-mc-" });
  try {
    const report = join(dir, "run");
    const backtest = await run([
      "backtest",
      "run",
      "--strategy-config",
      "examples/strategies/rsi_reversion.toml",
      "--rows",
      "20000",
      "--seed",
      "7",
      "--output-dir",
      report,
    ]);
    assert.equal(backtest.code, 0, backtest.err.join("\n"));
    const mc = (seed: string, method = "bootstrap") =>
      run([
        "research",
        "montecarlo",
        "--report",
        report,
        "--method",
        method,
        "--simulations",
        "300",
        "--seed",
        seed,
        "--json",
      ]);
    const a = await mc("4");
    assert.equal(a.code, 0, a.err.join("\n"));
    assert.deepEqual((await mc("4")).out, a.out);
    assert.notDeepEqual((await mc("5")).out, a.out);
    const result = JSON.parse(a.out.join("\n"));
    const trades = (await Deno.readTextFile(join(report, "trades.csv"))).trimEnd().split("\n");
    assert.equal(result.trades, trades.length - 1);
    // The original sequence's return is the trades' PnL over the initial equity.
    const column = trades[0].split(",").indexOf("netPnl");
    const sum = trades.slice(1).reduce((acc, line) => acc + Number(line.split(",")[column]), 0);
    assert.ok(Math.abs(result.original.totalReturn - sum / 10_000) < 1e-12);
    assert.ok(result.totalReturn.low <= result.totalReturn.p50);
    assert.ok(result.totalReturn.p50 <= result.totalReturn.high);
    const files = await run([
      "research",
      "montecarlo",
      "--report",
      report,
      "--output",
      join(dir, "mc"),
    ]);
    assert.equal(files.code, 0);
    assert.match(files.out[0], /^shuffle: 1000 paths of \d+ trades$/);
    assert.match(files.out[2], /^max drawdown: original \d+\.\d\d%, median .* 95% interval \[/);
    const bands = await Deno.readTextFile(join(dir, "mc", "montecarlo_bands.csv"));
    assert.match(bands, /^trade,p5,p50,p95\n0,10000,10000,10000\n/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("research montecarlo errors say what the folder lacks", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tesser-mc-" });
  try {
    const missing = await run(["research", "montecarlo"]);
    assert.equal(missing.code, 2);
    assert.match(missing.err[0], /--report DIR is required/);
    const empty = await run(["research", "montecarlo", "--report", dir]);
    assert.equal(empty.code, 1);
    assert.match(empty.err[0], /report\.json cannot be read \(hint: pass a folder written by/);
    const quiet = join(dir, "quiet");
    assert.equal(
      (await run([
        "backtest",
        "run",
        "--strategy-config",
        "examples/strategies/sma_cross.toml",
        "--data",
        "examples/data/btcusdt_1m_sample.parquet",
        "--to",
        "2024-01-01T00:30:00Z",
        "--output-dir",
        quiet,
      ])).code,
      0,
    );
    const none = await run(["research", "montecarlo", "--report", quiet]);
    assert.equal(none.code, 1);
    assert.match(none.err[0], /has no trades to resample/);
    const bad = await run(["research", "montecarlo", "--report", quiet, "--confidence", "1"]);
    assert.match(bad.err[0], /--confidence: must be between 0 and 1/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
