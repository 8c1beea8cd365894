/**
 * Binance USDⓈ-M REST on the simulator: routing, HMAC-SHA256 of the query string
 * concatenated with the form body (`signature` last; -1022), the timestamp window (-1021),
 * API keys (-2015), request weight per IP with `X-MBX-USED-WEIGHT-1M` (429 then 418 with
 * `Retry-After`, -1003), the order counts `X-MBX-ORDER-COUNT-10S/-1M`, errors as HTTP 4xx with
 * `{code, msg}`, and the HTTP faults (including the 503 "unknown execution status").
 *
 * @module
 */

import type { SimHttpServer } from "../http_server.ts";
import { hmacSha256Hex, signatureMatches } from "../signing.ts";
import { accountByKey, type VenueContext } from "../venue_context.ts";
import { ACCOUNT_ROUTES } from "./rest_account.ts";
import { ALGO_ROUTES } from "./rest_algo.ts";
import { CONFIG_ROUTES } from "./rest_config.ts";
import { MARKET_ROUTES } from "./rest_market.ts";
import { TRADE_ROUTES } from "./rest_trade.ts";
import {
  BINANCE_LIMITS,
  BinanceError,
  type BinanceRoute,
  type BinanceState,
} from "./rest_types.ts";

const ROUTES: ReadonlyMap<string, BinanceRoute> = new Map([
  ...MARKET_ROUTES,
  ...TRADE_ROUTES,
  ...ACCOUNT_ROUTES,
  ...ALGO_ROUTES,
  ...CONFIG_ROUTES,
]);

const MINUTE = 60_000;

/** Per-venue state of the IP ban (418). */
export interface BanState {
  /** Countdowns and listenKeys. */
  readonly state: BinanceState;
  /** Banned until this venue time, ms (0 = not banned). */
  bannedUntil: number;
  /** Requests answered 429 in the current window. */
  limited: number;
}

/** Answers one Binance REST request. */
export async function handleBinanceRest(
  context: VenueContext,
  ban: BanState,
  request: Request,
  server: SimHttpServer,
): Promise<Response> {
  const url = new URL(request.url);
  const key = `${request.method} ${url.pathname}`;
  const route = ROUTES.get(key);
  if (route === undefined) {
    return error(new BinanceError(-1000, `Unknown endpoint ${key}.`, 404), {});
  }
  context.core.ledger.recordRequest(key);
  ban.state.countdowns.check();
  const now = context.clock.now();
  if (ban.bannedUntil > now) {
    return banned(ban, now);
  }
  const body = request.method === "GET" ? "" : await request.text();
  const query = url.search.slice(1);
  const params = new URLSearchParams(query);
  for (const [name, value] of new URLSearchParams(body)) params.append(name, value);
  const weight = typeof route.weight === "number" ? route.weight : route.weight(params);
  const used = context.limits.hit("binance:ip:weight", BINANCE_LIMITS.weight1m, MINUTE, weight);
  const headers: Record<string, string> = { "X-MBX-USED-WEIGHT-1M": String(used.used) };
  if (!used.allowed) {
    ban.limited += 1;
    if (ban.limited > 1) {
      // Going on after a 429 is what earns the ban: two minutes here (2 min to 3 days on Binance).
      ban.bannedUntil = used.resetAt + 2 * MINUTE;
      return banned(ban, now);
    }
    const retry = Math.ceil((used.resetAt - now) / 1000);
    return error(
      new BinanceError(
        -1003,
        `Too many requests; current limit of IP(127.0.0.1) request weight is ${BINANCE_LIMITS.weight1m} per minute. Please use WebSocket Streams for live updates to avoid polling the API.`,
        429,
      ),
      { ...headers, "Retry-After": String(retry) },
    );
  }
  if (used.used <= weight) ban.limited = 0;
  const fault = context.faults.takeHttpFault(url.pathname, route.order === true);
  if (fault?.kind === "http-status") {
    context.faults.record(fault.kind, key, `HTTP ${fault.status}`);
    const extra: Record<string, string> = {};
    if (fault.retryAfterSeconds !== undefined) {
      extra["Retry-After"] = String(fault.retryAfterSeconds);
    }
    const code = fault.status === 429 || fault.status === 418 ? -1003 : -1001;
    const message = fault.status === 429
      ? "Too many requests; please use WebSocket Streams for live updates to avoid polling the API."
      : fault.status === 418
      ? "Way too many requests; IP(127.0.0.1) banned. Please use WebSocket Streams for live updates to avoid bans."
      : "Internal error; unable to process your request. Please try again.";
    return error(new BinanceError(code, message, fault.status), { ...headers, ...extra });
  }
  if (fault?.kind === "reject") {
    context.faults.record(fault.kind, key, `code ${fault.code}`);
    return error(new BinanceError(fault.code, fault.message ?? "Rejected by fault."), headers);
  }
  try {
    let accountId = -1;
    if (route.security !== "NONE") {
      accountId = authenticate(
        context,
        request.headers,
        route.security === "SIGNED",
        params,
        query,
        body,
      );
    }
    if (route.order === true) {
      const tag = `binance:orders:${accountId}`;
      const ten = context.limits.hit(`${tag}:10s`, BINANCE_LIMITS.orders10s, 10_000);
      const minute = context.limits.hit(`${tag}:1m`, BINANCE_LIMITS.orders1m, MINUTE);
      headers["X-MBX-ORDER-COUNT-10S"] = String(ten.used);
      headers["X-MBX-ORDER-COUNT-1M"] = String(minute.used);
      if (!ten.allowed || !minute.allowed) {
        const limit = ten.allowed
          ? `${BINANCE_LIMITS.orders1m} orders per 1 MINUTE`
          : `${BINANCE_LIMITS.orders10s} orders per 10 SECOND`;
        throw new BinanceError(-1015, `Too many new orders; current limit is ${limit}.`, 429);
      }
    }
    const answer = route.handle({ context, accountId, params, state: ban.state });
    if (fault?.kind === "http-timeout") {
      context.faults.record(fault.kind, key, "carried out, no answer");
      return server.hang(request);
    }
    if (fault?.kind === "unknown-status") {
      context.faults.record(fault.kind, key, "carried out, HTTP 503 unknown status");
      return error(
        new BinanceError(
          -1007,
          "Timeout waiting for response from backend server. Send status unknown; execution status unknown.",
          503,
        ),
        headers,
      );
    }
    return new Response(JSON.stringify(answer.body), {
      status: 200,
      headers: { "content-type": "application/json", ...headers, ...answer.headers },
    });
  } catch (caught) {
    if (caught instanceof BinanceError) return error(caught, headers);
    throw caught;
  }
}

