import assert from "node:assert/strict";
import { CandleParquetWriter } from "../../lib/data/mod.ts";
import { listDir, tesser, withTemp } from "./_cli_run.ts";

const ETL = "configs/etl/sample_iso_csv.toml";
const HEADER = "symbol,timestamp,open,high,low,close,volume";

function normalize(source: string, output: string, ...extra: string[]) {
  return tesser(
    "data",
    "normalize",
    "--source",
    source,
    "--output",
    output,
    "--config",
    ETL,
    "--symbol",
    "bybit:BTCUSDT",
    ...extra,
  );
}

Deno.test("data normalize of an empty or header-only CSV is an error and writes nothing", async () => {
  await withTemp(async (dir) => {
    for (const [name, text] of [["empty.csv", ""], ["header.csv", `${HEADER}\n`]]) {
      Deno.writeTextFileSync(`${dir}/${name}`, text);
      const run = await normalize(`${dir}/${name}`, `${dir}/out`);
      assert.equal(run.code, 1, run.text);
      assert.match(
        run.text,
        new RegExp(
          `no rows to write: ${dir}/${name} holds no candle rows \\(empty or header only\\)`,
        ),
      );
      // No empty Parquet, and not even the output folder the run made.
      assert.deepEqual(listDir(dir).filter((n) => !n.endsWith(".csv")), []);
    }
  });
});

Deno.test("data normalize --skip-bad-rows with every row bad is an error naming the count", async () => {
  await withTemp(async (dir) => {
    const rows = ["BTCUSDT,2024-01-01T00:00:00Z,1,0.5,2,1,1", "BTCUSDT,not-a-time,1,2,0.5,1,1"];
    Deno.writeTextFileSync(`${dir}/bad.csv`, `${HEADER}\n${rows.join("\n")}\n`);
    const run = await normalize(`${dir}/bad.csv`, `${dir}/out`, "--skip-bad-rows");
    assert.equal(run.code, 1, run.text);
    assert.match(run.text, /no rows to write: all 2 rows of .*bad\.csv were bad and skipped/);
    assert.match(run.text, /run without --skip-bad-rows to see why/);
    assert.deepEqual(listDir(dir), ["bad.csv"]);
  });
});

Deno.test("an ETL column index beyond the file's columns is a ConfigError naming both", async () => {
  await withTemp(async (dir) => {
    // Five columns, but the sample config maps volume to column 6.
    Deno.writeTextFileSync(
      `${dir}/short.csv`,
      "BTCUSDT,2024-01-01T00:00:00Z,1,2,0.5\nBTCUSDT,2024-01-01T00:01:00Z,1,2,0.5\n",
    );
    for (const extra of [[], ["--skip-bad-rows"]]) {
      const run = await normalize(`${dir}/short.csv`, `${dir}/out`, ...extra);
      assert.equal(run.code, 2, run.text);
      assert.match(
        run.text,
        /the ETL config maps close to column 5 \(0-based\), but .*short\.csv has 5 columns/,
      );
      assert.doesNotMatch(run.text, /skip-bad-rows to skip/);
      assert.deepEqual(listDir(dir), ["short.csv"]);
    }
  });
});

Deno.test("a data normalize that fails leaves no empty output folder, nor its parents", async () => {
  await withTemp(async (dir) => {
    Deno.writeTextFileSync(`${dir}/one.csv`, `${HEADER}\nBTCUSDT,2024-01-01T00:00:00Z,1,x,1,1,1\n`);
    const run = await normalize(`${dir}/one.csv`, `${dir}/a/b/out`);
    assert.equal(run.code, 1, run.text);
    assert.deepEqual(listDir(dir), ["one.csv"]);
    // An existing folder stays, of course.
    Deno.mkdirSync(`${dir}/kept`);
    assert.equal((await normalize(`${dir}/one.csv`, `${dir}/kept`)).code, 1);
    assert.deepEqual(listDir(dir), ["kept", "one.csv"]);
  });
});

// A canonical file with `bars` (ts, open, high, low, close, volume) in the given order.
async function writeBars(path: string, bars: readonly number[][], rowGroupSize = 1000) {
  const writer = await CandleParquetWriter.create(path, {
    symbol: "bybit:BTCUSDT",
    interval: "1m",
    rowGroupSize,
  });
  for (const [ts, o, h, l, c, v] of bars) writer.push(ts, o, h, l, c, v);
  await writer.close();
}

const MIN = 60_000_000;
const T0 = Date.UTC(2024, 0, 1) * 1000;
const bar = (i: number, high = 101, low = 99): number[] => [T0 + i * MIN, 100, high, low, 100, 1];

