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
  const rounded = Number(value.toPrecision(DIGITS));
  return rounded === 0 ? 0 : rounded;
}

/** The section for `rows` (one per parent, in start order). */
export function executionReport(
  rows: readonly ExecutionQuality[],
): Readonly<Record<string, JsonValue>> {
  const summary: Record<string, JsonValue> = {};
  for (const [kind, s] of Object.entries(summarizeQuality(rows))) {
    summary[kind] = {
      parents: s.parents,
      completed: s.completed,
      children: s.children,
      quantity: num(s.quantity),
      filled: num(s.filled),
      shortfallBps: num(s.shortfallBps),
      participation: num(s.participation),
      meanTimeToCompleteSecs: num(s.meanTimeToCompleteSecs),
    };
  }
  return {
    summary,
    parents: rows.map((r) => ({
      parentId: r.parentId,
      algorithm: r.algorithm,
      symbol: r.symbol,
      side: r.side,
      status: r.status,
      quantity: num(r.quantity),
      filled: num(r.filled),
      arrivalPrice: num(r.arrivalPrice),
      averagePrice: num(r.averagePrice),
      shortfallBps: num(r.shortfallBps),
      participation: num(r.participation),
      children: r.children,
      start: toIso(r.startTs),
      end: r.endTs === undefined ? null : toIso(r.endTs),
      timeToCompleteSecs: num(r.timeToCompleteSecs),
    })),
  };
}