function authenticate(
  context: VenueContext,
  headers: Headers,
  signed: boolean,
  params: URLSearchParams,
  query: string,
  body: string,
): number {
  const apiKey = headers.get("x-mbx-apikey") ?? "";
  const accountId = accountByKey(context, apiKey);
  if (apiKey === "" || accountId === undefined) {
    throw new BinanceError(-2015, "Invalid API-key, IP, or permissions for action.", 401);
  }
  if (!signed) return accountId;
  const timestamp = params.get("timestamp");
  if (timestamp === null || !/^\d+$/.test(timestamp)) {
    throw new BinanceError(
      -1102,
      "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
    );
  }
  const recvWindow = Number(params.get("recvWindow") ?? "5000");
  if (!(recvWindow > 0 && recvWindow <= 60_000)) {
    throw new BinanceError(-1131, "recvWindow must be less than 60000");
  }
  const now = context.clock.now();
  const ts = Number(timestamp);
  if (ts >= now + 1000) {
    throw new BinanceError(
      -1021,
      "Timestamp for this request was 1000ms ahead of the server's time.",
    );
  }
  if (now - ts > recvWindow) {
    throw new BinanceError(-1021, "Timestamp for this request is outside of the recvWindow.");
  }
  const signature = params.get("signature");
  if (signature === null) {
    throw new BinanceError(
      -1102,
      "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.",
    );
  }
  const total = withoutSignature(query) + withoutSignature(body);
  const secret = context.core.account(accountId).apiSecret;
  if (!signatureMatches(hmacSha256Hex(secret, total), signature)) {
    throw new BinanceError(-1022, "Signature for this request is not valid.");
  }
  return accountId;
}

/** The signed part of a query or body: everything before `signature`, which must come last. */
function withoutSignature(text: string): string {
  const at = text.search(/(^|&)signature=/);
  return at < 0 ? text : text.slice(0, at);
}

function banned(ban: BanState, now: number): Response {
  return error(
    new BinanceError(
      -1003,
      `Way too many requests; IP(127.0.0.1) banned until ${ban.bannedUntil}. Please use the websocket for live updates to avoid bans.`,
      418,
    ),
    { "Retry-After": String(Math.ceil((ban.bannedUntil - now) / 1000)) },
  );
}

function error(failure: BinanceError, headers: Record<string, string>): Response {
  return new Response(JSON.stringify({ code: failure.code, msg: failure.message }), {
    status: failure.status,
    headers: { "content-type": "application/json", ...headers },
  });
}
