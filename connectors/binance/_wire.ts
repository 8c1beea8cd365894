/**
 * Readers for Binance's JSON: every field is checked at the edge, and a message that does not
 * have the documented shape is a {@linkcode DataError} naming the field, never a silent NaN.
 *
 * @module
 */

import { DataError, type Decimal, decimal } from "../../lib/domain/mod.ts";

/** A parsed JSON object. */
export type Wire = Readonly<Record<string, unknown>>;

/** The object `value`, or a DataError naming `what`. */
export function obj(value: unknown, what: string): Wire {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DataError(`Binance message: ${what} is not an object`);
  }
  return value as Wire;
}

/** The array `value`, or a DataError naming `what`. */
export function arr(value: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new DataError(`Binance message: ${what} is not an array`);
  return value;
}

/** The string field `key` of `wire`. */
export function str(wire: Wire, key: string, what: string): string {
  const value = wire[key];
  if (typeof value !== "string") {
    throw new DataError(
      `Binance message: ${what}.${key} is not a string (${JSON.stringify(value)})`,
    );
  }
  return value;
}

/** The string field `key`, or `fallback` when absent or empty. */
export function optStr(wire: Wire, key: string, fallback = ""): string {
  const value = wire[key];
  return typeof value === "string" ? value : fallback;
}

/** A finite number from a number or numeric-string field. */
export function num(wire: Wire, key: string, what: string): number {
  const value = wire[key];
  const result = typeof value === "number"
    ? value
    : typeof value === "string"
    ? Number(value)
    : NaN;
  if (!Number.isFinite(result) || (typeof value === "string" && value.trim() === "")) {
    throw new DataError(
      `Binance message: ${what}.${key} is not a number (${JSON.stringify(value)})`,
    );
  }
  return result;
}

/** An exact decimal from a numeric-string field; empty strings read as `fallback` when given. */
export function dec(wire: Wire, key: string, what: string, fallback?: Decimal): Decimal {
  const value = wire[key];
  if ((value === "" || value === undefined || value === null) && fallback !== undefined) {
    return fallback;
  }
  if (typeof value !== "string" && typeof value !== "number") {
    throw new DataError(
      `Binance message: ${what}.${key} is not a decimal (${JSON.stringify(value)})`,
    );
  }
  try {
    return decimal(value);
  } catch (cause) {
    throw new DataError(
      `Binance message: ${what}.${key} is not a decimal (${JSON.stringify(value)})`,
      {
        cause,
      },
    );
  }
}

/** A boolean field (Binance sends real booleans). */
export function bool(wire: Wire, key: string, fallback: boolean): boolean {
  const value = wire[key];
  return typeof value === "boolean" ? value : fallback;
}

/** Parses JSON text, or a DataError quoting its start. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new DataError(`Binance ${what}: not JSON: ${text.slice(0, 80)}`, { cause });
  }
}
