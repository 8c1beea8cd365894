/**
 * A minimal Binance USDⓈ-M client for the simulator tests, with its own signing (node:crypto,
 * written apart from the simulator's): HMAC-SHA256 of the query string, `signature` last.
 */

import { createHmac } from "node:crypto";
import type { Simulator } from "../../../connectors/simulator/simulator.ts";

/** A Binance REST answer with its headers. */
export interface Answer {
  /** HTTP status. */
  readonly status: number;
  /** Parsed body (tests cast it to the shape they check). */
  readonly body: unknown;
  /** Response headers. */
  readonly headers: Headers;
}

/** Binance's signature of `totalParams` (query string concatenated with the body). */
export function binanceSign(secret: string, totalParams: string): string {
  return createHmac("sha256", secret).update(totalParams).digest("hex");
}

/** Options of a signed call. */
export interface CallOptions {
  /** Account index (default 0). */
  readonly account?: number;
  /** Timestamp (default the simulator clock). */
  readonly timestamp?: number;
  /** Replaces the signature. */
  readonly signature?: string;
  /** Send the parameters as a form body instead of the query (POST/PUT). */
  readonly body?: boolean;
}

/** A signed request. */
export async function signed(
  sim: Simulator,
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  params: Record<string, string>,
  options: CallOptions = {},
): Promise<Answer> {
  const account = sim.accounts[options.account ?? 0];
  const query = new URLSearchParams({
    ...params,
    timestamp: String(options.timestamp ?? sim.clock.now()),
  })
    .toString();
  const signature = options.signature ?? binanceSign(account.apiSecret, query);
  const total = `${query}&signature=${signature}`;
  const headers: Record<string, string> = { "X-MBX-APIKEY": account.apiKey };
  let url = `${sim.restUrl}${path}?${total}`;
  let body: string | undefined;
  if (options.body === true) {
    url = `${sim.restUrl}${path}`;
    body = total;
    headers["Content-Type"] = "application/x-www-form-urlencoded";
  }
  const response = await fetch(url, { method, headers, body });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

/** A request with only the API key (listenKey). */
export async function keyed(
  sim: Simulator,
  method: "POST" | "PUT" | "DELETE",
  path: string,
  account = 0,
): Promise<Answer> {
  const response = await fetch(`${sim.restUrl}${path}`, {
    method,
    headers: { "X-MBX-APIKEY": sim.accounts[account].apiKey },
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

/** An unsigned GET. */
export async function publicGet(sim: Simulator, path: string, query = ""): Promise<Answer> {
  const response = await fetch(`${sim.restUrl}${path}${query === "" ? "" : `?${query}`}`);
  return { status: response.status, body: await response.json(), headers: response.headers };
}
