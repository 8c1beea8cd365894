/**
 * A minimal Bybit v5 client for the simulator tests, with its own signing (node:crypto,
 * written apart from the simulator's) so the two implementations check each other.
 */

import { createHmac } from "node:crypto";
import type { Simulator } from "../../../connectors/simulator/simulator.ts";

/** A Bybit REST answer with its headers. */
export interface Answer {
  /** HTTP status. */
  readonly status: number;
  /** Parsed body. */
  readonly body: { retCode: number; retMsg: string; result: Record<string, unknown>; time: number };
  /** Response headers. */
  readonly headers: Headers;
}

/** Bybit's REST signature: hex HMAC-SHA256 of timestamp + key + recvWindow + payload. */
export function bybitSign(
  secret: string,
  timestamp: string,
  apiKey: string,
  recvWindow: string,
  payload: string,
): string {
  return createHmac("sha256", secret).update(timestamp + apiKey + recvWindow + payload).digest(
    "hex",
  );
}

/** Options of a signed call. */
export interface CallOptions {
  /** Account index (default 0). */
  readonly account?: number;
  /** Timestamp to send (default the simulator clock). */
  readonly timestamp?: number;
  /** recvWindow (default 5000). */
  readonly recvWindow?: string;
  /** Replaces the signature. */
  readonly sign?: string;
  /** Replaces the API key. */
  readonly apiKey?: string;
}

/** A signed GET. */
export async function get(
  sim: Simulator,
  path: string,
  query: string,
  options: CallOptions = {},
): Promise<Answer> {
  return await call(sim, "GET", path, query, options);
}

/** A signed POST of `body` (serialized once; the same bytes are signed and sent). */
export async function post(
  sim: Simulator,
  path: string,
  body: unknown,
  options: CallOptions = {},
): Promise<Answer> {
  return await call(sim, "POST", path, JSON.stringify(body), options);
}

/** An unsigned GET of a public route. */
export async function publicGet(sim: Simulator, path: string, query = ""): Promise<Answer> {
  const response = await fetch(`${sim.restUrl}${path}${query === "" ? "" : `?${query}`}`);
  return { status: response.status, body: await response.json(), headers: response.headers };
}

async function call(
  sim: Simulator,
  method: "GET" | "POST",
  path: string,
  payload: string,
  options: CallOptions,
): Promise<Answer> {
  const account = sim.accounts[options.account ?? 0];
  const apiKey = options.apiKey ?? account.apiKey;
  const timestamp = String(options.timestamp ?? sim.clock.now());
  const recvWindow = options.recvWindow ?? "5000";
  const headers: Record<string, string> = {
    "X-BAPI-API-KEY": apiKey,
    "X-BAPI-TIMESTAMP": timestamp,
    "X-BAPI-RECV-WINDOW": recvWindow,
    "X-BAPI-SIGN": options.sign ??
      bybitSign(account.apiSecret, timestamp, apiKey, recvWindow, payload),
  };
  if (method === "POST") headers["Content-Type"] = "application/json";
  const url = method === "GET" ? `${sim.restUrl}${path}?${payload}` : `${sim.restUrl}${path}`;
  const response = await fetch(url, {
    method,
    headers,
    body: method === "POST" ? payload : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), headers: response.headers };
}
