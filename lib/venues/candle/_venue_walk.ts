/**
 * The state of one bar while the candle venue walks it (and after, for orders that arrive
 * stamped inside it), with the pure rules of the walk: when an order sent mid-bar joins, where
 * the liquidation price is reached on the same path, and how late candidates merge into the
 * path order.
 *
 * @module
 */

import type { SymbolId } from "../../domain/mod.ts";
import {
  type BarContext,
  type Candidate,
  type PathPoint,
  pointAt,
  type WorkingOrder,
} from "./_venue_match.ts";
import { firstReach } from "./_venue_path.ts";

/** The bar a symbol is being (or was last) matched on: orders sent inside it may still join. */
export interface BarState {
  /** The symbol. */
  readonly symbol: SymbolId;
  /** The bar and its one path. */
  readonly bar: BarContext;
  /** Candidates still to execute while the bar is being walked; undefined once it is done. */
  queue: Candidate[] | undefined;
  /** Orders that arrived during the walk, evaluated when the current fill returns. */
  joiners: WorkingOrder[];
  /** The latest path point matched so far (fills and liquidation checks go forward from it). */
  point: PathPoint;
  /** OCO groups with a leg filled on this bar: a late leg of one is canceled at once. */
  readonly filledGroups: Set<string>;
  /** The position was liquidated on this bar: nothing else matches on it. */
  ended: boolean;
}

/** A fresh state at the bar's open. */
export function barState(symbol: SymbolId, bar: BarContext): BarState {
  return {
    symbol,
    bar,
    queue: undefined,
    joiners: [],
    point: pointAt(bar, 0),
    filledGroups: new Set(),
    ended: false,
  };
}

/**
 * When an order sent at `ts` reaches the bar (its arrival time), or undefined when it does
 * not arrive inside it. Bar latency counts whole bars from a bar close, so only a one-bar
 * latency (`latencyBars` 0) lets an order sent mid-bar act at once; `latencyAt` is the
 * millisecond latency in µs.
 */
export function joinTime(
  bar: BarContext,
  ts: number,
  latencyMs: boolean,
  latencyAt: number,
  latencyBars: number,
): number | undefined {
  const { openTime, barMicros } = bar;
  if (ts < openTime || ts >= openTime + barMicros) return undefined;
  if (!latencyMs && latencyBars !== 0) return undefined;
  const arrival = ts + latencyAt;
  return arrival < openTime + barMicros ? arrival : undefined;
}

/**
 * Where the bar's path, from the state's current point to `until`, first reaches a position's
 * liquidation price `level`, and the price it closes at: the bankruptcy price (from
 * `bankruptcyOf`, asked only when the level is reached), or the open when the bar opens beyond
 * that. Undefined when it is not reached.
 */
export function liquidationOnPath(
  state: BarState,
  until: number,
  level: number,
  long: boolean,
  bankruptcyOf: () => number,
): { readonly time: number; readonly price: number } | undefined {
  const { bar, point } = state;
  const time = firstReach(bar.path, level, long, false, point.time, point.price);
  if (time < 0 || time > until) return undefined;
  // Asked only now: the walk checks the level between every two fills, and it is rarely hit.
  const bankruptcy = bankruptcyOf();
  const open = bar.open;
  const price = time === 0
    ? (long ? Math.min(bankruptcy, open) : Math.max(bankruptcy, open))
    : bankruptcy;
  return { time, price };
}

/** Inserts candidates into a queue kept in path order (equal times: after those already in). */
export function insertInPathOrder(queue: Candidate[], candidates: readonly Candidate[]): void {
  for (const found of candidates) {
    let at = queue.length;
    while (at > 0 && queue[at - 1].time > found.time) at--;
    queue.splice(at, 0, found);
  }
}
