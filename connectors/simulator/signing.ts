/**
 * HMAC-SHA256 as both venues sign requests: lowercase hex of `HMAC(secret, text)`, and a
 * comparison that does not leak how much of a signature matched.
 *
 * @module
 */

import { createHmac, timingSafeEqual } from "node:crypto";

/** Lowercase hex HMAC-SHA256 of `text` under `secret`. */
export function hmacSha256Hex(secret: string, text: string): string {
  return createHmac("sha256", secret).update(text).digest("hex");
}

/** Whether `given` is the hex signature `expected` (case-insensitive, constant time). */
export function signatureMatches(expected: string, given: string): boolean {
  const a = new TextEncoder().encode(expected.toLowerCase());
  const b = new TextEncoder().encode(given.toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b);
}
