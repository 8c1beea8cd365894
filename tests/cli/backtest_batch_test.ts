import assert from "node:assert/strict";
import { planBatch } from "../../cli/backtest_batch.ts";
import { main } from "../../cli/main.ts";
import { recordingIo } from "../../cli/io.ts";

Deno.test("planBatch expands runs and every grid combination with param overrides", () => {
  const { runs } = planBatch(
    `[[runs]]
name = "one"
strategy_config = "s.toml"
params = { fast_period = 3 }

[grid]
strategy_config = "s.toml"
data = ["d.parquet"]
args = ["--fee-bps", "1"]
[grid.params]
slow_period = [10, 20]
fast_period = [2, 4]
`,
    "batch.toml",
  );
  assert.deepEqual(runs.map((r) => r.name), [
    "one",
    "grid[fast_period=2,slow_period=10]",
    "grid[fast_period=2,slow_period=20]",
    "grid[fast_period=4,slow_period=10]",
    "grid[fast_period=4,slow_period=20]",
  ]);
  assert.deepEqual(runs[0].args, ["--strategy-config", "s.toml", "--param", "fast_period=3"]);
  assert.deepEqual(runs[4].args, [
    "--strategy-config",
    "s.toml",
    "--data",
    "d.parquet",
    "--param",
    "fast_period=4",
    "--param",
    "slow_period=20",
    "--fee-bps",
    "1",
  ]);
});

Deno.test("planBatch refuses unknown keys, duplicate names and empty batches", () => {
  assert.throws(
    () => planBatch('[[runs]]\nname = "a"\nstrategy_config = "s"\ndta = []\n', "b.toml"),
    {
      name: "ConfigError",
      message:
        /^b\.toml:4: runs\.0\.dta: unknown key \(hint: valid keys in \[runs\.0\]: name, strategy_config, data, args, params\)/,
    },
  );
  assert.throws(
    () =>
      planBatch(
        '[[runs]]\nname = "a"\nstrategy_config = "s"\n[[runs]]\nname = "a"\nstrategy_config = "t"\n',
        "b.toml",
      ),
    { message: /b\.toml: two runs are named "a"/ },
  );
  assert.throws(() => planBatch("workers = 2\n", "b.toml"), { message: /the batch has no runs/ });
});

Deno.test("planBatch refuses mistyped keys, runs sharing a report folder and flags the batch owns", () => {
  const run = (extra: string, name = "a") =>
    `[[runs]]\nname = "${name}"\nstrategy_config = "s"\n${extra}`;
  assert.throws(() => planBatch(`output_dir = 5\n${run("")}`, "b.toml"), {
    name: "ConfigError",
    message: /output_dir/,
  });
  assert.throws(() => planBatch(run("").replace('"s"', "5"), "b.toml"), {
    name: "ConfigError",
    message: /strategy_config/,
  });
  assert.throws(() => planBatch(run("", "a b") + run("", "a/b"), "b.toml"), {
    message: /runs "a b" and "a\/b" would share the report folder a_b/,
  });
  assert.throws(() => planBatch(run('args = ["--help"]\n'), "b.toml"), {
    message: /run "a": args may not contain --help/,
  });
  // Param values of any TOML type still pass: the strategy checks them.
  assert.equal(
    planBatch(run("params = { fast_period = 5, flag = true }\n"), "b.toml").runs.length,
    1,
  );
});

Deno.test("backtest batch runs in workers, writes summary.csv and reports failed runs (exit 1)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tesser-batch-" });
  try {
    await Deno.writeTextFile(
      `${dir}/batch.toml`,
      `[[runs]]
name = "good"
strategy_config = "examples/strategies/sma_cross.toml"
data = ["examples/data/btcusdt_1m_sample.parquet"]

[[runs]]
name = "bad"
strategy_config = "examples/strategies/sma_cross.toml"
data = ["${dir}/missing.parquet"]
params = { fast_period = 5 }
`,
    );
    const io = recordingIo();
    const code = await main([
      "backtest",
      "batch",
      "--config",
      `${dir}/batch.toml`,
      "--output-dir",
      `${dir}/out`,
    ], io);
    assert.equal(code, 1);
    const csv = (await Deno.readTextFile(`${dir}/out/summary.csv`)).trim().split("\n");
    assert.equal(csv.length, 3);
    assert.match(csv[1], /^good,ok,,360,4,/);
    assert.match(csv[2], /^bad,failed,fast_period=5,.*missing\.parquet/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("backtest batch checks every run's params before any starts (exit 2, nothing written)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tesser-batch-" });
  try {
    await Deno.writeTextFile(
      `${dir}/batch.toml`,
      `[grid]
strategy_config = "examples/strategies/sma_cross.toml"
data = ["examples/data/btcusdt_1m_sample.parquet"]

[grid.params]
fast_period = [5, 50]
slow_periodd = [30]
`,
    );
    const io = recordingIo();
    const code = await main(
      ["backtest", "batch", "--config", `${dir}/batch.toml`, "--output-dir", `${dir}/out`],
      io,
    );
    assert.equal(code, 2);
    assert.match(io.err.join("\n"), /run "grid\[fast_period=5,slow_periodd=30\]": .*slow_periodd/);
    assert.throws(() => Deno.statSync(`${dir}/out`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
