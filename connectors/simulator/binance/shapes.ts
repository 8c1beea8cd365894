/**
 * Binance USDⓈ-M wire shapes of the simulator's records: the REST order object, user trades,
 * positionRisk (v2 and v3), balance, and the user-data events ORDER_TRADE_UPDATE,
 * ACCOUNT_UPDATE and ALGO_UPDATE, with the fields, types and nesting of the real messages
 * (`shared/reference/exchange-fixtures/binance_*`).
 *
 * @module
 */

import { type Decimal, ZERO } from "../_lib.ts";
import { fixed, money } from "../_format.ts";
import type { SimExchange } from "../exchange.ts";
import type { SimInstrument } from "../instruments.ts";
import { positionLiquidationPrice } from "../liquidation.ts";
import type { SimFunding } from "../funding.ts";
import type { SimFill, SimOrder } from "../order.ts";

/** A JSON object of the wire. */
export type Json = { readonly [key: string]: unknown };

/** Binance's order status of `order`. */
export function statusOf(order: SimOrder): string {
  switch (order.status) {
    case "untriggered":
    case "new":
      return "NEW";
    case "partially-filled":
      return "PARTIALLY_FILLED";
    case "filled":
      return "FILLED";
    case "cancelled":
      // IOC, FOK and market remainders expire; only a request cancels.
      return order.cancelReason === "user" || order.cancelReason === "cancel-all" ||
          order.cancelReason === "countdown"
        ? "CANCELED"
        : "EXPIRED";
    case "rejected":
      return "REJECTED";
    default: {
      const never: never = order.status;
      throw new TypeError(`Unknown order status ${String(never)}`);
    }
  }
}

/** Binance's time-in-force name. */
export function tifName(order: SimOrder): string {
  switch (order.tif) {
    case "gtc":
      return "GTC";
    case "ioc":
      return "IOC";
    case "fok":
      return "FOK";
    case "post-only":
      return "GTX";
    default: {
      const never: never = order.tif;
      throw new TypeError(`Unknown time in force ${String(never)}`);
    }
  }
}

/** Binance's order type name (conditional orders by their trigger kind). */
export function typeName(order: SimOrder): string {
  if (!order.conditional) return order.type === "market" ? "MARKET" : "LIMIT";
  const stop = (order.side === "buy") === (order.triggerDirection === "rise");
  if (order.type === "market") return stop ? "STOP_MARKET" : "TAKE_PROFIT_MARKET";
  return stop ? "STOP" : "TAKE_PROFIT";
}

function side(order: { readonly side: "buy" | "sell" }): string {
  return order.side === "buy" ? "BUY" : "SELL";
}

/** The numeric order id Binance shows. */
export function orderIdNumber(order: SimOrder): number {
  return Number(order.orderId);
}

/** The client order id Binance shows (it makes one up when the client gave none). */
export function clientIdOf(order: SimOrder): string {
  return order.clientId ?? `sim_${order.orderId}`;
}

function avgPrice(order: SimOrder, spec: SimInstrument): string {
  return order.filled.isZero()
    ? fixed(ZERO, spec.priceScale)
    : fixed(order.filledValue.div(order.filled), spec.priceScale + 3);
}

/** Which answer an order object is for: each endpoint has its own field set. */
export type OrderVariant = "post" | "get" | "delete";

/**
 * The order object of POST/PUT (`post`), GET and openOrders (`get`) and DELETE (`delete`)
 * /fapi/v1/order: the documented answers differ (`cumQty` vs `time`, no `avgPrice` on
 * DELETE). `activatePrice`/`priceRate` exist only on trailing stops, which are not simulated.
 */
export function restOrder(
  order: SimOrder,
  spec: SimInstrument,
  variant: OrderVariant = "get",
): Json {
  const p = spec.priceScale;
  const q = spec.quantityScale;
  const out: Record<string, unknown> = {};
  if (variant !== "delete") out.avgPrice = avgPrice(order, spec);
  out.clientOrderId = clientIdOf(order);
  if (variant !== "get") out.cumQty = fixed(order.filled, q);
  if (variant !== "delete") out.cumQuote = money(order.filledValue);
  out.executedQty = fixed(order.filled, q);
  out.orderId = orderIdNumber(order);
  out.origQty = fixed(order.quantity, q);
  out.origType = typeName(order);
  out.price = order.price === undefined ? "0" : fixed(order.price, p);
  out.reduceOnly = order.reduceOnly;
  out.side = side(order);
  out.positionSide = "BOTH";
  out.status = statusOf(order);
  out.stopPrice = order.triggerPrice === undefined ? "0" : fixed(order.triggerPrice, p);
  out.closePosition = false;
  out.symbol = order.code;
  if (variant === "get") out.time = order.createdAt;
  out.timeInForce = tifName(order);
  out.type = typeName(order);
  out.updateTime = order.updatedAt;
  out.workingType = "CONTRACT_PRICE";
  out.priceProtect = false;
  out.priceMatch = "NONE";
  out.selfTradePreventionMode = "EXPIRE_MAKER";
  out.goodTillDate = 0;
  return out;
}

