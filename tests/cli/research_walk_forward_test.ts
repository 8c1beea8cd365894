import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../../cli/main.ts";
import { recordingIo } from "../../cli/io.ts";

const ARGS = [
  "research",
  "walk-forward",
  "--strategy-config",
  "examples/strategies/sma_cross.toml",
  "--space",
  "examples/research/sma_walk_forward_space.toml",
  "--data",
  "examples/data/btcusdt_1m_sample.parquet",
  "--train",
  "2h",
  "--test",
  "1h",
  "--workers",
  "2",
];

// CSV rows without the header; quoted cells (the params JSON) may hold commas.
function rows(text: string): string[][] {
  return text.trimEnd().split("\n").slice(1).map((line) =>
    [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].slice(0, -1).map((m) => m[1])
  );
}

Deno.test("research walk-forward: out-of-sample bars lie in their test windows only", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tesser-wf-" });
  try {
    const io = recordingIo();
    const code = await main([...ARGS, "--output", dir], io);
    assert.equal(code, 0, io.err.join("\n"));
    assert.equal(io.err[0], "walk-forward: 4 windows × 4 trials (rolling) on 2 workers");
    const windows = rows(await Deno.readTextFile(join(dir, "walk_forward.csv")));
    assert.deepEqual(windows.map((w) => [w[1], w[3], w[4]]), [
      ["2024-01-01T00:00:00Z", "2024-01-01T02:00:00Z", "2024-01-01T03:00:00Z"],
      ["2024-01-01T01:00:00Z", "2024-01-01T03:00:00Z", "2024-01-01T04:00:00Z"],
      ["2024-01-01T02:00:00Z", "2024-01-01T04:00:00Z", "2024-01-01T05:00:00Z"],
      ["2024-01-01T03:00:00Z", "2024-01-01T05:00:00Z", "2024-01-01T06:00:00Z"],
    ]);
    const oos = rows(await Deno.readTextFile(join(dir, "oos_equity.csv")));
    assert.equal(oos.length, 4 * 60);
    for (const [ts, , window] of oos) {
      const w = windows[Number(window)];
      assert.ok(ts >= w[3] && ts < w[4], `${ts} outside test window ${window}`);
    }
    const is = rows(await Deno.readTextFile(join(dir, "is_equity.csv")));
    assert.equal(is.length, 4 * 120);
    for (const [ts, , window] of is) {
      const w = windows[Number(window)];
      assert.ok(ts >= w[1] && ts < w[2], `${ts} outside training window ${window}`);
    }
    // The stitched curve compounds the windows' returns.
    const product = windows.reduce((acc, w) => acc * (1 + Number(w[18])), 1);
    assert.ok(Math.abs(Number(oos[oos.length - 1][1]) / 10_000 - product) < 1e-9);
    // Each window keeps its study and its best set's report folders.
    for (const name of ["results.csv", "best.toml", "test/report.json", "train/equity.csv"]) {
      await Deno.stat(join(dir, "window-003", name));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("research walk-forward errors name the flag to fix", async () => {
  const bad = async (args: string[], message: RegExp): Promise<void> => {
    const io = recordingIo();
    assert.equal(await main(["research", "walk-forward", ...args], io), 2);
    assert.match(io.err.join("\n"), message);
  };
  const base = ARGS.slice(2);
  await bad([...base], /--output, --train and --test are required/);
  await bad(
    [...base, "--output", "x", "--train", "2 hours"],
    /--train: expected a duration like 90m/,
  );
  await bad([...base, "--output", "x", "--step", "30m"], /test windows overlap/);
  await bad([...base, "--output", "x", "--train", "6h"], /shorter than one training plus one test/);
});

Deno.test("research report adds a walk-forward's curves and a Monte Carlo's bands", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tesser-report-" });
  try {
    const wf = join(dir, "wf");
    assert.equal(await main([...ARGS, "--output", wf], recordingIo()), 0);
    const mcDir = join(dir, "mc");
    const bt = join(dir, "bt");
    assert.equal(
      await main([
        "backtest",
        "run",
        "--strategy-config",
        "examples/strategies/rsi_reversion.toml",
        "--rows",
        "5000",
        "--output-dir",
        bt,
      ], recordingIo()),
      0,
    );
    assert.equal(
      await main(["research", "montecarlo", "--report", bt, "--output", mcDir], recordingIo()),
      0,
    );
    const page = join(dir, "study.html");
    const io = recordingIo();
    const code = await main([
      "research",
      "report",
      "--results",
      join(wf, "window-000", "results.parquet"),
      "--walk-forward",
      wf,
      "--montecarlo",
      mcDir,
      "--x",
      "slow_period",
      "--y",
      "fast_period",
      "--output",
      page,
    ], io);
    assert.equal(code, 0, io.err.join("\n"));
    const html = await Deno.readTextFile(page);
    assert.ok(html.includes("<h2>Walk-forward</h2>") && html.includes("<h2>Monte Carlo</h2>"));
    assert.ok(html.includes("(x: slow_period, y: fast_period;"));
    const bad = recordingIo();
    assert.equal(
      await main([
        "research",
        "report",
        "--results",
        join(wf, "walk_forward.csv"),
        "--output",
        page,
      ], bad),
      1,
    );
    assert.match(bad.err[0], /walk_forward\.csv as a table/);
    const lonely = recordingIo();
    await main(["research", "report", "--results", "x", "--output", page, "--x", "a"], lonely);
    assert.match(lonely.err[0], /flags --x and --y go together/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
