import assert from "node:assert/strict";
import { loadTesserConfig } from "../../../lib/config/mod.ts";
import { ConfigError, ExchangeError } from "../../../lib/domain/mod.ts";
import {
  binanceEndpoints,
  binanceFromProfile,
  describeBinanceProfile,
} from "../../../connectors/binance/profile.ts";

const CONFIG_DIR = new URL("../../../config/", import.meta.url).pathname;
const SECRET = "bn-s3cr3t-value-XYZ";

Deno.test("profile: the default binance profiles carry the three split stream URLs; describe never shows secrets", () => {
  const { config } = loadTesserConfig({
    configDir: CONFIG_DIR,
    environment: {
      TESSER_EXCHANGE__BINANCE_TESTNET__API_KEY: "bn-key-abc",
      TESSER_EXCHANGE__BINANCE_TESTNET__API_SECRET: SECRET,
      TESSER_EXCHANGE__BINANCE_TESTNET__RATE_LIMIT_SHARE: "0.5",
    },
  });
  const testnet = config.exchange?.binance_testnet;
  const mainnet = config.exchange?.binance_mainnet;
  assert.ok(testnet !== undefined && mainnet !== undefined);
  assert.deepEqual(binanceEndpoints("binance_mainnet", mainnet), {
    rest: "https://fapi.binance.com",
    public: "wss://fstream.binance.com/public",
    market: "wss://fstream.binance.com/market",
    private: "wss://fstream.binance.com/private",
  });
  const text = describeBinanceProfile("binance_testnet", testnet);
  assert.ok(!text.includes(SECRET) && !text.includes("bn-key-abc"));
  assert.match(
    text,
    /public=wss:\/\/fstream.binancefuture.com\/public .*api_key=\(set\) api_secret=\(set\) rate_limit_share=0.5/,
  );
  const connector = binanceFromProfile("binance_testnet", testnet);
  assert.equal(connector.client.venue, "binance");
  assert.equal(connector.endpoints.private, "wss://fstream.binancefuture.com/private");
});

Deno.test("profile: without the three URLs they are derived from ws_url", () => {
  assert.deepEqual(
    binanceEndpoints("x", {
      driver: "binance",
      rest_url: "http://127.0.0.1:1/",
      ws_url: "ws://127.0.0.1:2/",
    }),
    {
      rest: "http://127.0.0.1:1",
      public: "ws://127.0.0.1:2/public",
      market: "ws://127.0.0.1:2/market",
      private: "ws://127.0.0.1:2/private",
    },
  );
});

Deno.test("profile: errors name the profile, the key to set, never a secret", () => {
  assert.throws(
    () => binanceFromProfile("binance_testnet", { driver: "bybit", rest_url: "https://x" }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /\[exchange.binance_testnet\]: driver is "bybit", not "binance"/.test(error.message),
  );
  assert.throws(
    () => binanceFromProfile("binance_testnet", { driver: "binance", rest_url: "https://x" }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /ws_public_url is not set .*hint: see the binance_testnet profile/.test(error.message),
  );
  assert.throws(
    () =>
      binanceFromProfile("binance_testnet", {
        driver: "binance",
        rest_url: "https://x",
        ws_url: "wss://y",
        api_key: "",
        api_secret: SECRET,
      }),
    (error: unknown) =>
      error instanceof ConfigError && !error.message.includes(SECRET) &&
      /api_key is empty .*TESSER_EXCHANGE__BINANCE_TESTNET__API_KEY/.test(error.message),
  );
  const keyless = binanceFromProfile("binance_testnet", {
    driver: "binance",
    rest_url: "https://x",
    ws_url: "wss://y",
  });
  assert.throws(
    () => keyless.userStream(() => {}),
    /the user data stream needs api_key and api_secret/,
  );
});

Deno.test("profile: a venue error that echoes the key or secret is redacted", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/fapi/v1/time") return Response.json({ serverTime: Date.now() });
    return Response.json({ code: -2015, msg: `Invalid API-key bn-key-abc / ${SECRET}` }, {
      status: 401,
    });
  });
  try {
    const connector = binanceFromProfile("t", {
      driver: "binance",
      rest_url: `http://127.0.0.1:${server.addr.port}`,
      ws_url: "ws://127.0.0.1:9",
      api_key: "bn-key-abc",
      api_secret: SECRET,
    });
    await assert.rejects(
      () => connector.client.balances(),
      (error: unknown) =>
        error instanceof ExchangeError && error.kind === "auth" &&
        !error.message.includes(SECRET) &&
        !error.message.includes("bn-key-abc") &&
        /Invalid API-key \[redacted\] \/ \[redacted\]/.test(error.message),
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("profile: countdown_cancel_all_secs makes the heartbeat (off by default), shown in the description; it needs the keys", () => {
  const { config } = loadTesserConfig({
    configDir: CONFIG_DIR,
    environment: {
      TESSER_EXCHANGE__BINANCE_TESTNET__API_KEY: "bn-key-abc",
      TESSER_EXCHANGE__BINANCE_TESTNET__API_SECRET: SECRET,
    },
  });
  const testnet = config.exchange?.binance_testnet;
  assert.ok(testnet !== undefined);
  assert.equal(testnet.countdown_cancel_all_secs, 0);
  const symbols = ["binance:BTCUSDT"];
  assert.equal(
    binanceFromProfile("binance_testnet", testnet).countdownHeartbeat(symbols),
    undefined,
  );
  const on = { ...testnet, countdown_cancel_all_secs: 120 };
  assert.match(describeBinanceProfile("binance_testnet", on), /countdown_cancel_all_secs=120/);
  const heartbeat = binanceFromProfile("binance_testnet", on).countdownHeartbeat(symbols);
  assert.equal(heartbeat?.intervalMs, 30_000); // the documented 30 s for a 120 s countdown
  const keyless = { ...on, api_key: "", api_secret: "" };
  assert.throws(
    () => binanceFromProfile("binance_testnet", keyless).countdownHeartbeat(symbols),
    (error: unknown) =>
      error instanceof ConfigError &&
      /countdown_cancel_all_secs needs api_key and api_secret/.test(error.message) &&
      /remove countdown_cancel_all_secs/.test(error.hint ?? ""),
  );
});

Deno.test("profile: a negative countdown_cancel_all_secs is a configuration error naming the key", () => {
  assert.throws(
    () =>
      loadTesserConfig({
        configDir: CONFIG_DIR,
        environment: { TESSER_EXCHANGE__BINANCE_TESTNET__COUNTDOWN_CANCEL_ALL_SECS: "-5" },
      }),
    (error: unknown) =>
      error instanceof ConfigError && /countdown_cancel_all_secs/.test(String(error)),
  );
});
