/**
 * Binance USDⓈ-M order entry and account queries as an `ExecutionClient` (one-way mode).
 * Limit and market orders go to `/fapi/v1/order`; our stop-market and stop-limit orders, and
 * take-profit and trailing stops through {@linkcode BinanceExecutionClient.placeConditional},
 * go to `/fapi/v1/algoOrder` (Binance moved conditional types there). Orders are addressed by
 * `newClientOrderId` / `clientAlgoId`. Binance keeps client ids unique only among open orders,
 * so this client never sends one twice, even after its order is done.
 *
 * A placement whose outcome is unknown (timeout, 503 / -1007, a dropped connection) or that
 * Binance calls a duplicate client id (-4116: the first request landed) is resolved by querying
 * the client id; it is never sent again. A cancel refused because the order is gone
 * (-2011/-2013) is looked up too: the order may have filled.
 *
 * @module
 */

import type { AmendRequest, ExecutionClient } from "../../lib/broker/mod.ts";
import {
  type Balance,
  ExchangeError,
  type Instrument,
  isTerminal,
  type Order,
  type OrderRequest,
  type Position,
  type SymbolId,
} from "../../lib/domain/mod.ts";
import { arr, obj, optStr, type Wire } from "./_wire.ts";
import { CODE_CANCEL_REJECTED, CODE_DUPLICATE_CLIENT_ID, CODE_NO_SUCH_ORDER } from "./errors.ts";
import { type BinanceInstrument, parseSymbolInfo } from "./instruments.ts";
import {
  type BinanceFill,
  type FundingIncome,
  parseAlgoOrder,
  parseBalance,
  parseFundingIncome,
  parsePositionRisk,
  parseRestOrder,
  parseUserTrade,
} from "./parse_private.ts";
import type { BinanceRest, RestCall } from "./rest.ts";
import type { Param } from "./signing.ts";
import { binanceCode, VENUE } from "./symbols.ts";

/** Options of {@linkcode BinanceExecutionClient}. */
export interface BinanceExecutionClientOptions {
  /** Lookups by client id after an unknown outcome; default 3. */
  readonly lookupAttempts?: number;
  /** Pause between those lookups (ms); default 1000. */
  readonly lookupDelayMs?: number;
}

/** Conditional orders our `OrderType` has no name for (Binance `algoOrder` types). */
export interface ConditionalRequest {
  /** The order; its `triggerPrice` is the take-profit trigger or the trailing activation. */
  readonly request: OrderRequest;
  /**
   * `take-profit`: TAKE_PROFIT (limit) or TAKE_PROFIT_MARKET (market), triggered the other way
   * from a stop (a buy when the price falls to the trigger). `trailing-stop`:
   * TRAILING_STOP_MARKET with `callbackRate` (percent, 0.1–10).
   */
  readonly kind: "take-profit" | "trailing-stop";
  /** Trailing distance in percent (trailing stops only). */
  readonly callbackRate?: number;
}

/** Orders remembered (request, id → client id) before the oldest are forgotten. */
const REMEMBERED = 100_000;
/** The longest window Binance answers on `userTrades` (7 days, ms). */
const TRADES_WINDOW_MS = 7 * 86_400_000;
/** How far back Binance keeps `userTrades` (6 months, ms; a day short, so never refused). */
const TRADES_KEPT_MS = 182 * 86_400_000;
/** How far past our estimate of the venue's now the last window must reach (clock error, ms). */
const HISTORY_MARGIN_MS = 3_600_000;

/** Sets `key` in `map`, forgetting the oldest entry beyond {@linkcode REMEMBERED}. */
function bounded<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > REMEMBERED) {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
}

/** `newClientOrderId` / `clientAlgoId` syntax. */
const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

const TIF: Readonly<Record<OrderRequest["timeInForce"], string>> = {
  gtc: "GTC",
  ioc: "IOC",
  fok: "FOK",
  "post-only": "GTX",
};

/** The `/fapi/v1/order` parameters of a limit or market `request`, in a fixed order. */
export function orderParams(request: OrderRequest): Record<string, Param | undefined> {
  const market = request.type === "market";
  return {
    symbol: binanceCode(request.symbol),
    side: request.side === "buy" ? "BUY" : "SELL",
    type: market ? "MARKET" : "LIMIT",
    quantity: request.quantity.toString(),
    price: market ? undefined : request.price?.toString(),
    timeInForce: market ? undefined : TIF[request.timeInForce],
    reduceOnly: request.reduceOnly ? "true" : undefined,
    newClientOrderId: request.clientOrderId,
    newOrderRespType: "ACK",
  };
}

