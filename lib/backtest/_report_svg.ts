/**
 * Inline SVG charts of the equity curve and its drawdown. Long runs are downsampled by keeping
 * the minimum and the maximum of each pixel bucket (in time order), so a 10M-bar run draws the
 * same envelope as the full series in at most ~1,500 points.
 *
 * @module
 */

import type { EquityCurve } from "./_report_csv.ts";

/** Horizontal buckets (pixels of the plot area); each contributes at most two points. */
export const CHART_BUCKETS = 750;

const WIDTH = 1000;
const HEIGHT = 280;
const LEFT = 72;
const RIGHT = 16;
const TOP = 12;
const BOTTOM = 28;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = HEIGHT - TOP - BOTTOM;

/** A downsampled series: x in [0, 1] of the time span, and the values. */
export interface Series {
  /** Horizontal positions as fractions of the time span. */
  readonly x: readonly number[];
  /** Values at those positions. */
  readonly y: readonly number[];
}

/** Equity and drawdown series, downsampled with min/max per bucket. */
export interface ChartData {
  /** Equity at each bar close. */
  readonly equity: Series;
  /** Drawdown as a negative fraction (−0.1 = 10 % below the peak). */
  readonly drawdown: Series;
  /** First and last timestamps (µs) of the curve. */
  readonly span: readonly [number, number];
}

class Envelope {
  readonly x: number[] = [];
  readonly y: number[] = [];
  #minI = -1;
  #maxI = -1;
  #min = 0;
  #max = 0;

  add(i: number, value: number): void {
    if (this.#minI < 0 || value < this.#min) {
      this.#min = value;
      this.#minI = i;
    }
    if (this.#maxI < 0 || value > this.#max) {
      this.#max = value;
      this.#maxI = i;
    }
  }

  flush(xOf: (i: number) => number): void {
    if (this.#minI < 0) return;
    const first = Math.min(this.#minI, this.#maxI);
    const last = Math.max(this.#minI, this.#maxI);
    this.x.push(xOf(first));
    this.y.push(first === this.#minI ? this.#min : this.#max);
    if (last !== first) {
      this.x.push(xOf(last));
      this.y.push(last === this.#minI ? this.#min : this.#max);
    }
    this.#minI = -1;
    this.#maxI = -1;
  }
}

/** One pass over the curve: per-bucket min/max of equity and of drawdown. */
export function chartData(curve: EquityCurve, initialEquity: number): ChartData {
  const n = curve.length;
  if (n === 0) return { equity: { x: [], y: [] }, drawdown: { x: [], y: [] }, span: [0, 0] };
  const t0 = curve.ts[0];
  const t1 = curve.ts[n - 1];
  const span = t1 - t0;
  const xOf = (
    i: number,
  ): number => (span > 0 ? (curve.ts[i] - t0) / span : i / Math.max(1, n - 1));
  const equity = new Envelope();
  const drawdown = new Envelope();
  let peak = initialEquity;
  let bucket = 0;
  for (let i = 0; i < n; i++) {
    const b = Math.min(CHART_BUCKETS - 1, Math.floor(xOf(i) * CHART_BUCKETS));
    if (b !== bucket) {
      equity.flush(xOf);
      drawdown.flush(xOf);
      bucket = b;
    }
    const e = curve.equity[i];
    if (e > peak) peak = e;
    equity.add(i, e);
    drawdown.add(i, peak > 0 ? -(peak - e) / peak : 0);
  }
  equity.flush(xOf);
  drawdown.flush(xOf);
  return { equity, drawdown, span: [t0, t1] };
}

/** Round, readable axis steps: 1, 2 or 5 × 10ᵏ, about `count` of them over [lo, hi]. */
function niceTicks(lo: number, hi: number, count: number): number[] {
  const range = hi - lo;
  if (!(range > 0)) return [lo];
  const raw = range / count;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return ticks;
}

function coord(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

/** Options of {@linkcode svgChart}. */
export interface SvgChartOptions {
  /** Element id (e.g. `equity-chart`). */
  readonly id: string;
  /** Accessible title. */
  readonly title: string;
  /** The span in µs, for the time axis. */
  readonly span: readonly [number, number];
  /** Formats an axis value. */
  readonly format: (value: number) => string;
  /** CSS class of the series (colours). */
  readonly tone: "equity" | "drawdown";
  /** Fill the area down to this value (e.g. 0 for drawdown); default: the bottom of the plot. */
  readonly baseline?: number;
}

function dateLabel(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString().slice(0, 10);
}

/** An SVG line chart with a filled area, y grid and time labels; escaping is the caller's. */
export function svgChart(series: Series, options: SvgChartOptions): string {
  const n = series.y.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of series.y) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (options.baseline !== undefined) {
    lo = Math.min(lo, options.baseline);
    hi = Math.max(hi, options.baseline);
  }
  if (n === 0) {
    lo = 0;
    hi = 1;
  } else if (hi === lo) {
    const pad = Math.abs(hi) * 0.01 || 1;
    lo -= pad;
    hi += pad;
  } else {
    const pad = (hi - lo) * 0.04;
    if (options.baseline !== hi) hi += pad;
    if (options.baseline !== lo) lo -= pad;
  }
  const sx = (x: number): number => LEFT + x * PLOT_W;
  const sy = (y: number): number => TOP + (1 - (y - lo) / (hi - lo)) * PLOT_H;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    parts.push(`${i === 0 ? "M" : "L"}${coord(sx(series.x[i]))},${coord(sy(series.y[i]))}`);
  }
  const line = parts.join("");
  const base = sy(options.baseline ?? lo);
  const area = n === 0
    ? ""
    : `<path class="area" d="${line}L${coord(sx(series.x[n - 1]))},${coord(base)}L${
      coord(sx(series.x[0]))
    },${coord(base)}Z"/>`;
  const grid = niceTicks(lo, hi, 5).map((v) =>
    `<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${coord(sy(v))}" y2="${
      coord(sy(v))
    }"/><text class="tick" x="${LEFT - 8}" y="${coord(sy(v) + 4)}" text-anchor="end">${
      options.format(v)
    }</text>`
  ).join("");
  const [t0, t1] = options.span;
  const times = t1 > t0 ? [0, 0.25, 0.5, 0.75, 1] : [0];
  const labels = times.map((f, i) => {
    const anchor = i === 0 ? "start" : i === times.length - 1 ? "end" : "middle";
    return `<text class="tick" x="${coord(sx(f))}" y="${HEIGHT - 8}" text-anchor="${anchor}">${
      dateLabel(t0 + f * (t1 - t0))
    }</text>`;
  }).join("");
  return `<svg id="${options.id}" class="chart ${options.tone}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ` +
    `role="img" aria-label="${options.title}" data-points="${n}">` +
    `<title>${options.title}</title>${grid}${labels}${area}` +
    `<path class="line" data-points="${n}" d="${line}"/></svg>`;
}
