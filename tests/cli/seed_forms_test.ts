import assert from "node:assert/strict";
import { listDir, tesser, withTemp } from "./_cli_run.ts";

const STRATEGY = ["--strategy-config", "examples/strategies/sma_cross.toml"];

// Two halves of one synthetic series: as the seed allowed, several files after one --data.
async function twoFiles(dir: string): Promise<[string, string]> {
  const a = `${dir}/a.parquet`;
  const b = `${dir}/b.parquet`;
  for (const [file, seed] of [[a, "1"], [b, "2"]] as const) {
    const run = await tesser("data", "synth", "--output", file, "--rows", "300", "--seed", seed);
    assert.equal(run.code, 0, run.text);
  }
  return [a, b];
}

Deno.test("backtest run --data A B takes both files, as --data A --data B does", async () => {
  await withTemp(async (dir) => {
    // Pairs trading needs both legs: a run that read one file only would fail.
    const btc = `${dir}/btc.parquet`;
    const eth = `${dir}/eth.parquet`;
    for (const [file, symbol] of [[btc, "bybit:BTCUSDT"], [eth, "bybit:ETHUSDT"]] as const) {
      const args = ["--output", file, "--rows", "400", "--symbol", symbol];
      assert.equal((await tesser("data", "synth", ...args)).code, 0);
    }
    const pairs = ["--strategy-config", "examples/strategies/pairs_trading.toml", "--json"];
    const spaced = await tesser("backtest", "run", ...pairs, "--data", btc, eth);
    assert.equal(spaced.code, 0, spaced.text);
    const repeated = await tesser("backtest", "run", ...pairs, "--data", btc, "--data", eth);
    assert.equal(repeated.code, 0, repeated.text);
    const a = JSON.parse(spaced.out.join("\n"));
    assert.deepEqual(a.symbols, ["bybit:BTCUSDT", "bybit:ETHUSDT"]);
    assert.deepEqual(a.settings.data, [btc, eth]);
    assert.equal(a.finalEquity, JSON.parse(repeated.out.join("\n")).finalEquity);
    // A value after the list that is not a flag's is still refused: "--json x" is no path.
    const stray = await tesser("backtest", "run", ...pairs, "x");
    assert.equal(stray.code, 2);
    assert.match(stray.text, /Unexpected argument 'x'/);
  });
});

Deno.test("backtest run --mode tick --lob-data A B merges both files like the flag repeated", async () => {
  const tick = [
    "backtest",
    "run",
    "--mode",
    "tick",
    "--strategy-config",
    "examples/strategies/gueant_market_maker.toml",
    "--json",
  ];
  const quotes = "examples/data/bitmex/bitmex_xbtusd_quotes_10m.csv.gz";
  const trades = "examples/data/bitmex/bitmex_xbtusd_trades_10m.csv.gz";
  const spaced = await tesser(...tick, "--lob-data", quotes, trades);
  assert.equal(spaced.code, 0, spaced.text);
  const repeated = await tesser(...tick, "--lob-data", quotes, "--lob-data", trades);
  assert.equal(repeated.code, 0, repeated.text);
  const a = JSON.parse(spaced.out.join("\n"));
  const b = JSON.parse(repeated.out.join("\n"));
  assert.deepEqual(a.settings.data, [quotes, trades]);
  assert.equal(a.finalEquity, b.finalEquity);
  assert.equal(a.fills, b.fills);
});

Deno.test("data validate --path A B (the seed's form) checks every file a shell glob gave", async () => {
  await withTemp(async (dir) => {
    const [a, b] = await twoFiles(dir);
    const run = await tesser("data", "validate", "--path", a, b);
    assert.equal(run.code, 0, run.text);
    assert.equal(run.out.length, 2);
    assert.match(run.out[0], new RegExp(`^${a}: 300 rows, .*: clean$`));
    assert.match(run.out[1], new RegExp(`^${b}: 300 rows, .*: clean$`));
    const data = await tesser("data", "validate", "--data", a, b);
    assert.deepEqual(data.out, run.out);
  });
});

