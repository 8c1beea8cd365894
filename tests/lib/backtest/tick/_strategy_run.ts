// Runs a registered strategy on the real BitMEX XBTUSD 10-minute sample (quotes + trades).
import { runTickBacktest, tickFileSource } from "../../../../lib/backtest/tick/mod.ts";
import type { BacktestReport } from "../../../../lib/backtest/report.ts";
import { loadMarkets } from "../../../../lib/backtest/markets.ts";
import { constantLatency } from "../../../../lib/venues/mod.ts";
import type { JsonValue } from "../../../../lib/domain/mod.ts";
import { fixedQuantity } from "../../../../lib/execution/mod.ts";
import { builtinStrategies } from "../../../../lib/strategies/mod.ts";

const ROOT = new URL("../../../../", import.meta.url).pathname;
export const QUOTES_10M = `${ROOT}tests/testdata/tick/bitmex_xbtusd_quotes_10m.csv.gz`;
export const TRADES_10M = `${ROOT}tests/testdata/tick/bitmex_xbtusd_trades_10m.csv.gz`;
export const BOOK_SAMPLE = `${ROOT}tests/testdata/data/bitmex_book_sample.csv.gz`;

export type Diagnostics = Record<string, Record<string, JsonValue>>;

export async function runOnSample(
  name: string,
  params: Record<string, unknown>,
  files: readonly string[] = [QUOTES_10M, TRADES_10M],
): Promise<
  { report: BacktestReport; diagnostics: Diagnostics; strategy: Record<string, JsonValue> }
> {
  const instruments = await loadMarkets(`${ROOT}config/markets.toml`);
  const strategy = builtinStrategies.create(name, { symbol: "bitmex:XBTUSD", ...params });
  const { report } = await runTickBacktest({
    strategy,
    instruments,
    sources: files.map(tickFileSource),
    initialBalances: { XBT: 1 },
    reportingCurrency: "XBT",
    sizer: fixedQuantity(100),
    latency: constantLatency({ entry: 5_000, response: 5_000 }),
  });
  const diagnostics = report.diagnostics as Diagnostics;
  return {
    report,
    diagnostics,
    strategy: diagnostics.strategy as Record<string, JsonValue>,
  };
}
