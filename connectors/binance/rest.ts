/**
 * The signed Binance USDⓈ-M REST transport: builds the exact bytes, signs them, waits for the
 * weight limiter, sends with a timeout, reads the weight and order-count headers, turns
 * `{code, msg}` answers into errors, and repeats only what the gateway refused before
 * processing: -1021 (timestamp outside `recvWindow`: resync the server-time offset, one retry)
 * and 429 (wait for `Retry-After`, bounded). A 418 (IP ban) halts the limiter and is reported
 * through `onAlert`. Nothing else is ever resent here; unknown outcomes (timeouts, 503 / -1007)
 * go back to the caller, which resolves them by querying the order.
 *
 * @module
 */

import { keepAliveFetch, receiveTimeMs, RequestDeadlines } from "../../lib/broker/mod.ts";
import { ExchangeError } from "../../lib/domain/mod.ts";
import { obj, parseJson } from "./_wire.ts";
import { CODE_TIMESTAMP, codeError, httpStatusError } from "./errors.ts";
import type { RequestPriority, WeightLimiter } from "./rate_limit.ts";
import { type BinanceCredentials, encodeParams, type Param, signRequest } from "./signing.ts";
import { VENUE } from "./symbols.ts";

/** How a request authenticates: none, the API key header only (listenKey), or signed. */
export type Security = "none" | "key" | "signed";

/** Options of {@linkcode BinanceRest}. */
export interface BinanceRestOptions {
  /** e.g. `https://fapi.binance.com`. */
  readonly baseUrl: string;
  /** Key and secret; without them only public endpoints work. */
  readonly credentials?: BinanceCredentials;
  /** `recvWindow` (ms); default 5000. */
  readonly recvWindowMs?: number;
  /** Per-request timeout (ms); default 10000. */
  readonly timeoutMs?: number;
  /** The IP's and account's limiter (shared by every client in this process). */
  readonly limiter: WeightLimiter;
  /** Local wall clock, ms. */
  readonly now: () => number;
  /** Waits `ms` (injectable for tests). */
  readonly sleep: (ms: number) => Promise<void>;
  /**
   * The transport; default keep-alive HTTP/1.1 connections (`keepAliveFetch`) limited by this
   * layer's `timeoutMs` alone.
   */
  readonly fetch?: typeof fetch;
  /** Retries after a 429 before giving up; default 2. */
  readonly rateLimitRetries?: number;
  /** Called on a ban or other condition an operator must see (never blocks). */
  readonly onAlert?: (code: string, message: string) => void;
}

/** A request. */
export interface RestCall {
  /** HTTP method. */
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** e.g. `/fapi/v1/order`. */
  readonly path: string;
  /** Parameters, sent in the given order (query for GET/DELETE, form body for POST/PUT). */
  readonly params?: Readonly<Record<string, Param | undefined>>;
  /** Authentication. */
  readonly security: Security;
  /** Request weight (IP). */
  readonly weight: number;
  /** Whether it counts against the order limits. */
  readonly order?: boolean;
  /** Rate-limit lane. */
  readonly priority: RequestPriority;
}

/** A parsed REST answer and when its body was received. */
export interface ReceivedAnswer {
  /** The parsed JSON answer (an object or an array). */
  readonly answer: unknown;
  /** Receive time of the body, ms since the epoch. */
  readonly receivedMs: number;
}

/** The Binance REST transport of one account. */
export class BinanceRest {
  readonly #options: BinanceRestOptions;
  readonly #fetch: typeof fetch;
  readonly #deadlines: RequestDeadlines;
  #offsetMs = 0;
  #synced = false;
  /** Time resyncs after a -1021 so far (for tests and status). */
  clockResyncs = 0;

  /** Makes the transport; the first signed request measures the server-time offset. */
  constructor(options: BinanceRestOptions) {
    this.#options = options;
    // The client's own time limit would be a second timer: this layer's deadlines abort it.
    this.#fetch = options.fetch ?? keepAliveFetch({ timeoutMs: Infinity });
    this.#deadlines = new RequestDeadlines(options.timeoutMs ?? 10_000);
  }

  /** Server time minus local time (ms), as last measured. */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** The limiter this transport spends on. */
  get limiter(): WeightLimiter {
    return this.#options.limiter;
  }

  /** The venue's clock as this process estimates it (ms). */
  serverNow(): number {
    return this.#options.now() + this.#offsetMs;
  }

