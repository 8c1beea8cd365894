/**
 * Bybit v5 order entry and account queries (category linear) as an `ExecutionClient`.
 * A placement whose outcome is unknown (timeout, 5xx, 10000/10016, dropped connection) or
 * that Bybit calls a duplicate orderLinkId (110072: the first request landed) is resolved by
 * querying the order by its orderLinkId; it is never sent again. A cancel or amend refused
 * with "order does not exist/finished" is looked up too: the order may have filled.
 *
 * @module
 */

import type { AmendRequest, ExecutionClient } from "../../lib/broker/mod.ts";
import {
  type Balance,
  ExchangeError,
  type Instrument,
  type Order,
  type OrderRequest,
  parseSymbol,
  type Position,
  type SymbolId,
  ZERO,
} from "../../lib/domain/mod.ts";
import { arr, optStr, type Wire } from "./_wire.ts";
import { RET_DUPLICATE_LINK_ID, RET_ORDER_GONE, VENUE } from "./errors.ts";
import { parseInstrument } from "./instruments.ts";
import {
  type Execution,
  parseExecution,
  parseOrder,
  parsePosition,
  parseWallet,
} from "./parse_private.ts";
import type { BybitRest, Param } from "./rest.ts";

/** Options of {@linkcode BybitExecutionClient}. */
export interface BybitExecutionClientOptions {
  /**
   * Settle coin whose positions and orders are listed; default USDT. It is also the currency
   * of an execution that names none on a symbol missing from `instruments`.
   */
  readonly settleCoin?: string;
  /** The traded instruments: their settle coins book the executions that name no currency. */
  readonly instruments?: readonly Instrument[];
  /** Lookups by orderLinkId after an unknown outcome; default 3. */
  readonly lookupAttempts?: number;
  /** Pause between those lookups (ms); default 1000. */
  readonly lookupDelayMs?: number;
}

/** The longest window Bybit answers on a history query (7 days, ms). */
const HISTORY_WINDOW_MS = 7 * 86_400_000;
/** How far back Bybit keeps the history (2 years, ms). */
const HISTORY_KEPT_MS = 730 * 86_400_000;
/** How far past our estimate of the venue's now a closed window must end (clock error, ms). */
const HISTORY_MARGIN_MS = 3_600_000;

const TIF: Readonly<Record<OrderRequest["timeInForce"], string>> = {
  gtc: "GTC",
  ioc: "IOC",
  fok: "FOK",
  "post-only": "PostOnly",
};

// Codes by symbol id, so an order does not parse its symbol again; cleared when full.
const codes = new Map<SymbolId, string>();

/** The Bybit code of a `bybit:` symbol. */
export function bybitCode(symbol: SymbolId): string {
  let code = codes.get(symbol);
  if (code === undefined) {
    const parts = parseSymbol(symbol);
    if (parts.venue !== VENUE) {
      throw new RangeError(`Symbol ${symbol} is not a Bybit symbol (expected bybit:CODE)`);
    }
    if (codes.size >= 1024) codes.clear();
    code = parts.code;
    codes.set(symbol, code);
  }
  return code;
}

/** The `/v5/order/create` body of `request`, fields in a fixed order (it is signed as sent). */
export function createOrderBody(request: OrderRequest): Record<string, Param | undefined> {
  const market = request.type === "market" || request.type === "stop-market";
  const stop = request.type === "stop-market" || request.type === "stop-limit";
  return {
    category: "linear",
    symbol: bybitCode(request.symbol),
    side: request.side === "buy" ? "Buy" : "Sell",
    orderType: market ? "Market" : "Limit",
    qty: request.quantity.toString(),
    price: market ? undefined : request.price?.toString(),
    triggerPrice: stop ? request.triggerPrice?.toString() : undefined,
    // A buy stop triggers when the price rises to it (1), a sell stop when it falls (2).
    triggerDirection: stop ? (request.side === "buy" ? 1 : 2) : undefined,
    timeInForce: market ? "IOC" : TIF[request.timeInForce],
    orderLinkId: request.clientOrderId,
    reduceOnly: request.reduceOnly,
    // A protective stop must close even when the account's margin is short at the trigger
    // (Bybit then cancels or shrinks other orders instead of refusing the stop).
    closeOnTrigger: stop && request.reduceOnly ? true : undefined,
  };
}

