import assert from "node:assert/strict";
import { main } from "../../cli/main.ts";
import { recordingIo } from "../../cli/io.ts";
import { readEquityParquet } from "../../lib/data/mod.ts";
import { toIso } from "../../lib/domain/mod.ts";

const SAMPLE = ["--data", "examples/data/btcusdt_1m_sample.parquet"];
const STRATEGY = ["--strategy-config", "examples/strategies/sma_cross.toml"];

async function tesser(...args: string[]) {
  const io = recordingIo();
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

/** Writes `toml` as the strategy config in `dir` and runs it on the sample with `extra` flags. */
function runStrategyToml(dir: string, toml: string, ...extra: string[]) {
  Deno.writeTextFileSync(`${dir}/s.toml`, toml);
  return tesser("backtest", "run", "--strategy-config", `${dir}/s.toml`, ...SAMPLE, ...extra);
}

async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "tesser-cli-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("backtest run prints the report table for the shipped sample", async () => {
  const { code, out, err } = await tesser("backtest", "run", ...STRATEGY, ...SAMPLE);
  assert.equal(code, 0, err.join("\n"));
  assert.match(out.join("\n"), /strategy\s+SmaCross/);
  assert.match(out.join("\n"), /trades \(win rate\)\s+4 \(100\.00%\)/);
});

Deno.test("backtest run --output-dir writes every report file and --json prints report.json", async () => {
  await withTemp(async (dir) => {
    const { code, out, err } = await tesser(
      "backtest",
      "run",
      ...STRATEGY,
      ...SAMPLE,
      "--output-dir",
      `${dir}/out`,
      "--json",
    );
    assert.equal(code, 0, err.join("\n"));
    const files = [...Deno.readDirSync(`${dir}/out`)].map((e) => e.name).sort();
    assert.deepEqual(files, [
      "equity.csv",
      "equity.parquet",
      "fills.csv",
      "orders.csv",
      "report.html",
      "report.json",
      "trades.csv",
    ]);
    assert.equal(`${out.join("\n")}\n`, await Deno.readTextFile(`${dir}/out/report.json`));
    const report = JSON.parse(out.join("\n"));
    assert.equal(report.trades, 4);
    // equity.parquet holds every bar, the same rows as equity.csv (under its row limit).
    const curve = await readEquityParquet(`${dir}/out/equity.parquet`);
    assert.equal(curve.length, report.bars);
    const csv = (await Deno.readTextFile(`${dir}/out/equity.csv`)).trimEnd().split("\n");
    assert.equal(csv[0], "ts,equity,drawdown");
    assert.equal(csv.length - 1, curve.length);
    const last = csv[csv.length - 1].split(",");
    assert.equal(toIso(curve.ts[curve.length - 1]), last[0]);
    assert.equal(Number(curve.equity[curve.length - 1].toPrecision(12)), Number(last[1]));
    assert.equal(
      Number(curve.equity[curve.length - 1].toPrecision(12)),
      Number(report.finalEquity),
    );
    assert.ok(Math.abs(Math.max(...curve.drawdown) - report.maxDrawdown) < 1e-12);
    // No streamed temp file is left beside the report.
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["out"]);
  });
});

Deno.test("backtest run without --data uses seeded synthetic candles, reproducibly", async () => {
  const first = await tesser(
    "backtest",
    "run",
    ...STRATEGY,
    "--rows",
    "3000",
    "--seed",
    "9",
    "--json",
  );
  const second = await tesser(
    "backtest",
    "run",
    ...STRATEGY,
    "--rows",
    "3000",
    "--seed",
    "9",
    "--json",
  );
  assert.equal(first.code, 0, first.err.join("\n"));
  assert.equal(first.out.join("\n"), second.out.join("\n"));
  assert.equal(JSON.parse(first.out.join("\n")).bars, 3000);
});

