/**
 * The accounts file of `tesser simulator run --accounts`: keys, USDT balance, leverage, and the
 * wallets of other margin assets (`[account.balances]`).
 */

import assert from "node:assert/strict";
import { ConfigError } from "../../../lib/domain/mod.ts";
import { parseAccountsFile } from "../../../connectors/simulator/accounts_file.ts";
import { startSimulator } from "../../../connectors/simulator/simulator.ts";

const FILE = `
[[account]]
api_key = "k1"
api_secret = "s1"
balance = "25000"
[account.balances]
USDC = "10000"

[[account]]
api_key = "k2"
api_secret = "s2"
`;

Deno.test("accounts file: [account.balances] gives the wallets of other margin assets", async () => {
  const specs = parseAccountsFile(FILE, "accounts.toml");
  assert.deepEqual(specs, [
    {
      apiKey: "k1",
      apiSecret: "s1",
      balance: "25000",
      leverage: undefined,
      balances: { USDC: "10000" },
    },
    { apiKey: "k2", apiSecret: "s2", balance: undefined, leverage: undefined },
  ]);
  const sim = await startSimulator({ venue: "binance", market: { kind: "none" }, accounts: specs });
  try {
    const account = sim.exchange.account(0);
    assert.deepEqual(account.assets(), ["USDT", "USDC"]);
    assert.equal(account.walletOf("USDC").toString(), "10000");
    assert.equal(account.wallet.toString(), "25000");
    assert.deepEqual(sim.exchange.account(1).assets(), ["USDT"]);
  } finally {
    await sim.stop();
  }
});

Deno.test("accounts file: a balance that is not a positive decimal string is refused, naming it", () => {
  const bad = (usdc: string) =>
    `[[account]]\napi_key = "k"\napi_secret = "s"\n[account.balances]\nUSDC = ${usdc}\n`;
  assert.throws(() => parseAccountsFile(bad("10000"), "a.toml"), ConfigError);
  assert.throws(
    () => parseAccountsFile(bad("10000"), "a.toml"),
    /account 1: balances.USDC must be a decimal string, got 10000/,
  );
  assert.throws(
    () => parseAccountsFile(bad('"-5"'), "a.toml"),
    /account 1: balances.USDC must be a positive decimal string, got "-5"/,
  );
});
