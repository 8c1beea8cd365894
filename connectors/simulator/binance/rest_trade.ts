/**
 * Binance USDⓈ-M order routes: new order (LIMIT and MARKET; conditional types go to the
 * algo endpoint since the 2025 change), query, cancel, modify (PUT: price and quantity
 * required, the queue place is lost), cancel all, open and all orders, user trades,
 * leverage and the auto-cancel countdown.
 *
 * @module
 */

import type { CoreResult, OrderRef } from "../exchange_types.ts";
import type { SimOrder, SimTimeInForce } from "../order.ts";
import { staleListed } from "../stale_listing.ts";
import { binanceError } from "./errors.ts";
import {
  type BinanceCall,
  BinanceError,
  type BinanceRoute,
  listedInstrument,
  ok,
  optional,
  optionalBoolean,
  optionalDecimal,
  optionalInteger,
  required,
  requiredDecimal,
  symbolInstrument,
} from "./rest_types.ts";
import { restOrder, userTrade } from "./shapes.ts";

const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const CONDITIONAL = new Set([
  "STOP",
  "STOP_MARKET",
  "TAKE_PROFIT",
  "TAKE_PROFIT_MARKET",
  "TRAILING_STOP_MARKET",
]);

/** The order a request names by orderId or origClientOrderId. */
export function refOf(
  call: BinanceCall,
  idName = "orderId",
  clientName = "origClientOrderId",
): OrderRef {
  const orderId = optional(call.params, idName);
  const clientId = optional(call.params, clientName);
  if (orderId === undefined && clientId === undefined) {
    throw new BinanceError(
      -1102,
      `Param '${idName}' or '${clientName}' must be sent, but both were empty/null!`,
    );
  }
  return { orderId, clientId };
}

/** The side parameter. */
export function sideOf(call: BinanceCall): "buy" | "sell" {
  const side = required(call.params, "side");
  if (side !== "BUY" && side !== "SELL") throw new BinanceError(-1117, "Invalid side.");
  return side === "BUY" ? "buy" : "sell";
}

/** The timeInForce parameter. */
export function tifOf(text: string | undefined): SimTimeInForce {
  switch (text ?? "GTC") {
    case "GTC":
      return "gtc";
    case "IOC":
      return "ioc";
    case "FOK":
      return "fok";
    case "GTX":
      return "post-only";
    default:
      throw new BinanceError(-1115, "Invalid timeInForce.");
  }
}

/** The client order id parameter, checked against Binance's pattern. */
export function clientIdParam(call: BinanceCall, name: string): string | undefined {
  const clientId = optional(call.params, name);
  if (clientId !== undefined && !CLIENT_ID.test(clientId)) {
    throw new BinanceError(
      -1100,
      `Illegal characters found in parameter '${name}'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.`,
    );
  }
  return clientId;
}

/** Refuses reduceOnly with a positionSide other than BOTH (the simulator runs one-way mode). */
export function checkPositionSide(call: BinanceCall): void {
  const positionSide = optional(call.params, "positionSide") ?? "BOTH";
  if (positionSide !== "BOTH") {
    throw new BinanceError(-4061, "Order's position side does not match user's setting.");
  }
}

function value(
  result: CoreResult<SimOrder>,
  action: "place" | "query" | "cancel" | "amend",
): SimOrder {
  if (!result.ok) throw binanceError(result, action);
  return result.value;
}

function newOrder(call: BinanceCall): ReturnType<BinanceRoute["handle"]> {
  const instrument = symbolInstrument(call);
  const side = sideOf(call);
  const type = required(call.params, "type");
  if (CONDITIONAL.has(type)) {
    throw new BinanceError(
      -4120,
      "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.",
    );
  }
  if (type !== "LIMIT" && type !== "MARKET") throw new BinanceError(-1116, "Invalid orderType.");
  checkPositionSide(call);
  const market = type === "MARKET";
  if (!market) required(call.params, "timeInForce");
  const order = value(
    call.context.core.place({
      accountId: call.accountId,
      code: instrument.code,
      side,
      type: market ? "market" : "limit",
      tif: market ? "ioc" : tifOf(optional(call.params, "timeInForce")),
      quantity: requiredDecimal(call.params, "quantity"),
      price: market ? undefined : requiredDecimal(call.params, "price"),
      clientId: clientIdParam(call, "newClientOrderId"),
      reduceOnly: optionalBoolean(call.params, "reduceOnly"),
    }),
    "place",
  );
  const respType = optional(call.params, "newOrderRespType") ?? "ACK";
  if (respType !== "ACK" && respType !== "RESULT") {
    throw new BinanceError(-1130, "Data sent for parameter 'newOrderRespType' is not valid.");
  }
  // ACK answers the order as it was accepted; RESULT answers its state after matching.
  const shown = respType === "ACK"
    ? call.context.core.ledger.history(order.orderId)[0] ?? order
    : order;
  return ok(restOrder(shown, instrument, "post"));
}

