/**
 * Binance USDⓈ-M error codes and HTTP statuses → {@linkcode ExchangeError} kinds. The kind
 * decides whether a request may be retried and whether a placement's outcome is known (see
 * `isDefinitiveRefusal` in lib/broker): refusals the gateway makes before the matching engine
 * (parameters, filters, auth, limits, margin) are definitive; -1007 / HTTP 503 ("execution
 * status unknown"), other server errors and timeouts are not.
 *
 * @module
 */

import { ExchangeError, type ExchangeErrorKind } from "../../lib/domain/mod.ts";
import { VENUE } from "./symbols.ts";

/** Code: the timestamp is outside `recvWindow` or more than 1 s ahead (clock skew). */
export const CODE_TIMESTAMP = -1021;
/** Code: too many requests (429) or IP banned (418). */
export const CODE_TOO_MANY_REQUESTS = -1003;
/** Code: too many new orders (order-count limit). */
export const CODE_TOO_MANY_ORDERS = -1015;
/** Code: timeout waiting for the backend; the execution status is unknown. */
export const CODE_UNKNOWN_STATUS = -1007;
/** Code: the listenKey does not exist (expired). */
export const CODE_INVALID_LISTEN_KEY = -1125;
/** Code: no such order (query/cancel of an order that is done or never existed). */
export const CODE_NO_SUCH_ORDER = -2013;
/** Code: cancel rejected (usually: the order is already done). */
export const CODE_CANCEL_REJECTED = -2011;
/** Code: `newClientOrderId` is used by an open order (an earlier request with it landed). */
export const CODE_DUPLICATE_CLIENT_ID = -4116;

const AUTH = new Set([-1002, -1021, -1022, -2014, -2015]);
const RATE_LIMIT = new Set([-1003, -1015]);
const UNAVAILABLE = new Set([-1001, -1008, -1016]);
const UNKNOWN = new Set([-1000, -1006, -1007]);
// Refusals of an order that was understood: balance, margin, reduce-only, post-only, FOK, …
const REJECTED = new Set([
  -2010,
  -2011,
  -2013,
  -2018,
  -2019,
  -2020,
  -2021,
  -2022,
  -2027,
  -2028,
  -4116,
  -5021,
  -5022,
]);

/** The kind of a Binance error `code`. */
export function codeKind(code: number): ExchangeErrorKind {
  if (AUTH.has(code)) return "auth";
  if (RATE_LIMIT.has(code)) return "rate-limit";
  if (UNAVAILABLE.has(code)) return "unavailable";
  if (UNKNOWN.has(code)) return "unknown";
  if (REJECTED.has(code)) return "rejected";
  // -11xx are request/parameter errors; -4xxx the filters and parameter checks of the futures
  // engine (tick, step, minimum quantity and notional, price limits, unsupported types).
  if ((code <= -1100 && code > -1200) || (code <= -4000 && code > -5000)) {
    return "invalid-request";
  }
  return "unknown";
}

function hintFor(code: number): string | undefined {
  switch (code) {
    case -1021:
      return "the local clock is off from Binance's; check NTP (the client resyncs once by itself)";
    case -1022:
      return "the API secret does not match the key";
    case -2014:
    case -2015:
      return "the API key is unknown, lacks Futures permission or this IP is not whitelisted (a testnet key on mainnet?)";
    case -1003:
      return "lower exchange.<profile>.rate_limit_share or request less often; use the streams for live data";
    case -1015:
      return "too many new orders: slow the strategy down or lower rate_limit_share";
    case -2018:
    case -2019:
      return "not enough available margin for this order";
    case -4014:
      return "the price is not on the instrument's tick (PRICE_FILTER tickSize)";
    case -4023:
      return "the quantity is not on the instrument's step (LOT_SIZE stepSize)";
    case -4164:
      return "the order's notional is below the instrument's MIN_NOTIONAL";
    case -5022:
      return "a post-only (GTX) order would have taken liquidity";
    default:
      return undefined;
  }
}

/** The error of a `{code, msg}` answer on `endpoint`. */
export function codeError(code: number, msg: string, endpoint: string): ExchangeError {
  const hint = hintFor(code);
  return new ExchangeError(codeKind(code), `${endpoint}: ${msg || "(no message)"}`, {
    venue: VENUE,
    code: String(code),
    ...(hint === undefined ? {} : { hint }),
  });
}

/** The error of a non-200 answer without a `{code, msg}` body on `endpoint`. */
export function httpStatusError(status: number, body: string, endpoint: string): ExchangeError {
  const text = body.length > 200 ? `${body.slice(0, 200)}…` : body;
  let kind: ExchangeErrorKind;
  let hint: string | undefined;
  if (status === 418) {
    kind = "rate-limit";
    hint = "Binance banned this IP for ignoring a 429; nothing is sent until Retry-After passes";
  } else if (status === 429) kind = "rate-limit";
  else if (status === 401 || status === 403) kind = "auth";
  else if (status === 503) kind = "unknown";
  else if (status >= 500) kind = "unavailable";
  else if (status >= 400) kind = "invalid-request";
  else kind = "unknown";
  return new ExchangeError(kind, `${endpoint}: HTTP ${status} ${text}`.trimEnd(), {
    venue: VENUE,
    code: `http-${status}`,
    ...(hint === undefined ? {} : { hint }),
  });
}
