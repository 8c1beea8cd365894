import assert from "node:assert/strict";
import { runCandleBacktest } from "../../lib/backtest/candle_backtest.ts";
import { loadMarkets } from "../../lib/backtest/markets.ts";
import { REPORT_FILES, writeReportFiles } from "../../lib/backtest/report_files.ts";
import { generateCandles } from "../../lib/data/mod.ts";
import { DataError } from "../../lib/domain/mod.ts";
import { fixedQuantity } from "../../lib/execution/mod.ts";
import { builtinStrategies } from "../../lib/strategies/mod.ts";
import { lockOutputDir } from "../../cli/output_lock.ts";
import { listDir, tesser, withTemp } from "./_cli_run.ts";

const RUN = [
  "backtest",
  "run",
  "--strategy-config",
  "examples/strategies/sma_cross.toml",
  "--data",
  "examples/data/btcusdt_1m_sample.parquet",
];

Deno.test("a second backtest run on a locked --output-dir refuses before computing", async () => {
  await withTemp(async (dir) => {
    // Held as another run holds it (this test is that run).
    const held = await lockOutputDir(`${dir}/out`, "backtest run --strategy-config other.toml");
    try {
      const started = performance.now();
      const run = await tesser(...RUN, "--output-dir", `${dir}/out`);
      assert.equal(run.code, 1, run.text);
      assert.match(
        run.text,
        new RegExp(
          `another run \\(backtest run --strategy-config other\\.toml, pid ${Deno.pid}, since [0-9T:.Z-]+\\) is writing to ${dir}/out; this run would mix with it`,
        ),
      );
      // Refused up front: no report table, no folder, the other run's lock untouched.
      assert.deepEqual(run.out, []);
      assert.deepEqual(listDir(dir), [".out.lock"]);
      assert.ok(performance.now() - started < 5_000);
    } finally {
      await held.release();
    }
    assert.deepEqual(listDir(dir), []);
  });
});

Deno.test("two runs started together on one --output-dir: one writes, the other refuses", async () => {
  await withTemp(async (dir) => {
    const [a, b] = await Promise.all([
      tesser(...RUN, "--output-dir", `${dir}/out`),
      tesser(...RUN, "--output-dir", `${dir}/out`),
    ]);
    assert.deepEqual([a.code, b.code].sort(), [0, 1], `${a.text}\n${b.text}`);
    const refused = a.code === 1 ? a : b;
    assert.match(refused.text, /is writing to .*\/out; this run would mix with it/);
    assert.deepEqual(listDir(dir), ["out"]); // the lock went with the run that held it
    assert.deepEqual(listDir(`${dir}/out`), [...REPORT_FILES].sort());
  });
});

Deno.test("a lock file left by a killed run is taken over", async () => {
  await withTemp(async (dir) => {
    // What `kill -9` leaves: the file, with nobody holding its lock.
    Deno.writeTextFileSync(
      `${dir}/.out.lock`,
      JSON.stringify({ pid: 1, started: "2026-12-01T00:00:00Z", command: "killed" }),
    );
    const run = await tesser(...RUN, "--output-dir", `${dir}/out`);
    assert.equal(run.code, 0, run.text);
    assert.deepEqual(listDir(dir), ["out"]);
  });
});

Deno.test("replacing a report swaps the whole folder and keeps the files of others", async () => {
  await withTemp(async (dir) => {
    const out = `${dir}/out`;
    assert.equal((await tesser(...RUN, "--output-dir", out)).code, 0);
    Deno.writeTextFileSync(`${out}/notes.txt`, "mine");
    Deno.writeTextFileSync(`${out}/report.json`, "stale");
    const again = await tesser(...RUN, "--output-dir", out, "--fee-bps", "7");
    assert.equal(again.code, 0, again.text);
    assert.deepEqual(listDir(out), [...REPORT_FILES, "notes.txt"].sort());
    assert.equal(Deno.readTextFileSync(`${out}/notes.txt`), "mine");
    assert.match(Deno.readTextFileSync(`${out}/report.json`), /"makerFeeRate": "0.0007"/);
    assert.deepEqual(listDir(dir), ["out"]); // no .out.old-*, .out.tmp-* or lock beside it
  });
});

async function smallBundle() {
  const prepared = builtinStrategies.prepare("SmaCross", { symbol: "bybit:BTCUSDT" }, {
    file: "test",
  });
  const result = await runCandleBacktest({
    strategy: prepared.strategy,
    instruments: await loadMarkets("config/markets.toml"),
    sources: [generateCandles({ rows: 300, seed: 1, symbol: "bybit:BTCUSDT" })],
    initialBalances: { USDT: 10_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.01),
  });
  return result.bundle;
}

Deno.test("a rename failing midway through the swap leaves the old report whole", async () => {
  await withTemp(async (dir) => {
    const out = `${dir}/out`;
    const bundle = await smallBundle();
    await writeReportFiles(out, bundle);
    Deno.writeTextFileSync(`${out}/report.json`, "the old report");
    const before = listDir(out);
    let renames = 0;
    // The first rename (old folder aside) works, the second (new folder in) fails.
    const failing = async (from: string, to: string): Promise<void> => {
      if (++renames === 2) throw new Deno.errors.PermissionDenied(`rename ${from} -> ${to}`);
      await Deno.rename(from, to);
    };
    await assert.rejects(
      () => writeReportFiles(out, bundle, {}, failing),
      (error: unknown) =>
        error instanceof DataError &&
        /Cannot write the backtest report to .*\/out: permission denied; the folder is as it was/
          .test(error.message),
    );
    assert.ok(renames >= 3, "the old folder was put back");
    assert.deepEqual(listDir(dir), ["out"]);
    assert.deepEqual(listDir(out), before);
    assert.equal(Deno.readTextFileSync(`${out}/report.json`), "the old report");
  });
});
