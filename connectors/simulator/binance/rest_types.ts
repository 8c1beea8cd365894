/**
 * The shapes shared by the Binance REST routes: parameters (query and form body merged),
 * answers, errors with Binance's negative codes, and the parameter readers.
 *
 * @module
 */

import { type Decimal, decimal } from "../_lib.ts";
import type { SimInstrument } from "../instruments.ts";
import type { VenueContext } from "../venue_context.ts";
import type { Countdowns } from "./countdown.ts";
import type { ListenKeys } from "./listen_keys.ts";

/** REQUEST_WEIGHT per minute and ORDERS per 10 s and per minute, as exchangeInfo lists them. */
export const BINANCE_LIMITS = { weight1m: 2400, orders10s: 300, orders1m: 1200 } as const;

/** The Binance-only state the routes share. */
export interface BinanceState {
  /** Auto-cancel countdowns. */
  readonly countdowns: Countdowns;
  /** User-data listenKeys. */
  readonly listenKeys: ListenKeys;
}

/** One call. */
export interface BinanceCall {
  /** The venue. */
  readonly context: VenueContext;
  /** The caller's account (−1 on public routes). */
  readonly accountId: number;
  /** Query and body parameters. */
  readonly params: URLSearchParams;
  /** Countdowns and listenKeys. */
  readonly state: BinanceState;
}

/** A successful answer: the JSON body (HTTP 200). */
export interface BinanceOk {
  /** Body. */
  readonly body: unknown;
  /** Extra headers (order counts). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** One REST endpoint. */
export interface BinanceRoute {
  /** `SIGNED` (key + signature), `KEY` (API key only: listenKey) or `NONE`. */
  readonly security: "SIGNED" | "KEY" | "NONE";
  /** Request weight (per IP, per minute). */
  readonly weight: number | ((params: URLSearchParams) => number);
  /** Whether it places an order (counted in X-MBX-ORDER-COUNT-*). */
  readonly order?: boolean;
  /** The handler. */
  readonly handle: (call: BinanceCall) => BinanceOk;
}

/** A refusal with Binance's code and message, sent as `{code, msg}`. */
export class BinanceError extends Error {
  /** Binance's code (negative). */
  readonly code: number;
  /** HTTP status (400 unless said otherwise). */
  readonly status: number;

  /** Makes the error. */
  constructor(code: number, message: string, status = 400) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** A successful answer. */
export function ok(body: unknown, headers?: Readonly<Record<string, string>>): BinanceOk {
  return { body, headers };
}

/** A required parameter. */
export function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === "") {
    throw new BinanceError(
      -1102,
      `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`,
    );
  }
  return value;
}

/** An optional parameter (undefined when absent or empty). */
export function optional(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  return value === null || value === "" ? undefined : value;
}

/** The listed instrument `code`; Binance's -1121 "Invalid symbol." for one it does not list. */
export function listedInstrument(call: BinanceCall, code: string): SimInstrument {
  const found = call.context.core.instrument(code);
  if (found === undefined) throw new BinanceError(-1121, "Invalid symbol.");
  return found;
}

/** The instrument of the request's (required) `symbol`. */
export function symbolInstrument(call: BinanceCall): SimInstrument {
  return listedInstrument(call, required(call.params, "symbol"));
}

/** The instruments the request's optional `symbol` names: every listed one without it. */
export function symbolInstruments(call: BinanceCall): readonly SimInstrument[] {
  const code = optional(call.params, "symbol");
  return code === undefined ? call.context.core.instruments() : [listedInstrument(call, code)];
}

/** An optional decimal parameter. */
export function optionalDecimal(params: URLSearchParams, name: string): Decimal | undefined {
  const text = optional(params, name);
  if (text === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(text)) {
    throw new BinanceError(
      -1100,
      `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`,
    );
  }
  return decimal(text);
}

/** A required decimal parameter. */
export function requiredDecimal(params: URLSearchParams, name: string): Decimal {
  const value = optionalDecimal(params, required(params, name) === "" ? "" : name);
  if (value === undefined) throw new TypeError(`${name} was checked as present`);
  return value;
}

/** An optional boolean parameter (`true`/`false`, default false). */
export function optionalBoolean(params: URLSearchParams, name: string): boolean {
  const text = optional(params, name);
  if (text === undefined) return false;
  if (text !== "true" && text !== "false") {
    throw new BinanceError(-1130, `Data sent for parameter '${name}' is not valid.`);
  }
  return text === "true";
}

/** An optional integer parameter within [min, max]. */
export function optionalInteger(
  params: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = optional(params, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new BinanceError(-1130, `Data sent for parameter '${name}' is not valid.`);
  }
  return n;
}
