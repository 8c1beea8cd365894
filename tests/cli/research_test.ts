import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../../cli/main.ts";
import { recordingIo } from "../../cli/io.ts";

const STRATEGY = "examples/strategies/sma_cross.toml";
const SPACE = "examples/research/sma_space.toml";
const DATA = "examples/data/btcusdt_1m_sample.parquet";
// A study of the sample: the flags every optimize here shares.
const OPTIMIZE = [
  "research",
  "optimize",
  "--strategy-config",
  STRATEGY,
  "--space",
  SPACE,
  "--data",
  DATA,
];

async function run(
  args: readonly string[],
): Promise<{ code: number; out: string[]; err: string[] }> {
  const io = recordingIo();
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

async function withTemp(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tesser-research-cli-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function csvRows(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split("\n");
  const names = header.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((v, i) => [names[i], v])));
}

Deno.test("research optimize writes results and a best.toml that backtest run takes unchanged", async () => {
  await withTemp(async (dir) => {
    const result = await run([
      ...OPTIMIZE,
      "--output",
      dir,
      "--workers",
      "2",
      "--",
      "--fee-bps",
      "5",
    ]);
    assert.equal(result.code, 0, result.err.join("\n"));
    assert.match(result.err[0], /^grid search: 10 trials on 2 workers$/);
    const rows = csvRows(await Deno.readTextFile(join(dir, "results.csv")));
    assert.equal(rows.length, 10); // 4 fast × 3 slow minus the two with fast >= slow
    assert.ok(rows.every((r) => Number(r.param_fast_period) < Number(r.param_slow_period)));
    const best = rows.reduce((a, b) => (Number(b.score) > Number(a.score) ? b : a));
    assert.match(result.out.at(-1) ?? "", new RegExp(`^best: trial ${best.trial} `));
    // The best set replayed by backtest run (with the same pass-through flag) reports the same.
    const replay = await run([
      "backtest",
      "run",
      "--strategy-config",
      join(dir, "best.toml"),
      "--data",
      DATA,
      "--fee-bps",
      "5",
      "--json",
    ]);
    assert.equal(replay.code, 0, replay.err.join("\n"));
    const report = JSON.parse(replay.out.join("\n"));
    assert.equal(report.params.fast_period, Number(best.param_fast_period));
    assert.equal(report.params.slow_period, Number(best.param_slow_period));
    assert.equal(report.sharpe, Number(best.sharpe));
    assert.equal(report.trades, Number(best.trades));
    assert.equal(report.totalReturn, Number(best.totalReturn));
    // The strategy file's other params are kept.
    assert.equal(report.params.min_samples, 48);
    // The stability view of the same study: the best set's one-step box in the grid.
    const stability = await run([
      "research",
      "stability",
      "--results",
      join(dir, "results.parquet"),
      "--json",
    ]);
    assert.equal(stability.code, 0, stability.err.join("\n"));
    const view = JSON.parse(stability.out.join("\n"));
    assert.equal(view.best.trial, Number(best.trial));
    for (const neighbour of view.neighbours) {
      assert.ok(Math.abs(neighbour.params.fast_period - report.params.fast_period) <= 4);
    }
    assert.ok(view.summary.count >= 2 && view.summary.max <= Number(best.score));
    const none = await run(["research", "stability"]);
    assert.match(none.err[0], /--results FILE is required/);
  });
});

Deno.test("research optimize --holdout runs every trial out of sample too (fitness)", async () => {
  await withTemp(async (dir) => {
    const result = await run([
      ...OPTIMIZE,
      "--output",
      dir,
      "--objective",
      "fitness",
      "--optimal-trades",
      "10",
      "--holdout",
      "0.25",
      "--min-trades",
      "0",
      "--method",
      "random",
      "--trials",
      "4",
      "--seed",
      "3",
    ]);
    assert.equal(result.code, 0, result.err.join("\n"));
    const rows = csvRows(await Deno.readTextFile(join(dir, "results.csv")));
    assert.equal(rows.length, 4);
    for (const row of rows) {
      assert.ok(Number(row.test_trades) >= 0 && row.test_sharpe !== undefined);
      // 4 trades or fewer on 270 bars: the fitness floor.
      if (Number(row.trades) <= 5) assert.equal(Number(row.score), 0.0001);
    }
  });
});

