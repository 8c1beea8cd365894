/**
 * The report's `executionAlgorithms` section: each algorithm's summary and every parent's
 * execution quality (arrival price, average fill price, implementation shortfall in bps,
 * participation achieved, child count, time to complete), floats rounded like the metrics.
 *
 * @module
 */

import { type JsonValue, toIso } from "../domain/mod.ts";
import { type ExecutionQuality, summarizeQuality } from "../execution/mod.ts";

const DIGITS = 12;

function num(value: number | undefined): number | null {
  if (value === undefined || !Number.isFinite(value)) return null;
  if (value === 0) return 0;
  // A float whose shortest form has at most DIGITS significant digits is the nearest such
  // decimal, so rounding to DIGITS gives it back: one number-to-text instead of two
  // conversions (most of a report's quantities and prices: 0.01, 41747.1).
  if (significantDigits(String(value)) <= DIGITS) return value;
  const rounded = Number(value.toPrecision(DIGITS));
  return rounded === 0 ? 0 : rounded;
}

// Significant digits of a number's text ("-0.0125" → 3, "1.5e-7" → 2), trailing zeros of an
// integer included (which only sends it the long way).
function significantDigits(text: string): number {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 101) break; // "e": the exponent follows
    if (c >= 49 && c <= 57) digits++; // 1–9
    else if (c === 48 && digits > 0) digits++; // 0 after the first significant digit
  }
  return digits;
}

/**
 * The section for `rows` (one per parent, in start order). Every record's keys come in the
 * order the report writes them (sorted), so the report need not sort 15 keys per parent.
 */
export function executionReport(
  rows: readonly ExecutionQuality[],
): Readonly<Record<string, JsonValue>> {
  const summary: Record<string, JsonValue> = {};
  for (const [kind, s] of Object.entries(summarizeQuality(rows))) {
    summary[kind] = {
      children: s.children,
      completed: s.completed,
      filled: num(s.filled),
      meanTimeToCompleteSecs: num(s.meanTimeToCompleteSecs),
      parents: s.parents,
      participation: num(s.participation),
      quantity: num(s.quantity),
      shortfallBps: num(s.shortfallBps),
    };
  }
  return {
    parents: rows.map((r) => ({
      algorithm: r.algorithm,
      arrivalPrice: num(r.arrivalPrice),
      averagePrice: num(r.averagePrice),
      children: r.children,
      end: r.endTs === undefined ? null : toIso(r.endTs),
      filled: num(r.filled),
      parentId: r.parentId,
      participation: num(r.participation),
      quantity: num(r.quantity),
      shortfallBps: num(r.shortfallBps),
      side: r.side,
      start: toIso(r.startTs),
      status: r.status,
      symbol: r.symbol,
      timeToCompleteSecs: num(r.timeToCompleteSecs),
    })),
    summary,
  };
}
