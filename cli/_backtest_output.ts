/**
 * What `tesser backtest run` prints and writes: the report files (`--output-dir`), report.json
 * (`--json`) or a console table.
 *
 * @module
 */

import type { BacktestReport } from "../lib/backtest/report.ts";
import { reportToJson } from "../lib/backtest/report.ts";
import type { EquityOutput } from "../lib/backtest/equity_recorder.ts";
import {
  equityCsvNote,
  type ReportBundle,
  writeReportFiles,
} from "../lib/backtest/report_files.ts";
import { killSwitchLine, refusalLines } from "../lib/backtest/report_summary.ts";
import { releaseTemp, tempPathFor, trackTemp } from "../lib/data/mod.ts";
import { decimal } from "../lib/domain/mod.ts";
import { basename, dirname, join, resolve } from "node:path";
import type { CommandIo } from "./io.ts";
import { choice } from "./_backtest_flags.ts";
import type { ParsedFlags } from "./usage_error.ts";
import { counted } from "./_count.ts";

/** `--equity-csv`: `limited` (default) or `full`. */
export function equityCsvMode(flags: ParsedFlags): "limited" | "full" {
  return choice(flags, "equity-csv", ["limited", "full"] as const) ?? "limited";
}

/**
 * Where a candle run's equity curve goes: streamed to temp files beside the report folder when
 * there is one (moved in when the report is written), else only summarised, so memory does not
 * grow with the run.
 */
export async function equityOutputFor(
  outputDir: string | undefined,
  csv: "limited" | "full",
): Promise<EquityOutput> {
  if (outputDir === undefined) return { kind: "summary" };
  const target = resolve(outputDir);
  const parent = dirname(target);
  await Deno.mkdir(parent, { recursive: true }).catch(() => undefined);
  // Tracked temps (the process id in the name): an interrupt removes them with the others.
  const stem = tempPathFor(join(parent, `${basename(target)}.equity`), { hidden: true });
  releaseTemp(stem); // the files are stem.parquet (and its .part) and stem.csv, not stem
  const parquetPath = `${stem}.parquet`;
  const csvPath = `${stem}.csv`;
  for (const path of [parquetPath, `${parquetPath}.part`, csvPath]) trackTemp(path);
  // A full equity.csv is streamed as the run goes; the thinned one is written by the equity
  // worker from its sample once the run ends, while this thread writes the other files.
  return {
    kind: "stream",
    parquetPath,
    reportDir: target,
    ...(csv === "full" ? { csvPath } : { sampleCsvPath: csvPath }),
  };
}

/** Writes the files when `outputDir` is given, then prints JSON or the table. */
export async function emitResult(
  bundle: ReportBundle,
  options: {
    readonly outputDir: string | undefined;
    readonly json: boolean;
    readonly equityCsv?: "limited" | "full";
  },
  io: CommandIo,
): Promise<void> {
  if (options.outputDir !== undefined) {
    const full = options.equityCsv === "full";
    const written = await writeReportFiles(options.outputDir, bundle, {
      equityCsv: options.equityCsv,
    });
    io.stderr(`wrote ${written.length} files to ${options.outputDir}`);
    const note = equityCsvNote(bundle.equity, full);
    if (note !== undefined) io.stderr(`note: ${note}`);
  }
  if (options.json) io.stdout(reportToJson(bundle.report).trimEnd());
  else printTable(bundle.report, io);
}

function printTable(report: BacktestReport, io: CommandIo): void {
  const rows: [string, string][] = [
    ["strategy", report.strategy],
    ["symbols", report.symbols.join(", ")],
    [
      "period",
      `${report.start} → ${report.end} (${counted(report.bars, "bar")} of ${report.interval})`,
    ],
    ["equity", `${money(report.initialEquity)} → ${money(report.finalEquity)}`],
    ["total return", percent(report.totalReturn)],
    ["CAGR", percent(report.cagr)],
    ["Sharpe / Sortino", `${fixed(report.sharpe)} / ${fixed(report.sortino)}`],
    ["max drawdown", percent(report.maxDrawdown)],
    ["trades (win rate)", `${report.trades} (${percent(report.winRate)})`],
    ["profit factor", fixed(report.profitFactor)],
    ["fees / funding", `${money(report.fees)} / ${money(report.funding)}`],
    ["orders / fills / rejected", `${report.orders} / ${report.fills} / ${report.rejectedOrders}`],
    ["ambiguous bars / liquidations", `${report.ambiguousBars} / ${report.liquidations}`],
    ["kill switch", killSwitchLine(report)],
  ];
  // Each refusal rule on its own line, with what it means.
  for (const line of refusalLines(report.rejections)) {
    rows.push([`  refused: ${line.rule}`, `${line.count} — ${line.explanation}`]);
  }
  const width = Math.max(...rows.map(([key]) => key.length));
  for (const [key, value] of rows) io.stdout(`${key.padEnd(width)}  ${value}`);
}

// The table shows at most 10 decimals (inverse contracts give 40-digit quotients);
// report.json keeps the exact values.
function money(text: string): string {
  const [, fraction = ""] = text.split(".");
  return fraction.length <= 10 ? text : decimal(text).toFixed(10).replace(/\.?0+$/, "");
}

function percent(value: number | null): string {
  return value === null ? "n/a" : `${(value * 100).toFixed(2)}%`;
}

function fixed(value: number | null): string {
  return value === null ? "n/a" : value.toFixed(3);
}
