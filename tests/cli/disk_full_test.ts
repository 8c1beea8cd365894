/**
 * Disk full in every command that writes, on a real full file system: each command runs in a
 * private mount namespace (`unshare -rm`, no root needed where user namespaces are allowed)
 * whose output folder is a small tmpfs, so the write fails with ENOSPC as on a full disk. The
 * listing of the tmpfs is taken inside the namespace, after the command.
 *
 * Where `unshare` cannot make the namespace, these tests are skipped (the reason is printed).
 *
 * @module
 */

import assert from "node:assert/strict";
import { startSimulator } from "../../connectors/simulator/simulator.ts";
import { withTemp } from "./_cli_run.ts";

const PERMISSIONS = "--no-prompt --allow-read --allow-write --allow-env";
const MARK = "--- listing ---";

function namespacesWork(): boolean {
  try {
    const probe = new Deno.Command("unshare", {
      args: ["-rm", "sh", "-c", "mount -t tmpfs -o size=16k tmpfs /tmp && true"],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    return probe.success;
  } catch {
    return false;
  }
}

const available = namespacesWork();
if (!available) console.warn("disk_full_test: unshare -rm cannot mount a tmpfs here; skipped");

interface FullRun {
  readonly code: number;
  readonly err: string;
  /** What the tmpfs holds after the command (hidden names too). */
  readonly left: readonly string[];
}

/**
 * Runs `tesser ...args` with `disk` as a tmpfs of `size` (e.g. "256k"); `fill` first fills it
 * up completely, so even the first byte written fails.
 */
async function onFullDisk(
  disk: string,
  size: string,
  fill: boolean,
  args: readonly string[],
  extra: { readonly permissions?: string; readonly env?: Record<string, string> } = {},
): Promise<FullRun> {
  const quoted = args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  const script = [
    `mount -t tmpfs -o size=${size} tmpfs '${disk}' || exit 99`,
    fill ? `head -c 100000000 /dev/zero > '${disk}/filler' 2>/dev/null` : "true",
    `'${Deno.execPath()}' run ${PERMISSIONS} ${extra.permissions ?? ""} cli/main.ts ${quoted}`,
    "code=$?",
    `echo '${MARK}'`,
    `ls -A '${disk}'`,
    "exit $code",
  ].join("\n");
  const output = await new Deno.Command("unshare", {
    args: ["-rm", "sh", "-c", script],
    env: extra.env ?? {},
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(output.stdout);
  const err = new TextDecoder().decode(output.stderr);
  assert.notEqual(output.code, 99, `cannot mount the tmpfs: ${err}`);
  const listing = out.slice(out.indexOf(MARK) + MARK.length).trim();
  return { code: output.code, err, left: listing === "" ? [] : listing.split("\n").sort() };
}

function assertClear(run: FullRun, path: string, left: readonly string[]): void {
  assert.equal(run.code, 1, run.err);
  assert.match(run.err, new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  assert.match(run.err, /the disk is full/);
  assert.doesNotMatch(run.err, /internal error|os error/);
  assert.deepEqual(run.left, left, "a file was left half-written");
}

Deno.test({
  name: "disk full: data synth names the output and leaves no half-written file",
  ignore: !available,
  fn: () =>
    withTemp(async (disk) => {
      const output = `${disk}/synth.parquet`;
      const run = await onFullDisk(disk, "256k", false, [
        "data",
        "synth",
        "--output",
        output,
        "--rows",
        "200000",
      ]);
      assertClear(run, output, []);
      assert.match(run.err, /free some space/);
    }),
});

Deno.test({
  name: "disk full: data normalize and data resample name the output, leave nothing",
  ignore: !available,
  fn: () =>
    withTemp(async (disk) => {
      const normalize = await onFullDisk(disk, "64k", true, [
        "data",
        "normalize",
        "--source",
        "tests/testdata/data/tesser_btcusdt_1m_sample.csv",
        "--output",
        `${disk}/out`,
        "--config",
        "configs/etl/sample_iso_csv.toml",
        "--symbol",
        "bybit:BTCUSDT",
      ]);
      assertClear(normalize, `${disk}/out/bybit_BTCUSDT_1m.parquet`, ["filler"]);
      const resample = await onFullDisk(disk, "64k", true, [
        "data",
        "resample",
        "--data",
        "examples/data/btcusdt_1m_sample.parquet",
        "--output",
        `${disk}/h.parquet`,
      ]);
      assertClear(resample, `${disk}/h.parquet`, ["filler"]);
    }),
});

Deno.test({
  name: "disk full: backtest run --output-dir names the folder, writes no partial report",
  ignore: !available,
  fn: () =>
    withTemp(async (disk) => {
      const run = await onFullDisk(disk, "256k", false, [
        "backtest",
        "run",
        "--strategy-config",
        "examples/strategies/sma_cross.toml",
        "--rows",
        "20000",
        "--output-dir",
        `${disk}/out`,
      ]);
      // The equity curve streams to a file beside the folder during the run: the disk may fill
      // there first (named), or when the report files are written.
      assert.equal(run.code, 1, run.err);
      assert.match(
        run.err,
        new RegExp(
          `Cannot write the backtest report to ${disk}/out: the disk is full; the folder is as it was|cannot write ${disk}/\\.out\\.equity\\.tmp-\\d+-\\w+\\.parquet: the disk is full`,
        ),
      );
      assertClear(run, `${disk}/`, []);
    }),
});

Deno.test({
  name: "disk full: backtest batch's summary CSV names its path, no temp left",
  ignore: !available,
  fn: () =>
    withTemp(async (disk) => {
      const summary = `${disk}/summary.csv`;
      const run = await onFullDisk(disk, "64k", true, [
        "backtest",
        "batch",
        "--config",
        "examples/strategies/sma_cross.toml",
        "--data",
        "examples/data/btcusdt_1m_sample.parquet",
        "--workers",
        "1",
        "--output",
        summary,
      ]);
      assertClear(run, summary, ["filler"]);
    }),
});

Deno.test({
  name: "disk full: data download names its staging file and says a rerun resumes",
  ignore: !available,
  fn: async () => {
    // The namespace shares the network: the child reaches the simulator on 127.0.0.1.
    const sim = await startSimulator({ venue: "bybit", market: { kind: "none" } });
    const from = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 3000; i++) {
      sim.market.klines.candle("BTCUSDT", from + i * 60_000, {
        open: 100,
        high: 101,
        low: 99,
        close: 100.5,
        volume: 1,
      });
    }
    try {
      await withTemp(async (disk) => {
        const run = await onFullDisk(disk, "64k", false, [
          "data",
          "download",
          "--exchange",
          "bybit_testnet",
          "--symbol",
          "bybit:BTCUSDT",
          "--from",
          "2024-01-01",
          "--to",
          "2024-01-03",
          "--output",
          disk,
        ], {
          permissions: "--allow-net=127.0.0.1",
          env: { TESSER_EXCHANGE__BYBIT_TESTNET__REST_URL: sim.restUrl },
        });
        const staging = `${disk}/bybit_BTCUSDT_1m_2024-01-01_2024-01-03.parquet.partial`;
        assert.equal(run.code, 1, run.err);
        assert.match(run.err, new RegExp(`cannot write ${staging}: the disk is full`));
        assert.match(run.err, /run the same command again: it resumes from what was staged/);
        assert.doesNotMatch(run.err, /internal error|os error/);
        // What was staged before the disk filled stays, for the resume; nothing else.
        assert.deepEqual(run.left, ["bybit_BTCUSDT_1m_2024-01-01_2024-01-03.parquet.partial"]);
      });
    } finally {
      await sim.stop();
    }
  },
});
