/**
 * Bybit v5 (category linear) wire shapes of the simulator's records: REST list items and
 * the private-stream items, with the fields, types and nesting of the real messages
 * (`shared/reference/exchange-fixtures/bybit_*`).
 *
 * @module
 */

import { type Decimal, ZERO } from "../_lib.ts";
import { fixed, money } from "../_format.ts";
import type { SimExchange } from "../exchange.ts";
import type { SimInstrument } from "../instruments.ts";
import { positionLiquidationPrice } from "../liquidation.ts";
import type { SimFunding } from "../funding.ts";
import { leavesOf, type SimFill, type SimOrder } from "../order.ts";

/** A JSON object of the wire. */
export type Json = { readonly [key: string]: unknown };

function statusOf(order: SimOrder): string {
  switch (order.status) {
    case "untriggered":
      return "Untriggered";
    case "new":
      return "New";
    case "partially-filled":
      return "PartiallyFilled";
    case "filled":
      return "Filled";
    case "cancelled":
      return "Cancelled";
    case "rejected":
      return "Rejected";
    default: {
      const never: never = order.status;
      throw new TypeError(`Unknown order status ${String(never)}`);
    }
  }
}

function cancelTypeOf(order: SimOrder): string {
  switch (order.cancelReason) {
    case undefined:
    case "ioc":
    case "fok":
    case "post-only":
    case "market-unfilled":
      return "UNKNOWN";
    case "user":
    case "cancel-all":
      return "CancelByUser";
    case "countdown":
      return "CancelByDCP";
    case "reduce-only":
      return "CancelByReduceOnly";
    case "liquidation":
      return "CancelByPrepareLiq";
    default: {
      const never: never = order.cancelReason;
      throw new TypeError(`Unknown cancel reason ${String(never)}`);
    }
  }
}

function rejectReasonOf(order: SimOrder): string {
  switch (order.cancelReason) {
    case "post-only":
      return "EC_PostOnlyWillTakeLiquidity";
    case "fok":
    case "ioc":
    case "market-unfilled":
      return "EC_CancelForNoFullFill";
    default:
      return "EC_NoError";
  }
}

/** Bybit's name of the time in force. */
export function tifName(order: SimOrder): string {
  switch (order.tif) {
    case "gtc":
      return "GTC";
    case "ioc":
      return "IOC";
    case "fok":
      return "FOK";
    case "post-only":
      return "PostOnly";
    default: {
      const never: never = order.tif;
      throw new TypeError(`Unknown time in force ${String(never)}`);
    }
  }
}

function avgPrice(order: SimOrder, spec: SimInstrument): string {
  return order.filled.isZero()
    ? "0"
    : money(order.filledValue.div(order.filled), spec.priceScale + 4);
}

function side(value: "buy" | "sell"): string {
  return value === "buy" ? "Buy" : "Sell";
}

/** An order as GET /v5/order/realtime and /v5/order/history list it. */
export function restOrder(order: SimOrder, spec: SimInstrument): Json {
  const p = spec.priceScale;
  const q = spec.quantityScale;
  const leaves = leavesOf(order);
  const price = order.price ?? ZERO;
  return {
    orderId: order.orderId,
    orderLinkId: order.clientId ?? "",
    blockTradeId: "",
    symbol: order.code,
    price: fixed(price, p),
    qty: fixed(order.quantity, q),
    side: side(order.side),
    isLeverage: "",
    positionIdx: 0,
    orderStatus: statusOf(order),
    cancelType: cancelTypeOf(order),
    rejectReason: rejectReasonOf(order),
    avgPrice: avgPrice(order, spec),
    leavesQty: fixed(leaves, q),
    leavesValue: money(leaves.times(price)),
    cumExecQty: fixed(order.filled, q),
    cumExecValue: money(order.filledValue),
    cumExecFee: money(order.fees),
    timeInForce: tifName(order),
    orderType: order.type === "market" ? "Market" : "Limit",
    stopOrderType: order.conditional ? "Stop" : "UNKNOWN",
    orderIv: "",
    triggerPrice: fixed(order.triggerPrice ?? ZERO, p),
    takeProfit: fixed(ZERO, p),
    stopLoss: fixed(ZERO, p),
    tpTriggerBy: "UNKNOWN",
    slTriggerBy: "UNKNOWN",
    triggerDirection: order.triggerDirection === undefined
      ? 0
      : order.triggerDirection === "rise"
      ? 1
      : 2,
    triggerBy: order.conditional ? "LastPrice" : "UNKNOWN",
    lastPriceOnCreated: String(order.lastPriceOnCreated),
    reduceOnly: order.reduceOnly,
    closeOnTrigger: false,
    smpType: "None",
    smpGroup: 0,
    smpOrderId: "",
    tpslMode: "",
    tpLimitPrice: "",
    slLimitPrice: "",
    placeType: "",
    createdTime: String(order.createdAt),
    updatedTime: String(order.updatedAt),
    cumFeeDetail: order.fees.isZero() ? {} : { [spec.instrument.settle]: money(order.fees) },
  };
}

