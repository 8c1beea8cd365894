import assert from "node:assert/strict";
import { loadTesserConfig } from "../../../lib/config/mod.ts";
import { ConfigError } from "../../../lib/domain/mod.ts";
import { bybitFromProfile, describeProfile } from "../../../connectors/bybit/profile.ts";

const CONFIG_DIR = new URL("../../../config/", import.meta.url).pathname;
const SECRET = "s3cr3t-value-XYZ";

Deno.test("profile: the default bybit_testnet profile with secrets from the environment; describe never shows them", () => {
  const { config } = loadTesserConfig({
    configDir: CONFIG_DIR,
    environment: {
      TESSER_EXCHANGE__BYBIT_TESTNET__API_KEY: "key-abc",
      TESSER_EXCHANGE__BYBIT_TESTNET__API_SECRET: SECRET,
      TESSER_EXCHANGE__BYBIT_TESTNET__RATE_LIMIT_SHARE: "0.5",
    },
  });
  const profile = config.exchange?.bybit_testnet;
  assert.ok(profile !== undefined);
  assert.equal(profile.api_secret, SECRET);
  assert.equal(profile.rate_limit_share, 0.5);
  assert.equal(profile.rest_url, "https://api-testnet.bybit.com");
  const text = describeProfile("bybit_testnet", profile);
  assert.ok(!text.includes(SECRET) && !text.includes("key-abc"));
  assert.match(text, /api_key=\(set\) api_secret=\(set\) rate_limit_share=0.5/);
  const connector = bybitFromProfile("bybit_testnet", profile);
  assert.equal(connector.client.venue, "bybit");
  assert.equal(config.exchange?.bybit_mainnet?.rest_url, "https://api.bybit.com");
});

Deno.test("profile: errors name the profile and the variable to set, never a secret", () => {
  assert.throws(
    () =>
      bybitFromProfile("bybit_testnet", {
        driver: "bybit",
        rest_url: "https://x",
        ws_url: "wss://y",
        api_key: "",
        api_secret: SECRET,
      }),
    (error: unknown) =>
      error instanceof ConfigError && !error.message.includes(SECRET) &&
      /\[exchange.bybit_testnet\]: api_key is empty while the other half of the key is set \(hint: set api_key in config\/local.toml or TESSER_EXCHANGE__BYBIT_TESTNET__API_KEY\)/
        .test(error.message),
  );
  assert.throws(
    () => bybitFromProfile("x", { driver: "binance" }),
    /driver is "binance", not "bybit"/,
  );
  assert.throws(
    () => bybitFromProfile("x", { driver: "bybit", ws_url: "wss://y" }),
    /rest_url is not set/,
  );
  const keyless = bybitFromProfile("bybit_mainnet", {
    driver: "bybit",
    rest_url: "https://x",
    ws_url: "wss://y",
  });
  assert.throws(
    () => keyless.privateStream(() => {}),
    /private stream needs api_key and api_secret/,
  );
});

Deno.test("profile: a rate_limit_share outside (0, 1] is a config error at load", () => {
  assert.throws(
    () =>
      loadTesserConfig({
        configDir: CONFIG_DIR,
        environment: { TESSER_EXCHANGE__BYBIT_TESTNET__RATE_LIMIT_SHARE: "2" },
      }),
    /rate_limit_share/,
  );
});