/** The `/fapi/v1/algoOrder` parameters of a conditional order. */
export function algoParams(
  request: OrderRequest,
  kind: "stop" | ConditionalRequest["kind"],
  callbackRate?: number,
): Record<string, Param | undefined> {
  const limit = request.type === "stop-limit" || request.type === "limit";
  let type: string;
  switch (kind) {
    case "stop":
      type = limit ? "STOP" : "STOP_MARKET";
      break;
    case "take-profit":
      type = limit ? "TAKE_PROFIT" : "TAKE_PROFIT_MARKET";
      break;
    case "trailing-stop":
      type = "TRAILING_STOP_MARKET";
      break;
    default: {
      const never: never = kind;
      throw new TypeError(`Unknown conditional kind ${String(never)}`);
    }
  }
  const trailing = kind === "trailing-stop";
  if (!trailing && request.triggerPrice === undefined) {
    throw new RangeError(`${type} order ${request.clientOrderId} needs a triggerPrice`);
  }
  if (trailing && !(callbackRate !== undefined && callbackRate >= 0.1 && callbackRate <= 10)) {
    throw new RangeError(
      `trailing stop ${request.clientOrderId} needs a callbackRate between 0.1 and 10 (percent)`,
    );
  }
  return {
    algoType: "CONDITIONAL",
    symbol: binanceCode(request.symbol),
    side: request.side === "buy" ? "BUY" : "SELL",
    type,
    quantity: request.quantity.toString(),
    price: limit && !trailing ? request.price?.toString() : undefined,
    triggerPrice: trailing ? undefined : request.triggerPrice?.toString(),
    activatePrice: trailing ? request.triggerPrice?.toString() : undefined,
    callbackRate: trailing ? callbackRate : undefined,
    timeInForce: limit && !trailing ? TIF[request.timeInForce] : undefined,
    reduceOnly: request.reduceOnly ? "true" : undefined,
    clientAlgoId: request.clientOrderId,
  };
}

/** Failures that may have reached the matching engine: the outcome is unknown, not failed. */
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
      return error.code === String(CODE_DUPLICATE_CLIENT_ID);
    default: {
      const never: never = error.kind;
      throw new TypeError(`Unknown error kind ${String(never)}`);
    }
  }
}

/**
 * The failure to report when the lookup after `error` found no order. A duplicate client id
 * says the first request landed, so it is no refusal: the order may still be on its way through
 * the venue, or filled and gone. It is reported as of unknown outcome, which the OMS leaves in
 * flight for reconciliation instead of forgetting an order that may be live.
 */
function stillUnknown(error: unknown, clientOrderId: string): unknown {
  if (!(error instanceof ExchangeError) || error.kind !== "rejected") return error;
  return new ExchangeError(
    "unknown",
    `placement of ${clientOrderId} answered duplicate client id (${error.message}) but no order has it yet`,
    { venue: VENUE, code: error.code, cause: error },
  );
}

function isCode(error: unknown, ...codes: number[]): boolean {
  return error instanceof ExchangeError && codes.some((code) => error.code === String(code));
}

/** Whether an algo order's answer says its trigger was crossed (its actual order exists). */
function triggered(answer: unknown): boolean {
  const status = (answer as Wire).algoStatus;
  return status === "TRIGGERED" || status === "FINISHED";
}

/** What the actual order of a triggered stop does not say: that it is our stop. */
function kept(order: Order): Pick<OrderRequest, "type" | "triggerPrice"> {
  return {
    type: order.request.type,
    ...(order.request.triggerPrice === undefined
      ? {}
      : { triggerPrice: order.request.triggerPrice }),
  };
}

/** Binance USDⓈ-M order entry and account queries over the REST transport. */
export class BinanceExecutionClient implements ExecutionClient {
  /** Always `binance`. */
  readonly venue = VENUE;
  readonly #rest: BinanceRest;
  readonly #attempts: number;
  readonly #delayMs: number;
  readonly #sleep: (ms: number) => Promise<void>;
  /**
   * Every client id sent from this process: Binance would accept a reuse once it is done. Kept
   * for the whole process (about 40 bytes an order); the OMS never repeats one anyway.
   */
  readonly #sent = new Set<string>();
  /** What was asked, per client id placed from this process. */
  readonly #requests = new Map<string, OrderRequest>();
  /** Client ids that are conditional (algo) orders. */
  readonly #algo = new Set<string>();
  /** orderId → client id, so userTrades rows (which carry only the orderId) can be matched. */
  readonly #clientOf = new Map<string, string>();
  #accepted: ((order: Order) => void) | undefined;

