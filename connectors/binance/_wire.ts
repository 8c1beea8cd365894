/**
 * Binance's JSON field readers: the shared checked readers of lib/broker (wire_fields.ts) bound to
 * the venue's name, so every error says "Binance message: …" and names the field.
 *
 * @module
 */

import { type Wire, type WireFields, wireFields } from "../../lib/broker/mod.ts";

/** A parsed JSON object. */
export type { Wire };

/**
 * The readers, each error naming Binance: `obj`, `arr` (the value as an object / array), `str`,
 * `optStr`, `num`, `dec`, `bool` (a field of an object) and `parseJson` (see wire_fields.ts).
 */
export const { obj, arr, str, optStr, num, dec, bool, parseJson }: WireFields = wireFields(
  "Binance",
);
