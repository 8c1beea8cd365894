/**
 * The shapes shared by the Bybit REST routes: parsed parameters, answers, and the
 * parameter readers that refuse a bad value with retCode 10001 and a precise message.
 *
 * @module
 */

import { type Decimal, decimal } from "../_lib.ts";
import type { VenueContext } from "../venue_context.ts";

/** Query parameters (strings) or a JSON body. */
export type Params = { readonly [key: string]: unknown };

/** One authenticated (or public) call. */
export interface BybitCall {
  /** The venue. */
  readonly context: VenueContext;
  /** The caller's account (−1 on public routes). */
  readonly accountId: number;
  /** Parameters. */
  readonly params: Params;
}

/** What a route answers: a result, or a retCode with its message. */
export type BybitAnswer =
  | { readonly retCode: 0; readonly result: unknown }
  | { readonly retCode: number; readonly retMsg: string };

/** One REST endpoint. */
export interface BybitRoute {
  /** HTTP method. */
  readonly method: "GET" | "POST";
  /** Whether it needs a signed request. */
  readonly auth: boolean;
  /** The handler. */
  readonly handle: (call: BybitCall) => BybitAnswer;
}

/** A bad parameter, answered with `code` (10001 unless said otherwise). */
export class BybitParamError extends Error {
  /** Bybit retCode. */
  readonly code: number;

  /** Makes the error. */
  constructor(message: string, code = 10001) {
    super(message);
    this.code = code;
  }
}

/** A successful answer. */
export function success(result: unknown): BybitAnswer {
  return { retCode: 0, result };
}

/** A refusal. */
export function failure(
  retCode: number,
  retMsg: string,
): BybitAnswer & { readonly retCode: number } {
  return { retCode, retMsg };
}

/** A string parameter, or undefined when absent or empty. */
export function optionalString(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") {
    throw new BybitParamError(
      `params error: ${name} must be a string, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** A required string parameter. */
export function requiredString(params: Params, name: string): string {
  const value = optionalString(params, name);
  if (value === undefined) throw new BybitParamError(`params error: ${name} is required`);
  return value;
}

/** A decimal parameter given as a string, or undefined. */
export function optionalDecimal(params: Params, name: string): Decimal | undefined {
  const text = optionalString(params, name);
  if (text === undefined) return undefined;
  if (!/^-?\d+(\.\d+)?$/.test(text)) {
    throw new BybitParamError(`params error: ${name} must be a decimal string, got "${text}"`);
  }
  return decimal(text);
}

/** A boolean parameter (JSON true/false), default false. */
export function optionalBoolean(params: Params, name: string): boolean {
  const value = params[name];
  if (value === undefined || value === null) return false;
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "false") return value === "true";
  throw new BybitParamError(
    `params error: ${name} must be true or false, got ${JSON.stringify(value)}`,
  );
}

/** An integer parameter within [min, max], or the default. */
export function optionalInteger(
  params: Params,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = params[name];
  if (value === undefined || value === null || value === "") return fallback;
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new BybitParamError(
      `params error: ${name} must be an integer in ${min}..${max}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** Checks `category` is linear (the only category the simulator lists). */
export function requireLinear(params: Params): void {
  const category = requiredString(params, "category");
  if (category !== "linear") {
    throw new BybitParamError(
      `params error: category ${category} is not supported by the simulator (only linear)`,
    );
  }
}

const SEVEN_DAYS_MS = 7 * 86_400_000;

/**
 * The `[startTime, endTime]` window (ms) of a history query, as Bybit documents it: neither
 * given → the last 7 days; only one → 7 days from (or up to) it; both → at most 7 days apart.
 */
export function timeWindow(params: Params, now: number): { from: number; to: number } {
  const start = optionalInteger(params, "startTime", -1, 0, Number.MAX_SAFE_INTEGER);
  const end = optionalInteger(params, "endTime", -1, 0, Number.MAX_SAFE_INTEGER);
  if (start < 0 && end < 0) return { from: now - SEVEN_DAYS_MS, to: now };
  if (end < 0) return { from: start, to: start + SEVEN_DAYS_MS };
  if (start < 0) return { from: end - SEVEN_DAYS_MS, to: end };
  if (end < start || end - start > SEVEN_DAYS_MS) {
    throw new BybitParamError(
      `params error: endTime must be after startTime and within 7 days of it, got ${start}..${end}`,
    );
  }
  return { from: start, to: end };
}

/** A page of `items` after `cursor` (an offset), with the next cursor or "". */
export function page<T>(
  items: readonly T[],
  params: Params,
  fallback: number,
  max: number,
): { list: readonly T[]; nextPageCursor: string } {
  const limit = optionalInteger(params, "limit", fallback, 1, max);
  const cursor = optionalString(params, "cursor");
  const offset = cursor === undefined ? 0 : Number(cursor);
  if (!Number.isInteger(offset) || offset < 0) {
    throw new BybitParamError(`params error: cursor "${cursor}" is not valid`);
  }
  const list = items.slice(offset, offset + limit);
  return { list, nextPageCursor: offset + limit < items.length ? String(offset + limit) : "" };
}
