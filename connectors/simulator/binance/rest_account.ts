/**
 * Binance USDⓈ-M account routes: positionRisk (v2: every symbol; v3: only symbols with a
 * position or open orders), balance (v2/v3), account (v2/v3), leverage brackets, the income
 * history (the funding payments booked) and the user-data listenKey (POST/PUT/DELETE, API key
 * only).
 *
 * @module
 */

import { money } from "../_format.ts";
import {
  type BinanceCall,
  BinanceError,
  type BinanceRoute,
  listedInstrument,
  ok,
  optional,
  optionalInteger,
  symbolInstruments,
} from "./rest_types.ts";
import { balance, balances, fundingIncome, positionRiskV2, positionRiskV3 } from "./shapes.ts";

function positionRisk(call: BinanceCall, version: 2 | 3): ReturnType<BinanceRoute["handle"]> {
  const core = call.context.core;
  const now = call.context.clock.now();
  const account = core.account(call.accountId);
  if (version === 2) {
    return ok(symbolInstruments(call).map((s) => positionRiskV2(core, call.accountId, s, now)));
  }
  const active = symbolInstruments(call).filter((s) =>
    !account.position(s.code, now).size.isZero() ||
    core.openOrders(call.accountId, s.code).length > 0
  );
  return ok(active.map((s) => positionRiskV3(core, call.accountId, s, now)));
}

function accountInfo(call: BinanceCall, version: 2 | 3): ReturnType<BinanceRoute["handle"]> {
  const core = call.context.core;
  const id = call.accountId;
  const account = core.account(id);
  const now = call.context.clock.now();
  // One entry per margin asset, each margining its own contracts (single-asset mode). The
  // account totals are USDT's: the reference does not say how Binance sums other assets into
  // them in single-asset mode, so they are left as the USDT wallet's figures.
  const assets = account.assets().map((asset) => {
    const upnl = core.unrealized(id, asset);
    const positionIM = core.positionMargin(id, asset);
    const orderIM = core.orderMargin(id, asset);
    const wallet = account.walletOf(asset);
    const row = balance(core, id, asset, now);
    return {
      asset,
      walletBalance: money(wallet),
      unrealizedProfit: money(upnl),
      marginBalance: money(wallet.plus(upnl)),
      maintMargin: "0",
      initialMargin: money(positionIM.plus(orderIM)),
      positionInitialMargin: money(positionIM),
      openOrderInitialMargin: money(orderIM),
      crossWalletBalance: money(wallet),
      crossUnPnl: money(upnl),
      availableBalance: row.availableBalance,
      maxWithdrawAmount: row.maxWithdrawAmount,
      marginAvailable: true,
      updateTime: now,
    };
  });
  const usdt = assets[0];
  return ok({
    feeTier: 0,
    canTrade: true,
    canDeposit: true,
    canWithdraw: true,
    updateTime: 0,
    multiAssetsMargin: false,
    tradeGroupId: -1,
    totalInitialMargin: usdt.initialMargin,
    totalMaintMargin: "0",
    totalWalletBalance: usdt.walletBalance,
    totalUnrealizedProfit: usdt.unrealizedProfit,
    totalMarginBalance: usdt.marginBalance,
    totalPositionInitialMargin: usdt.positionInitialMargin,
    totalOpenOrderInitialMargin: usdt.openOrderInitialMargin,
    totalCrossWalletBalance: usdt.crossWalletBalance,
    totalCrossUnPnl: usdt.crossUnPnl,
    availableBalance: usdt.availableBalance,
    maxWithdrawAmount: usdt.maxWithdrawAmount,
    assets,
    // v3 lists only the symbols with a position.
    positions: core.instruments().filter((s) =>
      version === 2 || !account.position(s.code, now).size.isZero()
    ).map((s) => {
      const position = account.position(s.code, now);
      return {
        symbol: s.code,
        initialMargin: money(account.positionMargin(s.code)),
        maintMargin: "0",
        unrealizedProfit: money(account.unrealized(s.code, core.markPrice(s.code))),
        positionInitialMargin: money(account.positionMargin(s.code)),
        openOrderInitialMargin: money(core.orderMargin(id, s.instrument.settle, s.code)),
        leverage: money(position.leverage),
        isolated: false,
        entryPrice: money(position.entryPrice),
        breakEvenPrice: money(position.entryPrice),
        maxNotional: "1000000",
        positionSide: "BOTH",
        positionAmt: money(position.size),
        notional: money(position.size.times(core.markPrice(s.code))),
        isolatedWallet: "0",
        updateTime: position.updatedAt,
        bidNotional: "0",
        askNotional: "0",
      };
    }),
  });
}

