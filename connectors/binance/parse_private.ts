/**
 * Binance USDⓈ-M order, algo-order, trade, position and balance records → our `Order`,
 * `Fill`, `Position`, `Balance`: the REST shapes (`/fapi/v1/order`, `/fapi/v1/algoOrder`,
 * `/fapi/v1/userTrades`, `/fapi/v2/positionRisk`, `/fapi/v2/balance`) and the user-stream events
 * (`ORDER_TRADE_UPDATE`, `ALGO_UPDATE`, `ACCOUNT_UPDATE`).
 *
 * @module
 */

import {
  type Balance,
  DataError,
  type Decimal,
  type Fill,
  fromMillis,
  type FundingPayment,
  type Micros,
  type Order,
  type OrderStatus,
  type OrderType,
  type Position,
  type Side,
  type SymbolId,
  type TimeInForce,
  ZERO,
} from "../../lib/domain/mod.ts";
import { arr, bool, dec, num, obj, optStr, str, type Wire } from "./_wire.ts";
import { binanceSymbol } from "./symbols.ts";

/** Binance's order `status` → ours. */
export function orderStatus(status: string): OrderStatus {
  switch (status) {
    case "NEW":
    case "NEW_INSURANCE":
    case "NEW_ADL":
      return "accepted";
    case "PARTIALLY_FILLED":
      return "partially-filled";
    case "FILLED":
      return "filled";
    case "CANCELED":
      return "canceled";
    case "EXPIRED":
    case "EXPIRED_IN_MATCH":
      return "expired";
    case "REJECTED":
      return "rejected";
    default:
      throw new DataError(`Binance message: unknown order status ${JSON.stringify(status)}`);
  }
}

/** Binance's `algoStatus` → ours (a TRIGGERED algo order lives on as a regular order). */
export function algoStatus(status: string, filled: Decimal): OrderStatus {
  switch (status) {
    case "NEW":
    case "TRIGGERING":
    case "TRIGGERED":
      return "accepted";
    case "FINISHED":
      return filled.gt(0) ? "filled" : "expired";
    case "CANCELED":
      return "canceled";
    case "EXPIRED":
      return "expired";
    case "REJECTED":
      return "rejected";
    default:
      throw new DataError(`Binance message: unknown algoStatus ${JSON.stringify(status)}`);
  }
}

/**
 * Binance's `timeInForce` → ours (GTX is post-only; GTD is treated as GTC). GTE_GTC is what
 * Binance reports for closePosition and other protective conditional orders ("good till the
 * position ends"): it rests until triggered or cancelled, as GTC does.
 */
export function timeInForce(text: string): TimeInForce {
  switch (text) {
    case "GTC":
    case "GTD":
    case "GTE_GTC":
      return "gtc";
    case "IOC":
      return "ioc";
    case "FOK":
      return "fok";
    case "GTX":
      return "post-only";
    default:
      throw new DataError(`Binance message: unknown timeInForce ${JSON.stringify(text)}`);
  }
}

/**
 * Binance's order type → ours. Take-profit types are conditional orders triggered the other
 * way; ours has no separate type for them, so they read as the stop of the same execution.
 */
export function orderType(text: string): OrderType {
  switch (text) {
    case "LIMIT":
      return "limit";
    case "MARKET":
    case "LIQUIDATION":
      return "market";
    case "STOP":
    case "TAKE_PROFIT":
      return "stop-limit";
    case "STOP_MARKET":
    case "TAKE_PROFIT_MARKET":
    case "TRAILING_STOP_MARKET":
      return "stop-market";
    default:
      throw new DataError(`Binance message: unknown order type ${JSON.stringify(text)}`);
  }
}

/**
 * The settle currency of a USDⓈ-M contract from its code (`BTCUSDC`, `ETHUSDT_260327`): where a
 * fee goes when the message names none (Binance leaves the asset out when nothing is charged).
 */
function settleOf(code: string): string {
  return code.split("_")[0].endsWith("USDC") ? "USDC" : "USDT";
}

function sideOf(text: string, what: string): Side {
  if (text === "BUY") return "buy";
  if (text === "SELL") return "sell";
  throw new DataError(`Binance message: ${what} side is ${JSON.stringify(text)}`);
}

function positive(wire: Wire, key: string, what: string): Decimal | undefined {
  const value = dec(wire, key, what, ZERO);
  return value.gt(0) ? value : undefined;
}

