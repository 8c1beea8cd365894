/**
 * Which configuration keys hold secrets (API keys and secrets, passphrases, passwords, tokens,
 * webhook URLs), and the redaction of their values from text shown to the user: error
 * messages and TOML code frames must never echo them, whatever their type.
 *
 * @module
 */

// By name, not by schema: a mistyped key (`api_secrte`) or one of another layer is still a
// secret to hide, and hiding a harmless value costs nothing.
const SECRET_KEY = /(api_?key|secret|passphrase|password|passwd|token|webhook|private_?key)/i;

/** The placeholder shown instead of a secret's value. */
export const REDACTED = "<redacted>";

/**
 * Whether a config key (the last part of its dotted path) holds a secret.
 *
 * @example
 * ```ts
 * import { isSecretKey } from "@tesser/tesser/config";
 * import assert from "node:assert/strict";
 * assert.equal(isSecretKey("api_secret"), true);
 * assert.equal(isSecretKey("rest_url"), false);
 * ```
 */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

// `key = value` in TOML, possibly after a code frame's "12:" line number, with the key bare or
// quoted and maybe dotted (`exchange.bybit.api_secret = ...`).
const ASSIGNMENT =
  /^(\s*(?:\d+:\s*)?)((?:["']?[A-Za-z0-9_-]+["']?\s*\.\s*)*["']?([A-Za-z0-9_-]+)["']?\s*=\s*)(.*)$/;

/**
 * Replaces the value of every secret `key = value` line of TOML (or of a code frame quoting
 * TOML) with {@linkcode REDACTED}; other lines are kept as they are.
 *
 * @example
 * ```ts
 * import { redactTomlSecrets } from "@tesser/tesser/config";
 * import assert from "node:assert/strict";
 * assert.equal(redactTomlSecrets('3:  api_secret = "abc"'), "3:  api_secret = <redacted>");
 * ```
 */
export function redactTomlSecrets(text: string): string {
  return text.split("\n").map((line) => {
    const match = ASSIGNMENT.exec(line);
    if (match === null || !isSecretKey(match[3])) return line;
    return `${match[1]}${match[2]}${REDACTED}`;
  }).join("\n");
}

/** How a value is described in an error when it must not be shown: its type only. */
export function describeHidden(value: unknown): string {
  const type = Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`;
  return `${type} (value hidden: the key holds a secret)`;
}