Deno.test("research optimize errors name what to fix", async () => {
  await withTemp(async (dir) => {
    const bad = async (args: string[], message: RegExp): Promise<void> => {
      const result = await run(["research", "optimize", ...args]);
      assert.equal(result.code, 2, result.err.join("\n"));
      assert.match(result.err.join("\n"), message);
    };
    const base = ["--strategy-config", STRATEGY, "--data", DATA, "--output", dir];
    await bad(base, /research optimize: --space is required/);
    const typo = join(dir, "typo.toml");
    await Deno.writeTextFile(typo, "[params.fast_perod]\nvalues = [3, 5]\n");
    await bad(
      [...base, "--space", typo],
      /trial 0 \(\{"fast_perod":3\}\) from .*typo\.toml: .*fast_perod/,
    );
    await bad(
      [...base, "--space", SPACE, "--trials", "3"],
      /--trials applies to --method random and tpe only/,
    );
    await bad(
      [...base, "--space", SPACE, "--method", "tpe"],
      /tpe search needs a number of trials/,
    );
    await bad(
      [...base, "--space", SPACE, "--tpe-batch", "2"],
      /--tpe-batch applies to --method tpe/,
    );
    await bad(
      [...base, "--space", SPACE, "--", "--json"],
      /--json after -- is set by the study itself/,
    );
    await bad(
      [...base, "--space", SPACE, "--objective", "profit"],
      /"profit" is not one of sharpe, sortino/,
    );
    await bad(
      ["--strategy-config", STRATEGY, "--space", SPACE, "--output", dir, "--holdout", "0.2"],
      /--holdout needs --data files or both --from and --to/,
    );
    await bad(
      [...base, "--space", SPACE, "--shard", "3/3"],
      /shard index must be an integer from 0 to 2/,
    );
    await bad(
      [...base, "--space", SPACE, "--shard", "0/2", "--shard-count", "2"],
      /exclude each other/,
    );
    const research = await run(["research", "explore"]);
    assert.equal(research.code, 2);
    assert.match(
      research.err[0],
      /unknown research command "explore" \(hint: commands: optimize, merge, walk-forward, montecarlo, stability, bias, report/,
    );
  });
});

Deno.test("research merge errors name the missing shard or input", async () => {
  await withTemp(async (dir) => {
    const shard = await run([
      ...OPTIMIZE,
      "--output",
      dir,
      "--shard",
      "1/2",
    ]);
    assert.equal(shard.code, 0, shard.err.join("\n"));
    assert.deepEqual(shard.out, [`wrote ${join(dir, "part-00001-of-00002.parquet")}`]);
    const merge = await run(["research", "merge", "--output", join(dir, "out"), dir]);
    assert.equal(merge.code, 1);
    assert.match(merge.err.join("\n"), /shard 0 of 2 missing/);
    const none = await run(["research", "merge", "--output", dir, join(dir, "nope")]);
    assert.equal(none.code, 2);
    assert.match(none.err.join("\n"), /nope does not exist/);
    const empty = await run(["research", "merge", "--output", dir]);
    assert.match(empty.err.join("\n"), /--output DIR and at least one part are required/);
  });
});

async function shardProcess(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<void> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "cli/main.ts",
      ...args,
    ],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, err);
}

Deno.test("shards run as separate processes merge into the bytes of one unsharded run", async () => {
  await withTemp(async (dir) => {
    for (
      const method of [["--method", "grid"], ["--method", "random", "--trials", "7", "--seed", "5"]]
    ) {
      const study = [
        ...OPTIMIZE,
        ...method,
        "--workers",
        "1",
      ];
      const tag = method[1];
      const whole = join(dir, `${tag}-whole`);
      const parts = join(dir, `${tag}-parts`);
      const merged = join(dir, `${tag}-merged`);
      assert.equal((await run([...study, "--output", whole])).code, 0);
      // Three shards: two by --shard, one as a Kubernetes Indexed Job pod would run it.
      await Promise.all([
        shardProcess([...study, "--output", parts, "--shard", "0/3"]),
        shardProcess([...study, "--output", parts, "--shard", "2/3"]),
        shardProcess([...study, "--output", parts, "--shard-count", "3"], {
          JOB_COMPLETION_INDEX: "1",
        }),
      ]);
      const merge = await run(["research", "merge", "--output", merged, parts]);
      assert.equal(merge.code, 0, merge.err.join("\n"));
      assert.equal(merge.err[0], "merged 3 parts");
      for (const name of ["results.parquet", "results.csv", "best.toml", "report.html"]) {
        assert.deepEqual(
          await Deno.readFile(join(merged, name)),
          await Deno.readFile(join(whole, name)),
          `${tag}: ${name}`,
        );
      }
    }
  });
});

Deno.test("research optimize --method tpe runs its trials and writes a best set", async () => {
  await withTemp(async (dir) => {
    const result = await run([
      ...OPTIMIZE,
      "--output",
      dir,
      "--method",
      "tpe",
      "--trials",
      "6",
      "--seed",
      "3",
      "--tpe-batch",
      "2",
    ]);
    assert.equal(result.code, 0, result.err.join("\n"));
    assert.equal(result.err[0], "tpe search: 6 trials on 2 workers");
    const rows = csvRows(await Deno.readTextFile(join(dir, "results.csv")));
    assert.deepEqual(rows.map((r) => r.trial), ["0", "1", "2", "3", "4", "5"]);
    assert.equal(new Set(rows.map((r) => `${r.param_fast_period}/${r.param_slow_period}`)).size, 6);
    await Deno.stat(join(dir, "best.toml"));
  });
});
