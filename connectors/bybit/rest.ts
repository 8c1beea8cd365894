/**
 * The signed Bybit v5 REST transport: builds the exact bytes, signs them, waits for the rate
 * limiter, sends with a timeout, reads the limit headers, checks `retCode`, and handles the
 * two refusals that are safe to repeat because the gateway refuses them before processing:
 * 10002 (clock outside the receive window: resync the server-time offset, one retry) and
 * 10006/429 (rate limit: wait until the reset time, then retry, bounded). Nothing else is
 * ever resent here; unknown outcomes go back to the caller as errors.
 *
 * @module
 */

import { keepAliveFetch, RequestDeadlines } from "../../lib/broker/mod.ts";
import { ExchangeError } from "../../lib/domain/mod.ts";
import { obj, parseJson, type Wire } from "./_wire.ts";
import { httpStatusError, RET_RATE_LIMIT, RET_TIMESTAMP, retCodeError, VENUE } from "./errors.ts";
import type { RateLimiter, RequestPriority } from "./rate_limit.ts";
import { type BybitCredentials, signedHeaders } from "./signing.ts";

/** A query or body parameter value. */
export type Param = string | number | boolean;

/** Options of {@linkcode BybitRest}. */
export interface BybitRestOptions {
  /** e.g. `https://api-testnet.bybit.com`. */
  readonly baseUrl: string;
  /** Key and secret; without them only public endpoints work. */
  readonly credentials?: BybitCredentials;
  /** `X-BAPI-RECV-WINDOW` (ms); default 5000. */
  readonly recvWindowMs?: number;
  /** Per-request timeout (ms); default 10000. */
  readonly timeoutMs?: number;
  /** The account's limiter (shared by every client of the account in this process). */
  readonly limiter: RateLimiter;
  /** Local wall clock, ms. */
  readonly now: () => number;
  /** Waits `ms` (injectable for tests). */
  readonly sleep: (ms: number) => Promise<void>;
  /**
   * The transport; default keep-alive HTTP/1.1 connections (`keepAliveFetch`) limited by this
   * layer's `timeoutMs` alone.
   */
  readonly fetch?: typeof fetch;
  /** Retries after a rate-limit refusal before giving up; default 3. */
  readonly rateLimitRetries?: number;
}

/** A request: method, path, parameters (sent in the given order), priority. */
export interface RestCall {
  /** GET or POST. */
  readonly method: "GET" | "POST";
  /** e.g. `/v5/order/create`. */
  readonly path: string;
  /** Query (GET) or JSON body (POST) fields, in order. */
  readonly params?: Readonly<Record<string, Param | undefined>>;
  /** Sign it (private endpoints). */
  readonly signed: boolean;
  /** Rate-limit lane. */
  readonly priority: RequestPriority;
}

/** The Bybit REST transport of one account. */
export class BybitRest {
  readonly #options: BybitRestOptions;
  readonly #fetch: typeof fetch;
  readonly #deadlines: RequestDeadlines;
  #offsetMs = 0;
  #synced = false;

  /** Makes the transport; call {@linkcode BybitRest.syncTime} before signed requests. */
  constructor(options: BybitRestOptions) {
    this.#options = options;
    // The client's own time limit would be a second timer per request: ours aborts it instead.
    this.#fetch = options.fetch ?? keepAliveFetch({ timeoutMs: Infinity });
    this.#deadlines = new RequestDeadlines(options.timeoutMs ?? 10_000);
  }

  /** Server time minus local time (ms), as last measured. */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** The venue's clock as this process estimates it (ms). */
  serverNow(): number {
    return this.#options.now() + this.#offsetMs;
  }

