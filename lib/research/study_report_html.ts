/**
 * `report.html` of a study: one self-contained page (inline CSS and SVG, no scripts, no
 * network) with the study's settings and best set, the objective across trials (each trial and
 * the running best), a heat map over two parameters (each cell the best score of the trials
 * with that pair of values), and, when given, the walk-forward out-of-sample curve next to the
 * in-sample one and the Monte Carlo equity bands.
 *
 * @module
 */

import { escapeHtml } from "../backtest/mod.ts";
import { ConfigError, toIso } from "../domain/mod.ts";
import { type HeatCell, heatMap, lineChart } from "./_svg.ts";
import { bestTrial, type TrialResult } from "./optimize.ts";
import type { ParamValue } from "./space.ts";
import type { StudySpec } from "./study.ts";
import type { StitchedCurve } from "./walk_forward.ts";

/** What {@linkcode studyReportHtml} shows. */
export interface StudyReportInput {
  /** The study. */
  readonly spec: StudySpec;
  /** Its trials. */
  readonly results: readonly TrialResult[];
  /** The two parameters of the heat map (default: the first two of the space). */
  readonly heatMap?: { readonly x: string; readonly y: string };
  /** A walk-forward's stitched curves. */
  readonly walkForward?: { readonly outOfSample: StitchedCurve; readonly inSample: StitchedCurve };
  /** Monte Carlo equity bands: percentiles and, per percentile, equity after each trade. */
  readonly monteCarlo?: {
    readonly percentiles: readonly number[];
    readonly bands: readonly (readonly number[])[];
  };
}

const STYLE =
  `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}table{border-collapse:collapse}
td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}figure{margin:12px 0}
figcaption{font-weight:600;margin-bottom:4px}svg{width:100%;height:auto;background:#fafafa}
svg text{font-size:11px;fill:#555}.grid{stroke:#e4e4e4}.legend span{margin-right:16px}
.legend i{display:inline-block;width:12px;height:3px;margin-right:5px;vertical-align:middle}
.empty{color:#888}`;

function text(value: ParamValue | number | null): string {
  return value === null ? "—" : typeof value === "string" ? value : String(value);
}

function heatCells(
  input: StudyReportInput,
  x: string,
  y: string,
): { cells: HeatCell[]; cols: string[]; rows: string[] } {
  const order = (name: string): ParamValue[] => {
    const values = [
      ...new Map(input.results.map((r) => [JSON.stringify(r.params[name]), r.params[name]]))
        .values(),
    ];
    return values.sort((a, b) =>
      typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b))
    );
  };
  const cols = order(x);
  const rows = order(y);
  const best = new Map<string, number>();
  for (const r of input.results) {
    if (r.status !== "ok" || r.score === null) continue;
    const key = `${JSON.stringify(r.params[x])}|${JSON.stringify(r.params[y])}`;
    best.set(key, Math.max(best.get(key) ?? -Infinity, r.score));
  }
  const cells: HeatCell[] = [];
  cols.forEach((c, col) =>
    rows.forEach((v, row) => {
      const value = best.get(`${JSON.stringify(c)}|${JSON.stringify(v)}`);
      cells.push({ col, row, value: value ?? null });
    })
  );
  return { cells, cols: cols.map(text), rows: rows.map(text) };
}

/**
 * The page.
 *
 * @throws {ConfigError} when a heat-map parameter is not in the space.
 */
