/**
 * The backtest report: the run's facts, exact money totals and the performance metrics in one
 * flat record, and its deterministic JSON form (`report.json`).
 *
 * Determinism: {@linkcode reportToJson} writes the keys in a fixed order, rounds the computed
 * metrics to {@linkcode REPORT_SIGNIFICANT_DIGITS} significant digits (so last-bit float noise
 * never shows), sorts the keys of the free-form records (`params`, `settings`, `rejections`)
 * and indents with two spaces, so the same run gives byte-identical files.
 *
 * @module
 */

import {
  type Decimal,
  type Interval,
  type JsonValue,
  type Micros,
  type SymbolId,
  toIso,
} from "../domain/mod.ts";
import type { ExecutionQuality, RiskLimits } from "../execution/mod.ts";
import { executionReport } from "./_execution_report.ts";
import type { PerformanceMetrics } from "./metrics.ts";

/** The drawdown kill switch's trip as the report states it. */
export type KillSwitchReport = {
  /** When it tripped (the mark that breached the limit), ISO 8601. */
  readonly at: string;
  /** The drawdown from the equity peak at that mark (fraction, 12 significant digits). */
  readonly drawdown: number;
  /** The limit it breached (fraction). */
  readonly limit: number;
};

/**
 * A finished backtest: every {@linkcode PerformanceMetrics} figure as computed (see
 * `metrics.ts` for each definition) with the run's facts and exact money totals. Money is an
 * exact decimal string; metrics that are undefined for the run are `null`; durations are in
 * seconds; times are ISO 8601 UTC.
 */
export interface BacktestReport extends Omit<PerformanceMetrics, "initialEquity" | "finalEquity"> {
  /** Strategy name as registered. */
  readonly strategy: string;
  /** The strategy's resolved parameters. */
  readonly params: Readonly<Record<string, JsonValue>>;
  /** Venue-qualified symbols traded. */
  readonly symbols: readonly SymbolId[];
  /** Bar interval the strategy ran on. */
  readonly interval: Interval;
  /** Start of the run (open of the first bar), ISO 8601. */
  readonly start: string;
  /** End of the run (close of the last bar), ISO 8601. */
  readonly end: string;
  /** Equity before the first bar, exact. */
  readonly initialEquity: string;
  /** Equity at the end, exact. */
  readonly finalEquity: string;
  /** Fees paid (negative = net rebates), exact. */
  readonly fees: string;
  /** Funding paid (negative = received), exact. */
  readonly funding: string;
  /** Orders submitted. */
  readonly orders: number;
  /** Fills received. */
  readonly fills: number;
  /** Orders the venue or risk rejected. */
  readonly rejectedOrders: number;
  /** Bars where both a stop and a target were touched, decided by the intrabar path model. */
  readonly ambiguousBars: number;
  /** Forced liquidations. */
  readonly liquidations: number;
  /** Rejected orders by reason. */
  readonly rejections: Readonly<Record<string, number>>;
  /**
   * When and at which drawdown the kill switch tripped (from then on only reducing orders
   * passed); absent when it did not trip.
   */
  readonly killSwitch?: KillSwitchReport;
  /**
   * The run settings (fill model, fees, slippage, seed …), free-form, always with `leverage`
   * and `risk` (the pre-trade limits in force) when the runner passed them.
   */
  readonly settings: Readonly<Record<string, JsonValue>>;
  /** Mode-specific diagnostics (tick mode: volumes, market-making figures); absent in candle mode. */
  readonly diagnostics?: Readonly<Record<string, JsonValue>>;
  /**
   * Execution quality of the execution algorithms' parents (a summary per algorithm and one
   * row per parent); absent when no algorithm ran.
   */
  readonly executionAlgorithms?: Readonly<Record<string, JsonValue>>;
}