/** A fill as GET /fapi/v1/userTrades lists it. */
export function userTrade(fill: SimFill, spec: SimInstrument): Json {
  return {
    buyer: fill.side === "buy",
    commission: money(fill.fee),
    commissionAsset: spec.instrument.settle,
    id: fill.seq,
    maker: fill.maker,
    orderId: Number(fill.orderId),
    price: fixed(fill.price, spec.priceScale),
    qty: fixed(fill.quantity, spec.quantityScale),
    quoteQty: money(fill.price.times(fill.quantity)),
    realizedPnl: money(fill.realizedPnl),
    side: fill.side === "buy" ? "BUY" : "SELL",
    positionSide: "BOTH",
    symbol: fill.code,
    time: fill.ts,
  };
}

/** The execution type of an ORDER_TRADE_UPDATE for `order` (with `fill` when it filled). */
function execType(order: SimOrder, fill: SimFill | undefined, amended: boolean): string {
  if (fill !== undefined) return "TRADE";
  if (amended) return "AMENDMENT";
  const status = statusOf(order);
  return status === "NEW"
    ? "NEW"
    : status === "CANCELED"
    ? "CANCELED"
    : status === "EXPIRED"
    ? "EXPIRED"
    : "NEW";
}

/** The ORDER_TRADE_UPDATE event of an order change (or one of its fills). */
export function orderTradeUpdate(
  order: SimOrder,
  spec: SimInstrument,
  now: number,
  fill: SimFill | undefined,
  amended = false,
): Json {
  const p = spec.priceScale;
  const q = spec.quantityScale;
  const commission: Record<string, unknown> = fill === undefined
    ? {}
    : { N: spec.instrument.settle, n: money(fill.fee) };
  return {
    e: "ORDER_TRADE_UPDATE",
    E: now,
    T: now,
    o: {
      s: order.code,
      c: clientIdOf(order),
      S: side(order),
      o: typeName(order),
      f: tifName(order),
      q: fixed(order.quantity, q),
      p: order.price === undefined ? "0" : fixed(order.price, p),
      ap: avgPrice(order, spec),
      sp: order.triggerPrice === undefined ? "0" : fixed(order.triggerPrice, p),
      x: execType(order, fill, amended),
      X: statusOf(order),
      i: orderIdNumber(order),
      l: fill === undefined ? "0" : fixed(fill.quantity, q),
      z: fixed(order.filled, q),
      L: fill === undefined ? "0" : fixed(fill.price, p),
      ...commission,
      T: fill?.ts ?? order.updatedAt,
      t: fill?.seq ?? 0,
      b: "0",
      a: "0",
      m: fill?.maker ?? false,
      R: order.reduceOnly,
      wt: "CONTRACT_PRICE",
      ot: typeName(order),
      ps: "BOTH",
      cp: false,
      rp: fill === undefined ? "0" : money(fill.realizedPnl),
      pP: false,
      si: 0,
      ss: 0,
      V: "EXPIRE_MAKER",
      pm: "NONE",
      gtd: 0,
    },
  };
}

/** The TRADE_LITE event of a fill. */
export function tradeLite(fill: SimFill, order: SimOrder, spec: SimInstrument, now: number): Json {
  return {
    e: "TRADE_LITE",
    E: now,
    T: fill.ts,
    s: fill.code,
    q: fixed(order.quantity, spec.quantityScale),
    p: order.price === undefined ? "0" : fixed(order.price, spec.priceScale),
    m: fill.maker,
    c: clientIdOf(order),
    S: fill.side === "buy" ? "BUY" : "SELL",
    L: fixed(fill.price, spec.priceScale),
    l: fixed(fill.quantity, spec.quantityScale),
    t: fill.seq,
    i: Number(fill.orderId),
  };
}

/**
 * The ACCOUNT_UPDATE event after a fill changed one position and the balance of its margin
 * asset: only that asset is in `B` (Binance pushes only what changed).
 */
