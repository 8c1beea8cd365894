/**
 * Bybit v5 private routes: orders (create, amend, cancel, cancel-all, realtime, history),
 * executions, positions and leverage, wallet, account info, fee rates and the API key.
 *
 * @module
 */

import { money } from "../_format.ts";
import type { CoreResult } from "../exchange_types.ts";
import type { SimInstrument } from "../instruments.ts";
import { isOpen, type SimOrder, type SimTimeInForce } from "../order.ts";
import { staleListed } from "../stale_listing.ts";
import { bybitCode } from "./errors.ts";
import {
  type BybitAnswer,
  type BybitCall,
  BybitParamError,
  type BybitRoute,
  failure,
  optionalBoolean,
  optionalDecimal,
  optionalInteger,
  optionalString,
  page,
  requiredString,
  requireLinear,
  success,
  timeWindow,
} from "./rest_types.ts";
import { execution, fundingExecution, position, restOrder, wallet } from "./shapes.ts";

const CLIENT_ID = /^[A-Za-z0-9_-]{1,36}$/;

function spec(call: BybitCall, code: string): SimInstrument {
  const found = call.context.core.instrument(code);
  if (found === undefined) throw new BybitParamError(`params error: symbol ${code} invalid`);
  return found;
}

function refOf(call: BybitCall): { orderId?: string; clientId?: string } {
  const orderId = optionalString(call.params, "orderId");
  const clientId = optionalString(call.params, "orderLinkId");
  if (orderId === undefined && clientId === undefined) {
    throw new BybitParamError("params error: orderId or orderLinkId is required");
  }
  return { orderId, clientId };
}

function ids(result: CoreResult<SimOrder>): BybitAnswer {
  if (!result.ok) return failure(bybitCode(result.reason), result.message);
  return success({ orderId: result.value.orderId, orderLinkId: result.value.clientId ?? "" });
}

function tifOf(text: string | undefined, market: boolean): SimTimeInForce {
  switch (text ?? (market ? "IOC" : "GTC")) {
    case "GTC":
      return "gtc";
    case "IOC":
      return "ioc";
    case "FOK":
      return "fok";
    case "PostOnly":
      return "post-only";
    default:
      throw new BybitParamError(
        `params error: timeInForce ${text} invalid (GTC, IOC, FOK or PostOnly)`,
      );
  }
}

function create(call: BybitCall): BybitAnswer {
  requireLinear(call.params);
  const code = requiredString(call.params, "symbol");
  spec(call, code);
  const sideText = requiredString(call.params, "side");
  if (sideText !== "Buy" && sideText !== "Sell") {
    throw new BybitParamError(`params error: side ${sideText} invalid (Buy or Sell)`);
  }
  const typeText = requiredString(call.params, "orderType");
  if (typeText !== "Market" && typeText !== "Limit") {
    throw new BybitParamError(`params error: orderType ${typeText} invalid (Market or Limit)`);
  }
  const quantity = optionalDecimal(call.params, "qty");
  if (quantity === undefined) throw new BybitParamError("params error: qty is required");
  const clientId = optionalString(call.params, "orderLinkId");
  if (clientId !== undefined && !CLIENT_ID.test(clientId)) {
    throw new BybitParamError(
      `params error: orderLinkId ${clientId} invalid (1-36 of A-Z a-z 0-9 - _)`,
    );
  }
  const positionIdx = optionalInteger(call.params, "positionIdx", 0, 0, 2);
  if (positionIdx !== 0) {
    throw new BybitParamError(
      "position idx not match position mode (the simulator runs one-way mode)",
      10001,
    );
  }
  for (const name of ["takeProfit", "stopLoss"]) {
    const value = optionalDecimal(call.params, name);
    if (value !== undefined && !value.isZero()) {
      throw new BybitParamError(
        `params error: ${name} on the order is not supported by the simulator; place a separate conditional order`,
      );
    }
  }
  const triggerPrice = optionalDecimal(call.params, "triggerPrice");
  const direction = optionalInteger(call.params, "triggerDirection", 0, 0, 2);
  if (triggerPrice !== undefined && direction === 0) {
    throw new BybitParamError(
      "params error: triggerDirection (1 rise, 2 fall) is required with triggerPrice",
    );
  }
  const market = typeText === "Market";
  return ids(call.context.core.place({
    accountId: call.accountId,
    code,
    side: sideText === "Buy" ? "buy" : "sell",
    type: market ? "market" : "limit",
    tif: tifOf(optionalString(call.params, "timeInForce"), market),
    quantity,
    price: market ? undefined : optionalDecimal(call.params, "price"),
    clientId,
    reduceOnly: optionalBoolean(call.params, "reduceOnly") ||
      optionalBoolean(call.params, "closeOnTrigger"),
    triggerPrice,
    triggerDirection: triggerPrice === undefined ? undefined : direction === 1 ? "rise" : "fall",
  }));
}