/** An order as the private `order` stream pushes it. */
export function wsOrder(order: SimOrder, spec: SimInstrument, closedPnl: Decimal): Json {
  // The stream's items have no isLeverage (a spot-margin field of the REST list).
  const { isLeverage: _spot, ...rest } = restOrder(order, spec);
  return {
    ...rest,
    category: "linear",
    closedPnl: money(closedPnl),
    feeCurrency: "",
    stopOrderType: order.conditional ? "Stop" : "",
    rpiTakerAccess: false,
    rpiMatchedQty: "0",
  };
}

/** A fill as the private `execution` stream and GET /v5/execution/list give it. */
export function execution(
  fill: SimFill,
  order: SimOrder,
  spec: SimInstrument,
  mark: Decimal,
): Json {
  const p = spec.priceScale;
  const q = spec.quantityScale;
  return {
    category: "linear",
    symbol: fill.code,
    closedSize: fixed(fill.closedSize, q),
    execFee: money(fill.fee),
    execId: fill.execId,
    execPrice: fixed(fill.price, p),
    execQty: fixed(fill.quantity, q),
    execType: fill.liquidation ? "BustTrade" : "Trade",
    execValue: money(fill.price.times(fill.quantity)),
    feeRate: money(fill.feeRate),
    tradeIv: "",
    markIv: "",
    blockTradeId: "",
    markPrice: money(mark, p + 2),
    indexPrice: "",
    underlyingPrice: "",
    leavesQty: fixed(fill.leaves, q),
    orderId: fill.orderId,
    orderLinkId: fill.clientId ?? "",
    orderPrice: fixed(order.price ?? fill.price, p),
    orderQty: fixed(order.quantity, q),
    orderType: order.type === "market" ? "Market" : "Limit",
    stopOrderType: order.conditional ? "Stop" : "UNKNOWN",
    side: side(fill.side),
    execTime: String(fill.ts),
    isLeverage: "0",
    isMaker: fill.maker,
    seq: fill.seq,
    marketUnit: "",
    execPnl: money(fill.realizedPnl),
    createType: "CreateByUser",
    extraFees: [],
    feeCurrency: spec.instrument.settle,
  };
}

/**
 * A funding payment as the private `execution` stream and GET /v5/execution/list give it
 * (`execType` Funding): `execFee` is the payment (positive = paid), `feeRate` the funding rate,
 * `execPrice` the mark price, `execQty`/`side` the position it was charged on; no order.
 */
export function fundingExecution(funding: SimFunding, spec: SimInstrument): Json {
  const p = spec.priceScale;
  const q = spec.quantityScale;
  const size = funding.size.abs();
  return {
    category: "linear",
    symbol: funding.code,
    closedSize: "0",
    execFee: money(funding.amount),
    execId: funding.id,
    execPrice: fixed(funding.markPrice, p),
    execQty: fixed(size, q),
    execType: "Funding",
    execValue: money(size.times(funding.markPrice)),
    feeRate: money(funding.rate, 10),
    tradeIv: "",
    markIv: "",
    blockTradeId: "",
    markPrice: money(funding.markPrice, p + 2),
    indexPrice: "",
    underlyingPrice: "",
    leavesQty: "0",
    orderId: "",
    orderLinkId: "",
    orderPrice: "0",
    orderQty: "0",
    orderType: "UNKNOWN",
    stopOrderType: "UNKNOWN",
    side: funding.size.isNeg() ? "Sell" : "Buy",
    execTime: String(funding.ts),
    isLeverage: "0",
    isMaker: false,
    seq: funding.seq,
    marketUnit: "",
    execPnl: "0",
    createType: "",
    extraFees: [],
    feeCurrency: spec.instrument.settle,
  };
}

