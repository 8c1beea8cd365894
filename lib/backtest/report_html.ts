/**
 * `report.html`: one self-contained page (no network, no scripts, no web fonts) with the key
 * figures, equity and drawdown charts as inline SVG (downsampled to ~1,500 points however long
 * the run), the metrics, the first {@linkcode MAX_HTML_TRADES} round trips, and the run's
 * parameters and settings. Every piece of text from the run is HTML-escaped.
 *
 * @module
 */

import { chartData, svgChart } from "./_report_svg.ts";
import type { BacktestReport, JsonValue } from "./report.ts";
import type { ReportBundle } from "./report_files.ts";
import { killSwitchLine, refusalLines } from "./report_summary.ts";

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
  return `<p id="kill-switch"><strong>Kill switch:</strong> ${escapeHtml(killSwitchLine(r))}</p>` +
    `<table id="rejections-table"><caption>Refusals by rule</caption>` +
    `<thead><tr><th>Rule</th><th>Count</th><th>Meaning</th></tr></thead><tbody>${rows}</tbody></table>`;
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
footer{margin-top:40px;color:var(--muted);font-size:12px}
`;

/**
 * Renders the whole report as one self-contained HTML document. The charts are
 * `<svg id="equity-chart">` and `<svg id="drawdown-chart">`, each with a
 * `<path class="line" data-points="N">`; the tables have the ids `metrics-table`,
 * `trades-table`, `params-table`, `settings-table` and `rejections-table`.
 *
 * @example
 * ```ts ignore
 * await Deno.writeTextFile("report.html", renderReportHtml(bundle));
 * ```
 */
export function renderReportHtml(bundle: ReportBundle): string {
  const r = bundle.report;
  const initial = Number(r.initialEquity);
  const data = chartData(bundle.equity, initial);
  const equitySvg = svgChart(data.equity, {
    id: "equity-chart",
    title: "Equity",
    span: data.span,
    format: equityTick,
    tone: "equity",
  });
  const drawdownSvg = svgChart(data.drawdown, {
    id: "drawdown-chart",
    title: "Drawdown",
    span: data.span,
    format: (v) => `${Number((v * 100).toPrecision(4))} %`,
    tone: "drawdown",
    baseline: 0,
  });
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
${card("CAGR", percent(r.cagr), tone(r.cagr))}
${card("Sharpe", fixed(r.sharpe))}
${card("Max drawdown", percent(r.maxDrawdown))}
${card("Trades", String(r.trades))}
${card("Win rate", percent(r.winRate))}
</section>
<h2>Equity</h2>
<div class="panel">${equitySvg}</div>
<h2>Drawdown</h2>
<div class="panel">${drawdownSvg}</div>
<h2>Metrics</h2>
${metricsTables(r)}
<h2>Trades</h2>
<div class="scroll">${tradesTable(bundle)}</div>
<h2>Risk</h2>
${riskSection(r)}
<h2>Run</h2>
<div class="tables">${recordTable("params-table", "Parameters", r.params)}${
    recordTable("settings-table", "Settings", r.settings)
  }</div>
<footer>Generated by Tesser · ${escapeHtml(r.bars.toLocaleString("en-US"))} bars · ${
    escapeHtml(`${r.start} → ${r.end}`)
  }</footer>
</main>
</body>
</html>
`;
}