  /** Measures the server-time offset from `/v5/market/time` (midpoint of the round trip). */
  async syncTime(): Promise<void> {
    const before = this.#options.now();
    const result = await this.#once({
      method: "GET",
      path: "/v5/market/time",
      signed: false,
      priority: "query",
    });
    const after = this.#options.now();
    const nano = result.timeNano;
    const server = typeof nano === "string" && nano !== ""
      ? Number(BigInt(nano) / 1_000_000n)
      : Number(result.timeSecond) * 1000;
    if (!Number.isFinite(server)) {
      throw new ExchangeError("unknown", "/v5/market/time: no server time in the answer", {
        venue: VENUE,
      });
    }
    this.#offsetMs = Math.round(server - (before + after) / 2);
    this.#synced = true;
  }

  /** Sends `call` and returns its `result` object. */
  async call(call: RestCall): Promise<Wire> {
    if (call.signed && !this.#synced) await this.syncTime();
    const retries = this.#options.rateLimitRetries ?? 3;
    let clockRetried = false;
    for (let attempt = 0;; attempt++) {
      try {
        return await this.#once(call);
      } catch (error) {
        if (!(error instanceof ExchangeError)) throw error;
        // Refused before processing: resync the clock and send the same request once more.
        if (error.code === String(RET_TIMESTAMP) && !clockRetried) {
          clockRetried = true;
          await this.syncTime();
          continue;
        }
        if (error.kind === "rate-limit" && error.code !== "http-403" && attempt < retries) {
          const until = this.#options.limiter.blockedUntil(call.path);
          const wait = Math.max(until - this.#options.now(), 0);
          // The limiter holds the endpoint until the reset time; without one, back off
          // exponentially from one rolling window (1 s).
          if (wait === 0) await this.#options.sleep(1000 * 2 ** attempt);
          continue;
        }
        throw error;
      }
    }
  }

  async #once(call: RestCall): Promise<Wire> {
    const options = this.#options;
    // A free token is taken without an await: the request then leaves inside this call, not
    // behind whatever microtasks are queued.
    if (!options.limiter.tryAcquire(call.path)) {
      await options.limiter.acquire(call.path, call.priority);
    }
    const params = call.params ?? {};
    let url = `${options.baseUrl}${call.path}`;
    let body: string | undefined;
    let payload: string;
    if (call.method === "GET") {
      payload = queryString(params);
      if (payload !== "") url += `?${payload}`;
    } else {
      // JSON.stringify leaves out undefined fields and keeps the others in order: the exact
      // bytes that are signed and sent, with no intermediate entries.
      body = JSON.stringify(params);
      payload = body;
    }
    let headers: Record<string, string>;
    if (call.signed) {
      const credentials = options.credentials;
      if (credentials === undefined) {
        throw new ExchangeError("auth", `${call.path} needs an API key and secret`, {
          venue: VENUE,
          hint:
            "set exchange.<profile>.api_key/api_secret in config/local.toml or TESSER_EXCHANGE__<PROFILE>__API_KEY/__API_SECRET",
        });
      }
      const timestamp = Math.round(options.now() + this.#offsetMs);
      headers = signedHeaders(credentials, timestamp, options.recvWindowMs ?? 5000, payload);
    } else headers = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const deadline = this.#deadlines.start();
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(
        url,
        body === undefined
          ? { method: call.method, headers, signal: deadline.signal }
          : { method: call.method, headers, body, signal: deadline.signal },
      );
      text = await response.text();
    } catch (cause) {
      if (deadline.expired) {
        throw new ExchangeError(
          "timeout",
          `${call.path}: no answer within ${this.#deadlines.limitMs} ms`,
          { venue: VENUE, cause },
        );
      }
      throw new ExchangeError("network", `${call.path}: ${this.#redact(String(cause))}`, {
        venue: VENUE,
        cause,
      });
    } finally {
      deadline.end();
    }
    this.#observeLimits(call.path, response.headers);
    if (response.status !== 200) {
      const error = httpStatusError(response.status, this.#redact(text), call.path);
      if (response.status === 403) options.limiter.blockAll(options.now() + 10 * 60_000);
      if (response.status === 429) this.#blockAfterRefusal(call.path, response.headers);
      throw error;
    }
    const envelope = obj(parseJson(text, `${call.path} answer`), `${call.path} answer`);
    const retCode = Number(envelope.retCode);
    if (retCode !== 0) {
      if (retCode === RET_RATE_LIMIT || retCode === 10429) {
        this.#blockAfterRefusal(call.path, response.headers);
      }
      const message = typeof envelope.retMsg === "string" ? envelope.retMsg : "";
      throw retCodeError(retCode, this.#redact(message), call.path);
    }
    return envelope.result === undefined ? {} : obj(envelope.result, `${call.path} result`);
  }

  #observeLimits(path: string, headers: Headers): void {
    const status = headers.get("X-Bapi-Limit-Status");
    if (status === null) return;
    const remaining = Number(status);
    if (!Number.isFinite(remaining)) return;
    this.#options.limiter.observe(path, remaining, resetHeader(headers));
  }

  #blockAfterRefusal(path: string, headers: Headers): void {
    const reset = resetHeader(headers);
    const now = this.#options.now();
    // Without a reset header the UID window is a rolling second.
    this.#options.limiter.blockEndpoint(
      path,
      reset !== undefined && reset > now ? reset : now + 1000,
    );
  }

  /** Removes the key and secret from any text that leaves this module. */
  #redact(text: string): string {
    const credentials = this.#options.credentials;
    if (credentials === undefined) return text;
    let out = text;
    for (const secret of [credentials.apiSecret, credentials.apiKey]) {
      if (secret.length >= 4) out = out.split(secret).join("[redacted]");
    }
    return out;
  }
}

// `k=v&…` of the defined fields in order, values URI-encoded (the query that is signed and sent).
function queryString(params: Readonly<Record<string, Param | undefined>>): string {
  let query = "";
  for (const key in params) {
    const value = params[key];
    if (value === undefined) continue;
    query += `${query === "" ? "" : "&"}${key}=${encodeURIComponent(String(value))}`;
  }
  return query;
}

function resetHeader(headers: Headers): number | undefined {
  const text = headers.get("X-Bapi-Limit-Reset-Timestamp");
  const value = text === null ? NaN : Number(text);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
