/**
 * Bybit v5 order, execution, position and wallet records → our `Order`, `Fill`, `Position`,
 * `Balance`. The same item shapes come from the private stream (`order`, `execution`,
 * `position`, `wallet`) and from REST (`/v5/order/realtime|history`, `/v5/execution/list`,
 * `/v5/position/list`, `/v5/account/wallet-balance`), so one parser serves both.
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
  type SymbolId,
  type TimeInForce,
  ZERO,
} from "../../lib/domain/mod.ts";
import { bool, dec, num, obj, optStr, str, type Wire } from "./_wire.ts";
import { bybitSymbol } from "./parse_public.ts";

/** Bybit's `orderStatus` → ours. */
export function orderStatus(status: string): OrderStatus {
  switch (status) {
    case "Created":
      return "pending-new";
    case "New":
    case "Untriggered":
    case "Triggered":
      return "accepted";
    case "PartiallyFilled":
      return "partially-filled";
    case "Filled":
      return "filled";
    case "Cancelled":
    case "PartiallyFilledCanceled":
    case "Deactivated":
      return "canceled";
    case "Rejected":
      return "rejected";
    default:
      throw new DataError(`Bybit message: unknown orderStatus ${JSON.stringify(status)}`);
  }
}

function timeInForce(text: string): TimeInForce {
  switch (text) {
    case "GTC":
      return "gtc";
    case "IOC":
      return "ioc";
    case "FOK":
      return "fok";
    case "PostOnly":
      return "post-only";
    default:
      throw new DataError(`Bybit message: unknown timeInForce ${JSON.stringify(text)}`);
  }
}

function side(item: Wire, what: string): "buy" | "sell" {
  const text = str(item, "side", what);
  if (text === "Buy") return "buy";
  if (text === "Sell") return "sell";
  throw new DataError(`Bybit message: ${what}.side is ${JSON.stringify(text)}`);
}

function positiveOrUndefined(item: Wire, key: string, what: string): Decimal | undefined {
  const value = dec(item, key, what, ZERO);
  return value.gt(0) ? value : undefined;
}

/** One order record (stream `order` item or REST order list item) → `Order`. */
export function parseOrder(raw: unknown): Order {
  const item = obj(raw, "order");
  const trigger = positiveOrUndefined(item, "triggerPrice", "order");
  const bybitType = str(item, "orderType", "order");
  let type: OrderType;
  if (bybitType === "Market") type = trigger === undefined ? "market" : "stop-market";
  else if (bybitType === "Limit") type = trigger === undefined ? "limit" : "stop-limit";
  else throw new DataError(`Bybit message: unknown orderType ${JSON.stringify(bybitType)}`);
  const price = positiveOrUndefined(item, "price", "order");
  const filled = dec(item, "cumExecQty", "order", ZERO);
  const stated = orderStatus(str(item, "orderStatus", "order"));
  // Bybit may call an order Rejected after part of it filled (the rest refused): the fills
  // stand, so it is a cancel of the rest. As a rejection it would lose the position they made.
  const status = stated === "rejected" && filled.gt(0) ? "canceled" : stated;
  const rejectReason = optStr(item, "rejectReason");
  const cancelType = optStr(item, "cancelType");
  const reason = stated === "rejected"
    ? rejectReason
    : status === "canceled" && cancelType !== "UNKNOWN"
    ? cancelType
    : "";
  return {
    id: str(item, "orderId", "order"),
    request: {
      clientOrderId: optStr(item, "orderLinkId"),
      symbol: bybitSymbol(str(item, "symbol", "order")),
      side: side(item, "order"),
      type,
      quantity: dec(item, "qty", "order"),
      ...(price === undefined || type === "market" || type === "stop-market" ? {} : { price }),
      ...(trigger === undefined ? {} : { triggerPrice: trigger }),
      timeInForce: timeInForce(str(item, "timeInForce", "order")),
      reduceOnly: bool(item, "reduceOnly", false),
    },
    status,
    filledQuantity: filled,
    averagePrice: filled.gt(0) ? positiveOrUndefined(item, "avgPrice", "order") : undefined,
    createdTs: fromMillis(num(item, "createdTime", "order")),
    updatedTs: fromMillis(num(item, "updatedTime", "order")),
    ...(reason === "" || reason === "EC_NoError" ? {} : { reason }),
  };
}