function amend(call: BybitCall): BybitAnswer {
  requireLinear(call.params);
  spec(call, requiredString(call.params, "symbol"));
  const quantity = optionalDecimal(call.params, "qty");
  const price = optionalDecimal(call.params, "price");
  const triggerPrice = optionalDecimal(call.params, "triggerPrice");
  if (quantity === undefined && price === undefined && triggerPrice === undefined) {
    throw new BybitParamError("params error: nothing to amend (qty, price or triggerPrice)", 10001);
  }
  return ids(
    call.context.core.amend(call.accountId, refOf(call), { quantity, price, triggerPrice }),
  );
}

function cancel(call: BybitCall): BybitAnswer {
  requireLinear(call.params);
  spec(call, requiredString(call.params, "symbol"));
  return ids(call.context.core.cancel(call.accountId, refOf(call)));
}

function cancelAll(call: BybitCall): BybitAnswer {
  requireLinear(call.params);
  const code = optionalString(call.params, "symbol");
  const settle = optionalString(call.params, "settleCoin") ??
    optionalString(call.params, "baseCoin");
  if (code === undefined && settle === undefined) {
    throw new BybitParamError("params error: symbol, baseCoin or settleCoin is required");
  }
  if (code !== undefined) spec(call, code);
  const filter = optionalString(call.params, "orderFilter");
  const cancelled = call.context.core.cancelAll(call.accountId, code, {
    conditional: filter === "StopOrder" ? true : filter === "Order" ? false : undefined,
  });
  return success({
    list: cancelled.map((o) => ({ orderId: o.orderId, orderLinkId: o.clientId ?? "" })),
    success: "1",
  });
}

function orderList(call: BybitCall, history: boolean): BybitAnswer {
  requireLinear(call.params);
  const code = optionalString(call.params, "symbol");
  const settle = optionalString(call.params, "settleCoin") ??
    optionalString(call.params, "baseCoin");
  if (!history && code === undefined && settle === undefined) {
    throw new BybitParamError(
      "Missing some parameters that must be filled in, symbol or settleCoin or baseCoin",
    );
  }
  const core = call.context.core;
  const orderId = optionalString(call.params, "orderId");
  const clientId = optionalString(call.params, "orderLinkId");
  let orders: readonly SimOrder[];
  if (orderId !== undefined || clientId !== undefined) {
    const one = core.findOrder(call.accountId, { orderId, clientId });
    orders = one === undefined ? [] : [one];
  } else if (history) {
    const { from, to } = timeWindow(call.params, call.context.clock.now());
    orders = core.allOrders(call.accountId, code).filter((o) =>
      !isOpen(o) && o.updatedAt >= from && o.updatedAt <= to
    );
  } else {
    orders = [
      ...core.openOrders(call.accountId, code),
      ...staleListed(call.context, call.accountId, code, "GET /v5/order/realtime"),
    ];
  }
  const newestFirst = [...orders].reverse();
  const items = newestFirst.map((o) => restOrder(o, spec(call, o.code)));
  const { list, nextPageCursor } = page(items, call.params, 20, 50);
  return success({ list, nextPageCursor, category: "linear" });
}