  /** Makes the client on `rest`; `sleep` paces lookups after unknown outcomes. */
  constructor(
    rest: BinanceRest,
    sleep: (ms: number) => Promise<void>,
    options: BinanceExecutionClientOptions = {},
  ) {
    this.#rest = rest;
    this.#sleep = sleep;
    this.#attempts = options.lookupAttempts ?? 3;
    this.#delayMs = options.lookupDelayMs ?? 1000;
  }

  /** The REST transport (for the streams' listenKey and catch-up). */
  get rest(): BinanceRest {
    return this.#rest;
  }

  /** Calls `listener` with each accepted placement (the user stream's watchdog and catch-up). */
  onOrderAccepted(listener: (order: Order) => void): void {
    this.#accepted = listener;
  }

  /** Remembers an order's ids (from the stream), so trades and lookups can find it. */
  remember(order: Order): void {
    if (order.id !== "" && order.request.clientOrderId !== "") {
      bounded(this.#clientOf, order.id, order.request.clientOrderId);
    }
  }

  /** Whether `clientOrderId` is a conditional (algo) order placed from this process. */
  isConditional(clientOrderId: string): boolean {
    return this.#algo.has(clientOrderId);
  }

  /** Places an order; an unknown outcome is resolved by client id, never by a resend. */
  placeOrder(request: OrderRequest): Promise<Order> {
    if (request.type === "stop-market" || request.type === "stop-limit") {
      return this.#place(request, "/fapi/v1/algoOrder", algoParams(request, "stop"));
    }
    return this.#place(request, "/fapi/v1/order", orderParams(request));
  }

  /** Places a take-profit or trailing stop through `/fapi/v1/algoOrder`. */
  placeConditional(conditional: ConditionalRequest): Promise<Order> {
    return this.#place(
      conditional.request,
      "/fapi/v1/algoOrder",
      algoParams(conditional.request, conditional.kind, conditional.callbackRate),
    );
  }

