// Issue 11: the report tells the whole truth — when the kill switch tripped, at which drawdown,
// which limit and where it was set; every refusal rule with what it means. Before, a run ended
// with "rejected 230" and nothing else.
import assert from "node:assert/strict";
import { runCandleBacktest } from "../../../lib/backtest/candle_backtest.ts";
import { reportToJson } from "../../../lib/backtest/report.ts";
import { renderReportHtml } from "../../../lib/backtest/report_html.ts";
import {
  explainRefusal,
  killSwitchLine,
  refusalLines,
} from "../../../lib/backtest/report_summary.ts";
import { candlesToBatch } from "../../../lib/data/mod.ts";
import {
  type Candle,
  fromIso,
  makeInstrument,
  MICROS_PER_MINUTE,
} from "../../../lib/domain/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import type { Strategy, StrategyContext } from "../../../lib/strategies/mod.ts";

const PERP = makeInstrument({
  symbol: "bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
});

/** Enters long on every bar close (refused once the kill switch tripped). */
const alwaysLong: Strategy = {
  name: "AlwaysLong",
  subscriptions: [{ kind: "candles", symbol: PERP.symbol, interval: "1m" }],
  onCandle(_candle: Candle, ctx: StrategyContext) {
    ctx.signal({ symbol: PERP.symbol, kind: "enter-long", confidence: 1 });
  },
  snapshot: () => null,
  restore: () => {},
};

async function trippedRun() {
  // Long 5 at 100 on 1000: the fall to 90 is a 5 % drawdown, past the 2 % limit.
  const closes = [100, 100, 100, 90, 90, 90, 90];
  const start = fromIso("2024-01-01T00:00:00Z");
  const candles: Candle[] = closes.map((close, i) => ({
    symbol: PERP.symbol,
    interval: "1m",
    openTime: start + i * MICROS_PER_MINUTE,
    open: close,
    high: close,
    low: close,
    close,
    volume: 1000,
  }));
  return await runCandleBacktest({
    strategy: alwaysLong,
    instruments: [PERP],
    sources: [[candlesToBatch(candles)]],
    initialBalances: { USDT: 1000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(5),
    leverage: 3,
    risk: { maxDrawdown: 0.02, maxOrderQuantity: 10 },
    settings: {
      riskSources: { maxDrawdown: "config/local.toml [risk_management] max_drawdown = 0.02" },
    },
  });
}

Deno.test("the report records when and at which drawdown the kill switch tripped", async () => {
  const { report } = await trippedRun();
  // Marked at the close of the bar opening 00:03 (ts = its open time), equity 950 of peak 1000.
  assert.deepEqual(report.killSwitch, {
    at: "2024-01-01T00:04:00Z",
    drawdown: 0.05,
    limit: 0.02,
  });
  assert.ok(report.rejections["kill-switch"] > 0);
  assert.ok(reportToJson(report).includes(`"killSwitch": {\n    "at": "2024-01-01T00:04:00Z"`));
});

Deno.test("leverage and every risk limit are in the report's settings", async () => {
  const { report } = await trippedRun();
  assert.equal(report.settings.leverage, 3);
  assert.deepEqual(report.settings.risk, {
    maxOrderQuantity: 10,
    maxOrderNotional: null,
    maxPositionQuantity: null,
    maxDrawdown: 0.02,
  });
});

Deno.test("killSwitchLine says when, at which drawdown, which limit and where it was set", async () => {
  const { report } = await trippedRun();
  assert.equal(
    killSwitchLine(report),
    "tripped 2024-01-01T00:04:00Z at a 5.00% drawdown (limit 2.00%, set by " +
      "config/local.toml [risk_management] max_drawdown = 0.02): positions flattened, only " +
      "reducing orders passed from then on",
  );
  assert.equal(
    killSwitchLine({ settings: { risk: { maxDrawdown: 0.05 } } }),
    "not tripped (limit 5.00%)",
  );
  assert.equal(killSwitchLine({ settings: {} }), "no drawdown limit");
});

Deno.test("refusals are listed by rule, most frequent first, each with its meaning", () => {
  const lines = refusalLines({ "zero-size": 3, "kill-switch": 230, lot: 0, venue: 3 });
  assert.deepEqual(lines.map((l) => `${l.rule} ${l.count}`), [
    "kill-switch 230",
    "venue 3",
    "zero-size 3",
  ]);
  assert.equal(
    lines[0].explanation,
    "the drawdown kill switch tripped: only reducing orders pass " +
      "(change: risk_management.max_drawdown, --max-drawdown)",
  );
  assert.match(explainRefusal("insufficient-margin"), /free margin.*\(change: --leverage/);
  assert.equal(explainRefusal("venue"), "the venue rejected the order or an amend");
  assert.equal(explainRefusal("made-up"), "no explanation recorded for this rule");
});

Deno.test("report.html has a risk section with the kill switch and the refusals explained", async () => {
  const { bundle } = await trippedRun();
  const html = renderReportHtml(bundle);
  assert.match(html, /<p id="kill-switch"><strong>Kill switch:<\/strong> tripped 2024-01-01T00:04/);
  assert.match(
    html,
    /<th scope="row">kill-switch<\/th><td>\d+<\/td><td>the drawdown kill switch tripped/,
  );
});