export function studyReportHtml(input: StudyReportInput): string {
  const { spec, results } = input;
  const best = bestTrial(results);
  const names = spec.space.params.map((p) => p.name);
  const sections: string[] = [];
  const settings: [string, string][] = [
    ["strategy", spec.strategy],
    ["method", `${spec.method}${spec.method === "grid" ? "" : ` (seed ${spec.seed})`}`],
    ["trials", String(results.length)],
    ["objective", spec.objective.name],
    ["min trades", String(spec.minTrades)],
    ["training window", windowText(spec.train)],
    ...(spec.test === undefined
      ? []
      : [["test window", windowText(spec.test)] as [string, string]]),
    ["constraints", spec.space.constraints.map((c) => c.text).join("; ") || "none"],
    ["inputs", spec.inputs.join(" ") || "—"],
  ];
  sections.push(
    `<table>${
      settings.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join(
        "",
      )
    }</table>`,
  );
  sections.push("<h2>Best set</h2>");
  if (best === undefined) {
    sections.push(`<p class="empty">No trial qualified.</p>`);
  } else {
    const rows = [
      ["trial", String(best.trial)],
      ...names.map((n) => [n, text(best.params[n])]),
      ["score", text(best.score)],
      ["trades", text(best.metrics?.trades ?? null)],
      ["total return", text(best.metrics?.totalReturn ?? null)],
      ["max drawdown", text(best.metrics?.maxDrawdown ?? null)],
    ];
    sections.push(
      `<table>${
        rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("")
      }</table>`,
    );
  }
  sections.push("<h2>Objective across trials</h2>");
  const scored = results.filter((r) => r.score !== null);
  let running = -Infinity;
  const runningBest = results.map((r) => {
    if (r.status === "ok" && r.score !== null) running = Math.max(running, r.score);
    return running;
  });
  const firstBest = runningBest.findIndex(Number.isFinite);
  sections.push(lineChart([
    {
      label: `${spec.objective.name} of each trial`,
      color: "#4c78a8",
      x: scored.map((r) => r.trial),
      y: scored.map((r) => r.score as number),
      points: true,
    },
    {
      label: "best so far",
      color: "#e45756",
      x: firstBest < 0 ? [] : results.slice(firstBest).map((r) => r.trial),
      y: firstBest < 0 ? [] : runningBest.slice(firstBest),
    },
  ], { title: `${spec.objective.name} by trial` }));
  const x = input.heatMap?.x ?? names[0];
  const y = input.heatMap?.y ?? names[1];
  for (const name of [x, y]) {
    if (name !== undefined && !names.includes(name)) {
      throw new ConfigError(`the heat map parameter ${name} is not in the study's space`, {
        hint: `parameters: ${names.join(", ")}`,
      });
    }
  }
  if (x !== undefined && y !== undefined && x !== y) {
    sections.push("<h2>Heat map</h2>");
    const { cells, cols, rows } = heatCells(input, x, y);
    sections.push(
      heatMap(cells, { title: `best ${spec.objective.name}`, xName: x, yName: y, cols, rows }),
    );
  }
  if (input.walkForward !== undefined) {
    const { outOfSample, inSample } = input.walkForward;
    sections.push("<h2>Walk-forward</h2>");
    sections.push(lineChart([
      {
        label: "out of sample (stitched test windows)",
        color: "#54a24b",
        x: outOfSample.ts,
        y: outOfSample.equity,
      },
    ], { title: "out-of-sample equity", xLabel: dateLabel }));
    sections.push(lineChart([
      {
        label: "in sample (best sets on their training windows, chained)",
        color: "#b279a2",
        x: inSample.equity.map((_, i) => i),
        y: inSample.equity,
      },
    ], { title: "in-sample equity (by bar, window after window)" }));
  }
  if (input.monteCarlo !== undefined) {
    const { percentiles, bands } = input.monteCarlo;
    const colors = ["#9ecae9", "#3182bd", "#08519c", "#6baed6", "#c6dbef"];
    sections.push("<h2>Monte Carlo</h2>");
    sections.push(lineChart(
      bands.map((band, j) => ({
        label: `${percentiles[j]}th percentile`,
        color: colors[j % colors.length],
        x: band.map((_, k) => k),
        y: band,
        dashed: percentiles[j] !== 50,
      })),
      { title: "equity after each trade" },
    ));
  }
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Study: ${escapeHtml(spec.strategy)}</title>
<style>${STYLE}</style></head><body>
<h1>Study: ${escapeHtml(spec.strategy)} (${escapeHtml(spec.method)} search)</h1>
${sections.join("\n")}
</body></html>
`;
}

function windowText(window: StudySpec["train"]): string {
  const from = window.from === undefined ? "start of data" : toIso(window.from);
  const to = window.to === undefined ? "end of data" : toIso(window.to);
  return `${from} – ${to}`;
}

function dateLabel(us: number): string {
  return toIso(Math.round(us)).slice(0, 16).replace("T", " ");
}
