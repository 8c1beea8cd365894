/**
 * `report.html`: one self-contained page (no network, no scripts, no web fonts) with the key
 * figures; inline SVG charts, downsampled however long the run: the price as OHLC candles with
 * the entries, exits, stop and take-profit levels, liquidations and the kill switch; equity
 * beside buy-and-hold; drawdown; the monthly and yearly returns as a heat-map table; the
 * metrics, the refusals by rule, the first {@linkcode MAX_HTML_TRADES} round trips, the
 * execution algorithms' quality (only when one ran) and the run's parameters and settings.
 * Every piece of text from the run is HTML-escaped.
 *
 * @module
 */

import type { MonthReturn } from "./equity_recorder.ts";
import {
  buyAndHold,
  buyAndHoldReturn,
  killSwitchLine,
  liquidationOrders,
  MAX_TRADE_MARKERS,
  svgPriceChart,
} from "./_report_price.ts";
import { chartData, type ChartScale, svgChart } from "./_report_svg.ts";
import type { BacktestReport, JsonValue } from "./report.ts";
import type { ReportBundle } from "./report_files.ts";
import { killSwitchLine as killSwitchSentence, refusalLines } from "./report_summary.ts";
import { executionQualitySection } from "./_report_html_execution.ts";

/** At most this many round trips are listed in the HTML (all of them are in `trades.csv`). */
export const MAX_HTML_TRADES = 500;

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes text for HTML content and attribute values.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "@tesser/tesser/backtest";
 * import assert from "node:assert/strict";
 *
 * assert.equal(escapeHtml('<b class="x">'), "&lt;b class=&quot;x&quot;&gt;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

const DASH = "—";

function percent(value: number | null, digits = 2): string {
  return value === null || !Number.isFinite(value) ? DASH : `${(value * 100).toFixed(digits)} %`;
}

function fixed(value: number | null, digits = 2): string {
  return value === null || !Number.isFinite(value) ? DASH : value.toFixed(digits);
}

function grouped(value: number | null, digits = 2): string {
  if (value === null || !Number.isFinite(value)) return DASH;
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** Seconds as `3d 4h`, `2h 5m`, `45s`. */
function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return DASH;
  const s = Math.round(seconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return s % 60 === 0 ? `${m}m` : `${m}m ${s % 60}s`;
  return `${s}s`;
}

function tone(value: number | null): string {
  if (value === null || value === 0) return "";
  return value > 0 ? ' class="pos"' : ' class="neg"';
}

function row(label: string, value: string, cls = ""): string {
  return `<tr><th scope="row">${escapeHtml(label)}</th><td${cls}>${escapeHtml(value)}</td></tr>`;
}

function card(label: string, value: string, cls = ""): string {
  return `<div class="card"><div class="label">${escapeHtml(label)}</div>` +
    `<div class="value"${cls}>${escapeHtml(value)}</div></div>`;
}

function metricsTables(r: BacktestReport): string {
  const returns = [
    row("Initial equity", r.initialEquity),
    row("Final equity", r.finalEquity),
    row("Total return", percent(r.totalReturn), tone(r.totalReturn)),
    row("CAGR", percent(r.cagr), tone(r.cagr)),
    row("Annual volatility", percent(r.annualVolatility)),
    row("Sharpe", fixed(r.sharpe)),
    row("Sortino", fixed(r.sortino)),
    row("Calmar", fixed(r.calmar)),
    row("Max drawdown", percent(r.maxDrawdown)),
    row("Max drawdown duration", duration(r.maxDrawdownDuration)),
  ];
  const trades = [
    row("Trades", String(r.trades)),
    row("Win rate", percent(r.winRate)),
    row("Profit factor", r.profitFactor === null && r.trades > 0 ? "∞" : fixed(r.profitFactor)),
    row("Expectancy", grouped(r.expectancy), tone(r.expectancy)),
    row("Average win", grouped(r.avgWin)),
    row("Average loss", grouped(r.avgLoss)),
    row("Average holding time", duration(r.avgHoldingTime)),
    row("Exposure", percent(r.exposure)),
    row("Turnover", `${fixed(r.turnover)}×`),
  ];
  const execution = [
    row("Bars", r.bars.toLocaleString("en-US")),
    row("Orders", String(r.orders)),
    row("Fills", String(r.fills)),
    row("Rejected orders", String(r.rejectedOrders)),
    row("Ambiguous bars", String(r.ambiguousBars)),
    row("Liquidations", String(r.liquidations)),
    row("Fees", r.fees),
    row("Funding", r.funding),
  ];
  const table = (title: string, rows: readonly string[]): string =>
    `<table class="kv"><caption>${title}</caption><tbody>${rows.join("")}</tbody></table>`;
  return `<div class="tables" id="metrics-table">${table("Returns and risk", returns)}${
    table("Trades", trades)
  }${table("Execution", execution)}</div>`;
}

function tradesTable(bundle: ReportBundle): string {
  const trips = bundle.roundTrips;
  if (trips.length === 0) return `<p class="note">No round trips.</p>`;
  const shown = trips.slice(0, MAX_HTML_TRADES);
  const rows = shown.map((t, i) => {
    const pnl = t.netPnl.toNumber();
    return `<tr><td>${i + 1}</td><td>${escapeHtml(t.symbol)}</td><td>${
      escapeHtml(t.direction)
    }</td><td>${escapeHtml(isoShort(t.entryTs))}</td><td>${escapeHtml(isoShort(t.exitTs))}</td>` +
      `<td>${duration((t.exitTs - t.entryTs) / 1e6)}</td><td class="num">${
        escapeHtml(t.quantity.toString())
      }</td><td class="num">${escapeHtml(t.entryPrice.toString())}</td><td class="num">${
        escapeHtml(t.exitPrice.toString())
      }</td><td class="num">${escapeHtml(t.fees.toString())}</td><td class="num"${tone(pnl)}>${
        escapeHtml(t.netPnl.toString())
      }</td></tr>`;
  }).join("");
  const note = trips.length > shown.length
    ? `<p class="note">Showing the first ${shown.length} of ${trips.length} round trips; ` +
      `all of them are in trades.csv.</p>`
    : "";
  return `<table class="grid" id="trades-table" data-rows="${shown.length}"><thead><tr>` +
    `<th>#</th><th>Symbol</th><th>Side</th><th>Entry</th><th>Exit</th><th>Held</th>` +
    `<th class="num">Qty</th><th class="num">Entry price</th><th class="num">Exit price</th>` +
    `<th class="num">Fees</th><th class="num">Net PnL</th></tr></thead><tbody>${rows}</tbody>` +
    `</table>${note}`;
}

function isoShort(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString().slice(0, 16).replace("T", " ");
}

function jsonText(value: JsonValue): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function recordTable(
  id: string,
  title: string,
  record: Readonly<Record<string, JsonValue>>,
): string {
  const keys = Object.keys(record).sort();
  const rows = keys.length === 0
    ? `<tr><td class="note" colspan="2">None</td></tr>`
    : keys.map((k) => row(k, jsonText(record[k] ?? null))).join("");
  return `<table class="kv" id="${id}"><caption>${title}</caption><tbody>${rows}</tbody></table>`;
}

// The kill switch in one sentence and the refusals by rule, each with what it means.
function riskSection(r: BacktestReport): string {
  const refusals = refusalLines(r.rejections);
  const rows = refusals.length === 0
    ? `<tr><td class="note" colspan="3">None</td></tr>`
    : refusals.map((line) =>
      `<tr><th scope="row">${escapeHtml(line.rule)}</th><td>${line.count}</td><td>${
        escapeHtml(line.explanation)
      }</td></tr>`
    ).join("");
  return `<p id="kill-switch"><strong>Kill switch:</strong> ${
    escapeHtml(killSwitchSentence(r))
  }</p>` +
    `<table id="rejections-table"><caption>Refusals by rule</caption>` +
    `<thead><tr><th>Rule</th><th>Count</th><th>Meaning</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// A cell's background: green for gains, red for losses, stronger up to ±10 % a month.
function heat(value: number, full: number): string {
  const alpha = Math.min(1, Math.abs(value) / full) * 0.55 + 0.05;
  const rgb = value >= 0 ? "26,127,55" : "207,34,46";
  return ` style="background:rgba(${rgb},${alpha.toFixed(2)})"`;
}

/** Months by year with the year's compounded return, as a heat-map table. */
function monthlyTable(months: readonly MonthReturn[]): string {
  if (months.length === 0) return `<p class="note" id="monthly-returns">No months.</p>`;
  const years = new Map<number, (number | undefined)[]>();
  for (const m of months) {
    const row = years.get(m.year) ?? new Array<number | undefined>(12).fill(undefined);
    row[m.month - 1] = m.return;
    years.set(m.year, row);
  }
  const body = [...years.entries()].map(([year, row]) => {
    let growth = 1;
    for (const r of row) if (r !== undefined) growth *= 1 + r;
    const cells = row.map((r) =>
      r === undefined
        ? `<td class="empty"></td>`
        : `<td class="num"${heat(r, 0.1)}>${percent(r, 1)}</td>`
    ).join("");
    return `<tr><th scope="row">${year}</th>${cells}<td class="num year"${heat(growth - 1, 0.5)}>${
      percent(growth - 1, 1)
    }</td></tr>`;
  }).join("");
  return `<table class="grid heat" id="monthly-returns" data-months="${months.length}"><thead><tr>` +
    `<th>Year</th>${MONTHS.map((m) => `<th class="num">${m}</th>`).join("")}` +
    `<th class="num">Year</th></tr></thead><tbody>${body}</tbody></table>`;
}

function equityTick(value: number): string {
  return Number(value.toPrecision(6)).toLocaleString("en-US", { maximumFractionDigits: 6 });
}

const STYLE = `
:root{color-scheme:light;--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#f6f8fa;--card:#fff;
--accent:#0969da;--pos:#1a7f37;--neg:#cf222e}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);
font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:32px 24px 48px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:17px;margin:32px 0 12px}
.sub{color:var(--muted);margin:0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-top:24px}
.card,.panel,table{background:var(--card);border:1px solid var(--line);border-radius:8px}
.card{padding:12px 16px}.card .label{color:var(--muted);font-size:12px;text-transform:uppercase;
letter-spacing:.04em}.card .value{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}
.panel{padding:12px}
svg.chart{display:block;width:100%;height:auto}
svg .grid{stroke:#eaeef2;stroke-width:1}svg .tick{fill:var(--muted);font-size:12px}
svg .line{fill:none;stroke-width:1.5;vector-effect:non-scaling-stroke;stroke-linejoin:round}
svg.equity .line{stroke:var(--accent)}svg.equity .area{fill:var(--accent);fill-opacity:.08}
svg.drawdown .line{stroke:var(--neg)}svg.drawdown .area{fill:var(--neg);fill-opacity:.15}
svg .line.hold{stroke:#8250df;stroke-dasharray:4 3}
svg .wick{stroke:#57606a;stroke-width:1}svg .candle.up{fill:var(--pos)}svg .candle.down{fill:var(--neg)}
svg .entry{opacity:.85}svg .entry.long{fill:#0969da}svg .entry.short{fill:#bf8700}
svg .exit{fill:none;stroke:#1f2328;stroke-width:1;opacity:.7}
svg .level{stroke-width:1.5;stroke-dasharray:3 2}svg .level.stop{stroke:#cf222e}
svg .level.take-profit{stroke:#1a7f37}svg .liquidation{stroke:#a40e26;stroke-width:2.5}
svg .kill-switch{stroke:#a40e26;stroke-width:2;stroke-dasharray:6 3}
.legend{display:flex;flex-wrap:wrap;gap:16px;color:var(--muted);font-size:12px;margin:6px 4px 0}
.legend i{display:inline-block;width:14px;height:3px;margin-right:6px;vertical-align:middle}
table.heat td{text-align:right;font-size:12px}table.heat td.empty{background:#f6f8fa}
table.heat td.year{font-weight:600}
.tables{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:12px;align-items:start}
table{border-collapse:separate;border-spacing:0;width:100%;overflow:hidden}
caption{text-align:left;font-weight:600;padding:0 0 6px}
th,td{padding:6px 12px;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}
tr:last-child th,tr:last-child td{border-bottom:0}
table.kv th{font-weight:400;color:var(--muted)}table.kv td{text-align:right;
font-variant-numeric:tabular-nums;word-break:break-all}
table.grid thead th{background:#f6f8fa;font-weight:600;font-size:12px;color:var(--muted)}
table.grid td{font-variant-numeric:tabular-nums;white-space:nowrap}
.num{text-align:right}.pos{color:var(--pos)}.neg{color:var(--neg)}
.note{color:var(--muted)}.scroll{overflow-x:auto}
/* The trades table is laid out only when scrolled to: the page renders faster. */
.lazy{content-visibility:auto;contain-intrinsic-size:auto 900px}
footer{margin-top:40px;color:var(--muted);font-size:12px}
`;

/** Options of {@linkcode renderReportHtml}. */
export interface ReportHtmlOptions {
  /** A sentence saying how `equity.csv` was thinned (shown under the files note). */
  readonly equityCsvNote?: string;
}

function legend(items: readonly [string, string][]): string {
  return `<div class="legend">${
    items.map(([color, label]) => `<span><i style="background:${color}"></i>${label}</span>`)
      .join("")
  }</div>`;
}

/**
 * Renders the whole report as one self-contained HTML document. The charts are
 * `<svg id="price-chart">` (candles, markers and levels; absent when no price was charted),
 * `<svg id="equity-chart">` (with the `hold` buy-and-hold line) and `<svg id="drawdown-chart">`,
 * each line a `<path class="line" data-points="N">`; the tables have the ids `monthly-returns`,
 * `metrics-table`, `trades-table`, `params-table`, `settings-table` and `rejections-table`.
 *
 * @example
 * ```ts ignore
 * await Deno.writeTextFile("report.html", renderReportHtml(bundle));
 * ```
 */
export function renderReportHtml(bundle: ReportBundle, options: ReportHtmlOptions = {}): string {
  const r = bundle.report;
  const record = bundle.equity;
  const data = chartData(record);
  const t0 = record.stats.firstTs;
  const span = record.stats.lastTs - t0;
  const killTs = r.killSwitch === undefined ? undefined : Date.parse(r.killSwitch.at) * 1000;
  const liquidations = liquidationOrders(bundle.orders);
  const eventsOverlay = (scale: ChartScale): string =>
    killSwitchLine(killTs, t0, span, scale) + liquidations.map((o) => {
      const x = scale.x(span > 0 ? (o.updatedTs - t0) / span : 0).toFixed(1);
      return `<line class="liquidation" x1="${x}" x2="${x}" y1="${scale.top}" y2="${scale.bottom}"/>`;
    }).join("");
  const hold = buyAndHold(record);
  const holdReturn = buyAndHoldReturn(record);
  const priceSvg = svgPriceChart(record, {
    roundTrips: bundle.roundTrips,
    orders: bundle.orders,
    killSwitchTs: killTs,
  });
  const equitySvg = svgChart(data.equity, {
    id: "equity-chart",
    title: "Equity",
    span: data.span,
    format: equityTick,
    tone: "equity",
    extra: hold.y.length === 0 ? [] : [{ series: hold, cls: "hold" }],
    overlay: eventsOverlay,
  });
  const drawdownSvg = svgChart(data.drawdown, {
    id: "drawdown-chart",
    title: "Drawdown",
    span: data.span,
    format: (v) => `${Number((v * 100).toPrecision(4))} %`,
    tone: "drawdown",
    baseline: 0,
    overlay: eventsOverlay,
  });
  const marked = Math.min(bundle.roundTrips.length, MAX_TRADE_MARKERS);
  const priceSection = priceSvg === "" ? "" : `<h2>Price · ${escapeHtml(r.symbols[0] ?? "")}</h2>
<div class="panel">${priceSvg}${
    legend([
      ["#0969da", "long entry"],
      ["#bf8700", "short entry"],
      ["#1f2328", "exit"],
      ["#cf222e", "stop level"],
      ["#1a7f37", "take-profit level"],
      ["#a40e26", "liquidation / kill switch"],
    ])
  }${
    marked < bundle.roundTrips.length
      ? `<p class="note">Markers for the first ${marked} of ${bundle.roundTrips.length} round trips.</p>`
      : ""
  }</div>`;
  const csvNote = options.equityCsvNote === undefined
    ? ""
    : `<p class="note" id="equity-csv-note">${escapeHtml(options.equityCsvNote)}.</p>`;
  const title = `${r.strategy} · ${r.symbols.join(", ")} · ${r.interval}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(`Backtest · ${title}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(r.strategy)}</h1>
<p class="sub">${escapeHtml(`${r.symbols.join(", ")} · ${r.interval} · ${r.start} → ${r.end}`)}</p>
</header>
<section class="cards" id="summary">
${card("Total return", percent(r.totalReturn), tone(r.totalReturn))}
${card("Buy and hold", percent(holdReturn), tone(holdReturn))}
${card("CAGR", percent(r.cagr), tone(r.cagr))}
${card("Sharpe", fixed(r.sharpe))}
${card("Max drawdown", percent(r.maxDrawdown))}
${card("Trades", String(r.trades))}
${card("Win rate", percent(r.winRate))}
</section>
${priceSection}
<h2>Equity</h2>
<div class="panel">${equitySvg}${
    legend([
      ["#0969da", "strategy"],
      ...(hold.y.length === 0 ? [] : [["#8250df", "buy and hold"] as [string, string]]),
    ])
  }</div>
<h2>Drawdown</h2>
<div class="panel">${drawdownSvg}</div>
<h2>Monthly returns</h2>
<div class="scroll">${monthlyTable(record.months)}</div>
<h2>Metrics</h2>
${metricsTables(r)}
<h2>Trades</h2>
<div class="scroll lazy">${tradesTable(bundle)}</div>
${executionQualitySection(r.executionAlgorithms)}<h2>Risk</h2>
${riskSection(r)}
<h2>Run</h2>
<div class="tables">${recordTable("params-table", "Parameters", r.params)}${
    recordTable("settings-table", "Settings", r.settings)
  }</div>
${csvNote}
<footer>Generated by Tesser · ${escapeHtml(r.bars.toLocaleString("en-US"))} bars · ${
    escapeHtml(`${r.start} → ${r.end}`)
  }</footer>
</main>
</body>
</html>
`;
}
