/**
 * What Bybit says about an account, for the live session's pre-trade check: the margin mode
 * (`/v5/account/info`: `REGULAR_MARGIN` is cross, `ISOLATED_MARGIN`, `PORTFOLIO_MARGIN`), the
 * position mode and leverage of each traded symbol (`/v5/position/list`: `positionIdx` 0 is
 * one-way, 1 and 2 hedge), and its fee rates (`/v5/account/fee-rate`).
 *
 * @module
 */

import type { SymbolId } from "../../lib/domain/mod.ts";
import type { Decimal } from "../../lib/domain/mod.ts";
import { ExchangeError } from "../../lib/domain/mod.ts";
import type { AccountFacts } from "../../lib/live/mod.ts";
import { arr, dec, num, obj, str } from "./_wire.ts";
import { VENUE } from "./errors.ts";
import { bybitCode } from "./execution_client.ts";
import type { BybitRest } from "./rest.ts";

function marginMode(text: string): AccountFacts["marginMode"] {
  switch (text) {
    case "REGULAR_MARGIN":
      return "cross";
    case "ISOLATED_MARGIN":
      return "isolated";
    case "PORTFOLIO_MARGIN":
      return "portfolio";
    default:
      throw new ExchangeError("invalid-request", `unknown marginMode "${text}" in account/info`, {
        venue: VENUE,
      });
  }
}

/** The account facts of `symbols` from Bybit's REST API. */
export async function bybitAccountFacts(
  rest: BybitRest,
  symbols: readonly SymbolId[],
): Promise<AccountFacts> {
  const info = await rest.call({
    method: "GET",
    path: "/v5/account/info",
    signed: true,
    priority: "query",
  });
  const leverage = new Map<SymbolId, number>();
  const fees = new Map<SymbolId, { maker: Decimal; taker: Decimal }>();
  let hedge = false;
  for (const symbol of symbols) {
    const code = bybitCode(symbol);
    const positions = await rest.call({
      method: "GET",
      path: "/v5/position/list",
      params: { category: "linear", symbol: code },
      signed: true,
      priority: "query",
    });
    for (const item of arr(positions.list, "position/list.list")) {
      const wire = obj(item, "position");
      if (num(wire, "positionIdx", "position.positionIdx") !== 0) hedge = true;
      leverage.set(symbol, num(wire, "leverage", "position.leverage"));
    }
    const rates = await rest.call({
      method: "GET",
      path: "/v5/account/fee-rate",
      params: { category: "linear", symbol: code },
      signed: true,
      priority: "query",
    });
    for (const item of arr(rates.list, "fee-rate.list")) {
      const wire = obj(item, "fee rate");
      if (str(wire, "symbol", "fee-rate.symbol") !== code) continue;
      fees.set(symbol, {
        maker: dec(wire, "makerFeeRate", "fee-rate.makerFeeRate"),
        taker: dec(wire, "takerFeeRate", "fee-rate.takerFeeRate"),
      });
    }
  }
  return {
    marginMode: marginMode(str(info, "marginMode", "account/info.marginMode")),
    positionMode: hedge ? "hedge" : "one-way",
    leverage,
    fees,
  };
}
