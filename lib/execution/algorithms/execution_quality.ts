/**
 * Execution quality of a parent order, from its algorithm's state: arrival price, average fill
 * price, implementation shortfall, participation achieved, child count and time to complete;
 * and their summary per algorithm for the report.
 *
 * @module
 */

import type { Micros, Side, SymbolId } from "../../domain/mod.ts";
import type { AlgorithmKind, BaseState, ParentStatus } from "./algorithm.ts";

/** One parent's execution quality. */
export interface ExecutionQuality {
  /** Parent id (the `parentId` of its children in orders.csv and fills.csv). */
  readonly parentId: string;
  /** Algorithm. */
  readonly algorithm: AlgorithmKind;
  /** Symbol. */
  readonly symbol: SymbolId;
  /** Side. */
  readonly side: Side;
  /** Parent quantity. */
  readonly quantity: number;
  /** Quantity filled. */
  readonly filled: number;
  /** How it ended (`working` when the run ended first). */
  readonly status: ParentStatus;
  /** Market price when the parent started. */
  readonly arrivalPrice: number;
  /** Volume-weighted price of its fills (undefined without fills). */
  readonly averagePrice: number | undefined;
  /**
   * Implementation shortfall of the filled part in basis points of the arrival price: positive
   * is a cost (a buy above, a sell below the arrival price). Undefined without fills.
   */
  readonly shortfallBps: number | undefined;
  /** Filled quantity over the market volume seen while it worked (undefined without volume). */
  readonly participation: number | undefined;
  /** Children sent. */
  readonly children: number;
  /** When it started (µs). */
  readonly startTs: Micros;
  /** When it finished (µs; undefined while working). */
  readonly endTs: Micros | undefined;
  /** Seconds from start to finish (undefined while working). */
  readonly timeToCompleteSecs: number | undefined;
}

/**
 * What the quality figures read of a parent: its state, or the algorithm itself (whose getters
 * are the same fields, so a report needs no copy of each parent's whole state).
 */
export type QualityInputs = Pick<
  BaseState,
  "parent" | "status" | "filledLots" | "notional" | "marketVolume" | "children" | "endTs"
>;

/** The quality figures of a parent from its state. */
export function executionQuality(state: QualityInputs): ExecutionQuality {
  const p = state.parent;
  const filled = state.filledLots * p.lotSize;
  const average = filled > 0 ? state.notional / filled : undefined;
  const sign = p.side === "buy" ? 1 : -1;
  return {
    parentId: p.id,
    algorithm: p.hint.kind,
    symbol: p.symbol,
    side: p.side,
    quantity: p.lots * p.lotSize,
    filled,
    status: state.status,
    arrivalPrice: p.arrivalPrice,
    averagePrice: average,
    shortfallBps: average === undefined || !(p.arrivalPrice > 0)
      ? undefined
      : (sign * (average - p.arrivalPrice) / p.arrivalPrice) * 10_000,
    participation: state.marketVolume > 0 ? filled / state.marketVolume : undefined,
    children: state.children,
    startTs: p.startTs,
    endTs: state.endTs,
    timeToCompleteSecs: state.endTs === undefined
      ? undefined
      : (state.endTs - p.startTs) / 1_000_000,
  };
}

/** One algorithm's figures over its parents. */
export interface QualitySummary {
  /** Parents. */
  readonly parents: number;
  /** Parents that filled completely. */
  readonly completed: number;
  /** Children sent. */
  readonly children: number;
  /** Parent quantity in total. */
  readonly quantity: number;
  /** Filled quantity in total. */
  readonly filled: number;
  /** Shortfall in bps, weighted by each parent's filled notional at arrival (undefined: no fills). */
  readonly shortfallBps: number | undefined;
  /** Filled quantity over the market volume seen by the parents with volume. */
  readonly participation: number | undefined;
  /** Mean time to complete of the finished parents (s). */
  readonly meanTimeToCompleteSecs: number | undefined;
}

/** The per-algorithm summary of `rows`, keyed by algorithm in first-seen order. */
export function summarizeQuality(
  rows: readonly ExecutionQuality[],
): Readonly<Record<string, QualitySummary>> {
  const groups = new Map<string, ExecutionQuality[]>();
  for (const row of rows) {
    const group = groups.get(row.algorithm);
    if (group === undefined) groups.set(row.algorithm, [row]);
    else group.push(row);
  }
  const result: Record<string, QualitySummary> = {};
  for (const [kind, group] of groups) {
    let weight = 0;
    let weighted = 0;
    let volumeFilled = 0;
    let volume = 0;
    let times = 0;
    let finished = 0;
    for (const row of group) {
      if (row.shortfallBps !== undefined) {
        const w = row.filled * row.arrivalPrice;
        weight += w;
        weighted += w * row.shortfallBps;
      }
      if (row.participation !== undefined && row.participation > 0) {
        volumeFilled += row.filled;
        volume += row.filled / row.participation;
      }
      if (row.timeToCompleteSecs !== undefined) {
        times += row.timeToCompleteSecs;
        finished++;
      }
    }
    result[kind] = {
      parents: group.length,
      completed: group.filter((r) => r.status === "completed").length,
      children: group.reduce((a, r) => a + r.children, 0),
      quantity: group.reduce((a, r) => a + r.quantity, 0),
      filled: group.reduce((a, r) => a + r.filled, 0),
      shortfallBps: weight > 0 ? weighted / weight : undefined,
      participation: volume > 0 ? volumeFilled / volume : undefined,
      meanTimeToCompleteSecs: finished > 0 ? times / finished : undefined,
    };
  }
  return result;
}