Deno.test("data resample --input F --output G (the seed's form) resamples to 1h by default", async () => {
  await withTemp(async (dir) => {
    const [a] = await twoFiles(dir);
    const run = await tesser("data", "resample", "--input", a, "--output", `${dir}/h.parquet`);
    assert.equal(run.code, 0, run.text);
    assert.equal(run.out.at(-1), `wrote 5 1h bars to ${dir}/h.parquet`);
    const both = await tesser("data", "resample", "--input", a, "--data", a, "--output", "x");
    assert.equal(both.code, 2);
    assert.match(both.text, /--data and --input name the same input; pass one/);
  });
});

Deno.test("data synth without --symbol writes data that backtest run accepts", async () => {
  await withTemp(async (dir) => {
    const file = `${dir}/s.parquet`;
    const synth = await tesser("data", "synth", "--output", file, "--rows", "500");
    assert.equal(synth.code, 0, synth.text);
    assert.match(synth.text, /synthetic bybit:BTCUSDT 1m bars/);
    const run = await tesser("backtest", "run", ...STRATEGY, "--data", file, "--json");
    assert.equal(run.code, 0, run.text);
    assert.equal(JSON.parse(run.out.join("\n")).bars, 500);
    assert.deepEqual(listDir(dir), ["s.parquet"]);
  });
});

Deno.test("backtest batch --config A B --data F --output S.csv (the seed's form) writes the summary CSV", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/strategies`);
    for (const name of ["sma_cross", "rsi_reversion"]) {
      await Deno.copyFile(`examples/strategies/${name}.toml`, `${dir}/strategies/${name}.toml`);
    }
    const summary = `${dir}/summary.csv`;
    // A file, then a folder (its .toml files by name): the file named twice runs twice.
    const run = await tesser(
      "backtest",
      "batch",
      "--config",
      `${dir}/strategies/sma_cross.toml`,
      `${dir}/strategies`,
      "--data",
      "examples/data/btcusdt_1m_sample.parquet",
      "--quantity",
      "0.02",
      "--output",
      summary,
      "--workers",
      "2",
    );
    assert.equal(run.code, 0, run.text);
    const lines = Deno.readTextFileSync(summary).trimEnd().split("\n");
    assert.equal(lines[0].split(",")[0], "name");
    const rows = lines.slice(1).map((l) => l.split(","));
    assert.deepEqual(rows.map((r) => r.slice(0, 2)), [
      ["sma_cross", "ok"],
      ["rsi_reversion", "ok"],
      ["sma_cross-2", "ok"],
    ]);
    // The same strategy twice: the same numbers.
    assert.deepEqual(rows[0].slice(3), rows[2].slice(3));
    // Only the summary file: no batch-out folder beside it, no temp file.
    assert.deepEqual(listDir(dir), ["strategies", "summary.csv"]);
  });
});

Deno.test("backtest batch refuses strategy configs without --data, and --data beside a batch config", async () => {
  const noData = await tesser(
    "backtest",
    "batch",
    "--config",
    "examples/strategies/sma_cross.toml",
  );
  assert.equal(noData.code, 2);
  assert.match(noData.text, /strategy configs need --data FILE/);
  await withTemp(async (dir) => {
    Deno.writeTextFileSync(
      `${dir}/batch.toml`,
      '[[runs]]\nname = "a"\nstrategy_config = "examples/strategies/sma_cross.toml"\n',
    );
    const stray = await tesser(
      "backtest",
      "batch",
      "--config",
      `${dir}/batch.toml`,
      "--data",
      "examples/data/btcusdt_1m_sample.parquet",
    );
    assert.equal(stray.code, 2);
    assert.match(stray.text, /--data goes with strategy configs only/);
  });
});
