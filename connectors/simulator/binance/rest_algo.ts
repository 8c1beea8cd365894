/**
 * Binance USDⓈ-M conditional orders on the algo endpoints (where STOP, STOP_MARKET,
 * TAKE_PROFIT and TAKE_PROFIT_MARKET moved in 2025): POST/GET/DELETE /fapi/v1/algoOrder and
 * GET /fapi/v1/openAlgoOrders. Their life cycle is pushed as ALGO_UPDATE. Trailing stops are
 * refused with a clear message (not simulated).
 *
 * @module
 */

import type { TriggerDirection } from "../order.ts";
import { binanceError } from "./errors.ts";
import { checkPositionSide, clientIdParam, refOf, sideOf, tifOf } from "./rest_trade.ts";
import {
  type BinanceCall,
  BinanceError,
  type BinanceRoute,
  ok,
  optional,
  optionalBoolean,
  required,
  requiredDecimal,
  symbolInstrument,
} from "./rest_types.ts";
import { algoOrder } from "./shapes.ts";

function place(call: BinanceCall): ReturnType<BinanceRoute["handle"]> {
  const algoType = required(call.params, "algoType");
  if (algoType !== "CONDITIONAL") {
    throw new BinanceError(-1130, "Data sent for parameter 'algoType' is not valid.");
  }
  const spec = symbolInstrument(call);
  const side = sideOf(call);
  const type = required(call.params, "type");
  checkPositionSide(call);
  if (type === "TRAILING_STOP_MARKET") {
    throw new BinanceError(
      -4120,
      "TRAILING_STOP_MARKET is not simulated; use STOP_MARKET or TAKE_PROFIT_MARKET.",
    );
  }
  if (
    type !== "STOP" && type !== "STOP_MARKET" && type !== "TAKE_PROFIT" &&
    type !== "TAKE_PROFIT_MARKET"
  ) {
    throw new BinanceError(-1116, "Invalid orderType.");
  }
  const stop = type === "STOP" || type === "STOP_MARKET";
  // A buy stop waits for the price to rise to the trigger, a buy take-profit for it to fall.
  const direction: TriggerDirection = (side === "buy") === stop ? "rise" : "fall";
  const market = type.endsWith("_MARKET");
  const result = call.context.core.place({
    accountId: call.accountId,
    code: spec.code,
    side,
    type: market ? "market" : "limit",
    tif: market ? "ioc" : tifOf(optional(call.params, "timeInForce")),
    quantity: requiredDecimal(call.params, "quantity"),
    price: market ? undefined : requiredDecimal(call.params, "price"),
    clientId: clientIdParam(call, "clientAlgoId"),
    reduceOnly: optionalBoolean(call.params, "reduceOnly"),
    triggerPrice: requiredDecimal(call.params, "triggerPrice"),
    triggerDirection: direction,
  });
  if (!result.ok) throw binanceError(result, "place");
  return ok(algoOrder(result.value, spec));
}

function find(call: BinanceCall): ReturnType<BinanceRoute["handle"]> {
  const order = call.context.core.findOrder(call.accountId, refOf(call, "algoId", "clientAlgoId"));
  const spec = order === undefined ? undefined : call.context.core.instrument(order.code);
  if (order === undefined || spec === undefined || !order.conditional) {
    throw new BinanceError(-2013, "Order does not exist.");
  }
  return ok(algoOrder(order, spec));
}

function cancel(call: BinanceCall): ReturnType<BinanceRoute["handle"]> {
  const ref = refOf(call, "algoId", "clientAlgoId");
  const order = call.context.core.findOrder(call.accountId, ref);
  if (order === undefined || !order.conditional) {
    throw new BinanceError(-2011, "Unknown order sent.");
  }
  const result = call.context.core.cancel(call.accountId, ref);
  if (!result.ok) throw binanceError(result, "cancel");
  return ok({
    algoId: Number(order.orderId),
    clientAlgoId: order.clientId ?? `sim_${order.orderId}`,
    code: "200",
    msg: "success",
  });
}

/** The algo routes by `METHOD path`. */
export const ALGO_ROUTES: ReadonlyMap<string, BinanceRoute> = new Map<string, BinanceRoute>([
  ["POST /fapi/v1/algoOrder", { security: "SIGNED", weight: 1, order: true, handle: place }],
  ["GET /fapi/v1/algoOrder", { security: "SIGNED", weight: 1, handle: find }],
  ["DELETE /fapi/v1/algoOrder", { security: "SIGNED", weight: 1, handle: cancel }],
  ["GET /fapi/v1/openAlgoOrders", {
    security: "SIGNED",
    weight: 1,
    handle: (call) => {
      const code = optional(call.params, "symbol");
      const core = call.context.core;
      return ok(
        core.openOrders(call.accountId, code).filter((o) =>
          o.conditional && o.status === "untriggered"
        ).map((o) => {
          const spec = core.instrument(o.code);
          if (spec === undefined) throw new TypeError(`order ${o.orderId} of an unlisted symbol`);
          return algoOrder(o, spec);
        }),
      );
    },
  }],
]);
