/**
 * Binance request signing: `signature = hex(HMAC-SHA256(secret, query + body))`, where query
 * and body are the exact url-encoded strings sent (joined with nothing between them), and the
 * signature is appended as the last parameter. The API key travels in `X-MBX-APIKEY`.
 * Synchronous (lib/broker's HMAC, the key's blocks hashed once) so an order can be signed and sent without an await.
 *
 * @example
 * ```ts
 * import { signPayload } from "./signing.ts";
 * // The documented vector (exchanges.md §2.2).
 * signPayload(
 *   "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9",
 *   "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943",
 * ); // "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9"
 * ```
 *
 * @module
 */

import { hmacSha256Hex } from "../../lib/broker/mod.ts";

/** The credentials of one Binance API key. */
export interface BinanceCredentials {
  /** The API key (sent in `X-MBX-APIKEY`). */
  readonly apiKey: string;
  /** The API secret (never sent, never logged). */
  readonly apiSecret: string;
}

/** A query or body parameter value. */
export type Param = string | number | boolean;

/** Hex HMAC-SHA256 of `totalParams` (query string concatenated with the body) under `secret`. */
export function signPayload(secret: string, totalParams: string): string {
  return hmacSha256Hex(secret, totalParams);
}

/** `k=v&k=v` of the defined entries, in order, values url-encoded. */
export function encodeParams(params: Readonly<Record<string, Param | undefined>>): string {
  let out = "";
  for (const key in params) {
    const value = params[key];
    if (value === undefined) continue;
    if (out !== "") out += "&";
    out += `${key}=${encodeURIComponent(String(value))}`;
  }
  return out;
}

/** The signed parts of a request. */
export interface SignedRequest {
  /** The query string to send (signed GET/DELETE: everything, `signature` last). */
  readonly query: string;
  /** The form body to send (POST/PUT: everything, `signature` last); empty for GET/DELETE. */
  readonly body: string;
}

/**
 * Adds `recvWindow`, `timestamp` and the `signature` to `params`: in the query for GET/DELETE,
 * in the form body for POST/PUT (Binance signs the concatenation, so either works; one place
 * keeps the bytes easy to check).
 */
export function signRequest(
  credentials: BinanceCredentials,
  method: "GET" | "POST" | "PUT" | "DELETE",
  params: Readonly<Record<string, Param | undefined>>,
  timestampMs: number,
  recvWindowMs: number,
): SignedRequest {
  const base = encodeParams(params);
  const total = `${base}${
    base === "" ? "" : "&"
  }recvWindow=${recvWindowMs}&timestamp=${timestampMs}`;
  const signed = `${total}&signature=${signPayload(credentials.apiSecret, total)}`;
  return method === "GET" || method === "DELETE"
    ? { query: signed, body: "" }
    : { query: "", body: signed };
}
