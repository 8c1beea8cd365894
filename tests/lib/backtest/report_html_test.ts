import assert from "node:assert/strict";
import { decimal, fromIso } from "../../../lib/domain/mod.ts";
import type { RoundTrip } from "../../../lib/portfolio/round_trip.ts";
import { computeMetrics, periodsPerYear } from "../../../lib/backtest/metrics.ts";
import { buildReport } from "../../../lib/backtest/report.ts";
import type { ReportBundle } from "../../../lib/backtest/report_files.ts";
import { equityRecordOf } from "../../../lib/backtest/equity_recorder.ts";
import {
  escapeHtml,
  MAX_HTML_TRADES,
  renderReportHtml,
} from "../../../lib/backtest/report_html.ts";

const MINUTE = 60_000_000;
const T0 = fromIso("2024-01-01T00:00:00Z");
const EVIL = `<script>alert("x")</script>&'`;

function bundle(bars: number, trades: number): ReportBundle {
  const ts = new Float64Array(bars);
  const equity = new Float64Array(bars);
  let e = 10_000;
  let seed = 7;
  for (let i = 0; i < bars; i++) {
    seed = (seed * 16807) % 2147483647;
    e *= 1 + (seed / 2147483647 - 0.499) * 0.002;
    ts[i] = T0 + i * MINUTE;
    equity[i] = e;
  }
  const roundTrips: RoundTrip[] = Array.from({ length: trades }, (_, i) => ({
    symbol: i === 0 ? EVIL : "bybit:BTCUSDT",
    direction: i % 2 === 0 ? "long" : "short",
    entryTs: T0 + i * 10 * MINUTE,
    exitTs: T0 + (i * 10 + 5) * MINUTE,
    quantity: decimal("0.01"),
    entryPrice: decimal("42000"),
    exitPrice: decimal("42100"),
    grossPnl: decimal(i % 3 === 0 ? "-2" : "1"),
    fees: decimal("0"),
    funding: decimal("0"),
    netPnl: decimal(i % 3 === 0 ? "-2" : "1"),
    settle: "USDT",
    fills: 2,
  }));
  const metrics = computeMetrics({
    ts,
    equity,
    length: bars,
    initialEquity: 10_000,
    periodsPerYear: periodsPerYear("1m"),
    roundTrips,
    barsInMarket: Math.floor(bars / 2),
    tradedNotional: 5_000,
  });
  const report = buildReport({
    strategy: `sma ${EVIL}`,
    params: { [EVIL]: EVIL, fast: 10 },
    symbols: ["bybit:BTCUSDT"],
    interval: "1m",
    start: T0,
    end: T0 + bars * MINUTE,
    initialEquity: decimal("10000"),
    finalEquity: decimal(bars === 0 ? "10000" : equity[bars - 1].toFixed(2)),
    fees: decimal("1.5"),
    funding: decimal("0"),
    orders: trades * 2,
    fills: trades * 2,
    rejectedOrders: 1,
    ambiguousBars: 0,
    liquidations: 0,
    rejections: { [EVIL]: 1 },
    settings: { note: EVIL },
    metrics,
  });
  return {
    report,
    equity: equityRecordOf({ ts, equity, length: bars }, 10000, MINUTE),
    roundTrips,
    fills: [],
    orders: [],
  };
}

function pathPoints(html: string, id: string): number {
  const svg = new RegExp(`<svg id="${id}"[\\s\\S]*?</svg>`).exec(html);
  assert.ok(svg !== null, `no <svg id="${id}">`);
  const line = /<path class="line" data-points="(\d+)" d="([^"]*)"/.exec(svg[0]);
  assert.ok(line !== null, `no line path in #${id}`);
  const commands = (line[2].match(/[ML]/g) ?? []).length;
  assert.equal(commands, Number(line[1]), `data-points of #${id} disagrees with its path`);
  return commands;
}

Deno.test("escapeHtml escapes the five special characters", () => {
  assert.equal(
    escapeHtml(`<a href="x">'&'</a>`),
    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
  );
});

Deno.test("renderReportHtml escapes every piece of run text", () => {
  const html = renderReportHtml(bundle(100, 3));
  assert.ok(!html.includes("<script"), "raw <script> in the page");
  assert.ok(!html.includes(`alert("x")`), "unescaped quote in the page");
  assert.ok(html.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"));
});

Deno.test("renderReportHtml is self-contained: no scripts, links or external resources", () => {
  const html = renderReportHtml(bundle(100, 3));
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|@import|url\(|https?:\/\//i);
});

Deno.test("renderReportHtml downsamples a long run to a small page", () => {
  const html = renderReportHtml(bundle(200_000, 10));
  const equity = pathPoints(html, "equity-chart");
  const drawdown = pathPoints(html, "drawdown-chart");
  assert.ok(equity > 1_000 && equity <= 1_500, `equity chart has ${equity} points`);
  assert.ok(drawdown > 1_000 && drawdown <= 1_500, `drawdown chart has ${drawdown} points`);
  assert.ok(html.length < 200_000, `page is ${html.length} characters`);
});

Deno.test("renderReportHtml lists at most the first 500 trades with a note", () => {
  const html = renderReportHtml(bundle(1_000, 620));
  assert.match(html, new RegExp(`id="trades-table" data-rows="${MAX_HTML_TRADES}"`));
  assert.match(html, /Showing the first 500 of 620 round trips/);
  const few = renderReportHtml(bundle(1_000, 3));
  assert.match(few, /id="trades-table" data-rows="3"/);
  assert.doesNotMatch(few, /Showing the first/);
});

Deno.test("renderReportHtml draws every point of a short run and copes with no bars", () => {
  assert.equal(pathPoints(renderReportHtml(bundle(50, 0)), "equity-chart"), 50);
  const empty = renderReportHtml(bundle(0, 0));
  assert.equal(pathPoints(empty, "equity-chart"), 0);
  assert.match(empty, /No round trips/);
  assert.doesNotMatch(empty, /NaN|Infinity/);
});
