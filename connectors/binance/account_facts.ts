/**
 * What Binance USDⓈ-M says about an account, for the live session's pre-trade check: the
 * position mode (`GET /fapi/v1/positionSide/dual`: `dualSidePosition` true is hedge mode), the
 * margin type and leverage of each traded symbol (`GET /fapi/v2/positionRisk?symbol=`:
 * `marginType` cross or isolated, `leverage`; Binance sets both per symbol, not per account)
 * and its commission rates (`GET /fapi/v1/commissionRate?symbol=`).
 *
 * @module
 */

import { type Decimal, ExchangeError, type SymbolId } from "../../lib/domain/mod.ts";
import type { AccountFacts } from "../../lib/live/mod.ts";
import { arr, dec, num, obj, optStr, str } from "./_wire.ts";
import type { BinanceRest } from "./rest.ts";
import { binanceCode, VENUE } from "./symbols.ts";

type MarginMode = "isolated" | "cross";

function marginType(text: string, code: string): MarginMode {
  switch (text.toLowerCase()) {
    case "cross":
    case "crossed":
      return "cross";
    case "isolated":
      return "isolated";
    default:
      throw new ExchangeError(
        "invalid-request",
        `unknown marginType "${text}" for ${code} in positionRisk`,
        { venue: VENUE },
      );
  }
}

/** The account facts of `symbols` from Binance's REST API. */
export async function binanceAccountFacts(
  rest: BinanceRest,
  symbols: readonly SymbolId[],
): Promise<AccountFacts> {
  const mode = obj(
    await rest.call({
      method: "GET",
      path: "/fapi/v1/positionSide/dual",
      security: "signed",
      weight: 30,
      priority: "query",
    }),
    "positionSide/dual",
  );
  const leverage = new Map<SymbolId, number>();
  const marginModes = new Map<SymbolId, MarginMode>();
  const fees = new Map<SymbolId, { maker: Decimal; taker: Decimal }>();
  for (const symbol of symbols) {
    const code = binanceCode(symbol);
    const rows = arr(
      await rest.call({
        method: "GET",
        path: "/fapi/v2/positionRisk",
        params: { symbol: code },
        security: "signed",
        weight: 5,
        priority: "query",
      }),
      "positionRisk",
    );
    for (const raw of rows) {
      const row = obj(raw, "positionRisk[]");
      if (str(row, "symbol", "positionRisk.symbol") !== code) continue;
      leverage.set(symbol, num(row, "leverage", "positionRisk.leverage"));
      marginModes.set(symbol, marginType(optStr(row, "marginType", "cross"), code));
    }
    const rates = obj(
      await rest.call({
        method: "GET",
        path: "/fapi/v1/commissionRate",
        params: { symbol: code },
        security: "signed",
        weight: 20,
        priority: "query",
      }),
      "commissionRate",
    );
    fees.set(symbol, {
      maker: dec(rates, "makerCommissionRate", "commissionRate.makerCommissionRate"),
      taker: dec(rates, "takerCommissionRate", "commissionRate.takerCommissionRate"),
    });
  }
  // A missing answer is not one-way mode: refuse to guess.
  const dual = mode.dualSidePosition;
  if (typeof dual !== "boolean") {
    throw new ExchangeError(
      "invalid-request",
      "positionSide/dual has no boolean dualSidePosition",
      { venue: VENUE },
    );
  }
  return {
    positionMode: dual ? "hedge" : "one-way",
    marginModes,
    leverage,
    fees,
  };
}
