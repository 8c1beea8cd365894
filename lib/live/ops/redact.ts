/**
 * Secret redaction for logs, alerts and control answers: a field whose name says it holds a
 * secret is replaced whatever its value, and every known secret value is replaced wherever it
 * appears in text (an error message that quotes a signed URL, say).
 *
 * @module
 */

/** What replaces a secret. */
export const REDACTED = "[redacted]";

// Names of fields that hold secrets whatever their value (api_key, apiSecret, webhookUrl, ...).
const SECRET_KEY = /secret|token|password|passphrase|api[_-]?key|signature|authorization|webhook/i;

// A secret shorter than this is not searched for in free text: it would match ordinary words.
const MIN_SECRET_LENGTH = 6;

/** Whether a field named `key` holds a secret (by its name). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * `text` with every occurrence of each secret replaced by {@linkcode REDACTED}.
 *
 * @example
 * ```ts
 * import { redactText } from "@tesser/tesser/live";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   redactText("POST https://hooks.example/T0/abc123 failed", ["https://hooks.example/T0/abc123"]),
 *   "POST [redacted] failed",
 * );
 * ```
 */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * A copy of `value` (the value of field `key`) safe to write: secret-named fields at any depth
 * are replaced, secret values inside strings are replaced, errors become `{ name, message }`.
 */
export function redactValue(key: string, value: unknown, secrets: readonly string[]): unknown {
  if (isSecretKey(key) && value !== undefined && value !== null && value !== "") return REDACTED;
  return redactInner(value, secrets, 0);
}

function redactInner(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === "string") return redactText(value, secrets);
  if (value === null || typeof value !== "object") return value;
  // Bounded depth: log properties are small records, and a cycle must not hang the logger.
  if (depth > 8) return "[too deep]";
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message, secrets) };
  }
  if (Array.isArray(value)) return value.map((item) => redactInner(item, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = isSecretKey(key) && inner !== undefined && inner !== null && inner !== ""
      ? REDACTED
      : redactInner(inner, secrets, depth + 1);
  }
  return out;
}