Deno.test("backtest run: an unknown strategy lists the known ones (exit 2)", async () => {
  await withTemp(async (dir) => {
    const { code, err } = await runStrategyToml(
      dir,
      'strategy_name = "SmaCrsos"\n[params]\nsymbol = "bybit:BTCUSDT"\n',
    );
    assert.equal(code, 2);
    assert.equal(err.length, 1);
    assert.match(
      err[0],
      /^error: .*s\.toml: unknown strategy "SmaCrsos" \(hint: known strategies: .*SmaCross/,
    );
  });
});

Deno.test("backtest run: a mistyped param names the valid ones (exit 2)", async () => {
  await withTemp(async (dir) => {
    const { code, err } = await runStrategyToml(
      dir,
      'strategy_name = "SmaCross"\n[params]\nsymbol = "bybit:BTCUSDT"\nfast_perod = 3\n',
    );
    assert.equal(code, 2);
    assert.match(
      err[0],
      /strategy SmaCross: params\.fast_perod: unknown key \(hint: valid keys in \[params\]: symbol, interval, fast_period/,
    );
  });
});

Deno.test("backtest run: inconsistent params are refused before anything runs", async () => {
  await withTemp(async (dir) => {
    const { code, err } = await runStrategyToml(
      dir,
      'strategy_name = "SmaCross"\n[params]\nsymbol = "bybit:BTCUSDT"\nfast_period = 30\nslow_period = 10\n',
      "--output-dir",
      `${dir}/out`,
    );
    assert.equal(code, 2);
    assert.match(
      err[0],
      /fast_period must be below slow_period \(got fast_period = 30, slow_period = 10\)/,
    );
    assert.throws(() => Deno.statSync(`${dir}/out`), Deno.errors.NotFound);
  });
});

Deno.test("backtest run: a symbol without an instrument names the markets file and the symbol", async () => {
  await withTemp(async (dir) => {
    const { code, err } = await runStrategyToml(
      dir,
      'strategy_name = "SmaCross"\n[params]\nsymbol = "kraken:XBTUSD"\n',
    );
    assert.equal(code, 2);
    assert.match(
      err[0],
      /no instrument for kraken:XBTUSD in config\/markets\.toml \(hint: add a \[\[markets\]\] entry/,
    );
  });
});

Deno.test("backtest run: bad flags are usage errors naming the flag", async () => {
  const negative = await tesser("backtest", "run", ...STRATEGY, ...SAMPLE, "--quantity=-1");
  assert.equal(negative.code, 2);
  assert.match(
    negative.err[0],
    /flag --sizer\/--quantity: Fixed sizer: quantity must be a positive number, got -1/,
  );
  const intrabar = await tesser("backtest", "run", ...STRATEGY, ...SAMPLE, "--intrabar", "random");
  assert.equal(intrabar.code, 2);
  assert.match(
    intrabar.err[0],
    /flag --intrabar: "random" is not one of pessimistic, ohlc, adaptive/,
  );
  const both = await tesser(
    "backtest",
    "run",
    ...STRATEGY,
    ...SAMPLE,
    "--latency-bars",
    "2",
    "--latency-ms",
    "5",
  );
  assert.match(both.err[0], /--latency-bars and --latency-ms exclude each other/);
  const missing = await tesser("backtest", "run", ...SAMPLE);
  assert.equal(missing.code, 2);
  assert.match(missing.err[0], /--strategy-config FILE is required/);
  const from = await tesser("backtest", "run", ...STRATEGY, ...SAMPLE, "--from", "yesterday");
  assert.match(from.err[0], /flag --from: Cannot parse timestamp "yesterday"/);
});

Deno.test("backtest run: data outside --from/--to is a runtime error (exit 1)", async () => {
  const { code, err } = await tesser(
    "backtest",
    "run",
    ...STRATEGY,
    ...SAMPLE,
    "--from",
    "2030-01-01",
  );
  assert.equal(code, 1);
  assert.match(err[0], /no candles to backtest \(hint: check --data, --from and --to\)/);
});

Deno.test("backtest run: a missing data file is one clear line (exit 1)", async () => {
  const { code, err } = await tesser("backtest", "run", ...STRATEGY, "--data", "nope.parquet");
  assert.equal(code, 1);
  assert.equal(err.length, 1);
  assert.match(err[0], /nope\.parquet/);
  assert.doesNotMatch(err[0], /at .*\.ts:\d+/);
});

Deno.test("backtest run: an output directory that cannot be written leaves nothing behind", async () => {
  await withTemp(async (dir) => {
    await Deno.writeTextFile(`${dir}/file`, "not a directory");
    const { code, err } = await tesser(
      "backtest",
      "run",
      ...STRATEGY,
      ...SAMPLE,
      "--output-dir",
      `${dir}/file/out`,
    );
    assert.equal(code, 1);
    assert.match(err[0], /file\/out/);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["file"]);
  });
});

Deno.test("backtest run: a flag value that looks like a flag is reported on one line", async () => {
  const { code, err } = await tesser("backtest", "run", ...STRATEGY, ...SAMPLE, "--quantity", "-q");
  assert.equal(code, 2);
  assert.equal(err.length, 1);
  assert.doesNotMatch(err[0], /\n/);
  assert.match(err[0], /use '--quantity=-XYZ'/);
});

Deno.test("backtest run --funding-file books the real funding history on open positions", async () => {
  const { generateCandles, writeCandleParquet } = await import("../../lib/data/mod.ts");
  const { fromIso } = await import("../../lib/domain/mod.ts");
  await withTemp(async (dir) => {
    await writeCandleParquet(
      `${dir}/dec.parquet`,
      generateCandles({
        rows: 744,
        seed: 5,
        symbol: "bybit:BTCUSDT",
        interval: "1h",
        start: fromIso("2023-12-01"),
      }),
      { symbol: "bybit:BTCUSDT", interval: "1h" },
    );
    await Deno.writeTextFile(
      `${dir}/s.toml`,
      'strategy_name = "SmaCross"\n[params]\nsymbol = "bybit:BTCUSDT"\ninterval = "1h"\nfast_period = 3\nslow_period = 8\nallow_short = true\n',
    );
    const args = [
      "backtest",
      "run",
      "--strategy-config",
      `${dir}/s.toml`,
      "--data",
      `${dir}/dec.parquet`,
      "--max-drawdown",
      "1",
      "--json",
    ];
    const without = await tesser(...args);
    const withFunding = await tesser(
      ...args,
      "--funding-file",
      "tests/testdata/funding/bybit_btcusdt_2023-12.csv",
    );
    assert.equal(withFunding.code, 0, withFunding.err.join("\n"));
    const a = JSON.parse(without.out.join("\n"));
    const b = JSON.parse(withFunding.out.join("\n"));
    assert.equal(a.funding, "0");
    assert.notEqual(b.funding, "0");
    assert.equal(a.trades, b.trades);
  });
});

Deno.test("backtest run from another directory finds the config's markets file next to the config folder", async () => {
  const root = new URL("../..", import.meta.url).pathname;
  await withTemp(async (dir) => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "-A",
        `${root}cli/main.ts`,
        "--config-dir",
        `${root}config`,
        "backtest",
        "run",
        "--strategy-config",
        `${root}examples/strategies/sma_cross.toml`,
        "--data",
        `${root}examples/data/btcusdt_1m_sample.parquet`,
        "--json",
      ],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    assert.equal(JSON.parse(new TextDecoder().decode(output.stdout)).trades, 4);
  });
});

