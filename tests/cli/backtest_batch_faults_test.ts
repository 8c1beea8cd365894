// A batch is many users' runs: one that never ends or ends the process must fail alone, and an
// interrupted batch still says what finished.

import assert from "node:assert/strict";
import { join } from "node:path";
import { recordingIo } from "../../cli/io.ts";
import { main } from "../../cli/main.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const STRATEGIES = join(ROOT, "lib/strategies/mod.ts");

/** A MomentumBurst module (the example TOML's params) whose onCandle runs `body`. */
function moduleSource(body: string): string {
  return `import { defineStrategy, param } from ${JSON.stringify(STRATEGIES)};
export const strategy = defineStrategy({
  name: "MomentumBurst",
  description: "misbehaves",
  params: {
    symbol: param.symbol(),
    lookback: param.number({ default: 10 }),
    threshold_pct: param.number({ default: 0.5 }),
  },
  subscriptions: (p) => [{ kind: "candles", symbol: p.symbol, interval: "1m" }],
  onCandle(candle, ctx) {
    ${body}
  },
});
`;
}

async function batchDir(
  modules: Readonly<Record<string, string>>,
  extra = "",
): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tesser-batch-faults-" });
  const runs = [`${extra}
[[runs]]
name = "good"
strategy_config = "examples/strategies/sma_cross.toml"
data = ["examples/data/btcusdt_1m_sample.parquet"]
`];
  for (const [name, body] of Object.entries(modules)) {
    await Deno.writeTextFile(join(dir, `${name}.ts`), moduleSource(body));
    runs.push(`[[runs]]
name = "${name}"
strategy_config = "examples/custom_strategy/my_strategy.toml"
data = ["examples/data/btcusdt_1m_sample.parquet"]
args = ["--strategy-module", "${join(dir, `${name}.ts`)}"]
`);
  }
  await Deno.writeTextFile(join(dir, "batch.toml"), runs.join("\n"));
  return dir;
}

/** Runs the batch of `dir` in-process; returns its exit code and summary.csv's lines. */
async function runBatch(dir: string, ...flags: string[]): Promise<{ code: number; csv: string[] }> {
  const io = recordingIo();
  const code = await main([
    "backtest",
    "batch",
    "--config",
    join(dir, "batch.toml"),
    "--output-dir",
    join(dir, "out"),
    ...flags,
  ], io);
  const csv = (await Deno.readTextFile(join(dir, "out/summary.csv"))).trim().split("\n");
  return { code, csv };
}

Deno.test("backtest batch: a run that loops forever is stopped at the time limit and fails alone", async () => {
  const dir = await batchDir({ forever: "while (candle.close > 0) { /* spin */ }" });
  try {
    const { code, csv } = await runBatch(dir, "--workers", "2", "--run-timeout", "6");
    assert.equal(code, 1);
    assert.equal(csv.length, 3);
    assert.match(csv[1], /^good,ok,/);
    assert.match(
      csv[2],
      /^forever,failed,.*run stopped after the time limit of 6 s \(hint: raise run_timeout_secs or --run-timeout/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("backtest batch: Deno.exit in a strategy fails its run with a message, not the batch", async () => {
  // The limit is far away: the run must end on Deno.exit's own message, not on the limit.
  const dir = await batchDir({ quitter: "Deno.exit(3);" }, "run_timeout_secs = 600");
  try {
    const { code, csv } = await runBatch(dir, "--workers", "1");
    assert.equal(code, 1);
    assert.match(csv[1], /^good,ok,/);
    assert.match(
      csv[2],
      /^quitter,failed,.*strategy MomentumBurst \(.*quitter\.ts\) threw on candle bybit:BTCUSDT 2024-01-01T00:01:00Z: called Deno\.exit\(3\) inside a batch run/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("backtest batch --run-timeout must be a positive number of seconds", async () => {
  const io = recordingIo();
  const code = await main(
    ["backtest", "batch", "--config", "x.toml", "--run-timeout", "0"],
    io,
  );
  assert.equal(code, 2);
  assert.match(io.err.join("\n"), /--run-timeout/);
});

Deno.test("an interrupted batch (SIGINT) writes summary.csv with the runs that finished (exit 130)", async () => {
  const dir = await batchDir({ forever: "while (candle.close > 0) { /* spin */ }" });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "-A",
      "cli/main.ts",
      "backtest",
      "batch",
      "--config",
      join(dir, "batch.toml"),
      "--output-dir",
      join(dir, "out"),
      "--workers",
      "2",
    ],
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  try {
    let seen = "";
    const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    const deadline = Date.now() + 60_000;
    while (!seen.includes("ok good") && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    assert.match(seen, /\[1\/2\] ok good/);
    child.kill("SIGINT");
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    const status = await child.status;
    assert.equal(status.code, 130, seen);
    assert.match(seen, /1 ok, 0 failed; interrupted: 1 not finished/);
    const csv = (await Deno.readTextFile(join(dir, "out/summary.csv"))).trim().split("\n");
    assert.equal(csv.length, 2);
    assert.match(csv[1], /^good,ok,/);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // already exited
    }
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
});
