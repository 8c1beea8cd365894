/**
 * Bybit v5 request signing: HMAC-SHA256 over `timestamp + apiKey + recvWindow + payload` for
 * REST and over `"GET/realtime" + expires` for the private WebSocket, as lowercase hex.
 * Synchronous (lib/broker's HMAC with the key's blocks hashed once, a few µs where
 * node:crypto's `createHmac` took about 25) so an order is signed and sent without an await.
 *
 * @module
 */

import { hmacSha256Hex } from "../../lib/broker/mod.ts";

/** The credentials of one Bybit API key. */
export interface BybitCredentials {
  /** The API key (sent in `X-BAPI-API-KEY`). */
  readonly apiKey: string;
  /** The API secret (never sent, never logged). */
  readonly apiSecret: string;
}

/** Hex HMAC-SHA256 of `text` under `secret`. */
export function hmacHex(secret: string, text: string): string {
  return hmacSha256Hex(secret, text);
}

/**
 * The `X-BAPI-SIGN` of a REST request: `payload` is the raw query string of a GET or the exact
 * JSON body of a POST (the same bytes that are sent).
 */
export function signRest(
  credentials: BybitCredentials,
  timestampMs: number,
  recvWindowMs: number,
  payload: string,
): string {
  return hmacHex(
    credentials.apiSecret,
    `${timestampMs}${credentials.apiKey}${recvWindowMs}${payload}`,
  );
}

/** The four authentication headers of a signed REST request. */
export function signedHeaders(
  credentials: BybitCredentials,
  timestampMs: number,
  recvWindowMs: number,
  payload: string,
): Record<string, string> {
  return {
    "X-BAPI-API-KEY": credentials.apiKey,
    "X-BAPI-TIMESTAMP": String(timestampMs),
    "X-BAPI-RECV-WINDOW": String(recvWindowMs),
    "X-BAPI-SIGN": signRest(credentials, timestampMs, recvWindowMs, payload),
  };
}

/** The private stream's `auth` message; `expiresMs` must lie in the future. */
export function wsAuthMessage(
  credentials: BybitCredentials,
  expiresMs: number,
  reqId = "auth",
): {
  readonly req_id: string;
  readonly op: "auth";
  readonly args: readonly [string, number, string];
} {
  const sign = hmacHex(credentials.apiSecret, `GET/realtime${expiresMs}`);
  return { req_id: reqId, op: "auth", args: [credentials.apiKey, expiresMs, sign] };
}