Deno.test("data resample of unsorted or duplicated input refuses, naming the row", async () => {
  await withTemp(async (dir) => {
    await writeBars(`${dir}/unsorted.parquet`, [bar(0), bar(2), bar(1), bar(3)]);
    const run = await tesser(
      "data",
      "resample",
      "--data",
      `${dir}/unsorted.parquet`,
      "--output",
      `${dir}/h.parquet`,
    );
    assert.equal(run.code, 1, run.text);
    assert.match(
      run.text,
      /unsorted\.parquet: cannot resample: row 2 \(2024-01-01T00:01:00Z\) comes before the bar before it \(2024-01-01T00:02:00Z\)/,
    );
    await writeBars(`${dir}/dup.parquet`, [bar(0), bar(1), bar(1)]);
    const dup = await tesser(
      "data",
      "resample",
      "--data",
      `${dir}/dup.parquet`,
      "--output",
      `${dir}/h.parquet`,
    );
    assert.equal(dup.code, 1);
    assert.match(dup.text, /row 2 \(2024-01-01T00:01:00Z\) repeats the bar before it/);
    assert.deepEqual(listDir(dir), ["dup.parquet", "unsorted.parquet"]);
  });
});

Deno.test("NaN, infinite or high<low bars from Parquet are a DataError with file, row group and row", async () => {
  await withTemp(async (dir) => {
    const strategy = ["--strategy-config", "examples/strategies/sma_cross.toml"];
    const cases: [string, number[], RegExp][] = [
      ["nan", [T0 + 5 * MIN, 100, NaN, 99, 100, 1], /a value is NaN or infinite: .*high=NaN/],
      ["inf", [T0 + 5 * MIN, 100, 101, 99, Infinity, 1], /NaN or infinite: .*close=Infinity/],
      ["inverted", bar(5, 98, 99), /high is below low: open=100 high=98 low=99/],
    ];
    for (const [name, bad, why] of cases) {
      const file = `${dir}/${name}.parquet`;
      // Row groups of 4: the bad bar (the sixth) is the second of the second group.
      await writeBars(file, [0, 1, 2, 3, 4].map((i) => bar(i)).concat([bad], [bar(6)]), 4);
      const run = await tesser("backtest", "run", ...strategy, "--data", file);
      assert.equal(run.code, 1, run.text);
      assert.match(
        run.text,
        new RegExp(`error: ${file}: bad candle at row 6 \\(row 2 of row group 2 of 2\\)`),
      );
      assert.match(run.text, why);
      assert.doesNotMatch(run.text, /internal error/);
      // data validate still reads the file to list its problems.
      const validate = await tesser("data", "validate", "--data", file);
      assert.equal(validate.code, 1, validate.text);
      assert.match(validate.text, /row 6: /);
    }
  });
});

Deno.test("tick mode without events for the strategy's symbols names what it has and wanted", async () => {
  await withTemp(async (dir) => {
    const toml = Deno.readTextFileSync("examples/strategies/gueant_market_maker.toml")
      .replace('symbol = "bitmex:XBTUSD"', 'symbol = "bybit:BTCUSDT"');
    Deno.writeTextFileSync(`${dir}/s.toml`, toml);
    const run = await tesser(
      "backtest",
      "run",
      "--mode",
      "tick",
      "--strategy-config",
      `${dir}/s.toml`,
      "--lob-data",
      "examples/data/bitmex/bitmex_xbtusd_quotes_10m.csv.gz",
    );
    assert.equal(run.code, 1, run.text);
    assert.match(run.text, /no event for bybit:BTCUSDT in the data: it holds bitmex:XBTUSD/);
    assert.match(run.text, /the strategy trades bybit:BTCUSDT/);
  });
});

Deno.test("data validate --max-problems -1 and data synth --seed -1 are refused like backtest run's", async () => {
  const validate = await tesser(
    "data",
    "validate",
    "--data",
    "examples/data/btcusdt_1m_sample.parquet",
    "--max-problems",
    "-1",
  );
  assert.equal(validate.code, 2);
  assert.match(validate.text, /flag --max-problems: must be at least 0, got -1/);
  const synth = await tesser("data", "synth", "--output", "never.parquet", "--seed", "-1");
  assert.equal(synth.code, 2);
  assert.match(synth.text, /flag --seed: must be at least 0, got -1/);
  const run = await tesser(
    "backtest",
    "run",
    "--strategy-config",
    "examples/strategies/sma_cross.toml",
    "--seed",
    "-1",
  );
  assert.match(run.text, /flag --seed: must be at least 0, got -1/);
  const fraction = await tesser("data", "synth", "--output", "never.parquet", "--seed", "1.5");
  assert.match(fraction.text, /flag --seed: expected an integer, got "1.5"/);
});
