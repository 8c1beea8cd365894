import assert from "node:assert/strict";
import { main } from "../../cli/main.ts";
import { recordingIo } from "../../cli/io.ts";

const DATA = "examples/data/btcusdt_1m_sample.parquet";

async function run(
  args: readonly string[],
): Promise<{ code: number; out: string[]; err: string[] }> {
  const io = recordingIo();
  const code = await main(["research", "bias", ...args], io);
  return { code, out: io.out, err: io.err };
}

Deno.test("research bias passes SmaCross and flags RSI's recursive smoothing", async () => {
  const sma = await run([
    "--strategy-config",
    "examples/strategies/sma_cross.toml",
    "--data",
    DATA,
    "--warmup",
    "60",
    "--json",
  ]);
  assert.equal(sma.code, 0, sma.err.join("\n"));
  const report = JSON.parse(sma.out.join("\n"));
  assert.equal(report.bars, 360);
  assert.equal(report.lookahead.passed, true);
  assert.deepEqual(report.recursive.starts.map((s: { start: number }) => s.start), [36, 90]);
  // Wilder's RSI never forgets its start: a run from bar 30 reads another RSI at the same bar.
  const rsi = await run([
    "--strategy-config",
    "examples/strategies/rsi_reversion.toml",
    "--data",
    DATA,
    "--warmup",
    "60",
    "--starts",
    "30",
  ]);
  assert.equal(rsi.code, 1);
  assert.match(rsi.out[0], /^look-ahead: ok \(5 cuts, \d+ signals over 360 bars\)$/);
  assert.match(
    rsi.out[1],
    /^recursive: FAILED from bar 30: signal #0 .*RSI \d+\.\d+.*; from bar 30: /,
  );
});

Deno.test("research bias errors name the missing input or the impossible start", async () => {
  const none = await run(["--strategy-config", "examples/strategies/sma_cross.toml"]);
  assert.equal(none.code, 2);
  assert.match(none.err[0], /--strategy-config and --data are required/);
  const late = await run([
    "--strategy-config",
    "examples/strategies/sma_cross.toml",
    "--data",
    DATA,
    "--starts",
    "300",
  ]);
  assert.equal(late.code, 1);
  assert.match(
    late.err[0],
    /a late start of 300 bars plus a warm-up of 200 leaves none of the 360/,
  );
  const bad = await run([
    "--strategy-config",
    "examples/strategies/sma_cross.toml",
    "--data",
    DATA,
    "--starts",
    "x",
  ]);
  assert.match(bad.err[0], /--starts: "x" is not a positive whole number/);
});
