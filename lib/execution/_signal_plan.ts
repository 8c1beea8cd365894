/**
 * What a position-aware signal means, as a plan: which working orders to cancel and which
 * order to send. Pure, so the OMS only carries it out.
 *
 * @module
 */

import type { Decimal, Side, Signal } from "../domain/mod.ts";
import { signOf } from "./_order_pricing.ts";
import type { Bracket } from "./_order_requests.ts";

/** The order a signal asks for. */
export interface PlannedOrder {
  /** Buy or sell. */
  readonly side: Side;
  /** Quantity. */
  readonly quantity: Decimal;
  /** Whether it may only reduce the position. */
  readonly reduceOnly: boolean;
  /** Stop-loss/take-profit to attach once it fills (`undefined`: the signal asked for none). */
  readonly bracket: Bracket | undefined;
}

/** Cancel nothing, every working order of the symbol, or all but the reduce-only ones. */
export type PlannedCancel = "none" | "all" | "keep-protection";

/** What to do for a signal. */
export interface SignalPlan {
  /** Which working orders of the symbol to cancel first. */
  readonly cancel: PlannedCancel;
  /** The order to send after, if any. */
  readonly order?: PlannedOrder;
}

const NOTHING: SignalPlan = { cancel: "none" };

/**
 * Plans `signal` given the `projected` position (with working orders that may add exposure)
 * and the `actual` filled one. The projected position decides what a signal means; orders that
 * close or reverse are sized on the actual position, since working orders are cancelled first
 * and may never fill. `size` sizes an entry (`undefined`: refused, nothing is done).
 */
export function planSignal(
  signal: Signal,
  projected: Decimal,
  actual: Decimal,
  pyramiding: boolean,
  size: () => Decimal | undefined,
): SignalPlan {
  const projectedSign = signOf(projected);
  const actualSign = signOf(actual);
  switch (signal.kind) {
    case "enter-long":
    case "enter-short": {
      const direction = signal.kind === "enter-long" ? 1 : -1;
      if (projectedSign === direction && !pyramiding) return NOTHING;
      // Already in position; only working orders (a pending exit or reversal) point the other
      // way: cancelling them is the whole answer.
      if (actualSign === direction && !pyramiding) return { cancel: "all" };
      const quantity = size();
      if (quantity === undefined) return NOTHING;
      // Adding to a position without a bracket of its own keeps the position's protective
      // orders; otherwise this entry (and its bracket, sized to the whole position) replaces
      // every working order.
      const keepsProtection = actualSign === direction && signal.stopLoss === undefined &&
        signal.takeProfit === undefined;
      return {
        cancel: keepsProtection ? "keep-protection" : "all",
        order: {
          side: direction === 1 ? "buy" : "sell",
          // Close and reverse in one order: the open position plus the new size.
          quantity: actualSign === -direction ? quantity.plus(actual.abs()) : quantity,
          reduceOnly: false,
          bracket: signal.stopLoss === undefined && signal.takeProfit === undefined
            ? undefined
            : { stopLoss: signal.stopLoss, takeProfit: signal.takeProfit },
        },
      };
    }
    case "exit-long":
    case "exit-short": {
      const direction = signal.kind === "exit-long" ? 1 : -1;
      if (projectedSign !== direction && actualSign !== direction) return NOTHING;
      // Only a working entry was open: cancelling it is the exit.
      if (actualSign !== direction) return { cancel: "all" };
      const side: Side = direction === 1 ? "sell" : "buy";
      return {
        cancel: "all",
        order: { side, quantity: actual.abs(), reduceOnly: true, bracket: undefined },
      };
    }
    case "flatten": {
      if (actualSign === 0) return { cancel: "all" };
      const side: Side = actualSign === 1 ? "sell" : "buy";
      return {
        cancel: "all",
        order: { side, quantity: actual.abs(), reduceOnly: true, bracket: undefined },
      };
    }
    default: {
      const unknown: never = signal.kind;
      throw new TypeError(`Unknown signal kind ${unknown}`);
    }
  }
}