/** A position as GET /v5/position/list and the `position` stream give it. */
export function position(
  core: SimExchange,
  accountId: number,
  spec: SimInstrument,
  now: number,
  stream: boolean,
): Json {
  const account = core.account(accountId);
  const pos = account.position(spec.code, now);
  const mark = core.markPrice(spec.code);
  const p = spec.priceScale;
  const size = pos.size.abs();
  const value = size.times(pos.entryPrice);
  const im = account.positionMargin(spec.code);
  const mm = value.times(spec.maintenanceRate);
  const sideName = pos.size.isZero() ? "" : pos.size.isNeg() ? "Sell" : "Buy";
  const liquidation = positionLiquidationPrice(pos, spec);
  const base: Record<string, unknown> = {
    positionIdx: 0,
    riskId: 1,
    riskLimitValue: "2000000",
    symbol: spec.code,
    side: sideName,
    size: fixed(size, spec.quantityScale),
    avgPrice: money(pos.entryPrice),
    positionValue: money(value),
    tradeMode: 0,
    positionStatus: "Normal",
    autoAddMargin: 0,
    adlRankIndicator: pos.size.isZero() ? 0 : 2,
    leverage: money(pos.leverage),
    breakEvenPrice: money(pos.entryPrice),
    positionBalance: money(im),
    markPrice: money(mark, p + 2),
    liqPrice: liquidation === undefined ? "" : fixed(liquidation, p),
    bustPrice: "",
    positionMM: money(mm),
    positionMMByMp: money(mm),
    positionIM: money(im),
    positionIMByMp: money(im),
    tpslMode: "Full",
    takeProfit: "0",
    stopLoss: "0",
    trailingStop: "0",
    unrealisedPnl: money(account.unrealized(spec.code, mark)),
    curRealisedPnl: money(pos.curRealized),
    cumRealisedPnl: money(pos.cumRealized),
    seq: pos.seq,
    isReduceOnly: false,
    mmrSysUpdateTime: "",
    leverageSysUpdatedTime: "",
    sessionAvgPrice: "",
    createdTime: String(pos.createdAt),
    updatedTime: String(pos.updatedAt),
  };
  if (!stream) return base;
  const { avgPrice: entry, mmrSysUpdateTime: _m, ...rest } = base;
  return { ...rest, entryPrice: entry, category: "linear", mmrSysUpdatedTime: "" };
}

/**
 * The UNIFIED account as GET /v5/account/wallet-balance and the `wallet` stream give it: one
 * `coin` entry per margin asset the account holds. The account-wide totals add the coins at par
 * (Bybit values them in USD; the simulator's margin assets are USD stablecoins).
 */