/** Outcomes that may have reached the matching engine: placement is unknown, not failed. */
function outcomeUnknown(error: unknown): boolean {
  if (!(error instanceof ExchangeError)) return true;
  switch (error.kind) {
    case "timeout":
    case "network":
    case "unavailable":
    case "unknown":
      return true;
    case "auth":
    case "rate-limit":
    case "invalid-request":
      return false;
    case "rejected":
      return error.code === String(RET_DUPLICATE_LINK_ID);
    default: {
      const never: never = error.kind;
      throw new TypeError(`Unknown error kind ${String(never)}`);
    }
  }
}

/**
 * The failure to report when the lookup after `error` found no order. A duplicate orderLinkId
 * says the first request landed, so it is no refusal: the order may still be on its way through
 * the venue, or filled and gone from the lists. It is reported as of unknown outcome, which
 * the OMS leaves in flight for reconciliation instead of forgetting an order that may be live.
 */
function stillUnknown(error: unknown, clientOrderId: string): unknown {
  if (!(error instanceof ExchangeError) || error.kind !== "rejected") return error;
  return new ExchangeError(
    "unknown",
    `placement of ${clientOrderId} answered duplicate orderLinkId (${error.message}) but no order has it yet`,
    { venue: VENUE, code: error.code, cause: error },
  );
}

/** Bybit linear order entry and account queries over the REST transport. */
export class BybitExecutionClient implements ExecutionClient {
  /** Always `bybit`. */
  readonly venue = VENUE;
  readonly #rest: BybitRest;
  readonly #settle: string;
  readonly #settleBySymbol: ReadonlyMap<SymbolId, string>;
  readonly #attempts: number;
  readonly #delayMs: number;
  readonly #sleep: (ms: number) => Promise<void>;
  #accepted: (() => void) | undefined;