Deno.test("backtest run: a missing strategy file is one line saying so", async () => {
  const { code, err } = await tesser(
    "backtest",
    "run",
    "--strategy-config",
    "nope.toml",
    ...SAMPLE,
  );
  assert.equal(code, 2);
  assert.deepEqual(err, ["error: nope.toml: cannot read the strategy config: no such file"]);
});

Deno.test("backtest run refuses an empty --output-dir and a --from after --to (exit 2, nothing written)", async () => {
  const empty = await tesser("backtest", "run", ...STRATEGY, ...SAMPLE, "--output-dir", "");
  assert.equal(empty.code, 2);
  assert.match(empty.err.join("\n"), /flag --output-dir is empty/);
  assert.throws(() => Deno.statSync("report.json"));
  const window = await tesser(
    "backtest",
    "run",
    ...STRATEGY,
    ...SAMPLE,
    "--from",
    "2024-01-01T05:00:00Z",
    "--to",
    "2024-01-01T01:00:00Z",
  );
  assert.equal(window.code, 2);
  assert.match(window.err.join("\n"), /--from must come before --to/);
});

Deno.test("backtest run takes fee_bps and latency_bars from the [backtest] config, flags first", async () => {
  const run = async (env: Record<string, string>, ...extra: string[]) => {
    for (const [key, value] of Object.entries(env)) Deno.env.set(key, value);
    try {
      const { code, out, err } = await tesser(
        "backtest",
        "run",
        ...STRATEGY,
        ...SAMPLE,
        "--json",
        ...extra,
      );
      assert.equal(code, 0, err.join("\n"));
      return JSON.parse(out.join("\n"));
    } finally {
      for (const key of Object.keys(env)) Deno.env.delete(key);
    }
  };
  const plain = await run({});
  const fees = await run({ TESSER_BACKTEST__FEE_BPS: "50" });
  const flagWins = await run({ TESSER_BACKTEST__FEE_BPS: "50" }, "--fee-bps", "0");
  const slow = await run({ TESSER_BACKTEST__LATENCY_BARS: "30" });
  assert.ok(Number(fees.fees) > Number(plain.fees));
  assert.equal(flagWins.fees, "0");
  assert.notEqual(slow.finalEquity, plain.finalEquity);
  assert.equal(fees.settings.takerFeeRate, "0.005");
});

