/**
 * Backtesting: the candle-mode simulated venue and runner, the markets file, performance
 * metrics and report output (JSON, CSV, self-contained HTML). It may import every other `lib/`
 * module except `live` and `testing`.
 *
 * @module
 */

export type { BacktestRunOptions } from "./_session.ts";
export * from "./candle_backtest.ts";
export * from "./candle_venue.ts";
export * from "./markets.ts";
export * from "./metrics.ts";
export * from "./report.ts";
export * from "./report_files.ts";
export * from "./report_html.ts";
export * from "./tick/mod.ts";