/** An execution record: a fill of an order, or a funding payment (execType `Funding`). */
export type Execution =
  | { readonly type: "fill"; readonly fill: Fill; readonly ts: Micros; readonly seq: number }
  | {
    readonly type: "funding";
    /** The payment: `execFee` as Bybit signs it (positive = paid), in `feeCurrency`. */
    readonly funding: FundingPayment;
    /** The funding rate applied (`feeRate`). */
    readonly rate: Decimal;
    readonly ts: Micros;
    readonly seq: number;
  };

/**
 * One execution record (stream `execution` item or `/v5/execution/list` item). `settleOf`
 * names the settle coin of a symbol: Bybit may leave `feeCurrency` empty (the order doc sample,
 * bybit_ws_private_order_doc.json, has `"feeCurrency": ""`), and a linear contract's fee and
 * funding are booked in its settle coin, which is USDC for the USDC contracts, not USDT.
 *
 * Funding: `execFee` of a Funding execution is positive when the account paid and negative
 * when it received, which is `FundingPayment.amount`'s sign, so it is taken as is. Neither
 * exchanges.md nor the fixtures state this; Bybit's v5 docs do, indirectly: the transaction
 * log's `funding` is positive when received and is documented as "opposite to the execFee from
 * Get Trade History" (docs/v5/account/transaction-log, bybit-exchange/docs).
 */
export function parseExecution(raw: unknown, settleOf: (symbol: SymbolId) => string): Execution {
  const item = obj(raw, "execution");
  const execType = str(item, "execType", "execution");
  const ts = fromMillis(num(item, "execTime", "execution"));
  const seq = typeof item.seq === "number" ? item.seq : 0;
  const symbol = bybitSymbol(str(item, "symbol", "execution"));
  const currency = optStr(item, "feeCurrency") || settleOf(symbol);
  if (execType === "Funding") {
    return {
      type: "funding",
      ts,
      seq,
      rate: dec(item, "feeRate", "execution", ZERO),
      funding: {
        id: str(item, "execId", "execution"),
        symbol,
        amount: dec(item, "execFee", "execution"),
        currency,
      },
    };
  }
  return {
    type: "fill",
    ts,
    seq,
    fill: {
      orderId: str(item, "orderId", "execution"),
      clientOrderId: optStr(item, "orderLinkId"),
      symbol,
      side: side(item, "execution"),
      price: dec(item, "execPrice", "execution"),
      quantity: dec(item, "execQty", "execution"),
      fee: dec(item, "execFee", "execution", ZERO),
      feeCurrency: currency,
      liquidity: bool(item, "isMaker", false) ? "maker" : "taker",
      tradeId: str(item, "execId", "execution"),
    },
  };
}

/** One position record → a signed `Position`. */
export function parsePosition(raw: unknown): Position {
  const item = obj(raw, "position");
  const size = dec(item, "size", "position", ZERO);
  const sideText = optStr(item, "side");
  const quantity = sideText === "Sell" ? size.neg() : sideText === "Buy" ? size : ZERO;
  const entry = item.entryPrice !== undefined
    ? dec(item, "entryPrice", "position", ZERO)
    : dec(item, "avgPrice", "position", ZERO);
  return {
    symbol: bybitSymbol(str(item, "symbol", "position")),
    quantity,
    entryPrice: quantity.isZero() ? ZERO : entry,
    realizedPnl: dec(item, "cumRealisedPnl", "position", ZERO),
  };
}

/** One wallet account record (its `coin` list) → balances. */
export function parseWallet(raw: unknown): Balance[] {
  const account = obj(raw, "wallet");
  const coins = account.coin;
  if (!Array.isArray(coins)) throw new DataError("Bybit message: wallet.coin is not an array");
  return coins.map((entry) => {
    const coin = obj(entry, "wallet.coin[]");
    const total = dec(coin, "walletBalance", "wallet.coin", ZERO);
    const withdrawable = optStr(coin, "availableToWithdraw");
    // The unified account stopped filling availableToWithdraw; then it is what no order or
    // position margin holds.
    const available = withdrawable !== ""
      ? dec(coin, "availableToWithdraw", "wallet.coin")
      : total.minus(dec(coin, "totalPositionIM", "wallet.coin", ZERO))
        .minus(dec(coin, "totalOrderIM", "wallet.coin", ZERO))
        .minus(dec(coin, "locked", "wallet.coin", ZERO));
    return { currency: str(coin, "coin", "wallet.coin"), total, available };
  });
}
