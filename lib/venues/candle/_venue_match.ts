/**
 * The float side of candle-mode matching: the venue's record of a working order and the rules
 * that decide, for one bar, whether and where on the intrabar path it triggers or fills.
 * Nothing here allocates a Decimal; prices are chosen as a *basis* (open, limit or trigger) that
 * the venue turns into an exact price only when a fill really happens.
 *
 * @module
 */

import {
  type Decimal,
  type Instrument,
  type Liquidity,
  type Order,
  type OrderType,
  ZERO,
} from "../../domain/mod.ts";
import { adaptiveHighFirst, type BarPath, firstReach, makePath } from "./_venue_path.ts";
import type { IntrabarModel } from "./_venue_options.ts";

/** The venue's mutable record of one order it has not finished. */
export interface WorkingOrder {
  /** The order as last reported to the inbox. */
  order: Order;
  /** Its instrument. */
  readonly instrument: Instrument;
  /** Submission sequence (ties and output order). */
  readonly seq: number;
  /** Buy side. */
  readonly buy: boolean;
  /** Order type. */
  readonly kind: OrderType;
  /** Float copy of the limit price (NaN when none). */
  readonly limit: number;
  /** Float copy of the trigger price (NaN when none). */
  readonly trigger: number;
  /** The OCO group id, when the order belongs to one. */
  readonly oco: string | undefined;
  /** Immediate-or-cancel or fill-or-kill: one chance, then the rest expires. */
  readonly oneShot: boolean;
  /** Arrival: the first bar with `openTime ≥ activeAt + activeBars × barMicros`. */
  readonly activeAt: number;
  /** See `activeAt`. */
  readonly activeBars: number;
  /** Pending cancel: effective on the first bar with `openTime ≥ cancelAt + cancelBars × barMicros`. */
  cancelAt: number;
  /** See `cancelAt`. */
  cancelBars: number;
  /** Whether accepted (or rejected) has been sent. */
  arrived: boolean;
  /** openTime of the arrival bar. */
  arrivedAt: number;
  /** Whether a stop has triggered (it then acts as a market or a resting limit). */
  triggered: boolean;
  /** Whether an IOC/FOK order has had its one chance (it expires at the end of this bar). */
  chanceUsed: boolean;
  /** Set once the order is terminal and out of the books. */
  done: boolean;
  /** Quantity still to fill. */
  remaining: Decimal;
  /** Σ price × quantity of the fills so far (for the average price). */
  cost: Decimal;
}

/** What an order does on one bar. */
export type PriceBasis = "open" | "limit" | "trigger";

/** One order's event on one bar: a fill, or (for stop-limits) only a trigger. */
export interface Candidate {
  /** The order. */
  readonly working: WorkingOrder;
  /** Position on the intrabar path (0 = open, 3 = close). */
  readonly time: number;
  /** False when a stop-limit only triggers and rests as a limit. */
  readonly fills: boolean;
  /** Which price the fill takes before slippage and tick rounding. */
  readonly basis: PriceBasis;
  /** Float estimate of that price, to rank OCO legs. */
  readonly estimate: number;
  /** Maker or taker. */
  readonly liquidity: Liquidity;
  /** Whether slippage applies (market and stop-market fills). */
  readonly slips: boolean;
}

/**
 * The hot-path test: can this order possibly do anything on a bar with this range? False
 * positives only cost the slow path; false negatives would lose fills.
 */
export function mayAct(
  working: WorkingOrder,
  openTime: number,
  barMicros: number,
  high: number,
  low: number,
  touch: boolean,
): boolean {
  if (!working.arrived) return openTime >= working.activeAt + working.activeBars * barMicros;
  if (working.cancelAt !== Infinity) return true;
  switch (working.kind) {
    case "market":
      return true;
    case "limit":
      return crosses(working, high, low, touch);
    case "stop-market":
      return working.triggered || (working.buy ? high >= working.trigger : low <= working.trigger);
    case "stop-limit":
      return working.triggered
        ? crosses(working, high, low, touch)
        : (working.buy ? high >= working.trigger : low <= working.trigger);
    default: {
      const unknown: never = working.kind;
      throw new TypeError(`Unknown order kind ${unknown}`);
    }
  }
}

function crosses(working: WorkingOrder, high: number, low: number, touch: boolean): boolean {
  const limit = working.limit;
  if (working.buy) return touch ? low <= limit : low < limit;
  return touch ? high >= limit : high > limit;
}

/** The bar and model an order is evaluated against. */
export interface BarContext {
  /** Open price. */
  readonly open: number;
  /** Bar open time (µs). */
  readonly openTime: number;
  /** Path used to order events and for path questions. */
  readonly path: BarPath;
  /** For stop-limits: the path (or adverse path under the pessimistic model). */
  readonly stopPath: (buy: boolean) => BarPath;
  /** Touch fills (`low ≤ limit`) instead of a strict cross. */
  readonly touch: boolean;
}

function candidate(
  working: WorkingOrder,
  time: number,
  basis: PriceBasis,
  estimate: number,
  liquidity: Liquidity,
  slips: boolean,
  fills = true,
): Candidate {
  return { working, time, fills, basis, estimate, liquidity, slips };
}