export function accountUpdate(
  core: SimExchange,
  accountId: number,
  code: string,
  now: number,
  reason: string,
): Json {
  const account = core.account(accountId);
  const position = account.position(code, now);
  const mark = core.markPrice(code);
  const asset = core.marginAsset(code);
  const wallet = money(account.walletOf(asset));
  return {
    e: "ACCOUNT_UPDATE",
    T: now,
    E: now,
    a: {
      B: [{ a: asset, wb: wallet, cw: wallet, bc: "0" }],
      P: [{
        s: code,
        pa: money(position.size),
        ep: money(position.entryPrice),
        cr: money(position.cumRealized),
        up: money(account.unrealized(code, mark)),
        mt: "cross",
        iw: "0",
        ps: "BOTH",
        ma: asset,
        bep: money(position.entryPrice),
      }],
      m: reason,
    },
  };
}

/**
 * The `ACCOUNT_UPDATE` of a funding payment on a cross position: reason FUNDING_FEE, only the
 * wallet with its change `bc` (negative = paid) and no position, as Binance sends it.
 */
export function fundingAccountUpdate(core: SimExchange, funding: SimFunding): Json {
  const account = core.account(funding.accountId);
  const asset = core.marginAsset(funding.code);
  return {
    e: "ACCOUNT_UPDATE",
    T: funding.ts,
    E: funding.ts,
    a: {
      B: [{
        a: asset,
        wb: money(account.walletOf(asset)),
        cw: money(account.walletOf(asset)),
        bc: money(funding.amount.neg()),
      }],
      P: [],
      m: "FUNDING_FEE",
    },
  };
}

/** A funding payment as GET /fapi/v1/income lists it (`income` negative = paid). */
export function fundingIncome(core: SimExchange, funding: SimFunding): Json {
  return {
    symbol: funding.code,
    incomeType: "FUNDING_FEE",
    income: money(funding.amount.neg()),
    asset: core.marginAsset(funding.code),
    info: "FUNDING_FEE",
    time: funding.ts,
    tranId: Number(funding.id),
    tradeId: "",
  };
}

function positionNumbers(core: SimExchange, accountId: number, spec: SimInstrument, now: number): {
  size: Decimal;
  entry: Decimal;
  mark: Decimal;
  upnl: Decimal;
  notional: Decimal;
  leverage: Decimal;
  liquidation: string;
} {
  const account = core.account(accountId);
  const position = account.position(spec.code, now);
  const mark = core.markPrice(spec.code);
  return {
    size: position.size,
    entry: position.entryPrice,
    mark,
    upnl: account.unrealized(spec.code, mark),
    notional: position.size.times(mark),
    leverage: position.leverage,
    liquidation: fixed(positionLiquidationPrice(position, spec) ?? ZERO, spec.priceScale),
  };
}

/** One row of GET /fapi/v2/positionRisk. */
export function positionRiskV2(
  core: SimExchange,
  accountId: number,
  spec: SimInstrument,
  now: number,
): Json {
  const n = positionNumbers(core, accountId, spec, now);
  return {
    entryPrice: money(n.entry),
    breakEvenPrice: money(n.entry),
    marginType: core.account(accountId).isolated.has(spec.code) ? "isolated" : "cross",
    isAutoAddMargin: "false",
    isolatedMargin: "0.00000000",
    leverage: money(n.leverage),
    liquidationPrice: n.liquidation,
    markPrice: money(n.mark),
    maxNotionalValue: "20000000",
    positionAmt: fixed(n.size, spec.quantityScale),
    notional: money(n.notional),
    isolatedWallet: "0",
    symbol: spec.code,
    unRealizedProfit: money(n.upnl),
    positionSide: "BOTH",
    updateTime: core.account(accountId).position(spec.code, now).updatedAt,
  };
}

/** One row of GET /fapi/v3/positionRisk. */
export function positionRiskV3(
  core: SimExchange,
  accountId: number,
  spec: SimInstrument,
  now: number,
): Json {
  const n = positionNumbers(core, accountId, spec, now);
  const im = core.account(accountId).positionMargin(spec.code);
  const orderIm = core.orderMargin(accountId, spec.instrument.settle, spec.code);
  return {
    symbol: spec.code,
    positionSide: "BOTH",
    positionAmt: fixed(n.size, spec.quantityScale),
    entryPrice: money(n.entry),
    breakEvenPrice: money(n.entry),
    markPrice: money(n.mark),
    unRealizedProfit: money(n.upnl),
    liquidationPrice: n.liquidation,
    isolatedMargin: "0",
    notional: money(n.notional),
    marginAsset: spec.instrument.settle,
    isolatedWallet: "0",
    initialMargin: money(im.plus(orderIm)),
    maintMargin: money(n.size.abs().times(n.entry).times(spec.maintenanceRate)),
    positionInitialMargin: money(im),
    openOrderInitialMargin: money(orderIm),
    adl: n.size.isZero() ? 0 : 2,
    bidNotional: "0",
    askNotional: "0",
    updateTime: core.account(accountId).position(spec.code, now).updatedAt,
  };
}