  #claim(clientOrderId: string): void {
    if (!CLIENT_ID.test(clientOrderId)) {
      throw new ExchangeError(
        "invalid-request",
        `client order id ${JSON.stringify(clientOrderId)} is not 1–36 of A-Z a-z 0-9 . : / _ -`,
        { venue: VENUE, hint: "Binance's newClientOrderId syntax" },
      );
    }
    if (this.#sent.has(clientOrderId)) {
      throw new ExchangeError(
        "invalid-request",
        `client order id ${clientOrderId} was already sent from this process; Binance ids are never reused`,
        { venue: VENUE, hint: "give every order a new clientOrderId (the OMS does)" },
      );
    }
    this.#sent.add(clientOrderId);
  }

  /** What this process asked for `clientOrderId`, if it placed it. */
  requestOf(clientOrderId: string): OrderRequest | undefined {
    return this.#requests.get(clientOrderId);
  }

  async #place(
    request: OrderRequest,
    path: "/fapi/v1/order" | "/fapi/v1/algoOrder",
    params: Record<string, Param | undefined>,
  ): Promise<Order> {
    this.#claim(request.clientOrderId);
    bounded(this.#requests, request.clientOrderId, request);
    const algo = path === "/fapi/v1/algoOrder";
    if (algo) this.#algo.add(request.clientOrderId);
    let answer: Wire;
    try {
      answer = obj(
        await this.#rest.call({
          method: "POST",
          path,
          params,
          security: "signed",
          weight: 1,
          order: true,
          priority: "order",
        }),
        `${path} answer`,
      );
    } catch (error) {
      if (!outcomeUnknown(error)) throw error;
      const found = await this.#lookUp(request.symbol, request.clientOrderId, this.#attempts);
      if (found !== undefined) {
        this.#accepted?.(found);
        return found;
      }
      throw stillUnknown(error, request.clientOrderId);
    }
    const order = { ...(algo ? parseAlgoOrder(answer) : parseRestOrder(answer)), request };
    this.remember(order);
    this.#accepted?.(order);
    // The ACK says the order was taken; its further states come from the stream.
    return order;
  }

  /** Cancels by client id; reports the order's state after the cancel. */
  async cancelOrder(symbol: SymbolId, clientOrderId: string): Promise<Order> {
    const algo = this.#algo.has(clientOrderId);
    const call: RestCall = algo
      ? {
        method: "DELETE",
        path: "/fapi/v1/algoOrder",
        params: { symbol: binanceCode(symbol), clientAlgoId: clientOrderId },
        security: "signed",
        weight: 1,
        priority: "cancel",
      }
      : {
        method: "DELETE",
        path: "/fapi/v1/order",
        params: { symbol: binanceCode(symbol), origClientOrderId: clientOrderId },
        security: "signed",
        weight: 1,
        priority: "cancel",
      };
    try {
      const answer = await this.#rest.call(call);
      if (!algo) {
        const order = parseRestOrder(answer);
        this.remember(order);
        return order;
      }
    } catch (error) {
      // "Unknown order / cancel rejected" may mean it filled: report what it is now.
      if (isCode(error, CODE_NO_SUCH_ORDER, CODE_CANCEL_REJECTED)) {
        const found = await this.#lookUp(symbol, clientOrderId, 1);
        if (found !== undefined && isTerminal(found.status)) return found;
        // A conditional order this process did not place (restored after a restart) was
        // asked of the regular order routes; the lookup found it among the algo orders.
        if (found !== undefined && !algo && this.#algo.has(clientOrderId)) {
          return this.cancelOrder(symbol, clientOrderId);
        }
      }
      throw error;
    }
    // The algo cancel answers only {algoId, clientAlgoId, code, msg}: ask for the order's state.
    const found = await this.#lookUp(symbol, clientOrderId, this.#attempts);
    if (found === undefined) {
      throw new ExchangeError(
        "unknown",
        `cancel of ${clientOrderId} succeeded but the order is not found`,
        { venue: VENUE },
      );
    }
    return found;
  }

  /**
   * Modifies price and/or quantity (`PUT /fapi/v1/order`: Binance needs both and re-queues the
   * order, losing its place). A missing one is taken from the order as the venue has it.
   */
  async amendOrder(request: AmendRequest): Promise<Order> {
    if (this.#algo.has(request.clientOrderId)) {
      throw new ExchangeError(
        "invalid-request",
        `conditional order ${request.clientOrderId} cannot be modified on Binance`,
        { venue: VENUE, hint: "cancel it and place a new one" },
      );
    }
    let { price, quantity } = request;
    // PUT needs side, quantity and price; what the amend leaves out is the order's current value.
    let known = this.#requests.get(request.clientOrderId);
    if (known === undefined || price === undefined || quantity === undefined) {
      const current = await this.orderByClientId(request.symbol, request.clientOrderId);
      if (current === undefined) {
        throw new ExchangeError(
          "rejected",
          `order ${request.clientOrderId} is not known to Binance`,
          { venue: VENUE, code: String(CODE_NO_SUCH_ORDER) },
        );
      }
      known = current.request;
      price ??= current.request.price;
      quantity ??= current.request.quantity;
    }
    const side = known.side === "buy" ? "BUY" : "SELL";
    const answer = await this.#rest.call({
      method: "PUT",
      path: "/fapi/v1/order",
      params: {
        symbol: binanceCode(request.symbol),
        origClientOrderId: request.clientOrderId,
        side,
        quantity: quantity?.toString(),
        price: price?.toString(),
      },
      security: "signed",
      weight: 1,
      order: true,
      priority: "order",
    });
    const order = parseRestOrder(answer);
    this.remember(order);
    return order;
  }

  /** Cancels every open order (regular and conditional) of `symbol`, or of every symbol. */
  async cancelAll(symbol?: SymbolId): Promise<readonly string[]> {
    const open = await this.openOrders(symbol);
    const symbols = symbol === undefined
      ? [...new Set(open.map((o) => o.request.symbol))]
      : [symbol];
    for (const each of symbols) {
      await this.#rest.call({
        method: "DELETE",
        path: "/fapi/v1/allOpenOrders",
        params: { symbol: binanceCode(each) },
        security: "signed",
        weight: 1,
        priority: "cancel",
      });
    }
    // allOpenOrders leaves conditional orders alone.
    for (const order of open) {
      if (this.#algo.has(order.request.clientOrderId) || order.request.type.startsWith("stop")) {
        try {
          await this.#rest.call({
            method: "DELETE",
            path: "/fapi/v1/algoOrder",
            params: {
              symbol: binanceCode(order.request.symbol),
              clientAlgoId: order.request.clientOrderId,
            },
            security: "signed",
            weight: 1,
            priority: "cancel",
          });
        } catch (error) {
          if (!isCode(error, CODE_NO_SUCH_ORDER, CODE_CANCEL_REJECTED)) throw error;
        }
      }
    }
    return open.map((order) => order.request.clientOrderId);
  }

  /** The order with `clientOrderId` (regular or conditional), or undefined if Binance has none. */
  async orderByClientId(symbol: SymbolId, clientOrderId: string): Promise<Order | undefined> {
    const code = binanceCode(symbol);
    const paths = this.#algo.has(clientOrderId)
      ? ["/fapi/v1/algoOrder", "/fapi/v1/order"] as const
      : ["/fapi/v1/order", "/fapi/v1/algoOrder"] as const;
    for (const path of paths) {
      const algo = path === "/fapi/v1/algoOrder";
      try {
        const answer = await this.#rest.call({
          method: "GET",
          path,
          params: algo
            ? { symbol: code, clientAlgoId: clientOrderId }
            : { symbol: code, origClientOrderId: clientOrderId },
          security: "signed",
          weight: 1,
          priority: "query",
        });
        const order = algo ? parseAlgoOrder(answer) : parseRestOrder(answer);
        if (algo) this.#algo.add(clientOrderId);
        this.remember(order);
        // A triggered conditional order lives on as an actual order under the same client
        // id; the algo record does not tell how much of it filled.
        if (algo && triggered(answer)) {
          const actual = await this.#actualOrder(code, clientOrderId);
          if (actual !== undefined) {
            return { ...actual, request: { ...actual.request, ...kept(order) } };
          }
        }
        return order;
      } catch (error) {
        if (!isCode(error, CODE_NO_SUCH_ORDER)) throw error;
      }
    }
    return undefined;
  }

  async #actualOrder(code: string, clientOrderId: string): Promise<Order | undefined> {
    try {
      const order = parseRestOrder(
        await this.#rest.call({
          method: "GET",
          path: "/fapi/v1/order",
          params: { symbol: code, origClientOrderId: clientOrderId },
          security: "signed",
          weight: 1,
          priority: "query",
        }),
      );
      this.remember(order);
      return order;
    } catch (error) {
      if (isCode(error, CODE_NO_SUCH_ORDER)) return undefined;
      throw error;
    }
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

  /** Open orders (regular and untriggered conditional ones) of `symbol`, or of every symbol. */
  async openOrders(symbol?: SymbolId): Promise<readonly Order[]> {
    const params = symbol === undefined ? {} : { symbol: binanceCode(symbol) };
    const [regular, algo] = await Promise.all([
      this.#rest.call({
        method: "GET",
        path: "/fapi/v1/openOrders",
        params,
        security: "signed",
        weight: symbol === undefined ? 40 : 1,
        priority: "query",
      }),
      this.#rest.call({
        method: "GET",
        path: "/fapi/v1/openAlgoOrders",
        params,
        security: "signed",
        weight: symbol === undefined ? 40 : 1,
        priority: "query",
      }),
    ]);
    const orders = arr(regular, "openOrders").map(parseRestOrder);
    const conditional = arr(algo, "openAlgoOrders").map(parseAlgoOrder);
    for (const order of conditional) this.#algo.add(order.request.clientOrderId);
    for (const order of orders) this.remember(order);
    return [...orders, ...conditional];
  }

  /**
   * Trades of `symbol` since `sinceMs`, oldest first. Binance answers at most 7 days a query
   * (`startTime` alone: the 7 days from it) and keeps 6 months, so the span from `sinceMs` (at
   * most 6 months back) is asked week by week, a full week paged on by `fromId` (1000 a page).
   * Each is matched to its client id through the orders this client has seen, else by a query.
   */
  async userTrades(symbol: SymbolId, sinceMs: number): Promise<readonly BinanceFill[]> {
    const code = binanceCode(symbol);
    const rows = new Map<number, Wire>();
    const query = async (params: Record<string, string | number>) =>
      arr(
        await this.#rest.call({
          method: "GET",
          path: "/fapi/v1/userTrades",
          params: { symbol: code, ...params, limit: 1000 },
          security: "signed",
          weight: 5,
          priority: "query",
        }),
        "userTrades",
      ).map((raw) => obj(raw, "userTrades[]"));
    const now = this.#rest.serverNow();
    let start = Math.floor(Math.max(sinceMs, now - TRADES_KEPT_MS));
    for (; start <= now + HISTORY_MARGIN_MS; start += TRADES_WINDOW_MS) {
      const end = start + TRADES_WINDOW_MS - 1;
      let answer = await query({ startTime: start, endTime: end });
      for (let page = 0; page < 100; page++) {
        let added = 0;
        for (const row of answer) {
          const id = Number(row.id);
          if (Number(row.time) < sinceMs || Number(row.time) > end || rows.has(id)) continue;
          rows.set(id, row);
          added++;
        }
        if (answer.length < 1000 || added === 0) break;
        answer = await query({ fromId: Math.max(...rows.keys()) + 1 });
      }
    }
    const out: BinanceFill[] = [];
    for (const row of [...rows.values()].sort((a, b) => Number(a.id) - Number(b.id))) {
      const orderId = String(row.orderId);
      const clientOrderId = this.#clientOf.get(orderId) ??
        await this.#clientIdOfOrder(code, orderId);
      out.push(parseUserTrade(row, clientOrderId));
    }
    return out;
  }

  /**
   * The funding payments booked since `sinceMs` (venue ms), oldest first, from the income
   * history (`/fapi/v1/income`, FUNDING_FEE, paged by `page`).
   */
  async fundingPayments(sinceMs: number): Promise<readonly FundingIncome[]> {
    const limit = 1000;
    const out: FundingIncome[] = [];
    for (let page = 1; page <= 50; page++) {
      const answer = arr(
        await this.#rest.call({
          method: "GET",
          path: "/fapi/v1/income",
          params: { incomeType: "FUNDING_FEE", startTime: Math.floor(sinceMs), page, limit },
          security: "signed",
          weight: 30,
          priority: "query",
        }),
        "income",
      );
      out.push(...answer.map(parseFundingIncome));
      if (answer.length < limit) break;
    }
    return out.sort((a, b) => a.ts - b.ts);
  }

  async #clientIdOfOrder(code: string, orderId: string): Promise<string> {
    const answer = obj(
      await this.#rest.call({
        method: "GET",
        path: "/fapi/v1/order",
        params: { symbol: code, orderId },
        security: "signed",
        weight: 1,
        priority: "query",
      }),
      "order",
    );
    const clientOrderId = optStr(answer, "clientOrderId");
    bounded(this.#clientOf, orderId, clientOrderId);
    return clientOrderId;
  }

  /** Open positions (one-way mode; flat ones are left out). */
  async positions(): Promise<readonly Position[]> {
    const answer = await this.#rest.call({
      method: "GET",
      path: "/fapi/v2/positionRisk",
      security: "signed",
      weight: 5,
      priority: "query",
    });
    return arr(answer, "positionRisk").map(parsePositionRisk).filter((p): p is Position =>
      p !== undefined && !p.quantity.isZero()
    );
  }

  /** Wallet balances per asset. */
  async balances(): Promise<readonly Balance[]> {
    const answer = await this.#rest.call({
      method: "GET",
      path: "/fapi/v2/balance",
      security: "signed",
      weight: 5,
      priority: "query",
    });
    return arr(answer, "balance").map(parseBalance).filter((b) =>
      !b.total.isZero() || !b.available.isZero() || b.currency === "USDT"
    );
  }

  /** Every trading instrument with the Binance facts beside it. */
  async symbolInfo(): Promise<readonly BinanceInstrument[]> {
    const answer = obj(
      await this.#rest.call({
        method: "GET",
        path: "/fapi/v1/exchangeInfo",
        security: "none",
        weight: 1,
        priority: "query",
      }),
      "exchangeInfo",
    );
    return arr(answer.symbols, "exchangeInfo.symbols").map(parseSymbolInfo);
  }

  /** Every instrument whose status is TRADING. */
  async instruments(): Promise<readonly Instrument[]> {
    return (await this.symbolInfo()).filter((info) => info.status === "TRADING").map((info) =>
      info.instrument
    );
  }

  /** Sets the leverage of `symbol` (1–125, at most the bracket's maximum). */
  async setLeverage(symbol: SymbolId, leverage: number): Promise<void> {
    if (!Number.isInteger(leverage) || leverage < 1) {
      throw new RangeError(`leverage must be a positive integer, got ${leverage}`);
    }
    await this.#rest.call({
      method: "POST",
      path: "/fapi/v1/leverage",
      params: { symbol: binanceCode(symbol), leverage },
      security: "signed",
      weight: 1,
      priority: "order",
    });
  }
}
