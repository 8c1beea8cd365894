/**
 * Bybit `retCode`s and HTTP statuses → {@linkcode ExchangeError} kinds. The kind decides
 * whether a request may be retried and whether a placement's outcome is known (see
 * `isDefinitiveRefusal` in lib/broker): refusals the gateway makes before the matching engine
 * (parameters, auth, limits, balance) are definitive; server errors and timeouts are not.
 *
 * @module
 */

import { ExchangeError, type ExchangeErrorKind } from "../../lib/domain/mod.ts";

/** The venue name every Bybit error carries. */
export const VENUE = "bybit";

/** retCode: the request's timestamp is outside the receive window (clock skew). */
export const RET_TIMESTAMP = 10002;
/** retCode: the UID's per-endpoint API limit was hit. */
export const RET_RATE_LIMIT = 10006;
/** retCode: the orderLinkId was used before (the first request with it landed). */
export const RET_DUPLICATE_LINK_ID = 110072;
/** retCodes meaning "no such working order" on cancel/amend (it may have filled). */
export const RET_ORDER_GONE: ReadonlySet<number> = new Set([110001, 110008, 110010]);

const AUTH = new Set([10002, 10003, 10004, 10005, 10007, 10008, 10009, 10010, 10017, 33004]);
const RATE_LIMIT = new Set([10006, 10018, 10429, 429]);
const UNAVAILABLE = new Set([10016, 10019, 110079, 170007]);
const INVALID = new Set([10001, 110003, 110017, 110094, 110020, 110013, 110009, 110092, 110093]);

/** The kind of a non-zero `retCode`. */
export function retCodeKind(retCode: number): ExchangeErrorKind {
  if (retCode === 10000) return "timeout";
  if (AUTH.has(retCode)) return "auth";
  if (RATE_LIMIT.has(retCode)) return "rate-limit";
  if (UNAVAILABLE.has(retCode)) return "unavailable";
  if (INVALID.has(retCode)) return "invalid-request";
  // 11xxxx are the trade engine's order/position/balance refusals (documented as refusals:
  // insufficient balance, reduce-only, duplicate id, order gone, …).
  if (retCode >= 110000 && retCode < 120000) return "rejected";
  return "unknown";
}

function hintFor(retCode: number): string | undefined {
  switch (retCode) {
    case 10002:
      return "the local clock is off from Bybit's; check NTP (the client resyncs once by itself)";
    case 10003:
      return "the API key is unknown here: a testnet key on mainnet (or the reverse)?";
    case 10004:
      return "the API secret does not match the key";
    case 10005:
      return "give the API key the Contract - Orders/Positions permissions";
    case 10010:
      return "add this machine's IP to the key's whitelist";
    case 10006:
      return "lower exchange.<profile>.rate_limit_share or request less often";
    case 110007:
    case 110004:
    case 110012:
      return "not enough available balance for this order";
    case 110017:
      return "the quantity is below the instrument's qtyStep";
    case 110094:
      return "the order's notional is below the instrument's minNotionalValue";
    default:
      return undefined;
  }
}

/** The error of a response with `retCode` ≠ 0 on `endpoint`. */
export function retCodeError(retCode: number, retMsg: string, endpoint: string): ExchangeError {
  const hint = hintFor(retCode);
  return new ExchangeError(retCodeKind(retCode), `${endpoint}: ${retMsg || "(no message)"}`, {
    venue: VENUE,
    code: String(retCode),
    ...(hint === undefined ? {} : { hint }),
  });
}

/** The error of an HTTP status other than 200 on `endpoint`. */
export function httpStatusError(status: number, body: string, endpoint: string): ExchangeError {
  const text = body.length > 200 ? `${body.slice(0, 200)}…` : body;
  let kind: ExchangeErrorKind;
  let hint: string | undefined;
  if (status === 403) {
    // Bybit's IP limit ("access too frequent"): the IP is banned for a while, not the key.
    kind = "rate-limit";
    hint = "Bybit blocks this IP for at least 10 minutes after 600 requests in 5 s";
  } else if (status === 429) kind = "rate-limit";
  else if (status === 401) kind = "auth";
  else if (status >= 500) kind = "unavailable";
  else if (status >= 400) kind = "invalid-request";
  else kind = "unknown";
  return new ExchangeError(kind, `${endpoint}: HTTP ${status} ${text}`.trimEnd(), {
    venue: VENUE,
    code: `http-${status}`,
    ...(hint === undefined ? {} : { hint }),
  });
}