  /** Makes the client on `rest`; `sleep` paces lookups after unknown outcomes. */
  constructor(
    rest: BybitRest,
    sleep: (ms: number) => Promise<void>,
    options: BybitExecutionClientOptions = {},
  ) {
    this.#rest = rest;
    this.#sleep = sleep;
    this.#settle = options.settleCoin ?? "USDT";
    this.#settleBySymbol = new Map(
      (options.instruments ?? []).map((instrument) => [instrument.symbol, instrument.settle]),
    );
    this.#attempts = options.lookupAttempts ?? 3;
    this.#delayMs = options.lookupDelayMs ?? 1000;
  }

  /**
   * The coin `symbol`'s fees, PnL and funding are booked in: its instrument's settle coin, or
   * the client's `settleCoin` for a symbol it was not given.
   */
  settleOf(symbol: SymbolId): string {
    return this.#settleBySymbol.get(symbol) ?? this.#settle;
  }

  /** Calls `listener` after each accepted placement (the private stream's liveness watchdog). */
  onOrderAccepted(listener: () => void): void {
    this.#accepted = listener;
  }

  /** The venue's clock now (ms), measured again (`/v5/market/time`): never the local clock. */
  async venueNow(): Promise<number> {
    await this.#rest.syncTime();
    return this.#rest.serverNow();
  }

  /** Places an order; an unknown outcome is resolved by orderLinkId, never by a resend. */
  async placeOrder(request: OrderRequest): Promise<Order> {
    // The answer holds no venue time of the order, and a market order is often filled before
    // the answer is back: stamped with the time the request left, the acknowledgement is never
    // newer than the venue's own reports (which the OMS would otherwise take for stale ones).
    const sentTs = Math.round(this.#rest.serverNow() * 1000);
    let result: Wire;
    try {
      result = await this.#rest.call({
        method: "POST",
        path: "/v5/order/create",
        params: createOrderBody(request),
        signed: true,
        priority: "order",
      });
    } catch (error) {
      if (!outcomeUnknown(error)) throw error;
      const found = await this.#lookUp(request.symbol, request.clientOrderId, this.#attempts);
      if (found !== undefined) return found;
      throw stillUnknown(error, request.clientOrderId);
    }
    this.#accepted?.();
    // The REST ack only says the order was taken; its state comes from the stream.
    return {
      id: optStr(result, "orderId"),
      request,
      status: "accepted",
      filledQuantity: ZERO,
      averagePrice: undefined,
      createdTs: sentTs,
      updatedTs: sentTs,
    };
  }

  /** Cancels by orderLinkId; reports the order's state after the cancel. */
  cancelOrder(symbol: SymbolId, clientOrderId: string): Promise<Order> {
    return this.#change(symbol, clientOrderId, "/v5/order/cancel", {}, "cancel");
  }

  /** Amends price and/or quantity by orderLinkId. */
  amendOrder(request: AmendRequest): Promise<Order> {
    return this.#change(request.symbol, request.clientOrderId, "/v5/order/amend", {
      qty: request.quantity?.toString(),
      price: request.price?.toString(),
    }, "order");
  }

  /** Cancels every working order of `symbol` (or of the settle coin). */
  async cancelAll(symbol?: SymbolId): Promise<readonly string[]> {
    const result = await this.#rest.call({
      method: "POST",
      path: "/v5/order/cancel-all",
      params: symbol === undefined
        ? { category: "linear", settleCoin: this.#settle }
        : { category: "linear", symbol: bybitCode(symbol) },
      signed: true,
      priority: "cancel",
    });
    return (result.list === undefined ? [] : arr(result.list, "cancel-all.list")).map((item) =>
      optStr(item as Wire, "orderLinkId")
    );
  }

  async #change(
    symbol: SymbolId,
    clientOrderId: string,
    path: string,
    extra: Record<string, Param | undefined>,
    priority: "cancel" | "order",
  ): Promise<Order> {
    try {
      await this.#rest.call({
        method: "POST",
        path,
        params: {
          category: "linear",
          symbol: bybitCode(symbol),
          orderLinkId: clientOrderId,
          ...extra,
        },
        signed: true,
        priority,
      });
    } catch (error) {
      // "Does not exist / already finished" may mean it filled: report what it is now.
      if (error instanceof ExchangeError && RET_ORDER_GONE.has(Number(error.code))) {
        const found = await this.#lookUp(symbol, clientOrderId, 1);
        if (
          found !== undefined && found.status !== "accepted" && found.status !== "partially-filled"
        ) {
          return found;
        }
      }
      throw error;
    }
    const found = await this.#lookUp(symbol, clientOrderId, this.#attempts);
    if (found === undefined) {
      throw new ExchangeError(
        "unknown",
        `${path} of ${clientOrderId} succeeded but the order is not found`,
        {
          venue: VENUE,
        },
      );
    }
    return found;
  }

  /** The order with `clientOrderId`, from the open/recent list, then the history. */
  async orderByClientId(symbol: SymbolId, clientOrderId: string): Promise<Order | undefined> {
    for (const path of ["/v5/order/realtime", "/v5/order/history"]) {
      const result = await this.#rest.call({
        method: "GET",
        path,
        params: { category: "linear", symbol: bybitCode(symbol), orderLinkId: clientOrderId },
        signed: true,
        priority: "query",
      });
      const list = arr(result.list, `${path}.list`);
      if (list.length > 0) return parseOrder(list[0]);
    }
    return undefined;
  }

  async #lookUp(
    symbol: SymbolId,
    clientOrderId: string,
    attempts: number,
  ): Promise<Order | undefined> {
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await this.#sleep(this.#delayMs);
      try {
        const found = await this.orderByClientId(symbol, clientOrderId);
        if (found !== undefined) return found;
      } catch {
        // A failed lookup proves nothing (live.md §2): try again, then give up as unknown.
      }
    }
    return undefined;
  }

  async #pages(
    path: string,
    params: Record<string, Param | undefined>,
    pages = 100,
  ): Promise<unknown[]> {
    const out: unknown[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < pages; page++) {
      const result = await this.#rest.call({
        method: "GET",
        path,
        params: { ...params, cursor },
        signed: true,
        priority: "query",
      });
      out.push(...arr(result.list, `${path}.list`));
      const next = optStr(result, "nextPageCursor");
      if (next === "" || next === cursor) return out;
      cursor = next;
    }
    return out;
  }

  /** Working orders of `symbol`, or of every symbol settling in the settle coin. */
  async openOrders(symbol?: SymbolId): Promise<readonly Order[]> {
    const list = await this.#pages("/v5/order/realtime", {
      category: "linear",
      ...(symbol === undefined ? { settleCoin: this.#settle } : { symbol: bybitCode(symbol) }),
      openOnly: 0,
      limit: 50,
    });
    return list.map(parseOrder).filter((order) =>
      order.status === "accepted" || order.status === "partially-filled" ||
      order.status === "pending-new"
    );
  }

  /** Orders (any state) updated since `sinceMs`, for the catch-up after a stream loss. */
  async orderHistory(sinceMs: number, symbol?: SymbolId): Promise<readonly Order[]> {
    const list: unknown[] = [];
    for (const window of this.#windows(sinceMs)) {
      list.push(
        ...await this.#pages("/v5/order/history", {
          category: "linear",
          ...(symbol === undefined ? { settleCoin: this.#settle } : { symbol: bybitCode(symbol) }),
          ...window,
          limit: 50,
        }),
      );
    }
    return list.map(parseOrder);
  }

  /** Executions (fills and funding) since `sinceMs`, oldest first. */
  async executions(sinceMs: number, symbol?: SymbolId): Promise<readonly Execution[]> {
    const list: unknown[] = [];
    for (const window of this.#windows(sinceMs)) {
      list.push(
        ...await this.#pages("/v5/execution/list", {
          category: "linear",
          ...(symbol === undefined ? {} : { symbol: bybitCode(symbol) }),
          ...window,
          limit: 100,
        }),
      );
    }
    return list.map((item) => parseExecution(item, (code) => this.settleOf(code))).sort((a, b) =>
      a.ts - b.ts || a.seq - b.seq
    );
  }

  /**
   * The windows of a history query from `sinceMs` (venue ms): Bybit answers `startTime` alone
   * with the 7 days from it and refuses a longer window, so a start more than 7 days ago is
   * asked week by week (from at most the 2 years Bybit keeps); the last window has no end (the
   * venue's 7 days reach past its now, which our estimate of its clock must not cut short).
   */
  #windows(sinceMs: number): { startTime: number; endTime?: number }[] {
    const out: { startTime: number; endTime?: number }[] = [];
    const now = this.#rest.serverNow();
    let start = Math.floor(Math.max(sinceMs, now - HISTORY_KEPT_MS));
    for (; start + HISTORY_WINDOW_MS <= now + HISTORY_MARGIN_MS; start += HISTORY_WINDOW_MS) {
      out.push({ startTime: start, endTime: start + HISTORY_WINDOW_MS - 1 });
    }
    out.push({ startTime: start });
    return out;
  }

  /** Open positions (flat ones are left out). */
  async positions(): Promise<readonly Position[]> {
    const list = await this.#pages("/v5/position/list", {
      category: "linear",
      settleCoin: this.#settle,
      limit: 200,
    });
    return list.map(parsePosition).filter((position) => !position.quantity.isZero());
  }

  /** Unified-account wallet balances. */
  async balances(): Promise<readonly Balance[]> {
    const result = await this.#rest.call({
      method: "GET",
      path: "/v5/account/wallet-balance",
      params: { accountType: "UNIFIED" },
      signed: true,
      priority: "query",
    });
    return arr(result.list, "wallet-balance.list").flatMap(parseWallet);
  }

  /** Every linear instrument (paged). */
  async instruments(): Promise<readonly Instrument[]> {
    const out: Instrument[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const result = await this.#rest.call({
        method: "GET",
        path: "/v5/market/instruments-info",
        params: { category: "linear", limit: 1000, cursor },
        signed: false,
        priority: "query",
      });
      out.push(...arr(result.list, "instruments-info.list").map(parseInstrument));
      const next = optStr(result, "nextPageCursor");
      if (next === "" || next === cursor) break;
      cursor = next;
    }
    return out;
  }

  /** Sets buy and sell leverage of `symbol`; "not modified" (110043) counts as done. */
  async setLeverage(symbol: SymbolId, leverage: number): Promise<void> {
    try {
      await this.#rest.call({
        method: "POST",
        path: "/v5/position/set-leverage",
        params: {
          category: "linear",
          symbol: bybitCode(symbol),
          buyLeverage: String(leverage),
          sellLeverage: String(leverage),
        },
        signed: true,
        priority: "order",
      });
    } catch (error) {
      if (error instanceof ExchangeError && error.code === "110043") return;
      throw error;
    }
  }
}
