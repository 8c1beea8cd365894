/**
 * Number formatting shared by the venues' wire shapes: exchanges print decimals as strings
 * on the instrument's grid, and money with trailing zeros trimmed.
 *
 * @module
 */

import type { Decimal } from "./_lib.ts";

/** `value` with exactly `places` decimals. */
export function fixed(value: Decimal, places: number): string {
  return value.toFixed(places);
}

/** `value` to at most `places` decimals (default 8), trailing zeros trimmed. */
export function money(value: Decimal, places = 8): string {
  const text = value.toFixed(places);
  if (!text.includes(".")) return text;
  const trimmed = text.replace(/0+$/, "").replace(/\.$/, "");
  return trimmed === "-0" ? "0" : trimmed;
}

/** A float64 market price or size printed as its shortest round-trip text, fixed to `places`. */
export function level(value: number, places: number): string {
  return value.toFixed(places);
}