/** What the runner knows at the end of a run; {@linkcode buildReport} turns it into a report. */
export interface ReportParts {
  /** Strategy name. */
  readonly strategy: string;
  /** Resolved strategy parameters (default: none). */
  readonly params?: Readonly<Record<string, JsonValue>>;
  /** Symbols traded. */
  readonly symbols: readonly SymbolId[];
  /** Bar interval. */
  readonly interval: Interval;
  /** Start of the run, µs. */
  readonly start: Micros;
  /** End of the run, µs. */
  readonly end: Micros;
  /** Equity before the first bar. */
  readonly initialEquity: Decimal;
  /** Equity at the end. */
  readonly finalEquity: Decimal;
  /** Fees paid in total. */
  readonly fees: Decimal;
  /** Funding paid in total. */
  readonly funding: Decimal;
  /** Orders submitted. */
  readonly orders: number;
  /** Fills received. */
  readonly fills: number;
  /** Orders rejected. */
  readonly rejectedOrders: number;
  /** Ambiguous bars (stop and target in one bar). */
  readonly ambiguousBars: number;
  /** Forced liquidations. */
  readonly liquidations: number;
  /** Rejected orders by reason (default: none). */
  readonly rejections?: Readonly<Record<string, number>>;
  /** Run settings (default: none). */
  readonly settings?: Readonly<Record<string, JsonValue>>;
  /** Leverage of perpetual positions, recorded in the settings. */
  readonly leverage?: number;
  /** The pre-trade risk limits in force, recorded in the settings as `risk`. */
  readonly riskLimits?: RiskLimits;
  /** The kill switch's trip, when it tripped (µs, drawdown and limit as fractions). */
  readonly killSwitch?: { readonly ts: Micros; readonly drawdown: number; readonly limit: number };
  /** The metrics from `computeMetrics`. */
  readonly metrics: PerformanceMetrics;
  /** Each execution algorithm parent's quality (absent: no algorithm ran). */
  readonly executionQuality?: readonly ExecutionQuality[];
}

/** Significant digits the computed metrics are rounded to in `report.json`. */
export const REPORT_SIGNIFICANT_DIGITS = 12;

/**
 * Assembles the report from the run's facts and its metrics.
 *
 * @example
 * ```ts
 * import {
 *   buildReport,
 *   computeMetrics,
 *   periodsPerYear,
 *   reportToJson,
 * } from "@tesser/tesser/backtest";
 * import { decimal } from "@tesser/tesser/domain";
 * import assert from "node:assert/strict";
 *
 * const metrics = computeMetrics({
 *   ts: new Float64Array([0]), equity: new Float64Array([101]), length: 1,
 *   initialEquity: 100, periodsPerYear: periodsPerYear("1d"), roundTrips: [],
 *   barsInMarket: 0, tradedNotional: 0,
 * });
 * const report = buildReport({
 *   strategy: "sma-cross", symbols: ["bybit:BTCUSDT"], interval: "1d",
 *   start: 0, end: 86_400_000_000, initialEquity: decimal(100), finalEquity: decimal(101),
 *   fees: decimal(0), funding: decimal(0), orders: 0, fills: 0, rejectedOrders: 0,
 *   ambiguousBars: 0, liquidations: 0, metrics,
 * });
 * assert.ok(reportToJson(report).endsWith("\n"));
 * ```
 * @throws {RangeError} when `start` or `end` is not an integer count of microseconds.
 */
export function buildReport(parts: ReportParts): BacktestReport {
  // The equity figures are reported exactly, from the parts, rather than as computed floats.
  const { initialEquity: _float, finalEquity: _finalFloat, ...metrics } = parts.metrics;
  return {
    strategy: parts.strategy,
    params: parts.params ?? {},
    symbols: [...parts.symbols],
    interval: parts.interval,
    start: toIso(parts.start),
    end: toIso(parts.end),
    ...metrics,
    initialEquity: parts.initialEquity.toString(),
    finalEquity: parts.finalEquity.toString(),
    fees: parts.fees.toString(),
    funding: parts.funding.toString(),
    orders: parts.orders,
    fills: parts.fills,
    rejectedOrders: parts.rejectedOrders,
    ambiguousBars: parts.ambiguousBars,
    liquidations: parts.liquidations,
    rejections: parts.rejections ?? {},
    ...(parts.killSwitch === undefined ? {} : {
      killSwitch: {
        at: toIso(parts.killSwitch.ts),
        drawdown: Number(parts.killSwitch.drawdown.toPrecision(REPORT_SIGNIFICANT_DIGITS)),
        limit: parts.killSwitch.limit,
      },
    }),
    settings: {
      ...parts.settings,
      ...(parts.leverage === undefined ? {} : { leverage: parts.leverage }),
      ...(parts.riskLimits === undefined ? {} : { risk: riskSettings(parts.riskLimits) }),
    },
    ...(parts.executionQuality === undefined
      ? {}
      : { executionAlgorithms: executionReport(parts.executionQuality) }),
  };
}