Deno.test("backtest run takes a negative number after a flag without '='", async () => {
  const spaced = await tesser(
    "backtest",
    "run",
    ...STRATEGY,
    ...SAMPLE,
    "--json",
    "--fee-bps",
    "-2",
  );
  const joined = await tesser("backtest", "run", ...STRATEGY, ...SAMPLE, "--json", "--fee-bps=-2");
  assert.equal(spaced.code, 0, spaced.err.join("\n"));
  assert.equal(JSON.parse(spaced.out.join("\n")).fees, JSON.parse(joined.out.join("\n")).fees);
  assert.ok(Number(JSON.parse(spaced.out.join("\n")).fees) < 0);
  const negative = await tesser("backtest", "run", ...STRATEGY, ...SAMPLE, "--quantity", "-1");
  assert.equal(negative.code, 2);
  assert.match(negative.err.join("\n"), /quantity must be a positive number, got -1/);
});

Deno.test("backtest run names an absolute markets file from the config as it was set", async () => {
  Deno.env.set("TESSER_BACKTEST__MARKETS_FILE", "/nonexistent/markets.toml");
  try {
    const { code, err } = await tesser("backtest", "run", ...STRATEGY);
    assert.equal(code, 2);
    assert.match(
      err.join("\n"),
      /^error: \/nonexistent\/markets\.toml: cannot read the markets file/,
    );
  } finally {
    Deno.env.delete("TESSER_BACKTEST__MARKETS_FILE");
  }
});

Deno.test("backtest run refuses --max-drawdown 0 with a hint", async () => {
  const { code, err } = await tesser(
    "backtest",
    "run",
    ...STRATEGY,
    ...SAMPLE,
    "--max-drawdown",
    "0",
  );
  assert.equal(code, 2);
  assert.match(err.join("\n"), /a drawdown limit of 0 would stop trading at the first mark/);
});

Deno.test("backtest run says when the kill switch tripped, which limit set where, and explains refusals", async () => {
  const { code, out, err } = await tesser(
    "backtest",
    "run",
    ...STRATEGY,
    ...SAMPLE,
    "--max-drawdown",
    "0.0003",
    "--sizer",
    "percent:0.5",
  );
  assert.equal(code, 0, err.join("\n"));
  const text = out.join("\n");
  assert.match(
    text,
    /kill switch\s+tripped 2024-01-01T01:56:00Z at a 0\.04% drawdown \(limit 0\.03%, set by --max-drawdown 0\.0003\)/,
  );
  assert.match(
    text,
    /refused: kill-switch\s+4 — the drawdown kill switch tripped: only reducing orders pass \(change: risk_management\.max_drawdown/,
  );
});

Deno.test("backtest run names the config layer of a drawdown limit that did not trip", async () => {
  const { code, out, err } = await tesser("backtest", "run", ...STRATEGY, ...SAMPLE);
  assert.equal(code, 0, err.join("\n"));
  assert.match(
    out.join("\n"),
    /kill switch\s+not tripped \(limit 5\.00%, set by config\/default\.toml \[risk_management\] max_drawdown = 0\.05\)/,
  );
});
