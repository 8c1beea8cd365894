/**
 * Inline SVG charts of the equity curve and its drawdown. Long runs are downsampled by keeping
 * the minimum and the maximum of each pixel column (in time order), taken from the recorder's
 * exact time buckets, so a 10M-bar run draws the same envelope as the full series in at most
 * ~1,500 points.
 *
 * @module
 */

import type { EquityRecord } from "./equity_recorder.ts";

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

/** Equity and drawdown series, downsampled with min/max per column. */
export interface ChartData {
  /** Equity at each bar close. */
  readonly equity: Series;
  /** Drawdown as a negative fraction (−0.1 = 10 % below the peak). */
  readonly drawdown: Series;
  /** First and last timestamps (µs) of the curve. */
  readonly span: readonly [number, number];
}

/** Pushes a bucket's two extremes in time order (one point when they are the same bar). */
function pushPair(
  out: { x: number[]; y: number[] },
  xOf: (ts: number) => number,
  aTs: number,
  a: number,
  bTs: number,
  b: number,
): void {
  if (aTs === bTs) {
    out.x.push(xOf(aTs));
    out.y.push(a);
  } else if (aTs < bTs) {
    out.x.push(xOf(aTs), xOf(bTs));
    out.y.push(a, b);
  } else {
    out.x.push(xOf(bTs), xOf(aTs));
    out.y.push(b, a);
  }
}

/**
 * Equity and drawdown from the record's buckets, regrouped into at most
 * {@linkcode CHART_BUCKETS} columns, each drawn as its minimum and maximum in time order.
 */
export function chartData(record: EquityRecord): ChartData {
  const { buckets, stats } = record;
  const equity = { x: [] as number[], y: [] as number[] };
  const drawdown = { x: [] as number[], y: [] as number[] };
  if (record.length === 0) return { equity, drawdown, span: [0, 0] };
  const t0 = stats.firstTs;
  const t1 = stats.lastTs;
  const span = t1 - t0;
  const xOf = (ts: number): number => (span > 0 ? (ts - t0) / span : 0);
  const group = Math.max(1, Math.ceil(buckets.count / CHART_BUCKETS));
  for (let start = 0; start < buckets.count; start += group) {
    let minE = Infinity, minETs = 0, maxE = -Infinity, maxETs = 0;
    let minD = Infinity, minDTs = 0, maxD = -Infinity, maxDTs = 0;
    for (let b = start; b < Math.min(buckets.count, start + group); b++) {
      if (buckets.maxEquity[b] === -Infinity) continue;
      if (buckets.minEquity[b] < minE) {
        [minE, minETs] = [buckets.minEquity[b], buckets.minEquityTs[b]];
      }
      if (buckets.maxEquity[b] > maxE) {
        [maxE, maxETs] = [buckets.maxEquity[b], buckets.maxEquityTs[b]];
      }
      if (buckets.minDrawdown[b] < minD) {
        [minD, minDTs] = [buckets.minDrawdown[b], buckets.minDrawdownTs[b]];
      }
      if (buckets.maxDrawdown[b] > maxD) {
        [maxD, maxDTs] = [buckets.maxDrawdown[b], buckets.maxDrawdownTs[b]];
      }
    }
    if (maxE === -Infinity) continue;
    pushPair(equity, xOf, minETs, minE, maxETs, maxE);
    // Drawdown is drawn below zero.
    pushPair(drawdown, xOf, minDTs, -minD, maxDTs, -maxD);
  }
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
  /** More lines on the same axes (e.g. buy-and-hold), each with its CSS class. */
  readonly extra?: readonly { readonly series: Series; readonly cls: string }[];
  /** SVG drawn over the plot (markers), given the chart's scales. */
  readonly overlay?: (scale: ChartScale) => string;
}

/** The scales of a chart: a time fraction and a value to SVG coordinates. */
export interface ChartScale {
  /** x of a fraction of the time span. */
  readonly x: (fraction: number) => number;
  /** y of a value. */
  readonly y: (value: number) => number;
  /** Top and bottom of the plot area. */
  readonly top: number;
  /** Bottom of the plot area. */
  readonly bottom: number;
}

/** The chart geometry, for charts drawn outside {@linkcode svgChart} (the price chart). */
export const CHART_GEOMETRY = { WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM, PLOT_W, PLOT_H } as const;

/** Round axis ticks over [lo, hi] as horizontal grid lines with labels. */
export function gridLines(
  lo: number,
  hi: number,
  y: (v: number) => number,
  format: (v: number) => string,
): string {
  return niceTicks(lo, hi, 5).map((v) =>
    `<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${coord(y(v))}" y2="${
      coord(y(v))
    }"/><text class="tick" x="${LEFT - 8}" y="${coord(y(v) + 4)}" text-anchor="end">${
      format(v)
    }</text>`
  ).join("");
}

/** Date labels along the bottom of a chart spanning `span` (µs). */
export function timeLabels(span: readonly [number, number]): string {
  const [t0, t1] = span;
  const times = t1 > t0 ? [0, 0.25, 0.5, 0.75, 1] : [0];
  return times.map((f, i) => {
    const anchor = i === 0 ? "start" : i === times.length - 1 ? "end" : "middle";
    return `<text class="tick" x="${coord(LEFT + f * PLOT_W)}" y="${
      HEIGHT - 8
    }" text-anchor="${anchor}">${dateLabel(t0 + f * (t1 - t0))}</text>`;
  }).join("");
}

/** A path through the points of `series` under the scales. */
export function linePath(
  series: Series,
  sx: (x: number) => number,
  sy: (y: number) => number,
): string {
  const parts: string[] = [];
  for (let i = 0; i < series.y.length; i++) {
    parts.push(`${i === 0 ? "M" : "L"}${coord(sx(series.x[i]))},${coord(sy(series.y[i]))}`);
  }
  return parts.join("");
}

function dateLabel(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString().slice(0, 10);
}

/** An SVG line chart with a filled area, y grid and time labels; escaping is the caller's. */
export function svgChart(series: Series, options: SvgChartOptions): string {
  const n = series.y.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (const line of [series, ...(options.extra ?? []).map((e) => e.series)]) {
    for (const v of line.y) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
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
  const line = linePath(series, sx, sy);
  const base = sy(options.baseline ?? lo);
  const area = n === 0
    ? ""
    : `<path class="area" d="${line}L${coord(sx(series.x[n - 1]))},${coord(base)}L${
      coord(sx(series.x[0]))
    },${coord(base)}Z"/>`;
  const extra = (options.extra ?? []).map((e) =>
    `<path class="line ${e.cls}" data-points="${e.series.y.length}" d="${
      linePath(e.series, sx, sy)
    }"/>`
  ).join("");
  const overlay = options.overlay?.({ x: sx, y: sy, top: TOP, bottom: TOP + PLOT_H }) ?? "";
  return `<svg id="${options.id}" class="chart ${options.tone}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ` +
    `role="img" aria-label="${options.title}" data-points="${n}">` +
    `<title>${options.title}</title>${gridLines(lo, hi, sy, options.format)}${
      timeLabels(options.span)
    }${area}${extra}<path class="line" data-points="${n}" d="${line}"/>${overlay}</svg>`;
}