function executions(call: BybitCall): BybitAnswer {
  requireLinear(call.params);
  const code = optionalString(call.params, "symbol");
  const orderId = optionalString(call.params, "orderId");
  const core = call.context.core;
  // A query by order is not limited to a time window (as on Bybit).
  const { from, to } = orderId === undefined
    ? timeWindow(call.params, call.context.clock.now())
    : { from: -Infinity, to: Infinity };
  const execType = optionalString(call.params, "execType");
  const inWindow = (ts: number): boolean => ts >= from && ts <= to;
  const fills = execType !== undefined && execType !== "Trade" && execType !== "BustTrade"
    ? []
    : core.ledger.fills({ accountId: call.accountId, code })
      .filter((f) => orderId === undefined || f.orderId === orderId)
      .filter((f) => inWindow(f.ts))
      .filter((f) => execType === undefined || (execType === "BustTrade") === f.liquidation);
  // Funding executions belong to no order.
  const fundings = orderId !== undefined || (execType !== undefined && execType !== "Funding")
    ? []
    : core.ledger.fundings({ accountId: call.accountId, code }).filter((f) => inWindow(f.ts));
  const rows = [
    ...fills.map((f) => {
      const order = core.findOrder(call.accountId, { orderId: f.orderId });
      if (order === undefined) throw new TypeError(`fill ${f.execId} has no order`);
      return { seq: f.seq, item: execution(f, order, spec(call, f.code), core.markPrice(f.code)) };
    }),
    ...fundings.map((f) => ({ seq: f.seq, item: fundingExecution(f, spec(call, f.code)) })),
  ];
  // Newest first, as Bybit lists them.
  const items = rows.sort((a, b) => b.seq - a.seq).map((row) => row.item);
  const { list, nextPageCursor } = page(items, call.params, 50, 100);
  return success({ list, nextPageCursor, category: "linear" });
}

function positions(call: BybitCall): BybitAnswer {
  requireLinear(call.params);
  const code = optionalString(call.params, "symbol");
  const settle = optionalString(call.params, "settleCoin") ??
    optionalString(call.params, "baseCoin");
  if (code === undefined && settle === undefined) {
    throw new BybitParamError(
      "Missing some parameters that must be filled in, symbol or settleCoin",
    );
  }
  const core = call.context.core;
  const now = call.context.clock.now();
  const specs = code === undefined ? core.instruments() : [spec(call, code)];
  const account = core.account(call.accountId);
  // A settleCoin query lists only symbols with a position, as Bybit does; a symbol query always answers.
  const chosen = code === undefined
    ? specs.filter((s) => !account.position(s.code, now).size.isZero())
    : specs;
  const items = chosen.map((s) => position(core, call.accountId, s, now, false));
  const { list, nextPageCursor } = page(items, call.params, 20, 200);
  return success({ list, nextPageCursor, category: "linear" });
}

function setLeverage(call: BybitCall): BybitAnswer {
  requireLinear(call.params);
  const code = requiredString(call.params, "symbol");
  spec(call, code);
  const buy = optionalDecimal(call.params, "buyLeverage");
  const sell = optionalDecimal(call.params, "sellLeverage");
  if (buy === undefined || sell === undefined) {
    throw new BybitParamError("params error: buyLeverage and sellLeverage are required");
  }
  if (!buy.eq(sell)) {
    throw new BybitParamError("buy leverage must equal sell leverage in one-way mode", 10001);
  }
  const current = call.context.core.account(call.accountId).position(
    code,
    call.context.clock.now(),
  );
  if (current.leverage.eq(buy)) return failure(110043, "Set leverage not modified");
  const result = call.context.core.setLeverage(call.accountId, code, buy);
  if (!result.ok) return failure(bybitCode(result.reason), result.message);
  return success({});
}

function walletBalance(call: BybitCall): BybitAnswer {
  const type = requiredString(call.params, "accountType");
  if (type !== "UNIFIED") {
    throw new BybitParamError(
      `accountType ${type} is not supported (the simulator has UNIFIED accounts)`,
    );
  }
  return success({ list: [wallet(call.context.core, call.accountId)] });
}

function accountInfo(call: BybitCall): BybitAnswer {
  return success({
    unifiedMarginStatus: 5,
    marginMode: "REGULAR_MARGIN",
    isMasterTrader: false,
    spotHedgingStatus: "OFF",
    updatedTime: String(call.context.startedAt),
    dcpStatus: "OFF",
    timeWindow: 10,
    smpGroup: 0,
  });
}

