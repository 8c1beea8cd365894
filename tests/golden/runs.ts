/**
 * The golden backtest runs: shipped sample data through the real CLI path (strategy TOML,
 * markets file, Parquet reader, engine, venue, portfolio, report). `tools/update_golden.ts`
 * writes their report.json; `tests/golden/golden_test.ts` compares byte for byte.
 *
 * @module
 */

import { main } from "../../cli/main.ts";
import { recordingIo } from "../../cli/io.ts";

/** One golden run: a name (folder) and the CLI arguments after `backtest run`. */
export interface GoldenRun {
  /** Folder under tests/golden/. */
  readonly name: string;
  /** Arguments of `tesser backtest run`. */
  readonly args: readonly string[];
}

/** The runs pinned by golden files. */
export const GOLDEN_RUNS: readonly GoldenRun[] = [
  {
    name: "sma_cross_sample",
    args: [
      "--strategy-config",
      "examples/strategies/sma_cross.toml",
      "--data",
      "examples/data/btcusdt_1m_sample.parquet",
    ],
  },
  {
    name: "sma_cross_sample_stops_fees",
    args: [
      "--strategy-config",
      "tests/golden/sma_cross_stops.toml",
      "--data",
      "examples/data/btcusdt_1m_sample.parquet",
      "--slippage-bps",
      "2",
      "--fee-bps",
      "5",
      "--sizer",
      "percent:0.5",
    ],
  },
];

/** Runs `run` through the CLI from the repository root; returns report.json's text. */
export async function runGolden(run: GoldenRun): Promise<string> {
  const root = new URL("../..", import.meta.url).pathname;
  const cwd = Deno.cwd();
  Deno.chdir(root);
  try {
    const io = recordingIo();
    const code = await main(["backtest", "run", ...run.args, "--json"], io);
    if (code !== 0) throw new Error(`golden run ${run.name} failed: ${io.err.join("\n")}`);
    return `${io.out.join("\n")}\n`;
  } finally {
    Deno.chdir(cwd);
  }
}
