/**
 * Bybit v5 REST on the simulator: routing, the `X-BAPI-*` signature and recv-window checks
 * (retCode 10002/10003/10004), the per-key `X-Bapi-Limit-*` headers and limits (10006), the
 * `{retCode, retMsg, result, retExtInfo, time}` envelope (HTTP 200 even for business
 * errors), and the HTTP faults.
 *
 * @module
 */

import type { SimHttpServer } from "../http_server.ts";
import { hmacSha256Hex, signatureMatches } from "../signing.ts";
import { accountByKey, type VenueContext } from "../venue_context.ts";
import { MARKET_ROUTES } from "./rest_market.ts";
import { TRADE_ROUTES } from "./rest_trade.ts";
import {
  type BybitAnswer,
  BybitParamError,
  type BybitRoute,
  failure,
  type Params,
} from "./rest_types.ts";

const ROUTES: ReadonlyMap<string, BybitRoute> = new Map([...MARKET_ROUTES, ...TRADE_ROUTES]);

/** Per-UID limits per second of the order endpoints [doc]; everything else gets 50/s. */
const LIMITS: Readonly<Record<string, number>> = {
  "/v5/order/create": 10,
  "/v5/order/amend": 10,
  "/v5/order/cancel": 10,
  "/v5/order/cancel-all": 10,
  "/v5/order/realtime": 50,
};

const ORDER_PATHS = new Set(["/v5/order/create", "/v5/order/amend", "/v5/order/cancel"]);

/** Answers one Bybit REST request. */
export async function handleBybitRest(
  context: VenueContext,
  request: Request,
  server: SimHttpServer,
): Promise<Response> {
  const url = new URL(request.url);
  const path = url.pathname;
  const route = ROUTES.get(path);
  if (route === undefined || route.method !== request.method) {
    return new Response(`404 page not found: ${request.method} ${path}`, { status: 404 });
  }
  context.core.ledger.recordRequest(`${request.method} ${path}`);
  const fault = context.faults.takeHttpFault(path, ORDER_PATHS.has(path));
  if (fault?.kind === "http-status") {
    context.faults.record(fault.kind, `${request.method} ${path}`, `HTTP ${fault.status}`);
    const headers: Record<string, string> = { "content-type": "text/plain" };
    if (fault.retryAfterSeconds !== undefined) {
      headers["retry-after"] = String(fault.retryAfterSeconds);
    }
    return new Response(statusText(fault.status), { status: fault.status, headers });
  }
  if (fault?.kind === "reject") {
    context.faults.record(fault.kind, `${request.method} ${path}`, `retCode ${fault.code}`);
    return envelope(context, failure(fault.code, fault.message ?? "rejected by fault"), {});
  }
  const body = request.method === "POST" ? await request.text() : "";
  const payload = request.method === "POST" ? body : url.search.slice(1);
  const headers: Record<string, string> = {};
  let accountId: number | undefined;
  if (route.auth) {
    const auth = authenticate(context, request.headers, payload);
    if ("retCode" in auth) return envelope(context, auth, {});
    accountId = auth.accountId;
    const limit = LIMITS[path] ?? 50;
    const window = context.limits.hit(
      `bybit:${request.headers.get("x-bapi-api-key")}:${path}`,
      limit,
      1000,
    );
    headers["X-Bapi-Limit"] = String(limit);
    headers["X-Bapi-Limit-Status"] = String(window.remaining);
    headers["X-Bapi-Limit-Reset-Timestamp"] = String(window.resetAt);
    if (!window.allowed) return envelope(context, failure(10006, "Too many visits!"), headers);
  }
  let params: Params;
  if (request.method === "POST") {
    const parsed = parseJson(body);
    if (parsed === undefined) {
      return envelope(
        context,
        failure(10001, "Request parameter error: the body is not a JSON object."),
        headers,
      );
    }
    params = parsed;
  } else {
    params = Object.fromEntries(url.searchParams);
  }
  let answer: BybitAnswer;
  try {
    answer = route.handle({ context, accountId: accountId ?? -1, params });
  } catch (error) {
    if (!(error instanceof BybitParamError)) throw error;
    answer = failure(error.code, error.message);
  }
  if (fault?.kind === "http-timeout") {
    context.faults.record(fault.kind, `${request.method} ${path}`, "carried out, no answer");
    return server.hang(request);
  }
  if (fault?.kind === "unknown-status") {
    context.faults.record(fault.kind, `${request.method} ${path}`, "carried out, HTTP 503");
    return new Response("Service Unavailable", { status: 503 });
  }
  return envelope(context, answer, headers);
}

/** Checks key, timestamp window and signature; the account id or the error to send. */
function authenticate(
  context: VenueContext,
  headers: Headers,
  payload: string,
): { readonly accountId: number } | BybitAnswer & { readonly retCode: number } {
  const apiKey = headers.get("x-bapi-api-key") ?? "";
  const timestamp = headers.get("x-bapi-timestamp") ?? "";
  const sign = headers.get("x-bapi-sign") ?? "";
  const recvWindow = headers.get("x-bapi-recv-window") ?? "5000";
  if (apiKey === "") return failure(10003, "API key is invalid.");
  const accountId = accountByKey(context, apiKey);
  if (accountId === undefined) return failure(10003, "API key is invalid.");
  const now = context.clock.now();
  const ts = Number(timestamp);
  const window = Number(recvWindow);
  if (!/^\d+$/.test(timestamp) || !(window > 0) || !(now - window <= ts && ts < now + 1000)) {
    return failure(
      10002,
      `invalid request, please check your server timestamp or recv_window param. req_timestamp[${timestamp}],server_timestamp[${now}],recv_window[${recvWindow}]`,
    );
  }
  const origin = `${timestamp}${apiKey}${recvWindow}${payload}`;
  const secret = context.core.account(accountId).apiSecret;
  if (!signatureMatches(hmacSha256Hex(secret, origin), sign)) {
    return failure(10004, `error sign! origin_string[${origin}]`);
  }
  return { accountId };
}

function envelope(
  context: VenueContext,
  answer: BybitAnswer,
  headers: Record<string, string>,
): Response {
  const now = context.clock.now();
  const body = "result" in answer
    ? { retCode: 0, retMsg: "OK", result: answer.result, retExtInfo: {}, time: now }
    : { retCode: answer.retCode, retMsg: answer.retMsg, result: {}, retExtInfo: {}, time: now };
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { "content-type": "application/json", ...headers },
  });
}

function parseJson(text: string): Params | undefined {
  try {
    const value: unknown = JSON.parse(text === "" ? "{}" : text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? value as Params
      : undefined;
  } catch {
    return undefined;
  }
}

function statusText(status: number): string {
  switch (status) {
    case 403:
      return "access too frequent";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return `HTTP ${status}`;
  }
}
