/**
 * Instruction counts of candle backtests (issues 10, 17 and 19): each `tesser backtest run`
 * under `valgrind --tool=cachegrind` with V8 made deterministic (`--v8-flags=--predictable`: one
 * thread, no concurrent compilation or GC), at two sizes, so the difference divided by the extra
 * candles is the per-candle count with start-up cancelled. Counts do not depend on how busy the
 * machine is (the wall clock does), so two commits or two variants compare on a shared machine.
 *
 *   deno run -A bench/instruction_counts.ts [--root DIR] [--rows 100000,1000000]
 *     [--runs sma,nosig,twap1,twap5,refused,silent] [--data-dir DIR]
 *
 * Runs (SmaCross on seeded GBM 1m candles, report to stdout, `--max-drawdown 1`):
 * - `sma`: 50/200, the candle end-to-end benchmark's strategy.
 * - `nosig`: the same with `min_samples` beyond the run: the per-bar path alone, no signal.
 * - `twap1`, `twap5`: `sma` with an `[execution]` TWAP over 600 s of 1 and of 5 slices.
 * - `refused`, `silent`: SmaCross 2/6 through `bench/_sma_cross_signals.ts` under a
 *   `max_order_quantity` no order meets: every entry is refused; `silent` computes the same
 *   signals and drops them, so the difference is the refusal path alone.
 *
 * `--root DIR` runs another checkout's CLI (e.g. `git archive 6908d40 | tar -x -C /tmp/base`,
 * then `deno install` there) on the same Parquet files; only `sma` and `nosig` exist there.
 * Each run is done once without valgrind first so Deno's transpile cache is warm. Prints one
 * line per run and size, then the per-candle counts and the derived costs.
 *
 * @module
 */

import { generateCandles, writeCandleParquet } from "../lib/data/mod.ts";

const RUNS = ["sma", "nosig", "twap1", "twap5", "refused", "silent"] as const;
type RunName = typeof RUNS[number];

const here = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
let root = here;
let sizes = [100_000, 1_000_000];
let runs: RunName[] = [...RUNS];
let dataDir: string | undefined;
for (let i = 0; i < Deno.args.length; i++) {
  const arg = Deno.args[i];
  const value = Deno.args[++i];
  if (value === undefined) usage(`${arg} needs a value`);
  if (arg === "--root") root = value;
  else if (arg === "--rows") sizes = value.split(",").map(Number);
  else if (arg === "--runs") runs = value.split(",") as RunName[];
  else if (arg === "--data-dir") dataDir = value;
  else usage(`unknown argument ${arg}`);
}
if (sizes.length !== 2 || sizes.some((n) => !Number.isSafeInteger(n) || n < 1)) {
  usage("--rows takes two positive integers");
}
if (sizes[0] >= sizes[1]) usage("--rows: the second size must be the larger");
for (const run of runs) if (!RUNS.includes(run)) usage(`unknown run ${run}`);

function usage(problem: string): never {
  console.error(
    `${problem}\nusage: deno run -A bench/instruction_counts.ts [--root DIR] [--rows A,B] [--runs ${
      RUNS.join(",")
    }] [--data-dir DIR]`,
  );
  Deno.exit(2);
}

const dir = await Deno.makeTempDir({ prefix: "tesser-icount-" });
const data = dataDir ?? dir;

interface Count {
  readonly instructions: number;
  readonly trades: number;
  readonly orders: number;
  readonly refused: number;
}

