/**
 * Checked readers for a venue's JSON, shared by the connectors (each binds them to its venue's
 * name in its `_wire.ts`): every field is checked at the edge, and a message that does not have
 * the documented shape is a {@linkcode DataError} naming the venue, the message and the field,
 * never a silent NaN or `undefined`.
 *
 * @example
 * ```ts
 * import { wireFields } from "@tesser/tesser/broker";
 * import { DataError } from "@tesser/tesser/domain";
 * import assert from "node:assert/strict";
 *
 * const { num, obj, parseJson } = wireFields("Binance");
 * const wire = obj(parseJson('{"p":"1.5"}', "trade"), "trade");
 * assert.equal(num(wire, "p", "trade"), 1.5);
 * assert.throws(
 *   () => num(wire, "q", "trade"),
 *   (e: unknown) => e instanceof DataError && /Binance message: trade\.q is not a number/.test(e.message),
 * );
 * ```
 *
 * @module
 */

import { DataError, type Decimal, decimal } from "../domain/mod.ts";

/** A parsed JSON object. */
export type Wire = Readonly<Record<string, unknown>>;

/** The readers of one venue (see {@linkcode wireFields}). */
export interface WireFields {
  /** The object `value`, or a DataError naming `what`. */
  readonly obj: (value: unknown, what: string) => Wire;
  /** The array `value`, or a DataError naming `what`. */
  readonly arr: (value: unknown, what: string) => readonly unknown[];
  /** The string field `key` of `wire`. */
  readonly str: (wire: Wire, key: string, what: string) => string;
  /** The string field `key`, or `fallback` when absent or not a string. */
  readonly optStr: (wire: Wire, key: string, fallback?: string) => string;
  /** A finite number from a number or numeric-string field. */
  readonly num: (wire: Wire, key: string, what: string) => number;
  /** An exact decimal from a numeric-string field; empty reads as `fallback` when given. */
  readonly dec: (wire: Wire, key: string, what: string, fallback?: Decimal) => Decimal;
  /** A boolean field (the venue sends real booleans), `fallback` when absent. */
  readonly bool: (wire: Wire, key: string, fallback: boolean) => boolean;
  /** Parses JSON text, or a DataError quoting its start. */
  readonly parseJson: (text: string, what: string) => unknown;
}

/** The field readers whose errors name `venue` (`Bybit`, `Binance` …). */
export function wireFields(venue: string): WireFields {
  const prefix = `${venue} message:`;
  const notA = (what: string, key: string, kind: string, value: unknown): string =>
    `${prefix} ${what}.${key} is not a ${kind} (${JSON.stringify(value)})`;
  return {
    obj(value: unknown, what: string): Wire {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new DataError(`${prefix} ${what} is not an object`);
      }
      return value as Wire;
    },
    arr(value: unknown, what: string): readonly unknown[] {
      if (!Array.isArray(value)) throw new DataError(`${prefix} ${what} is not an array`);
      return value;
    },
    str(wire: Wire, key: string, what: string): string {
      const value = wire[key];
      if (typeof value !== "string") throw new DataError(notA(what, key, "string", value));
      return value;
    },
    optStr(wire: Wire, key: string, fallback = ""): string {
      const value = wire[key];
      return typeof value === "string" ? value : fallback;
    },
    num(wire: Wire, key: string, what: string): number {
      const value = wire[key];
      const result = typeof value === "number"
        ? value
        : typeof value === "string"
        ? Number(value)
        : NaN;
      if (!Number.isFinite(result) || (typeof value === "string" && value.trim() === "")) {
        throw new DataError(notA(what, key, "number", value));
      }
      return result;
    },
    dec(wire: Wire, key: string, what: string, fallback?: Decimal): Decimal {
      const value = wire[key];
      if ((value === "" || value === undefined || value === null) && fallback !== undefined) {
        return fallback;
      }
      if (typeof value !== "string" && typeof value !== "number") {
        throw new DataError(notA(what, key, "decimal", value));
      }
      try {
        return decimal(value);
      } catch (cause) {
        throw new DataError(notA(what, key, "decimal", value), { cause });
      }
    },
    bool(wire: Wire, key: string, fallback: boolean): boolean {
      const value = wire[key];
      return typeof value === "boolean" ? value : fallback;
    },
    parseJson(text: string, what: string): unknown {
      try {
        return JSON.parse(text);
      } catch (cause) {
        throw new DataError(`${venue} ${what}: not JSON: ${text.slice(0, 80)}`, { cause });
      }
    },
  };
}