/**
 * Whether `order` is an algo order still waiting for its trigger: it is not in the matching
 * engine yet, so the order routes do not show it. Once triggered, its actual order (same id
 * and client id here) is a regular order.
 */
function waiting(order: SimOrder): boolean {
  return order.conditional && order.triggeredAt === undefined;
}

function queryOrder(call: BinanceCall): ReturnType<BinanceRoute["handle"]> {
  const instrument = symbolInstrument(call);
  const order = call.context.core.findOrder(call.accountId, refOf(call));
  if (order === undefined || order.code !== instrument.code || waiting(order)) {
    throw new BinanceError(-2013, "Order does not exist.");
  }
  return ok(restOrder(order, instrument));
}

function cancelOrder(call: BinanceCall): ReturnType<BinanceRoute["handle"]> {
  const instrument = symbolInstrument(call);
  const known = call.context.core.findOrder(call.accountId, refOf(call));
  // An algo order waiting for its trigger is cancelled on /fapi/v1/algoOrder only.
  if (known !== undefined && waiting(known)) throw new BinanceError(-2011, "Unknown order sent.");
  const order = value(call.context.core.cancel(call.accountId, refOf(call)), "cancel");
  return ok(restOrder(order, instrument, "delete"));
}

function modifyOrder(call: BinanceCall): ReturnType<BinanceRoute["handle"]> {
  const instrument = symbolInstrument(call);
  const side = sideOf(call);
  const quantity = requiredDecimal(call.params, "quantity");
  const price = requiredDecimal(call.params, "price");
  const ref = refOf(call);
  const order = call.context.core.findOrder(call.accountId, ref);
  if (order === undefined || order.code !== instrument.code) {
    throw new BinanceError(-2013, "Order does not exist.");
  }
  if (order.side !== side) {
    throw new BinanceError(
      -4084,
      "Method is not allowed currently. The side of the order cannot be modified.",
    );
  }
  if (order.type !== "limit" || order.conditional) {
    throw new BinanceError(-4114, "Only LIMIT orders can be modified.");
  }
  return ok(
    restOrder(
      value(call.context.core.amend(call.accountId, ref, { quantity, price }), "amend"),
      instrument,
      "post",
    ),
  );
}

function openOrders(call: BinanceCall, all: boolean): ReturnType<BinanceRoute["handle"]> {
  const code = all ? symbolInstrument(call).code : optional(call.params, "symbol");
  if (code !== undefined) listedInstrument(call, code);
  const core = call.context.core;
  const orders = (all ? core.allOrders(call.accountId, code) : [
    ...core.openOrders(call.accountId, code),
    ...staleListed(call.context, call.accountId, code, "GET /fapi/v1/openOrders"),
  ]).filter((o) => !waiting(o));
  const limit = optionalInteger(call.params, "limit", 500, 1, 1000);
  return ok(
    orders.slice(-limit).map((o) => {
      const instrument = core.instrument(o.code);
      if (instrument === undefined) throw new TypeError(`order ${o.orderId} of an unlisted symbol`);
      return restOrder(o, instrument);
    }),
  );
}

/** The order routes by `METHOD path`. */
const DAY_MS = 86_400_000;
/** The longest window userTrades answers (7 days) and how far back it reaches (6 months). */
const TRADES_WINDOW_MS = 7 * DAY_MS;
const TRADES_KEPT_MS = 183 * DAY_MS;

/**
 * GET /fapi/v1/userTrades as documented: `fromId` (not with a time) lists from that trade id;
 * otherwise a window of at most 7 days — `startTime` alone gives the 7 days from it, `endTime`
 * alone the 7 days before it, neither the last 7 days, a longer window is refused — and only
 * the past 6 months are kept; oldest first, at most `limit` (default 500, at most 1000).
 */
