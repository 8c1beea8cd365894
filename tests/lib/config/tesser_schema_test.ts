import assert from "node:assert/strict";
import { join } from "node:path";
import type { Field, TableField } from "../../../lib/config/schema.ts";
import { parseToml } from "../../../lib/config/toml.ts";
import {
  type ExchangeConfig,
  loadTesserConfig,
  TESSER_SCHEMA,
  type TesserConfig,
} from "../../../lib/config/tesser_schema.ts";

const CONFIG_DIR = new URL("../../../config/", import.meta.url).pathname;

/** Exactly the keys of `T`, as the compiler sees them: a missing or extra key fails to compile. */
type Keys<T> = { readonly [K in keyof Required<T>]: true };

type Backtest = TesserConfig["backtest"];
type Risk = NonNullable<TesserConfig["risk_management"]>;
type Live = NonNullable<TesserConfig["live"]>;
type Persistence = NonNullable<Live["persistence"]>;
type Account = NonNullable<Live["account"]>;
type Alerting = NonNullable<Live["alerting"]>;
type Market = NonNullable<ExchangeConfig["market"]>;

// The keys of the hand-written TesserConfig interface, listed by hand; the `Keys<>` types make
// the compiler check each list against the interface, and the test below checks it against
// the schema, so interface and schema cannot drift apart.
const TOP: Keys<TesserConfig> = {
  data_path: true,
  log_level: true,
  backtest: true,
  risk_management: true,
  exchange: true,
  live: true,
};
const BACKTEST: Keys<Backtest> = {
  reporting_currency: true,
  markets_file: true,
  initial_balances: true,
  fee_bps: true,
  slippage_bps: true,
  latency_bars: true,
  seed: true,
};
const RISK: Keys<Risk> = {
  max_order_quantity: true,
  max_order_notional: true,
  max_position_quantity: true,
  max_drawdown: true,
  flatten_on_kill: true,
  price_band_bps: true,
  max_orders_per_minute: true,
};
const EXCHANGE: Keys<ExchangeConfig> = {
  driver: true,
  rest_url: true,
  ws_url: true,
  ws_public_url: true,
  ws_market_url: true,
  ws_private_url: true,
  api_key: true,
  api_secret: true,
  symbol: true,
  balance_currency: true,
  initial_balance: true,
  slippage_bps: true,
  fee_bps: true,
  rate_limit_share: true,
  recv_window_ms: true,
  countdown_cancel_all_secs: true,
  testnet: true,
  market: true,
};
const MARKET: Keys<Market> = {
  mode: true,
  start_price: true,
  volatility: true,
  interval_ms: true,
  seed: true,
};
const LIVE: Keys<Live> = {
  state_path: true,
  metrics_addr: true,
  log_path: true,
  reconciliation_interval_secs: true,
  reconciliation_threshold: true,
  unknown_order_policy: true,
  cancel_on_shutdown: true,
  confirm_mainnet: true,
  record: true,
  paper_matching: true,
  account: true,
  persistence: true,
  alerting: true,
};
const ACCOUNT: Keys<Account> = { margin_mode: true, leverage: true, on_mismatch: true };
const PERSISTENCE: Keys<Persistence> = { engine: true, path: true };
const ALERTING: Keys<Alerting> = {
  webhook_url: true,
  max_data_gap_secs: true,
  max_order_failures: true,
  max_drawdown: true,
};

/** Every key path of the interface, as dotted strings (`*` for user-named map entries). */
const INTERFACE_PATHS: readonly string[] = [
  ...Object.keys(TOP),
  ...Object.keys(BACKTEST).map((k) => `backtest.${k}`),
  "backtest.initial_balances.*",
  ...Object.keys(RISK).map((k) => `risk_management.${k}`),
  "exchange.*",
  ...Object.keys(EXCHANGE).map((k) => `exchange.*.${k}`),
  ...Object.keys(MARKET).map((k) => `exchange.*.market.${k}`),
  ...Object.keys(LIVE).map((k) => `live.${k}`),
  ...Object.keys(ACCOUNT).map((k) => `live.account.${k}`),
  ...Object.keys(PERSISTENCE).map((k) => `live.persistence.${k}`),
  ...Object.keys(ALERTING).map((k) => `live.alerting.${k}`),
];

