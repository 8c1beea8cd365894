/**
 * Binance's JSON field readers: the shared checked readers of lib/broker (wire_fields.ts) bound to
 * the venue's name, so every error says "Binance message: …" and names the field.
 *
 * @module
 */

import { type Wire, type WireFields, wireFields } from "../../lib/broker/mod.ts";

/** A parsed JSON object. */
export type { Wire };

const fields: WireFields = wireFields("Binance");

/** The object `value`, or a DataError naming `what`. */
export const obj: WireFields["obj"] = fields.obj;
/** The array `value`, or a DataError naming `what`. */
export const arr: WireFields["arr"] = fields.arr;
/** The string field `key` of `wire`. */
export const str: WireFields["str"] = fields.str;
/** The string field `key`, or `fallback` when absent or not a string. */
export const optStr: WireFields["optStr"] = fields.optStr;
/** A finite number from a number or numeric-string field. */
export const num: WireFields["num"] = fields.num;
/** An exact decimal from a numeric-string field; empty reads as `fallback` when given. */
export const dec: WireFields["dec"] = fields.dec;
/** A boolean field (Binance sends real booleans), `fallback` when absent. */
export const bool: WireFields["bool"] = fields.bool;
/** Parses JSON text, or a DataError quoting its start. */
export const parseJson: WireFields["parseJson"] = fields.parseJson;