function userTrades(call: BinanceCall): ReturnType<BinanceRoute["handle"]> {
  const instrument = symbolInstrument(call);
  const orderId = optional(call.params, "orderId");
  const limit = optionalInteger(call.params, "limit", 500, 1, 1000);
  const fromId = optionalInteger(call.params, "fromId", -1, 0, Number.MAX_SAFE_INTEGER);
  const start = optionalInteger(call.params, "startTime", -1, 0, Number.MAX_SAFE_INTEGER);
  const end = optionalInteger(call.params, "endTime", -1, 0, Number.MAX_SAFE_INTEGER);
  if (fromId >= 0 && (start >= 0 || end >= 0)) {
    throw new BinanceError(-1128, "Combination of optional parameters invalid.");
  }
  if (start >= 0 && end >= 0 && end - start > TRADES_WINDOW_MS) {
    throw new BinanceError(-1127, "More than 7 days between startTime and endTime.");
  }
  const now = call.context.clock.now();
  const from = start >= 0 ? start : end >= 0 ? end - TRADES_WINDOW_MS : now - TRADES_WINDOW_MS;
  const to = end >= 0 ? end : start >= 0 ? start + TRADES_WINDOW_MS : now;
  const fills = call.context.core.ledger.fills({ accountId: call.accountId, code: instrument.code })
    .filter((f) => f.ts >= now - TRADES_KEPT_MS)
    .filter((f) => orderId === undefined || f.orderId === orderId)
    .filter((f) => fromId >= 0 ? f.seq >= fromId : f.ts >= from && f.ts <= to);
  return ok(fills.slice(0, limit).map((f) => userTrade(f, instrument)));
}

export const TRADE_ROUTES: ReadonlyMap<string, BinanceRoute> = new Map<string, BinanceRoute>([
  ["POST /fapi/v1/order", { security: "SIGNED", weight: 1, order: true, handle: newOrder }],
  ["GET /fapi/v1/order", { security: "SIGNED", weight: 1, handle: queryOrder }],
  ["DELETE /fapi/v1/order", { security: "SIGNED", weight: 1, handle: cancelOrder }],
  ["PUT /fapi/v1/order", { security: "SIGNED", weight: 1, order: true, handle: modifyOrder }],
  ["DELETE /fapi/v1/allOpenOrders", {
    security: "SIGNED",
    weight: 1,
    handle: (call) => {
      call.context.core.cancelAll(call.accountId, symbolInstrument(call).code, {
        conditional: false,
      });
      return ok({ code: 200, msg: "The operation of cancel all open order is done." });
    },
  }],
  ["GET /fapi/v1/openOrders", {
    security: "SIGNED",
    weight: (params) => params.has("symbol") ? 1 : 40,
    handle: (call) => openOrders(call, false),
  }],
  ["GET /fapi/v1/allOrders", {
    security: "SIGNED",
    weight: 5,
    handle: (call) => openOrders(call, true),
  }],
  ["GET /fapi/v1/userTrades", { security: "SIGNED", weight: 5, handle: userTrades }],
  ["POST /fapi/v1/leverage", {
    security: "SIGNED",
    weight: 1,
    handle: (call) => {
      const instrument = symbolInstrument(call);
      const leverage = optionalInteger(call.params, "leverage", -1, 1, 1000);
      if (leverage === -1) required(call.params, "leverage");
      const result = call.context.core.setLeverage(
        call.accountId,
        instrument.code,
        optionalDecimal(call.params, "leverage") ?? instrument.maxLeverage,
      );
      if (!result.ok) throw new BinanceError(-4028, `Leverage ${leverage} is not valid`);
      return ok({ leverage, maxNotionalValue: "1000000", symbol: instrument.code });
    },
  }],
  ["POST /fapi/v1/countdownCancelAll", {
    security: "SIGNED",
    weight: 10,
    handle: (call) => {
      const instrument = symbolInstrument(call);
      const ms = optionalInteger(call.params, "countdownTime", -1, 0, 86_400_000);
      if (ms === -1) required(call.params, "countdownTime");
      call.state.countdowns.set(call.accountId, instrument.code, ms);
      return ok({ symbol: instrument.code, countdownTime: String(ms) });
    },
  }],
]);