// The limits in force, each named; an absent limit is `null` (not enforced), so a reader sees
// every limit the engine knows of.
function riskSettings(limits: RiskLimits): Record<string, JsonValue> {
  return {
    maxOrderQuantity: limits.maxOrderQuantity ?? null,
    maxOrderNotional: limits.maxOrderNotional ?? null,
    maxPositionQuantity: limits.maxPositionQuantity ?? null,
    maxDrawdown: limits.maxDrawdown ?? null,
  };
}

/**
 * How each top-level key is written (metrics are rounded); this object's key order is the file's
 * key order, and its type makes the compiler insist that every report field is listed.
 */
const LAYOUT: Readonly<Record<keyof BacktestReport, "json" | "metric">> = {
  strategy: "json",
  params: "json",
  symbols: "json",
  interval: "json",
  start: "json",
  end: "json",
  bars: "json",
  initialEquity: "json",
  finalEquity: "json",
  fees: "json",
  funding: "json",
  totalReturn: "metric",
  cagr: "metric",
  annualVolatility: "metric",
  sharpe: "metric",
  sortino: "metric",
  calmar: "metric",
  maxDrawdown: "metric",
  maxDrawdownDuration: "metric",
  trades: "json",
  winRate: "metric",
  profitFactor: "metric",
  expectancy: "metric",
  avgWin: "metric",
  avgLoss: "metric",
  avgHoldingTime: "metric",
  exposure: "metric",
  turnover: "metric",
  orders: "json",
  fills: "json",
  rejectedOrders: "json",
  ambiguousBars: "json",
  liquidations: "json",
  rejections: "json",
  killSwitch: "json",
  settings: "json",
  diagnostics: "json",
  executionAlgorithms: "json",
};

/**
 * A float rounded to the report's significant digits, as JSON text; non-finite → `null`,
 * −0 → `0`.
 */
export function formatMetric(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "null";
  const rounded = Number(value.toPrecision(REPORT_SIGNIFICANT_DIGITS));
  return rounded === 0 ? "0" : JSON.stringify(rounded);
}

function isJsonArray(value: JsonValue): value is readonly JsonValue[] {
  return Array.isArray(value);
}

/** JSON.stringify's layout (2-space indent) with object keys sorted by code unit. */
function writeSorted(value: JsonValue, indent: string): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) return "null";
    return JSON.stringify(value);
  }
  const inner = `${indent}  `;
  if (isJsonArray(value)) {
    if (value.length === 0) return "[]";
    const items = value.map((item) => `${inner}${writeSorted(item, inner)}`);
    return `[\n${items.join(",\n")}\n${indent}]`;
  }
  const keys = Object.keys(value).sort();
  if (keys.length === 0) return "{}";
  const entries = keys.map((key) => {
    const item = value[key];
    return `${inner}${JSON.stringify(key)}: ${writeSorted(item ?? null, inner)}`;
  });
  return `{\n${entries.join(",\n")}\n${indent}}`;
}

/**
 * The report as deterministic JSON: fixed key order, metrics rounded to
 * {@linkcode REPORT_SIGNIFICANT_DIGITS} significant digits, sorted keys inside `params`,
 * `settings` and `rejections`, 2-space indent and a trailing newline.
 *
 * @example
 * ```ts ignore
 * await Deno.writeTextFile("report.json", reportToJson(report));
 * ```
 */