interface OrderFields {
  readonly id: string;
  readonly clientOrderId: string;
  readonly symbol: SymbolId;
  readonly side: Side;
  readonly type: OrderType;
  readonly quantity: Decimal;
  readonly price: Decimal | undefined;
  readonly trigger: Decimal | undefined;
  readonly tif: TimeInForce;
  readonly reduceOnly: boolean;
  readonly status: OrderStatus;
  readonly filled: Decimal;
  readonly average: Decimal | undefined;
  readonly created: Micros;
  readonly updated: Micros;
}

function makeOrder(f: OrderFields): Order {
  const limit = f.type === "limit" || f.type === "stop-limit";
  const stop = f.type === "stop-limit" || f.type === "stop-market";
  return {
    id: f.id,
    request: {
      clientOrderId: f.clientOrderId,
      symbol: f.symbol,
      side: f.side,
      type: f.type,
      quantity: f.quantity,
      ...(limit && f.price !== undefined ? { price: f.price } : {}),
      ...(stop && f.trigger !== undefined ? { triggerPrice: f.trigger } : {}),
      timeInForce: f.tif,
      reduceOnly: f.reduceOnly,
    },
    status: f.status,
    filledQuantity: f.filled,
    averagePrice: f.filled.gt(0) ? f.average : undefined,
    createdTs: f.created,
    updatedTs: f.updated,
  };
}

/** A REST order object (`/fapi/v1/order`, `openOrders`, `allOrders`) → `Order`. */
export function parseRestOrder(raw: unknown): Order {
  const item = obj(raw, "order");
  const filled = dec(item, "executedQty", "order", ZERO);
  const created = item.time !== undefined
    ? num(item, "time", "order")
    : num(item, "updateTime", "order");
  return makeOrder({
    id: String(num(item, "orderId", "order")),
    clientOrderId: optStr(item, "clientOrderId"),
    symbol: binanceSymbol(str(item, "symbol", "order")),
    side: sideOf(str(item, "side", "order"), "order"),
    type: orderType(optStr(item, "origType") || str(item, "type", "order")),
    quantity: dec(item, "origQty", "order"),
    price: positive(item, "price", "order"),
    trigger: positive(item, "stopPrice", "order"),
    tif: timeInForce(str(item, "timeInForce", "order")),
    reduceOnly: bool(item, "reduceOnly", false),
    status: orderStatus(str(item, "status", "order")),
    filled,
    average: positive(item, "avgPrice", "order"),
    created: fromMillis(created),
    updated: fromMillis(num(item, "updateTime", "order")),
  });
}

/** A REST algo order (`/fapi/v1/algoOrder`, `openAlgoOrders`) → `Order` keyed by `clientAlgoId`. */
export function parseAlgoOrder(raw: unknown): Order {
  const item = obj(raw, "algoOrder");
  const filled = dec(item, "executedQty", "algoOrder", ZERO);
  return makeOrder({
    id: String(num(item, "algoId", "algoOrder")),
    clientOrderId: optStr(item, "clientAlgoId"),
    symbol: binanceSymbol(str(item, "symbol", "algoOrder")),
    side: sideOf(str(item, "side", "algoOrder"), "algoOrder"),
    type: orderType(str(item, "orderType", "algoOrder")),
    quantity: dec(item, "quantity", "algoOrder"),
    price: positive(item, "price", "algoOrder"),
    trigger: positive(item, "triggerPrice", "algoOrder"),
    tif: timeInForce(optStr(item, "timeInForce", "GTC")),
    reduceOnly: bool(item, "reduceOnly", false),
    status: algoStatus(str(item, "algoStatus", "algoOrder"), filled),
    filled,
    average: undefined,
    created: fromMillis(num(item, "createTime", "algoOrder")),
    updated: fromMillis(num(item, "updateTime", "algoOrder")),
  });
}

/** A fill with what Binance adds to it. */
export interface BinanceFill {
  /** The fill. */
  readonly fill: Fill;
  /** Realized PnL of the trade (settle currency, before fees). */
  readonly realizedPnl: Decimal;
  /** Trade time (µs). */
  readonly ts: Micros;
}

/** One `userTrades` row → a fill. */
export function parseUserTrade(raw: unknown, clientOrderId: string): BinanceFill {
  const item = obj(raw, "userTrade");
  return {
    ts: fromMillis(num(item, "time", "userTrade")),
    realizedPnl: dec(item, "realizedPnl", "userTrade", ZERO),
    fill: {
      orderId: String(num(item, "orderId", "userTrade")),
      clientOrderId,
      symbol: binanceSymbol(str(item, "symbol", "userTrade")),
      side: sideOf(str(item, "side", "userTrade"), "userTrade"),
      price: dec(item, "price", "userTrade"),
      quantity: dec(item, "qty", "userTrade"),
      fee: dec(item, "commission", "userTrade", ZERO),
      feeCurrency: optStr(item, "commissionAsset") || settleOf(str(item, "symbol", "userTrade")),
      liquidity: bool(item, "maker", false) ? "maker" : "taker",
      tradeId: String(num(item, "id", "userTrade")),
    },
  };
}