  /** Measures the server-time offset from `/fapi/v1/time` (midpoint of the round trip). */
  async syncTime(): Promise<void> {
    const before = this.#options.now();
    const answer = obj(
      (await this.#once({
        method: "GET",
        path: "/fapi/v1/time",
        security: "none",
        weight: 1,
        priority: "query",
      })).answer,
      "/fapi/v1/time answer",
    );
    const after = this.#options.now();
    const server = Number(answer.serverTime);
    if (!Number.isFinite(server)) {
      throw new ExchangeError("unknown", "/fapi/v1/time: no serverTime in the answer", {
        venue: VENUE,
      });
    }
    this.#offsetMs = Math.round(server - (before + after) / 2);
    this.#synced = true;
  }

  /** Sends `call` and returns its parsed JSON answer (an object or an array). */
  async call(call: RestCall): Promise<unknown> {
    return (await this.callReceived(call)).answer;
  }

  /**
   * Sends `call` and returns its parsed JSON answer with the time (ms) its body was received —
   * the recorded time when a recording taps the transport, so events derived from the answer
   * carry the time a replay gives them.
   */
  async callReceived(call: RestCall): Promise<ReceivedAnswer> {
    if (call.security === "signed" && !this.#synced) await this.syncTime();
    const retries = this.#options.rateLimitRetries ?? 2;
    let clockRetried = false;
    for (let attempt = 0;; attempt++) {
      try {
        return await this.#once(call);
      } catch (error) {
        if (!(error instanceof ExchangeError)) throw error;
        // Refused before processing: resync the clock and send the same request once more.
        if (error.code === String(CODE_TIMESTAMP) && !clockRetried) {
          clockRetried = true;
          this.clockResyncs++;
          await this.syncTime();
          continue;
        }
        // A 429 was refused before processing too; the limiter holds every request until
        // Retry-After, so the retry waits in acquire().
        if (error.code === "http-429" && attempt < retries) continue;
        throw error;
      }
    }
  }

  async #once(call: RestCall): Promise<ReceivedAnswer> {
    const options = this.#options;
    await options.limiter.acquire({
      weight: call.weight,
      order: call.order === true,
      priority: call.priority,
    });
    const params = call.params ?? {};
    const headers: Record<string, string> = {};
    let query: string;
    let body = "";
    if (call.security === "signed") {
      const credentials = this.#credentials(call.path);
      headers["X-MBX-APIKEY"] = credentials.apiKey;
      const signed = signRequest(
        credentials,
        call.method,
        params,
        Math.round(options.now() + this.#offsetMs),
        options.recvWindowMs ?? 5000,
      );
      query = signed.query;
      body = signed.body;
    } else {
      if (call.security === "key") headers["X-MBX-APIKEY"] = this.#credentials(call.path).apiKey;
      const encoded = encodeParams(params);
      if (call.method === "GET" || call.method === "DELETE") query = encoded;
      else {
        query = "";
        body = encoded;
      }
    }
    if (body !== "") headers["Content-Type"] = "application/x-www-form-urlencoded";
    const url = `${options.baseUrl}${call.path}${query === "" ? "" : `?${query}`}`;
    const deadline = this.#deadlines.start();
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(
        url,
        body === ""
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
    options.limiter.observe(response.headers);
    if (response.status === 429 || response.status === 418) {
      this.#onLimited(response.status, response.headers, call.path);
    }
    if (response.status !== 200) throw this.#failure(response.status, text, call.path);
    return {
      answer: parseJson(text, `${call.path} answer`),
      receivedMs: receiveTimeMs(response.headers, options.now),
    };
  }

  #onLimited(status: number, headers: Headers, path: string): void {
    const now = this.#options.now();
    const retryAfter = Number(headers.get("Retry-After"));
    // Without Retry-After: the rest of the minute window for a 429, two minutes for a ban
    // (the shortest ban Binance gives).
    const until = Number.isFinite(retryAfter) && retryAfter > 0
      ? now + retryAfter * 1000
      : status === 429
      ? Math.floor(now / 60_000) * 60_000 + 60_000
      : now + 120_000;
    if (status === 418) {
      this.#options.limiter.ban(until);
      this.#options.onAlert?.(
        "binance-ip-banned",
        `${path}: Binance banned this IP (HTTP 418) until ${
          new Date(until).toISOString()
        }; trading halted until then`,
      );
    } else this.#options.limiter.block(until);
  }

  #failure(status: number, text: string, path: string): ExchangeError {
    let wire;
    try {
      wire = obj(JSON.parse(text), "error");
    } catch {
      return httpStatusError(status, this.#redact(text), path);
    }
    const code = Number(wire.code);
    const msg = typeof wire.msg === "string" ? this.#redact(wire.msg) : "";
    if (!Number.isFinite(code)) return httpStatusError(status, this.#redact(text), path);
    // The HTTP status says more than the code for limits and unknown outcomes.
    if (status === 429 || status === 418 || status === 503) {
      const base = httpStatusError(status, "", path);
      return new ExchangeError(base.kind, `${path}: ${msg} (code ${code})`, {
        venue: VENUE,
        code: `http-${status}`,
        ...(base.hint === undefined ? {} : { hint: base.hint }),
      });
    }
    return codeError(code, msg, path);
  }

  #credentials(path: string): BinanceCredentials {
    const credentials = this.#options.credentials;
    if (credentials === undefined) {
      throw new ExchangeError("auth", `${path} needs an API key and secret`, {
        venue: VENUE,
        hint:
          "set exchange.<profile>.api_key/api_secret in config/local.toml or TESSER_EXCHANGE__<PROFILE>__API_KEY/__API_SECRET",
      });
    }
    return credentials;
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