try {
  await writeConfigs();
  for (const rows of sizes) {
    const file = `${data}/candles_${rows}.parquet`;
    const exists = await Deno.stat(file).then(() => true, () => false);
    if (!exists) {
      await writeCandleParquet(
        file,
        generateCandles({ rows, seed: 7, symbol: "bybit:BTCUSDT" }),
        { symbol: "bybit:BTCUSDT", interval: "1m" },
      );
    }
  }
  const counts = new Map<string, Count>();
  for (const run of runs) {
    await backtest(run, `${data}/candles_${sizes[0]}.parquet`, false);
    for (const rows of sizes) {
      const count = await backtest(run, `${data}/candles_${rows}.parquet`, true);
      counts.set(`${run}@${rows}`, count);
      console.log(
        `${run} ${rows} candles: ${count.instructions.toLocaleString("en-US")} instructions ` +
          `(trades ${count.trades}, orders ${count.orders}, refused ${count.refused})`,
      );
    }
  }
  const [small, large] = sizes;
  const of = (run: RunName, rows: number): Count | undefined => counts.get(`${run}@${rows}`);
  const slope = (run: RunName): number | undefined => {
    const a = of(run, small);
    const b = of(run, large);
    return a === undefined || b === undefined
      ? undefined
      : (b.instructions - a.instructions) / (large - small);
  };
  for (const run of runs) {
    console.log(`${run}: ${Math.round(slope(run) ?? NaN).toLocaleString("en-US")} per candle`);
  }
  const sma = of("sma", large);
  const nosig = of("nosig", large);
  if (sma !== undefined && nosig !== undefined && sma.orders > 0) {
    console.log(
      `order path (sma − nosig at ${large}): ${
        Math.round((sma.instructions - nosig.instructions) / sma.orders).toLocaleString("en-US")
      } per order (${sma.orders} orders)`,
    );
  }
  for (const twap of ["twap1", "twap5"] as const) {
    const plain = slope("sma");
    const algo = slope(twap);
    if (plain !== undefined && algo !== undefined) {
      console.log(
        `${twap} vs sma: ${(100 * (algo - plain) / plain).toFixed(1)} % per candle`,
      );
    }
  }
  const r = [of("refused", small), of("refused", large)];
  const s = [of("silent", small), of("silent", large)];
  if (r[0] && r[1] && s[0] && s[1]) {
    const extra = (r[1].instructions - s[1].instructions) - (r[0].instructions - s[0].instructions);
    const refusals = r[1].refused - r[0].refused;
    console.log(
      `refusal path: ${Math.round(extra / refusals).toLocaleString("en-US")} per refusal ` +
        `(${refusals} more refusals at ${large}); refused vs silent per candle: ${
          (100 * ((slope("refused") ?? NaN) - (slope("silent") ?? NaN)) /
            (slope("silent") ?? NaN)).toFixed(1)
        } %`,
    );
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}

async function writeConfigs(): Promise<void> {
  const sma = 'strategy_name = "SmaCross"\n\n[params]\nsymbol = "bybit:BTCUSDT"\n' +
    "fast_period = 50\nslow_period = 200\n";
  const twap = (slices: number): string =>
    `${sma}\n[execution]\nalgorithm = "twap"\nduration_secs = 600\nslices = ${slices}\n`;
  const signals = (emit: boolean): string =>
    'strategy_name = "SmaCrossSignals"\n\n[params]\nsymbol = "bybit:BTCUSDT"\n' +
    `fast_period = 2\nslow_period = 6\nemit_signals = ${emit}\n`;
  await Deno.writeTextFile(`${dir}/sma.toml`, sma);
  await Deno.writeTextFile(`${dir}/nosig.toml`, `${sma}min_samples = 1000000000\n`);
  await Deno.writeTextFile(`${dir}/twap1.toml`, twap(1));
  await Deno.writeTextFile(`${dir}/twap5.toml`, twap(5));
  await Deno.writeTextFile(`${dir}/refused.toml`, signals(true));
  await Deno.writeTextFile(`${dir}/silent.toml`, signals(false));
  // The default config with an order-size limit no order meets: every entry is refused.
  await Deno.mkdir(`${dir}/refusing`);
  const refusing = (await Deno.readTextFile(`${root}/config/default.toml`))
    .replace(/^max_order_quantity = .*$/m, "max_order_quantity = 0.0000001")
    .replace(/^markets_file = .*$/m, `markets_file = "${root}/config/markets.toml"`);
  if (!refusing.includes("max_order_quantity = 0.0000001")) {
    throw new Error("config/default.toml has no max_order_quantity line to tighten");
  }
  await Deno.writeTextFile(`${dir}/refusing/default.toml`, refusing);
}

async function backtest(run: RunName, file: string, counted: boolean): Promise<Count> {
  const module = run === "refused" || run === "silent";
  const args = [
    "run",
    ...(counted ? ["--v8-flags=--predictable"] : []),
    "--no-prompt",
    "-A",
    "bench/_backtest_e2e_child.ts",
    ...(module ? ["--config-dir", `${dir}/refusing`] : []),
    "backtest",
    "run",
    ...(module ? ["--strategy-module", `${here}/bench/_sma_cross_signals.ts`] : []),
    "--strategy-config",
    `${dir}/${run}.toml`,
    "--data",
    file,
    "--max-drawdown",
    "1",
    "--json",
  ];
  const command = counted
    ? new Deno.Command("valgrind", {
      args: [
        "--tool=cachegrind",
        "--cache-sim=no",
        "--smc-check=all-non-file",
        `--cachegrind-out-file=${dir}/cachegrind.out`,
        Deno.execPath(),
        ...args,
      ],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    })
    : new Deno.Command(Deno.execPath(), { args, cwd: root, stdout: "piped", stderr: "piped" });
  const child = await command.output();
  const stderr = new TextDecoder().decode(child.stderr);
  if (!child.success) throw new Error(`${run} failed:\n${stderr}`);
  const report = JSON.parse(new TextDecoder().decode(child.stdout));
  const refs = /I\s+refs:\s+([\d,]+)/.exec(stderr)?.[1];
  return {
    instructions: refs === undefined ? NaN : Number(refs.replaceAll(",", "")),
    trades: report.trades,
    orders: report.orders,
    refused: report.rejectedOrders,
  };
}