/** What an `ORDER_TRADE_UPDATE` says. */
export interface OrderTradeUpdate {
  /** The order in its new state. */
  readonly order: Order;
  /** The execution type `x` (NEW, TRADE, CANCELED, EXPIRED, AMENDMENT, CALCULATED). */
  readonly execution: string;
  /** The fill when `x` is TRADE (or CALCULATED: a liquidation fill). */
  readonly fill?: BinanceFill;
}

/** `ORDER_TRADE_UPDATE` → the order and, for a trade, the fill with fee, liquidity and PnL. */
export function parseOrderTradeUpdate(wire: Wire): OrderTradeUpdate {
  const o = obj(wire.o, "ORDER_TRADE_UPDATE.o");
  const what = "ORDER_TRADE_UPDATE.o";
  const updated = fromMillis(num(o, "T", what));
  const filled = dec(o, "z", what, ZERO);
  const symbol = binanceSymbol(str(o, "s", what));
  const side = sideOf(str(o, "S", what), what);
  const clientOrderId = str(o, "c", what);
  const order = makeOrder({
    id: String(num(o, "i", what)),
    clientOrderId,
    symbol,
    side,
    type: orderType(optStr(o, "ot") || str(o, "o", what)),
    quantity: dec(o, "q", what),
    price: positive(o, "p", what),
    trigger: positive(o, "sp", what),
    tif: timeInForce(str(o, "f", what)),
    reduceOnly: bool(o, "R", false),
    status: orderStatus(str(o, "X", what)),
    filled,
    average: positive(o, "ap", what),
    created: updated,
    updated,
  });
  const execution = str(o, "x", what);
  const lastQty = dec(o, "l", what, ZERO);
  if ((execution !== "TRADE" && execution !== "CALCULATED") || !lastQty.gt(0)) {
    return { order, execution };
  }
  return {
    order,
    execution,
    fill: {
      ts: updated,
      realizedPnl: dec(o, "rp", what, ZERO),
      fill: {
        orderId: order.id,
        clientOrderId,
        symbol,
        side,
        price: dec(o, "L", what),
        quantity: lastQty,
        // N/n are absent when no commission applies.
        fee: dec(o, "n", what, ZERO),
        feeCurrency: optStr(o, "N") || settleOf(str(o, "s", what)),
        liquidity: bool(o, "m", false) ? "maker" : "taker",
        tradeId: String(num(o, "t", what)),
      },
    },
  };
}

/** `ALGO_UPDATE` → the conditional order (keyed by its client algo id). */
export function parseAlgoUpdate(wire: Wire): Order {
  const o = obj(wire.o, "ALGO_UPDATE.o");
  const what = "ALGO_UPDATE.o";
  const filled = dec(o, "aq", what, ZERO);
  const at = fromMillis(num(wire, "E", "ALGO_UPDATE"));
  return makeOrder({
    id: String(num(o, "aid", what)),
    clientOrderId: str(o, "caid", what),
    symbol: binanceSymbol(str(o, "s", what)),
    side: sideOf(str(o, "S", what), what),
    type: orderType(str(o, "o", what)),
    quantity: dec(o, "q", what),
    price: positive(o, "p", what),
    trigger: positive(o, "tp", what),
    tif: timeInForce(optStr(o, "f", "GTC")),
    reduceOnly: bool(o, "R", false),
    status: algoStatus(str(o, "X", what), filled),
    filled,
    average: positive(o, "ap", what),
    created: at,
    updated: at,
  });
}

/** A funding payment booked on the wallet (`ACCOUNT_UPDATE` with reason FUNDING_FEE). */
export interface FundingFee {
  /** Asset. */
  readonly currency: string;
  /** Balance change (`bc`): negative = paid, positive = received. */
  readonly amount: Decimal;
  /** When it was booked (µs). */
  readonly ts: Micros;
}

/** A funding payment from the income history, with its booking time. */
export interface FundingIncome {
  /** The payment (positive = paid; Binance's `income` is the opposite sign). */
  readonly payment: FundingPayment;
  /** When it was booked (µs). */
  readonly ts: Micros;
}

