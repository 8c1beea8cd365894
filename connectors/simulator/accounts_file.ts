/**
 * Test accounts from TOML, for `tesser simulator run --accounts FILE`:
 *
 * ```toml
 * [[account]]
 * api_key = "my-key"
 * api_secret = "my-secret"
 * balance = "25000"   # USDT, default 100000
 * leverage = "5"      # default 10
 * [account.balances]  # other margin assets (USDC-margined contracts), default none
 * USDC = "10000"
 * ```
 *
 * @module
 */

import { ConfigError, decimal, findKeyLine, parseToml } from "./_lib.ts";
import type { SimAccountSpec } from "./account.ts";

const KEYS = ["api_key", "api_secret", "balance", "leverage", "balances"];

/** Parses an accounts file. @throws {ConfigError} naming the file, the line and the fix. */
export function parseAccountsFile(text: string, file: string): readonly SimAccountSpec[] {
  const table = parseToml(text, file);
  const fail = (reason: string, key?: string, hint?: string): never => {
    throw new ConfigError(reason, {
      location: {
        file,
        line: key === undefined ? undefined : findKeyLine(text, [key]) ?? lineOf(text, key),
      },
      hint,
    });
  };
  for (const key of Object.keys(table)) {
    if (key !== "account") fail(`unknown key "${key}"`, key, "the file holds [[account]] tables");
  }
  const rows = table.account;
  if (!Array.isArray(rows) || rows.length === 0) {
    return fail(
      "no accounts: add at least one [[account]] table",
      undefined,
      'e.g. [[account]] api_key = "k" api_secret = "s"',
    );
  }
  const seen = new Set<string>();
  return rows.map((row: unknown, i: number): SimAccountSpec => {
    const entry = row as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (!KEYS.includes(key)) {
        fail(`account ${i + 1}: unknown key "${key}"`, key, `valid keys: ${KEYS.join(", ")}`);
      }
    }
    const text = (key: string, required: boolean): string | undefined => {
      const value = entry[key];
      if (value === undefined && !required) return undefined;
      if (typeof value !== "string" || value === "") {
        return fail(`account ${i + 1}: ${key} must be a non-empty string`, key);
      }
      return value;
    };
    const apiKey = text("api_key", true) as string;
    if (seen.has(apiKey)) fail(`account ${i + 1}: api_key "${apiKey}" is used twice`, "api_key");
    seen.add(apiKey);
    const balance = text("balance", false);
    const leverage = text("leverage", false);
    const others = entry.balances ?? {};
    if (typeof others !== "object" || others === null || Array.isArray(others)) {
      fail(`account ${i + 1}: balances must be a table of asset = "amount"`, "balances");
    }
    const balances = Object.entries(others as Record<string, unknown>).map(([asset, value]) => {
      if (typeof value !== "string") {
        return fail(
          `account ${i + 1}: balances.${asset} must be a decimal string, got ${String(value)}`,
          asset,
          `e.g. ${asset} = "10000"`,
        );
      }
      return [asset, value] as const;
    });
    const amounts = [
      ["balance", balance],
      ["leverage", leverage],
      ...balances.map(
        ([asset, value]) => [`balances.${asset}`, value] as const,
      ),
    ];
    for (const [name, value] of amounts) {
      if (value === undefined) continue;
      let ok = false;
      try {
        ok = decimal(value).gt(0);
      } catch {
        ok = false;
      }
      if (!ok) {
        fail(`account ${i + 1}: ${name} must be a positive decimal string, got "${value}"`, name);
      }
    }
    return {
      apiKey,
      apiSecret: text("api_secret", true) as string,
      balance,
      leverage,
      ...(balances.length === 0 ? {} : { balances: Object.fromEntries(balances) }),
    };
  });
}

function lineOf(text: string, key: string): number | undefined {
  const at = text.split("\n").findIndex((line) =>
    line.trim().startsWith(`${key} `) || line.trim().startsWith(`${key}=`)
  );
  return at >= 0 ? at + 1 : undefined;
}
