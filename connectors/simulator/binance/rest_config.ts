/**
 * Binance USDⓈ-M account configuration routes: the position mode
 * (`/fapi/v1/positionSide/dual`, GET and POST), the margin type of a symbol
 * (`POST /fapi/v1/marginType`, shown as `marginType` in positionRisk) and the account's
 * commission rates (`GET /fapi/v1/commissionRate`: the instrument's maker/taker fees). What a
 * client reads before trading to check the account is set up as it assumes.
 *
 * @module
 */

import {
  type BinanceCall,
  BinanceError,
  type BinanceRoute,
  ok,
  required,
  symbolInstrument,
} from "./rest_types.ts";

/** Whether the account holds a position or an open order anywhere (changes are refused then). */
function busy(call: BinanceCall): boolean {
  const core = call.context.core;
  const account = core.account(call.accountId);
  return core.openOrders(call.accountId).length > 0 ||
    account.positionCodes().some((code) => !account.position(code, 0).size.isZero());
}

function setPositionMode(call: BinanceCall): ReturnType<BinanceRoute["handle"]> {
  const text = required(call.params, "dualSidePosition");
  if (text !== "true" && text !== "false") {
    throw new BinanceError(-1102, "Param 'dualSidePosition' is not valid (true or false).");
  }
  const account = call.context.core.account(call.accountId);
  const hedge = text === "true";
  if (account.hedgeMode === hedge) {
    throw new BinanceError(-4059, "No need to change position side.");
  }
  if (busy(call)) {
    throw new BinanceError(
      -4068,
      "Position side cannot be changed if there exists position or open orders.",
    );
  }
  account.hedgeMode = hedge;
  return ok({ code: 200, msg: "success" });
}

function setMarginType(call: BinanceCall): ReturnType<BinanceRoute["handle"]> {
  const instrument = symbolInstrument(call);
  const text = required(call.params, "marginType");
  if (text !== "ISOLATED" && text !== "CROSSED") {
    throw new BinanceError(-1102, "Param 'marginType' is not valid (ISOLATED or CROSSED).");
  }
  const account = call.context.core.account(call.accountId);
  const isolated = text === "ISOLATED";
  if (account.isolated.has(instrument.code) === isolated) {
    throw new BinanceError(-4046, "No need to change margin type.");
  }
  const position = account.position(instrument.code, 0);
  if (
    !position.size.isZero() ||
    call.context.core.openOrders(call.accountId, instrument.code).length > 0
  ) {
    throw new BinanceError(-4048, "Margin type cannot be changed if there exists position.");
  }
  if (isolated) account.isolated.add(instrument.code);
  else account.isolated.delete(instrument.code);
  return ok({ code: 200, msg: "success" });
}

/** The configuration routes by `METHOD path`. */
export const CONFIG_ROUTES: ReadonlyMap<string, BinanceRoute> = new Map<string, BinanceRoute>([
  ["GET /fapi/v1/positionSide/dual", {
    security: "SIGNED",
    weight: 30,
    handle: (call) => ok({ dualSidePosition: call.context.core.account(call.accountId).hedgeMode }),
  }],
  ["POST /fapi/v1/positionSide/dual", { security: "SIGNED", weight: 1, handle: setPositionMode }],
  ["POST /fapi/v1/marginType", { security: "SIGNED", weight: 1, handle: setMarginType }],
  ["GET /fapi/v1/commissionRate", {
    security: "SIGNED",
    weight: 20,
    handle: (call) => {
      const instrument = symbolInstrument(call);
      return ok({
        symbol: instrument.code,
        makerCommissionRate: instrument.instrument.makerFee.toString(),
        takerCommissionRate: instrument.instrument.takerFee.toString(),
      });
    },
  }],
]);