/** A limit resting from `from` (price `fromPrice`) on: where the path crosses it, if it does. */
function restingLimit(
  working: WorkingOrder,
  bar: BarContext,
  path: BarPath,
  from: number,
  fromPrice: number,
): Candidate | undefined {
  const t = firstReach(path, working.limit, working.buy, !bar.touch, from, fromPrice);
  if (t < 0) return undefined;
  // At the open itself the bar opened through the limit: a resting order fills at the open.
  if (t === 0 && from === 0) return candidate(working, 0, "open", bar.open, "maker", false);
  return candidate(working, t, "limit", working.limit, "maker", false);
}

/**
 * What the order does on this bar, or undefined for nothing. The order has arrived and is
 * live; `arrival` says whether this is its arrival bar.
 */
export function evaluate(working: WorkingOrder, bar: BarContext): Candidate | undefined {
  const arrival = working.arrivedAt === bar.openTime;
  const open = bar.open;
  switch (working.kind) {
    case "market":
      return candidate(working, 0, "open", open, "taker", true);
    case "limit": {
      if (arrival) {
        const marketable = working.buy ? open <= working.limit : open >= working.limit;
        if (marketable) return candidate(working, 0, "open", open, "taker", false);
        if (working.oneShot) return undefined;
      }
      return restingLimit(working, bar, bar.path, 0, open);
    }
    case "stop-market": {
      if (working.triggered) return candidate(working, 0, "open", open, "taker", true);
      const gapped = working.buy ? open >= working.trigger : open <= working.trigger;
      if (gapped) return candidate(working, 0, "open", open, "taker", true);
      const t = firstReach(bar.path, working.trigger, !working.buy, false, 0, open);
      if (t < 0) return undefined;
      return candidate(working, t, "trigger", working.trigger, "taker", true);
    }
    case "stop-limit":
      return evaluateStopLimit(working, bar);
    default: {
      const unknown: never = working.kind;
      throw new TypeError(`Unknown order kind ${unknown}`);
    }
  }
}

function evaluateStopLimit(working: WorkingOrder, bar: BarContext): Candidate | undefined {
  const open = bar.open;
  const path = bar.stopPath(working.buy);
  if (working.triggered) return restingLimit(working, bar, path, 0, open);
  const gapped = working.buy ? open >= working.trigger : open <= working.trigger;
  const t = gapped ? 0 : firstReach(path, working.trigger, !working.buy, false, 0, open);
  if (t < 0) return undefined;
  const at = gapped ? open : working.trigger;
  const basis: PriceBasis = gapped ? "open" : "trigger";
  const marketable = working.buy ? at <= working.limit : at >= working.limit;
  if (marketable) return candidate(working, t, basis, at, "taker", false);
  if (working.oneShot) return candidate(working, t, basis, at, "taker", false, false);
  // Rests as a limit from the trigger point; only the rest of this bar's path can cross it.
  const rest = firstReach(path, working.limit, working.buy, !bar.touch, t, at);
  if (rest < 0) return candidate(working, t, basis, at, "maker", false, false);
  return candidate(working, rest, "limit", working.limit, "maker", false);
}

/** A fresh record for an order that has just been sent; `activeAt`/`activeBars` set its arrival. */
export function newWorkingOrder(
  order: Order,
  instrument: Instrument,
  seq: number,
  activeAt: number,
  activeBars: number,
): WorkingOrder {
  const { request } = order;
  return {
    order,
    instrument,
    seq,
    buy: request.side === "buy",
    kind: request.type,
    limit: request.price === undefined ? NaN : request.price.toNumber(),
    trigger: request.triggerPrice === undefined ? NaN : request.triggerPrice.toNumber(),
    oco: request.groupId?.startsWith("oco:") ? request.groupId : undefined,
    oneShot: request.timeInForce === "ioc" || request.timeInForce === "fok",
    activeAt,
    activeBars,
    cancelAt: Infinity,
    cancelBars: 0,
    arrived: false,
    arrivedAt: NaN,
    triggered: false,
    chanceUsed: false,
    done: false,
    remaining: request.quantity,
    cost: ZERO,
  };
}

/** The paths of one bar under an intrabar model. */
export function barContext(
  intrabar: IntrabarModel,
  touch: boolean,
  openTime: number,
  open: number,
  high: number,
  low: number,
  close: number,
): BarContext {
  const highFirst = intrabar === "ohlc" ? true : adaptiveHighFirst(open, high, low);
  const path = makePath(open, high, low, close, highFirst);
  let stopPath: (buy: boolean) => BarPath;
  switch (intrabar) {
    case "pessimistic": {
      // A stop's own extreme comes last, so a triggered stop-limit has the least path left.
      const up = makePath(open, high, low, close, false);
      const down = makePath(open, high, low, close, true);
      stopPath = (buy) => buy ? up : down;
      break;
    }
    case "ohlc":
    case "adaptive":
      stopPath = () => path;
      break;
    default: {
      const unknown: never = intrabar;
      throw new TypeError(`Unknown intrabar model ${unknown}`);
    }
  }
  return { open, openTime, path, stopPath, touch };
}
