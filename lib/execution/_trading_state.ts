/**
 * The OMS's trading state as a rule on each order: `active` lets everything through,
 * `reducing-only` only orders that shrink the position, `halted` nothing (cancels are never
 * checked here: they always go out).
 *
 * @module
 */

import type { Decimal, Refusal } from "../domain/mod.ts";
import type { OrderDraft } from "./risk.ts";
import type { TradingState } from "./oms_ports.ts";

/** Every trading state. */
export const TRADING_STATES: readonly TradingState[] = ["active", "reducing-only", "halted"];

// A refusal's numbers, built only for a refusal: the check runs on every order and amend, and
// `active` (the common state) needs none of it.
function details(request: OrderDraft, position: Decimal): Omit<Refusal, "rule" | "message"> {
  return {
    symbol: request.symbol,
    requested: request.quantity.toNumber(),
    current: position.toNumber(),
  };
}

/**
 * Why the trading state refuses `request` (with the filled `position` and the unfilled
 * quantity of the working orders on its side that may add exposure), or `undefined`.
 */
export function tradingStateRefusal(
  state: TradingState,
  request: OrderDraft,
  position: Decimal,
  workingSameSide: number,
): Refusal | undefined {
  switch (state) {
    case "active":
      return undefined;
    case "halted":
      return {
        rule: "trading-halted",
        message: `${request.symbol}: trading is halted; only cancels are sent`,
        ...details(request, position),
      };
    case "reducing-only": {
      // Reducing: reduce-only, or opposite to the position and, with the working orders on
      // its side, not beyond it.
      const current = position.toNumber();
      const quantity = request.quantity.toNumber();
      const opposite = request.side === "buy" ? current < 0 : current > 0;
      if (
        request.reduceOnly ||
        (opposite && quantity + workingSameSide <= Math.abs(current) * (1 + 1e-12))
      ) {
        return undefined;
      }
      return {
        rule: "reducing-only",
        message:
          `${request.symbol}: trading is reducing-only; a ${request.side} of ${request.quantity} does not reduce the position ${position}`,
        ...details(request, position),
      };
    }
    default: {
      const unknown: never = state;
      throw new TypeError(`Unknown trading state ${unknown}`);
    }
  }
}