/**
 * One `/fapi/v1/income` row of type FUNDING_FEE → the payment keyed by its `tranId`, on its
 * symbol (which the stream's ACCOUNT_UPDATE does not name for a cross position).
 */
export function parseFundingIncome(raw: unknown): FundingIncome {
  const item = obj(raw, "income");
  const type = str(item, "incomeType", "income");
  if (type !== "FUNDING_FEE") {
    throw new DataError(`Binance message: income row of type ${type} is not a funding fee`);
  }
  return {
    ts: fromMillis(num(item, "time", "income")),
    payment: {
      id: String(num(item, "tranId", "income")),
      symbol: binanceSymbol(str(item, "symbol", "income")),
      amount: dec(item, "income", "income").neg(),
      currency: str(item, "asset", "income"),
    },
  };
}

/** What an `ACCOUNT_UPDATE` says: only the changed balances and positions. */
export interface AccountUpdate {
  /** Why (ORDER, FUNDING_FEE, DEPOSIT, …). */
  readonly reason: string;
  /** Event time (µs). */
  readonly ts: Micros;
  /** Changed balances. */
  readonly balances: readonly Balance[];
  /** Changed positions (one-way mode; hedge-mode legs are left out). */
  readonly positions: readonly Position[];
  /** Funding payments, when the reason is FUNDING_FEE. */
  readonly funding: readonly FundingFee[];
}

/** `ACCOUNT_UPDATE` → balances, positions and funding. */
export function parseAccountUpdate(wire: Wire): AccountUpdate {
  const a = obj(wire.a, "ACCOUNT_UPDATE.a");
  const reason = str(a, "m", "ACCOUNT_UPDATE.a");
  const ts = fromMillis(num(wire, "E", "ACCOUNT_UPDATE"));
  const balances: Balance[] = [];
  const funding: FundingFee[] = [];
  for (const raw of a.B === undefined ? [] : arr(a.B, "ACCOUNT_UPDATE.a.B")) {
    const b = obj(raw, "ACCOUNT_UPDATE.a.B[]");
    const currency = str(b, "a", "ACCOUNT_UPDATE.a.B");
    const total = dec(b, "wb", "ACCOUNT_UPDATE.a.B");
    // The event has no available balance; the cross wallet balance is the closest it says.
    balances.push({ currency, total, available: dec(b, "cw", "ACCOUNT_UPDATE.a.B", total) });
    if (reason === "FUNDING_FEE") {
      funding.push({ currency, amount: dec(b, "bc", "ACCOUNT_UPDATE.a.B", ZERO), ts });
    }
  }
  const positions: Position[] = [];
  for (const raw of a.P === undefined ? [] : arr(a.P, "ACCOUNT_UPDATE.a.P")) {
    const p = obj(raw, "ACCOUNT_UPDATE.a.P[]");
    if (optStr(p, "ps", "BOTH") !== "BOTH") continue;
    const quantity = dec(p, "pa", "ACCOUNT_UPDATE.a.P");
    positions.push({
      symbol: binanceSymbol(str(p, "s", "ACCOUNT_UPDATE.a.P")),
      quantity,
      entryPrice: quantity.isZero() ? ZERO : dec(p, "ep", "ACCOUNT_UPDATE.a.P", ZERO),
      realizedPnl: dec(p, "cr", "ACCOUNT_UPDATE.a.P", ZERO),
    });
  }
  return { reason, ts, balances, positions, funding };
}

/** One `positionRisk` row → a signed position (one-way mode rows only; others undefined). */
export function parsePositionRisk(raw: unknown): Position | undefined {
  const item = obj(raw, "positionRisk");
  if (optStr(item, "positionSide", "BOTH") !== "BOTH") return undefined;
  const quantity = dec(item, "positionAmt", "positionRisk");
  return {
    symbol: binanceSymbol(str(item, "symbol", "positionRisk")),
    quantity,
    entryPrice: quantity.isZero() ? ZERO : dec(item, "entryPrice", "positionRisk", ZERO),
    // positionRisk has no realized PnL; the ledger's own count is the reference.
    realizedPnl: ZERO,
  };
}

/** One `/fapi/v2/balance` row → a balance. */
export function parseBalance(raw: unknown): Balance {
  const item = obj(raw, "balance");
  return {
    currency: str(item, "asset", "balance"),
    total: dec(item, "balance", "balance"),
    available: dec(item, "availableBalance", "balance"),
  };
}