export function wallet(core: SimExchange, accountId: number): Json {
  const account = core.account(accountId);
  const coins = account.assets().map((asset) => coinFigures(core, accountId, asset));
  const sum = (pick: (c: CoinFigures) => Decimal): Decimal =>
    coins.reduce((total, c) => total.plus(pick(c)), ZERO);
  const equity = sum((c) => c.equity);
  const im = sum((c) => c.positionIM.plus(c.orderIM));
  const mm = sum((c) => c.mm);
  const rate = (x: Decimal): string => equity.isZero() ? "0" : money(x.div(equity), 4);
  return {
    totalEquity: money(equity),
    accountIMRate: rate(im),
    accountIMRateByMp: rate(im),
    totalMarginBalance: money(equity),
    totalInitialMargin: money(im),
    totalInitialMarginByMp: money(im),
    accountType: "UNIFIED",
    totalAvailableBalance: money(sum((c) => c.available)),
    accountMMRate: rate(mm),
    accountMMRateByMp: rate(mm),
    totalPerpUPL: money(sum((c) => c.upnl)),
    totalWalletBalance: money(sum((c) => c.wallet)),
    accountLTV: "0",
    totalMaintenanceMargin: money(mm),
    totalMaintenanceMarginByMp: money(mm),
    coin: coins.map((c) => ({
      availableToBorrow: "",
      bonus: "0",
      accruedInterest: "0",
      availableToWithdraw: money(c.available.gt(0) ? c.available : ZERO),
      totalOrderIM: money(c.orderIM),
      equity: money(c.equity),
      totalPositionMM: money(c.mm),
      usdValue: money(c.equity),
      spotHedgingQty: "0",
      unrealisedPnl: money(c.upnl),
      collateralSwitch: true,
      borrowAmount: "0",
      totalPositionIM: money(c.positionIM),
      walletBalance: money(c.wallet),
      cumRealisedPnl: money(account.cumRealizedOf(c.asset)),
      locked: "0",
      marginCollateral: true,
      coin: c.asset,
      spotBorrow: "0",
    })),
  };
}

/** The figures of one margin asset of an account. */
interface CoinFigures {
  readonly asset: string;
  readonly wallet: Decimal;
  readonly upnl: Decimal;
  readonly equity: Decimal;
  readonly positionIM: Decimal;
  readonly orderIM: Decimal;
  readonly mm: Decimal;
  readonly available: Decimal;
}

function coinFigures(core: SimExchange, accountId: number, asset: string): CoinFigures {
  const account = core.account(accountId);
  const upnl = core.unrealized(accountId, asset);
  let mm = ZERO;
  for (const code of account.positionCodes()) {
    const spec = core.instrument(code);
    const pos = account.position(code, 0);
    if (spec !== undefined && spec.instrument.settle === asset) {
      mm = mm.plus(pos.size.abs().times(pos.entryPrice).times(spec.maintenanceRate));
    }
  }
  return {
    asset,
    wallet: account.walletOf(asset),
    upnl,
    equity: account.walletOf(asset).plus(upnl),
    positionIM: core.positionMargin(accountId, asset),
    orderIM: core.orderMargin(accountId, asset),
    mm,
    available: core.available(accountId, asset),
  };
}

/** A listed contract as GET /v5/market/instruments-info gives it. */
export function instrument(spec: SimInstrument, launch: number): Json {
  const i = spec.instrument;
  const minPrice = i.tickSize;
  return {
    symbol: spec.code,
    symbolId: 0,
    contractType: "LinearPerpetual",
    status: "Trading",
    baseCoin: i.base,
    quoteCoin: i.quote,
    launchTime: String(launch),
    deliveryTime: "0",
    deliveryFeeRate: "",
    priceScale: String(spec.priceScale),
    leverageFilter: {
      minLeverage: "1",
      maxLeverage: fixed(spec.maxLeverage, 2),
      leverageStep: "0.01",
    },
    priceFilter: {
      minPrice: fixed(minPrice, spec.priceScale),
      maxPrice: fixed(minPrice.times(19_999_998), spec.priceScale),
      tickSize: fixed(i.tickSize, spec.priceScale),
    },
    lotSizeFilter: {
      maxOrderQty: fixed(spec.maxQuantity, spec.quantityScale),
      minOrderQty: fixed(i.minQuantity, spec.quantityScale),
      qtyStep: fixed(i.lotSize, spec.quantityScale),
      postOnlyMaxOrderQty: fixed(spec.maxQuantity, spec.quantityScale),
      maxMktOrderQty: fixed(spec.maxQuantity, spec.quantityScale),
      minNotionalValue: money(i.minNotional),
    },
    unifiedMarginTrade: true,
    fundingInterval: 480,
    settleCoin: i.settle,
    copyTrading: "both",
    upperFundingRate: "0.00375",
    lowerFundingRate: "-0.00375",
    isPreListing: false,
    preListingInfo: null,
    riskParameters: { priceLimitRatioX: "0.01", priceLimitRatioY: "0.02" },
    symbolType: "",
  };
}