function feeRate(call: BybitCall): BybitAnswer {
  const category = requiredString(call.params, "category");
  const code = optionalString(call.params, "symbol");
  const specs = category !== "linear"
    ? []
    : call.context.core.instruments().filter((s) => code === undefined || s.code === code);
  return success({
    list: specs.map((s) => ({
      symbol: s.code,
      takerFeeRate: money(s.instrument.takerFee),
      makerFeeRate: money(s.instrument.makerFee),
    })),
  });
}

function queryApi(call: BybitCall): BybitAnswer {
  const account = call.context.core.account(call.accountId);
  const created = new Date(call.context.startedAt).toISOString().replace(/\.\d+Z$/, "Z");
  return success({
    id: String(100000 + account.id),
    note: "tesser simulator",
    apiKey: account.apiKey,
    readOnly: 0,
    secret: "",
    permissions: {
      ContractTrade: ["Order", "Position"],
      Spot: [],
      Wallet: ["AccountTransfer"],
      Options: [],
      Derivatives: [],
      CopyTrading: [],
      BlockTrade: [],
      Exchange: [],
      NFT: [],
      Affiliate: [],
      Earn: [],
    },
    ips: ["*"],
    type: 1,
    deadlineDay: -1,
    expiredAt: "",
    createdAt: created,
    unified: 0,
    uta: 1,
    userID: 1000 + account.id,
    inviterID: 0,
    vipLevel: "No VIP",
    mktMakerLevel: "0",
    affiliateID: 0,
    rsaPublicKey: "",
    isMaster: true,
    parentUid: "0",
    kycLevel: "LEVEL_DEFAULT",
    kycRegion: "",
  });
}

function coinInfo(call: BybitCall): BybitAnswer {
  // ccxt asks for the coins at start-up; the simulator lists USDT and the base coins, with one
  // internal chain each (no deposits or withdrawals happen here).
  const wanted = optionalString(call.params, "coin");
  const coins = [
    ...new Set(["USDT", ...call.context.core.instruments().map((s) => s.instrument.base)]),
  ]
    .filter((coin) => wanted === undefined || coin === wanted);
  return success({
    rows: coins.map((coin) => ({
      name: coin,
      coin,
      remainAmount: "1000000",
      chains: [{
        chainType: coin,
        confirmation: "1",
        withdrawFee: "0",
        depositMin: "0",
        withdrawMin: "0",
        chain: coin,
        chainDeposit: "0",
        chainWithdraw: "0",
        minAccuracy: "8",
        withdrawPercentageFee: "0",
        contractAddress: "",
        safeConfirmNumber: "1",
      }],
    })),
  });
}

/** The private routes by path. */
export const TRADE_ROUTES: ReadonlyMap<string, BybitRoute> = new Map<string, BybitRoute>([
  ["/v5/order/create", { method: "POST", auth: true, handle: create }],
  ["/v5/order/amend", { method: "POST", auth: true, handle: amend }],
  ["/v5/order/cancel", { method: "POST", auth: true, handle: cancel }],
  ["/v5/order/cancel-all", { method: "POST", auth: true, handle: cancelAll }],
  ["/v5/order/realtime", { method: "GET", auth: true, handle: (c) => orderList(c, false) }],
  ["/v5/order/history", { method: "GET", auth: true, handle: (c) => orderList(c, true) }],
  ["/v5/execution/list", { method: "GET", auth: true, handle: executions }],
  ["/v5/position/list", { method: "GET", auth: true, handle: positions }],
  ["/v5/position/set-leverage", { method: "POST", auth: true, handle: setLeverage }],
  ["/v5/account/wallet-balance", { method: "GET", auth: true, handle: walletBalance }],
  ["/v5/account/info", { method: "GET", auth: true, handle: accountInfo }],
  ["/v5/account/fee-rate", { method: "GET", auth: true, handle: feeRate }],
  ["/v5/user/query-api", { method: "GET", auth: true, handle: queryApi }],
  ["/v5/asset/coin/query-info", { method: "GET", auth: true, handle: coinInfo }],
]);
