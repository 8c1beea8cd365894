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
import { adaptiveHighFirst, type BarPath, firstReach, makePath, priceAt } from "./_venue_path.ts";
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

/**
 * Which price a fill takes: `start`, the path's price where the order starts on this bar (the
 * open for an order live at the open, the price at its arrival for one that joins mid-bar),
 * its limit, or its trigger.
 */
export type PriceBasis = "start" | "limit" | "trigger";

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
  /**
   * The order fills where it starts on the path (at the open, or at its mid-bar arrival): the
   * same on every path, so it comes before anything the path order decides.
   */
  readonly atStart: boolean;
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
  /** Bar length (µs): path time 3 is `openTime + barMicros`. */
  readonly barMicros: number;
  /**
   * The bar's one path under the model: fills, triggers and the liquidation price are all
   * measured on it, so their order inside the bar is the order of one possible market.
   */
  readonly path: BarPath;
  /** Touch fills (`low ≤ limit`) instead of a strict cross. */
  readonly touch: boolean;
}

/** Where on the path an order starts: path time and the path's price there. */
export interface PathPoint {
  /** Path time (0 = open … 3 = close). */
  readonly time: number;
  /** The price at that time (exact level when it is a fill's level, not re-interpolated). */
  readonly price: number;
}

/** The simulated time (µs) of path time `t` on the bar. */
export function pathMicros(bar: BarContext, t: number): number {
  return bar.openTime + Math.round((t * bar.barMicros) / 3);
}

/** The path time of the simulated time `ts` on the bar (clamped to the bar). */
export function pathTimeOf(bar: BarContext, ts: number): number {
  return Math.min(3, Math.max(0, ((ts - bar.openTime) * 3) / bar.barMicros));
}

function candidate(
  working: WorkingOrder,
  start: PathPoint,
  time: number,
  basis: PriceBasis,
  estimate: number,
  liquidity: Liquidity,
  slips: boolean,
  fills = true,
): Candidate {
  return { working, time, fills, basis, estimate, liquidity, slips, atStart: time === start.time };
}

/** A limit resting from `from` (price `fromPrice`) on: where the path crosses it, if it does. */
function restingLimit(
  working: WorkingOrder,
  bar: BarContext,
  start: PathPoint,
  from: number,
  fromPrice: number,
): Candidate | undefined {
  const t = firstReach(bar.path, working.limit, working.buy, !bar.touch, from, fromPrice);
  if (t < 0) return undefined;
  // The bar opened through a resting limit: it was in the book, so it fills at the open, maker.
  if (t === start.time && from === start.time) {
    return candidate(working, start, t, "start", start.price, "maker", false);
  }
  return candidate(working, start, t, "limit", working.limit, "maker", false);
}

/**
 * What the order does on this bar from `start` on (the open, unless it joined the bar later),
 * or undefined for nothing. The order has arrived and is live; on its arrival bar a limit that
 * is marketable where it starts takes liquidity.
 */
export function evaluate(
  working: WorkingOrder,
  bar: BarContext,
  start: PathPoint = { time: 0, price: bar.open },
): Candidate | undefined {
  const arrival = working.arrivedAt === bar.openTime;
  const at = start.price;
  switch (working.kind) {
    case "market":
      return candidate(working, start, start.time, "start", at, "taker", true);
    case "limit": {
      if (arrival) {
        const marketable = working.buy ? at <= working.limit : at >= working.limit;
        if (marketable) return candidate(working, start, start.time, "start", at, "taker", false);
        if (working.oneShot) return undefined;
      }
      return restingLimit(working, bar, start, start.time, at);
    }
    case "stop-market": {
      if (working.triggered) {
        return candidate(working, start, start.time, "start", at, "taker", true);
      }
      const gapped = working.buy ? at >= working.trigger : at <= working.trigger;
      if (gapped) return candidate(working, start, start.time, "start", at, "taker", true);
      const t = firstReach(bar.path, working.trigger, !working.buy, false, start.time, at);
      if (t < 0) return undefined;
      return candidate(working, start, t, "trigger", working.trigger, "taker", true);
    }
    case "stop-limit":
      return evaluateStopLimit(working, bar, start);
    default: {
      const unknown: never = working.kind;
      throw new TypeError(`Unknown order kind ${unknown}`);
    }
  }
}

function evaluateStopLimit(
  working: WorkingOrder,
  bar: BarContext,
  start: PathPoint,
): Candidate | undefined {
  const from = start.time;
  if (working.triggered) return restingLimit(working, bar, start, from, start.price);
  const gapped = working.buy ? start.price >= working.trigger : start.price <= working.trigger;
  const t = gapped
    ? from
    : firstReach(bar.path, working.trigger, !working.buy, false, from, start.price);
  if (t < 0) return undefined;
  const at = gapped ? start.price : working.trigger;
  const basis: PriceBasis = gapped ? "start" : "trigger";
  const marketable = working.buy ? at <= working.limit : at >= working.limit;
  if (marketable) return candidate(working, start, t, basis, at, "taker", false);
  if (working.oneShot) return candidate(working, start, t, basis, at, "taker", false, false);
  // Rests as a limit from the trigger point; only the rest of this bar's path can cross it.
  const rest = firstReach(bar.path, working.limit, working.buy, !bar.touch, t, at);
  if (rest < 0) return candidate(working, start, t, basis, at, "maker", false, false);
  return candidate(working, start, rest, "limit", working.limit, "maker", false);
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

/**
 * The one path of a bar under an intrabar model. `exposure` is the sign of the position at
 * the bar's open: `pessimistic` walks the extreme against it first (a long meets the low
 * before the high, a short the high before the low), so its stops and its liquidation price
 * come before any relief; flat, it walks the adaptive path.
 */
export function barContext(
  intrabar: IntrabarModel,
  touch: boolean,
  openTime: number,
  barMicros: number,
  bar: {
    readonly open: number;
    readonly high: number;
    readonly low: number;
    readonly close: number;
  },
  exposure: number,
): BarContext {
  const { open, high, low, close } = bar;
  let highFirst: boolean;
  switch (intrabar) {
    case "ohlc":
      highFirst = true;
      break;
    case "adaptive":
      highFirst = adaptiveHighFirst(open, high, low);
      break;
    case "pessimistic":
      highFirst = exposure > 0 ? false : exposure < 0 ? true : adaptiveHighFirst(open, high, low);
      break;
    default: {
      const unknown: never = intrabar;
      throw new TypeError(`Unknown intrabar model ${unknown}`);
    }
  }
  const path = makePath(open, high, low, close, highFirst);
  return { open, openTime, barMicros, path, touch };
}

/** The path's price at time `t`, exactly the open at 0. */
export function pointAt(bar: BarContext, t: number): PathPoint {
  return { time: t, price: t === 0 ? bar.open : priceAt(bar.path, t) };
}