export function reportToJson(report: BacktestReport): string {
  const inLayout = reportInLayout(report);
  return inLayout === undefined ? writeLayout(report) : `${JSON.stringify(inLayout, null, 2)}\n`;
}

// The report's fields in the layout's order, metrics rounded and every record's keys in
// code-unit order (copied where they were not): JSON.stringify of it is the report's text, at
// a third of writeSorted's cost (a long TWAP run writes 15 keys for each of 100,000 parents).
// Undefined when a record cannot be put in that order (an integer-like key, which objects
// always enumerate first, or a value JSON.stringify writes otherwise than writeSorted).
function reportInLayout(report: BacktestReport): Record<string, JsonValue> | undefined {
  const out: Record<string, JsonValue> = {};
  for (const key of Object.keys(LAYOUT) as (keyof BacktestReport)[]) {
    const value = report[key];
    if (value === undefined) continue;
    if (LAYOUT[key] === "metric") {
      out[key] = roundedMetric(value);
      continue;
    }
    const ordered = inKeyOrder(value);
    if (ordered === UNORDERABLE) return undefined;
    out[key] = ordered;
  }
  return out;
}

function roundedMetric(value: unknown): number | null {
  if (typeof value !== "number" || !Number.isFinite(value)) return null;
  const rounded = Number(value.toPrecision(REPORT_SIGNIFICANT_DIGITS));
  return rounded === 0 ? 0 : rounded;
}

const UNORDERABLE: unique symbol = Symbol("unorderable");

// `value` with every object's keys in code-unit order: itself when they are already, else a
// copy (an undefined member becomes null, as writeSorted writes it). Plain data only: anything
// with its own toJSON or an undefined array item (which writeSorted writes as `undefined`) is
// UNORDERABLE. Non-finite numbers and -0 come out as null and 0 either way.
function inKeyOrder(value: unknown): JsonValue | typeof UNORDERABLE {
  if (value === null || typeof value !== "object") {
    return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ||
        value === null
      ? value
      : UNORDERABLE;
  }
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return UNORDERABLE;
    let copy: JsonValue[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i] === undefined ? UNORDERABLE : inKeyOrder(value[i]);
      if (item === UNORDERABLE) return UNORDERABLE;
      if (item !== value[i]) (copy ??= value.slice(0, i)).push(item);
      else copy?.push(item);
    }
    return copy ?? value;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return UNORDERABLE;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let sorted = true;
  let same = true;
  const items: JsonValue[] = [];
  for (let i = 0; i < keys.length; i++) {
    if (i > 0 && !(keys[i - 1] < keys[i])) sorted = false;
    const member = record[keys[i]];
    const item = member === undefined ? null : inKeyOrder(member);
    if (item === UNORDERABLE) return UNORDERABLE;
    if (item !== member) same = false;
    items.push(item);
  }
  if (sorted && same) return value as JsonValue;
  const order = keys.map((_, i) => i);
  if (!sorted) order.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  const copy: Record<string, JsonValue> = {};
  for (const i of order) copy[keys[i]] = items[i];
  // Integer-like keys enumerate first whatever the insertion order.
  const written = Object.keys(copy);
  for (let i = 0; i < order.length; i++) if (written[i] !== keys[order[i]]) return UNORDERABLE;
  return copy;
}

function writeLayout(report: BacktestReport): string {
  const lines: string[] = [];
  for (const key of Object.keys(LAYOUT) as (keyof BacktestReport)[]) {
    const value = report[key];
    if (value === undefined) continue;
    const text = LAYOUT[key] === "metric"
      ? formatMetric(typeof value === "number" ? value : null)
      : writeSorted(value, "  ");
    lines.push(`  ${JSON.stringify(key)}: ${text}`);
  }
  return `{\n${lines.join(",\n")}\n}\n`;
}

// Re-exported so the report's public signatures name only documented, public types.
export type { Decimal, Interval, JsonValue, Micros, SymbolId } from "../domain/mod.ts";
export type { RoundTrip } from "../portfolio/round_trip.ts";