/** Every key path of a schema, walking tables and maps. */
function schemaPaths(node: Field, prefix: string): string[] {
  switch (node.kind) {
    case "table":
      return Object.entries(node.fields).flatMap(([key, child]) => {
        const path = prefix === "" ? key : `${prefix}.${key}`;
        return [path, ...schemaPaths(child, path)];
      });
    case "map":
      return [`${prefix}.*`, ...schemaPaths(node.value, `${prefix}.*`)];
    default:
      return [];
  }
}

/** Whether each key of the interface is required, by path, as the schema says. */
function requiredPaths(schema: TableField, prefix = ""): string[] {
  return Object.entries(schema.fields).flatMap(([key, node]) => {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    const nested = node.kind === "table" ? requiredPaths(node, path) : [];
    return node.required === true ? [path, ...nested] : nested;
  });
}

Deno.test("every TesserConfig key is a schema key and every schema key is in TesserConfig", () => {
  assert.deepEqual([...schemaPaths(TESSER_SCHEMA, "")].sort(), [...INTERFACE_PATHS].sort());
});

Deno.test("the keys TesserConfig makes required are exactly the schema's required keys", () => {
  assert.deepEqual(requiredPaths(TESSER_SCHEMA), [
    "data_path",
    "log_level",
    "backtest",
    "backtest.reporting_currency",
    "backtest.markets_file",
  ]);
  const exchange = TESSER_SCHEMA.fields.exchange;
  assert.ok(exchange.kind === "map" && exchange.value.kind === "table");
  assert.deepEqual(requiredPaths(exchange.value), ["driver"]);
});

Deno.test("the shipped config/default.toml loads cleanly with the Tesser schema", () => {
  const file = join(CONFIG_DIR, "default.toml");
  const { config, files } = loadTesserConfig({ configDir: CONFIG_DIR });
  assert.deepEqual(files, [file]);
  // One layer, no variables: the loaded config is the file, unchanged by validation.
  assert.deepEqual(config, parseToml(Deno.readTextFileSync(file), file));
  assert.equal(typeof config.data_path, "string");
  assert.ok(["trace", "debug", "info", "warn", "error"].includes(config.log_level));
  assert.equal(typeof config.backtest.reporting_currency, "string");
  assert.equal(typeof config.backtest.markets_file, "string");
});

Deno.test("the shipped testnet profile loads on top of default.toml", () => {
  const { config, files } = loadTesserConfig({ configDir: CONFIG_DIR, env: "testnet" });
  assert.deepEqual(files, [join(CONFIG_DIR, "default.toml"), join(CONFIG_DIR, "testnet.toml")]);
  // The profile's own value wins over default.toml's.
  const read = (name: string) => {
    const file = join(CONFIG_DIR, name);
    return parseToml(Deno.readTextFileSync(file), file);
  };
  assert.equal(config.log_level, read("testnet.toml").log_level ?? read("default.toml").log_level);
});

Deno.test("Tesser environment variables reach nested exchange profiles", () => {
  const { config } = loadTesserConfig({
    configDir: CONFIG_DIR,
    environment: {
      TESSER_EXCHANGE__BYBIT_TESTNET__API_KEY: "key-from-env",
      TESSER_LOG_LEVEL: "debug",
    },
  });
  assert.equal(config.exchange?.bybit_testnet.api_key, "key-from-env");
  assert.equal(config.exchange?.bybit_testnet.driver, "bybit");
  assert.equal(config.log_level, "debug");
});

Deno.test("live.unknown_order_policy takes cancel or adopt; anything else names the key and the choices", () => {
  const { config } = loadTesserConfig({
    configDir: CONFIG_DIR,
    environment: { TESSER_LIVE__UNKNOWN_ORDER_POLICY: "cancel" },
  });
  assert.equal(config.live?.unknown_order_policy, "cancel");
  assert.throws(
    () =>
      loadTesserConfig({
        configDir: CONFIG_DIR,
        environment: { TESSER_LIVE__UNKNOWN_ORDER_POLICY: "ignore" },
      }),
    (error: Error) =>
      /live\.unknown_order_policy/.test(error.message) && /cancel/.test(error.message) &&
      /adopt/.test(error.message),
  );
});
