// Every examples/strategies/algo_*.toml runs as its header says and works its signals with
// its algorithm.
import assert from "node:assert/strict";
import { main } from "../../cli/main.ts";
import { recordingIo } from "../../cli/io.ts";

const CANDLE = ["--data", "examples/data/btcusdt_1m_sample.parquet"];
const TICK = [
  "--mode",
  "tick",
  "--lob-data",
  "examples/data/bitmex/bitmex_xbtusd_quotes_10m.csv.gz",
  "--lob-data",
  "examples/data/bitmex/bitmex_xbtusd_trades_10m.csv.gz",
];

const CASES: readonly [string, string, readonly string[]][] = [
  ["algo_twap.toml", "twap", CANDLE],
  ["algo_vwap.toml", "vwap", CANDLE],
  ["algo_iceberg.toml", "iceberg", CANDLE],
  ["algo_sniper.toml", "sniper", CANDLE],
  ["algo_trailing_stop.toml", "trailing-stop", CANDLE],
  ["algo_pegged_best.toml", "pegged-best", TICK],
];

Deno.test("there is one algo_*.toml example per algorithm", () => {
  const files = [...Deno.readDirSync("examples/strategies")].map((e) => e.name)
    .filter((n) => n.startsWith("algo_")).sort();
  assert.deepEqual(files, CASES.map((c) => c[0]).sort());
});

for (const [file, kind, data] of CASES) {
  Deno.test(`examples/strategies/${file} runs and works its signals with ${kind}`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "tesser-algo-example-" });
    try {
      // The header's command, as written in the file.
      const header = Deno.readTextFileSync(`examples/strategies/${file}`).split("\n")
        .find((line) => line.startsWith("# deno run"));
      assert.ok(header?.includes(`--strategy-config examples/strategies/${file}`));
      const io = recordingIo();
      const code = await main([
        "backtest",
        "run",
        "--strategy-config",
        `examples/strategies/${file}`,
        ...data,
        "--output-dir",
        `${dir}/out`,
      ], io);
      assert.equal(code, 0, io.err.join("\n"));
      const report = JSON.parse(Deno.readTextFileSync(`${dir}/out/report.json`));
      const summary = report.executionAlgorithms.summary[kind];
      assert.ok(summary.parents > 0, `${file}: ${JSON.stringify(summary)}`);
      assert.ok(summary.children > 0, `${file}: ${JSON.stringify(summary)}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