/** The row of margin asset `asset` in GET /fapi/v2/balance. */
export function balance(core: SimExchange, accountId: number, asset: string, now: number): Json {
  const account = core.account(accountId);
  const available = core.available(accountId, asset);
  return {
    accountAlias: `sim${accountId}`,
    asset,
    balance: money(account.walletOf(asset)),
    crossWalletBalance: money(account.walletOf(asset)),
    crossUnPnl: money(core.unrealized(accountId, asset)),
    availableBalance: money(available),
    maxWithdrawAmount: money(available.gt(0) ? available : ZERO),
    marginAvailable: true,
    updateTime: now,
  };
}

/** GET /fapi/v2/balance: a row per margin asset the account holds, USDT first. */
export function balances(core: SimExchange, accountId: number, now: number): Json[] {
  return core.account(accountId).assets().map((asset) => balance(core, accountId, asset, now));
}

/** Binance's algo status of a conditional order. */
export function algoStatusOf(order: SimOrder): string {
  switch (order.status) {
    case "untriggered":
      return "NEW";
    case "new":
    case "partially-filled":
      return "TRIGGERED";
    case "filled":
      return "FINISHED";
    case "cancelled":
      if (
        order.cancelReason === "user" || order.cancelReason === "cancel-all" ||
        order.cancelReason === "countdown"
      ) return "CANCELED";
      return order.filled.isZero() ? "EXPIRED" : "FINISHED";
    case "rejected":
      return "REJECTED";
    default: {
      const never: never = order.status;
      throw new TypeError(`Unknown order status ${String(never)}`);
    }
  }
}

/** A conditional order as POST/GET/DELETE /fapi/v1/algoOrder answer it. */
export function algoOrder(order: SimOrder, spec: SimInstrument): Json {
  const p = spec.priceScale;
  return {
    algoId: orderIdNumber(order),
    clientAlgoId: clientIdOf(order),
    algoType: "CONDITIONAL",
    orderType: typeName(order),
    symbol: order.code,
    side: side(order),
    positionSide: "BOTH",
    timeInForce: tifName(order),
    quantity: fixed(order.quantity, spec.quantityScale),
    algoStatus: algoStatusOf(order),
    triggerPrice: order.triggerPrice === undefined ? "0" : fixed(order.triggerPrice, p),
    price: order.price === undefined ? "0" : fixed(order.price, p),
    icebergQuantity: null,
    selfTradePreventionMode: "EXPIRE_MAKER",
    workingType: "CONTRACT_PRICE",
    priceMatch: "NONE",
    closePosition: false,
    priceProtect: false,
    reduceOnly: order.reduceOnly,
    activatePrice: "",
    callbackRate: "",
    createTime: order.createdAt,
    updateTime: order.updatedAt,
    triggerTime: order.status === "untriggered" ? 0 : order.updatedAt,
    goodTillDate: 0,
  };
}

/** The ALGO_UPDATE event of a conditional order change. */
export function algoUpdate(order: SimOrder, spec: SimInstrument, now: number): Json {
  const p = spec.priceScale;
  const q = spec.quantityScale;
  return {
    e: "ALGO_UPDATE",
    T: now,
    E: now,
    o: {
      caid: clientIdOf(order),
      aid: orderIdNumber(order),
      at: "CONDITIONAL",
      o: typeName(order),
      s: order.code,
      S: side(order),
      ps: "BOTH",
      f: tifName(order),
      q: fixed(order.quantity, q),
      X: algoStatusOf(order),
      ai: order.status === "untriggered" ? "" : order.orderId,
      ap: avgPrice(order, spec),
      aq: fixed(order.filled, q),
      act: order.type === "market" ? "MARKET" : "LIMIT",
      tp: order.triggerPrice === undefined ? "0" : fixed(order.triggerPrice, p),
      p: order.price === undefined ? "0" : fixed(order.price, p),
      V: "EXPIRE_MAKER",
      wt: "CONTRACT_PRICE",
      pm: "NONE",
      cp: false,
      pP: false,
      R: order.reduceOnly,
      tt: order.status === "untriggered" ? 0 : order.updatedAt,
      gtd: 0,
      rm: "",
    },
  };
}