function leverageBrackets(call: BinanceCall): ReturnType<BinanceRoute["handle"]> {
  // One bracket per symbol: the simulator has one maintenance rate and no notional tiers.
  const rows = symbolInstruments(call).map((s) => ({
    symbol: s.code,
    notionalCoef: 1,
    brackets: [{
      bracket: 1,
      initialLeverage: s.maxLeverage.toNumber(),
      notionalCap: 1_000_000_000,
      notionalFloor: 0,
      maintMarginRatio: s.maintenanceRate.toNumber(),
      cum: 0,
    }],
  }));
  return ok(optional(call.params, "symbol") === undefined ? rows : rows[0]);
}

const SEVEN_DAYS_MS = 7 * 86_400_000;
/** How far back the income history reaches (three months). */
const INCOME_KEPT_MS = 92 * 86_400_000;

/**
 * GET /fapi/v1/income: the account's income rows, oldest first, `limit` (default 100, at most
 * 1000) of them from `startTime`; without a time, the last 7 days; only the last three months
 * are kept. The simulator books funding only, so FUNDING_FEE is the one income type it lists
 * (others give no rows).
 */
function income(call: BinanceCall): ReturnType<BinanceRoute["handle"]> {
  const type = optional(call.params, "incomeType");
  const code = optional(call.params, "symbol");
  if (code !== undefined) listedInstrument(call, code);
  const limit = optionalInteger(call.params, "limit", 100, 1, 1000);
  const page = optionalInteger(call.params, "page", 1, 1, Number.MAX_SAFE_INTEGER);
  const start = optionalInteger(call.params, "startTime", -1, 0, Number.MAX_SAFE_INTEGER);
  const end = optionalInteger(call.params, "endTime", -1, 0, Number.MAX_SAFE_INTEGER);
  const now = call.context.clock.now();
  const from = start >= 0 ? start : end >= 0 ? end - SEVEN_DAYS_MS : now - SEVEN_DAYS_MS;
  const to = end >= 0 ? end : Number.MAX_SAFE_INTEGER;
  if (type !== undefined && type !== "FUNDING_FEE") return ok([]);
  const rows = call.context.core.ledger.fundings({ accountId: call.accountId, code })
    .filter((f) => f.ts >= Math.max(from, now - INCOME_KEPT_MS) && f.ts <= to);
  const core = call.context.core;
  return ok(rows.slice((page - 1) * limit, page * limit).map((f) => fundingIncome(core, f)));
}

/** The account routes by `METHOD path`. */
export const ACCOUNT_ROUTES: ReadonlyMap<string, BinanceRoute> = new Map<string, BinanceRoute>([
  ["GET /fapi/v2/positionRisk", {
    security: "SIGNED",
    weight: 5,
    handle: (c) => positionRisk(c, 2),
  }],
  ["GET /fapi/v3/positionRisk", {
    security: "SIGNED",
    weight: 5,
    handle: (c) => positionRisk(c, 3),
  }],
  ["GET /fapi/v2/balance", {
    security: "SIGNED",
    weight: 5,
    handle: (c) => ok(balances(c.context.core, c.accountId, c.context.clock.now())),
  }],
  ["GET /fapi/v3/balance", {
    security: "SIGNED",
    weight: 5,
    handle: (c) => ok(balances(c.context.core, c.accountId, c.context.clock.now())),
  }],
  ["GET /fapi/v2/account", { security: "SIGNED", weight: 5, handle: (c) => accountInfo(c, 2) }],
  ["GET /fapi/v3/account", { security: "SIGNED", weight: 5, handle: (c) => accountInfo(c, 3) }],
  ["GET /fapi/v1/leverageBracket", { security: "SIGNED", weight: 1, handle: leverageBrackets }],
  ["GET /fapi/v1/income", { security: "SIGNED", weight: 30, handle: income }],
  ["POST /fapi/v1/listenKey", {
    security: "KEY",
    weight: 1,
    handle: (c) => ok({ listenKey: c.state.listenKeys.create(c.accountId) }),
  }],
  ["PUT /fapi/v1/listenKey", {
    security: "KEY",
    weight: 1,
    handle: (c) => {
      const key = c.state.listenKeys.keepAlive(c.accountId, optional(c.params, "listenKey"));
      if (key === undefined) {
        throw new BinanceError(
          -1125,
          "This listenKey does not exist. Please use POST /fapi/v1/listenKey to recreate listenKey",
        );
      }
      return ok({ listenKey: key });
    },
  }],
  ["DELETE /fapi/v1/listenKey", {
    security: "KEY",
    weight: 1,
    handle: (c) => {
      c.state.listenKeys.close(c.accountId);
      return ok({});
    },
  }],
]);
