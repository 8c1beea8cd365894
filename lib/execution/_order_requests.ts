/**
 * The order requests the OMS builds itself: a signal's order from its execution hint, and the
 * stop-loss/take-profit legs of a bracket once its entry filled.
 *
 * @module
 */

import type {
  Decimal,
  ExecutionHint,
  Instrument,
  OrderRequest,
  Side,
  SymbolId,
} from "../domain/mod.ts";
import { tickPrice } from "./_order_pricing.ts";

/**
 * An order the OMS built and has not approved yet: its client id is still
 * {@linkcode UNASSIGNED}. Only an order that passes its checks is named, in place, just before
 * it is sent: refusals draw no id, and the request is not copied to add one.
 */
export interface PendingRequest extends Omit<OrderRequest, "clientOrderId"> {
  /** {@linkcode UNASSIGNED} until the order passed its checks. */
  clientOrderId: string;
}

/** The client id of a {@linkcode PendingRequest} not named yet. */
export const UNASSIGNED = "";

/** Stop-loss and take-profit prices an entry asked for. */
export interface Bracket {
  /** Stop-loss trigger. */
  readonly stopLoss: number | undefined;
  /** Take-profit limit. */
  readonly takeProfit: number | undefined;
}

/**
 * The order a signal's hint asks for (its id {@linkcode UNASSIGNED}), or the name of a hint
 * this OMS cannot carry out. Built as one object (no base spread into it): every signal that
 * gets this far builds one, refused or not.
 */
export function hintRequest(
  hint: ExecutionHint,
  instrument: Instrument,
  symbol: SymbolId,
  side: Side,
  quantity: Decimal,
  reduceOnly: boolean,
): PendingRequest | { readonly unsupported: string } {
  const clientOrderId = UNASSIGNED;
  switch (hint.kind) {
    case "market":
      // An exit works until it has closed the position (under a volume cap it completes over
      // the following bars); an entry takes what the market gives now and the rest expires.
      return {
        clientOrderId,
        symbol,
        side,
        quantity,
        reduceOnly,
        type: "market",
        timeInForce: reduceOnly ? "gtc" : "ioc",
      };
    case "limit":
      // Passive rounding: a buy never pays above, a sell never asks below, the hint.
      return {
        clientOrderId,
        symbol,
        side,
        quantity,
        reduceOnly,
        type: "limit",
        price: tickPrice(instrument, hint.price, side === "buy" ? "floor" : "ceil"),
        timeInForce: hint.postOnly === true ? "post-only" : "gtc",
      };
    case "twap":
    case "vwap":
    case "iceberg":
    case "pegged-best":
    case "sniper":
    case "trailing-stop":
      return { unsupported: hint.kind };
    default: {
      const unknown: never = hint;
      throw new TypeError(`Unknown execution hint ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * The reduce-only legs protecting a position of `position` (signed, not zero) with `bracket`,
 * as one OCO group named after the entry; each is named once it passed its checks.
 */
export function bracketLegs(
  instrument: Instrument,
  symbol: SymbolId,
  position: Decimal,
  bracket: Bracket,
  entryId: string,
): PendingRequest[] {
  const side: Side = position.isNeg() ? "buy" : "sell";
  const quantity = position.abs();
  const groupId = `oco:${entryId}`;
  const legs: PendingRequest[] = [];
  if (bracket.stopLoss !== undefined) {
    legs.push({
      clientOrderId: UNASSIGNED,
      symbol,
      side,
      type: "stop-market",
      quantity,
      triggerPrice: tickPrice(instrument, bracket.stopLoss, side === "sell" ? "floor" : "ceil"),
      timeInForce: "gtc",
      reduceOnly: true,
      groupId,
    });
  }
  if (bracket.takeProfit !== undefined) {
    legs.push({
      clientOrderId: UNASSIGNED,
      symbol,
      side,
      type: "limit",
      quantity,
      price: tickPrice(instrument, bracket.takeProfit, side === "sell" ? "ceil" : "floor"),
      timeInForce: "gtc",
      reduceOnly: true,
      groupId,
    });
  }
  return legs;
}
