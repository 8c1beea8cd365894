/**
 * The report's price chart: OHLC candles of the charted symbol, downsampled to at most
 * {@linkcode PRICE_CANDLES} (each the exact open/high/low/close of its bars, from the
 * recorder's buckets), with the round trips' entries and exits, the stop and take-profit levels
 * of the orders while they worked, the liquidations and the kill switch's trip. Also the
 * buy-and-hold line for the equity chart: the initial equity put into the symbol at the first
 * open.
 *
 * @module
 */

import type { Order } from "../domain/mod.ts";
import type { RoundTrip } from "../portfolio/round_trip.ts";
import type { EquityRecord } from "./equity_recorder.ts";
import {
  CHART_GEOMETRY,
  type ChartScale,
  gridLines,
  type Series,
  timeLabels,
} from "./_report_svg.ts";

/** Candles drawn at most. */
export const PRICE_CANDLES = 300;
/** Round trips marked at most (their entry and exit); the rest are in trades.csv. */
export const MAX_TRADE_MARKERS = 1_000;
/** Stop and take-profit levels drawn at most. */
export const MAX_LEVELS = 1_000;

const { WIDTH, HEIGHT, LEFT, TOP, PLOT_W, PLOT_H } = CHART_GEOMETRY;

function coord(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

interface Candle {
  readonly ts0: number;
  readonly ts1: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

function candles(record: EquityRecord): Candle[] {
  const { buckets } = record;
  const group = Math.max(1, Math.ceil(buckets.count / PRICE_CANDLES));
  const out: Candle[] = [];
  for (let start = 0; start < buckets.count; start += group) {
    let open = Number.NaN;
    let high = -Infinity;
    let low = Infinity;
    let close = Number.NaN;
    const end = Math.min(buckets.count, start + group);
    for (let b = start; b < end; b++) {
      if (Number.isNaN(buckets.open[b])) continue;
      if (Number.isNaN(open)) open = buckets.open[b];
      if (buckets.high[b] > high) high = buckets.high[b];
      if (buckets.low[b] < low) low = buckets.low[b];
      close = buckets.close[b];
    }
    if (Number.isNaN(open)) continue;
    out.push({
      ts0: buckets.t0 + start * buckets.width,
      ts1: buckets.t0 + end * buckets.width,
      open,
      high,
      low,
      close,
    });
  }
  return out;
}

/**
 * Buy-and-hold equity at each price bucket's close: `initial × close / first open`; empty when
 * the run charted no price.
 */
export function buyAndHold(record: EquityRecord): Series {
  const { buckets, stats } = record;
  const x: number[] = [];
  const y: number[] = [];
  let first = Number.NaN;
  const span = stats.lastTs - stats.firstTs;
  const group = Math.max(1, Math.ceil(buckets.count / 750));
  for (let start = 0; start < buckets.count; start += group) {
    const end = Math.min(buckets.count, start + group);
    for (let b = start; b < end; b++) {
      if (Number.isNaN(buckets.open[b])) continue;
      if (Number.isNaN(first)) first = buckets.open[b];
    }
    let last = end - 1;
    while (last >= start && Number.isNaN(buckets.open[last])) last--;
    if (last < start || !(first > 0)) continue;
    const ts = Math.min(stats.lastTs, buckets.t0 + (last + 1) * buckets.width - 1);
    x.push(span > 0 ? Math.max(0, Math.min(1, (ts - stats.firstTs) / span)) : 0);
    y.push(record.initialEquity * buckets.close[last] / first);
  }
  return { x, y };
}

/** The return of buying at the first open and holding to the last close; null without prices. */
export function buyAndHoldReturn(record: EquityRecord): number | null {
  const line = buyAndHold(record);
  if (line.y.length === 0) return null;
  return line.y[line.y.length - 1] / record.initialEquity - 1;
}

/** A price level an order held while it worked. */
interface Level {
  readonly kind: "stop" | "take-profit";
  readonly from: number;
  readonly to: number;
  readonly price: number;
}

function levels(orders: readonly Order[]): Level[] {
  const out: Level[] = [];
  for (const order of orders) {
    if (out.length >= MAX_LEVELS) break;
    const { request } = order;
    if (request.triggerPrice !== undefined) {
      out.push({
        kind: "stop",
        from: order.createdTs,
        to: order.updatedTs,
        price: request.triggerPrice.toNumber(),
      });
    } else if (
      request.type === "limit" && request.reduceOnly && request.groupId !== undefined &&
      request.price !== undefined
    ) {
      out.push({
        kind: "take-profit",
        from: order.createdTs,
        to: order.updatedTs,
        price: request.price.toNumber(),
      });
    }
  }
  return out;
}

/** What the price chart draws besides the candles. */
export interface PriceMarks {
  /** Round trips (entries and exits). */
  readonly roundTrips: readonly RoundTrip[];
  /** Orders in their final state (stop/take-profit levels, liquidations). */
  readonly orders: readonly Order[];
  /** When the kill switch tripped (µs), if it did. */
  readonly killSwitchTs: number | undefined;
}

/** Liquidation orders (the venue's forced closes). */
export function liquidationOrders(orders: readonly Order[]): readonly Order[] {
  return orders.filter((o) => o.reason === "liquidation");
}

/**
 * The price chart as inline SVG (`<svg id="price-chart">`): `rect.candle` bodies with
 * `line.wick`s, `path.entry`/`path.exit` markers, `line.level.stop`/`line.level.take-profit`,
 * `path.liquidation` and `line.kill-switch`; empty string when the run charted no price.
 */
export function svgPriceChart(record: EquityRecord, marks: PriceMarks): string {
  const bars = candles(record);
  if (bars.length === 0) return "";
  const t0 = record.stats.firstTs;
  const t1 = record.stats.lastTs;
  const span = Math.max(1, t1 - t0);
  const lines = levels(marks.orders);
  const trips = marks.roundTrips.slice(0, MAX_TRADE_MARKERS);
  const liquidations = liquidationOrders(marks.orders);
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of bars) {
    if (c.low < lo) lo = c.low;
    if (c.high > hi) hi = c.high;
  }
  // Levels far outside the traded range would flatten the candles; they are clipped instead.
  const pad = (hi - lo) * 0.04 || Math.abs(hi) * 0.01 || 1;
  lo -= pad;
  hi += pad;
  const scale: ChartScale = {
    x: (f: number): number => LEFT + Math.max(0, Math.min(1, f)) * PLOT_W,
    y: (v: number): number => TOP + (1 - (Math.max(lo, Math.min(hi, v)) - lo) / (hi - lo)) * PLOT_H,
    top: TOP,
    bottom: TOP + PLOT_H,
  };
  const xt = (ts: number): number => scale.x((ts - t0) / span);
  const slot = PLOT_W / Math.max(bars.length, 1);
  const body = Math.max(1, slot * 0.7);
  const candleSvg = bars.map((c) => {
    const mid = xt((c.ts0 + Math.min(c.ts1, t1)) / 2);
    const up = c.close >= c.open;
    const top = scale.y(Math.max(c.open, c.close));
    const height = Math.max(0.5, scale.y(Math.min(c.open, c.close)) - top);
    return `<line class="wick" x1="${coord(mid)}" x2="${coord(mid)}" y1="${
      coord(scale.y(c.high))
    }" y2="${coord(scale.y(c.low))}"/><rect class="candle ${up ? "up" : "down"}" x="${
      coord(mid - body / 2)
    }" y="${coord(top)}" width="${coord(body)}" height="${coord(height)}"/>`;
  }).join("");
  const levelSvg = lines.map((l) =>
    `<line class="level ${l.kind}" x1="${coord(xt(l.from))}" x2="${
      coord(Math.max(xt(l.to), xt(l.from) + 1))
    }" y1="${coord(scale.y(l.price))}" y2="${coord(scale.y(l.price))}"/>`
  ).join("");
  const markerSvg = trips.map((t) => {
    const long = t.direction === "long";
    const ex = xt(t.entryTs);
    const ey = scale.y(t.entryPrice.toNumber());
    const xx = xt(t.exitTs);
    const xy = scale.y(t.exitPrice.toNumber());
    // A triangle pointing the way the position bet, and a square at the exit.
    const entry = long
      ? `M${coord(ex)},${coord(ey - 4)}l3,5h-6z`
      : `M${coord(ex)},${coord(ey + 4)}l3,-5h-6z`;
    return `<path class="entry ${long ? "long" : "short"}" d="${entry}"/>` +
      `<path class="exit" d="M${coord(xx - 2)},${coord(xy - 2)}h4v4h-4z"/>`;
  }).join("");
  const liquidationSvg = liquidations.map((o) => {
    const x = xt(o.updatedTs);
    const y = scale.y(o.averagePrice?.toNumber() ?? o.request.price?.toNumber() ?? lo);
    return `<path class="liquidation" d="M${coord(x - 5)},${coord(y - 5)}l10,10m0,-10l-10,10"/>`;
  }).join("");
  const kill = killSwitchLine(marks.killSwitchTs, t0, span, scale);
  const format = (v: number): string =>
    Number(v.toPrecision(6)).toLocaleString("en-US", { maximumFractionDigits: 6 });
  return `<svg id="price-chart" class="chart price" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" ` +
    `aria-label="Price" data-candles="${bars.length}" data-entries="${trips.length}" ` +
    `data-levels="${lines.length}" data-liquidations="${liquidations.length}">` +
    `<title>Price</title>${gridLines(lo, hi, scale.y, format)}${timeLabels([t0, t1])}` +
    `${candleSvg}${levelSvg}${markerSvg}${liquidationSvg}${kill}</svg>`;
}

/** A vertical line at the kill switch's trip, or nothing. */
export function killSwitchLine(
  ts: number | undefined,
  t0: number,
  span: number,
  scale: ChartScale,
): string {
  if (ts === undefined) return "";
  const x = coord(scale.x(span > 0 ? (ts - t0) / span : 0));
  return `<line class="kill-switch" x1="${x}" x2="${x}" y1="${scale.top}" y2="${scale.bottom}">` +
    `<title>Kill switch tripped</title></line>`;
}
