/**
 * The schema of Tesser's own configuration (`config/*.toml`), compatible with the Rust
 * Tesser's `config/default.toml` layout.
 *
 * @module
 */

import { field, type TableField } from "./schema.ts";
import { loadConfig, type LoadConfigOptions } from "./loader.ts";

const exchangeSchema = field.table({
  driver: field.enum(["paper", "bybit", "binance", "bitmex", "simulator"], { required: true }),
  rest_url: field.string(),
  ws_url: field.string(),
  ws_public_url: field.string(),
  ws_market_url: field.string(),
  ws_private_url: field.string(),
  api_key: field.string(),
  api_secret: field.string(),
  symbol: field.string(),
  balance_currency: field.string(),
  initial_balance: field.number({ min: 0 }),
  slippage_bps: field.number({ min: 0 }),
  fee_bps: field.number(),
  rate_limit_share: field.number({ min: 0.01, max: 1 }),
  recv_window_ms: field.number({ integer: true, min: 1, max: 60_000 }),
  countdown_cancel_all_secs: field.number({ integer: true, min: 0, max: 86_400 }),
  testnet: field.boolean(),
  market: field.table({
    mode: field.enum(["random_walk", "replay"]),
    start_price: field.number({ min: 0 }),
    volatility: field.number({ min: 0 }),
    interval_ms: field.number({ integer: true, min: 1 }),
    seed: field.number({ integer: true, min: 0 }),
  }),
});

const tesserSchema = field.table({
  data_path: field.string({ required: true }),
  log_level: field.enum(["trace", "debug", "info", "warn", "error"], { required: true }),
  backtest: field.table({
    reporting_currency: field.string({ required: true }),
    markets_file: field.string({ required: true }),
    initial_balances: field.map(field.number({ min: 0 })),
    fee_bps: field.number(),
    slippage_bps: field.number({ min: 0 }),
    latency_bars: field.number({ integer: true, min: 1 }),
    seed: field.number({ integer: true, min: 0 }),
  }, { required: true }),
  risk_management: field.table({
    max_order_quantity: field.number({ min: 0 }),
    max_order_notional: field.number({ min: 0 }),
    max_position_quantity: field.number({ min: 0 }),
    max_drawdown: field.number({ min: 0, max: 1 }),
    flatten_on_kill: field.boolean(),
    price_band_bps: field.number({ min: 0 }),
    max_orders_per_minute: field.number({ integer: true, min: 1 }),
  }),
  exchange: field.map(exchangeSchema),
  live: field.table({
    state_path: field.string(),
    metrics_addr: field.string(),
    log_path: field.string(),
    reconciliation_interval_secs: field.number({ integer: true, min: 1 }),
    reconciliation_threshold: field.number({ min: 0 }),
    unknown_order_policy: field.enum(["cancel", "adopt"]),
    cancel_on_shutdown: field.boolean(),
    confirm_mainnet: field.boolean(),
    record: field.string(),
    paper_matching: field.enum(["candle", "tick"]),
    account: field.table({
      margin_mode: field.enum(["isolated", "cross"]),
      leverage: field.number({ min: 1 }),
      on_mismatch: field.enum(["refuse", "adopt"]),
    }),
    persistence: field.table({
      engine: field.enum(["sqlite", "lmdb"]),
      path: field.string(),
    }),
    alerting: field.table({
      webhook_url: field.string(),
      max_data_gap_secs: field.number({ integer: true, min: 1 }),
      max_order_failures: field.number({ integer: true, min: 1 }),
      max_drawdown: field.number({ min: 0, max: 1 }),
    }),
  }),
});

/** The schema of Tesser's configuration files. */
export const TESSER_SCHEMA: TableField = tesserSchema;

/** One `[exchange.NAME]` entry. */
export interface ExchangeConfig {
  /** Which adapter to use. */
  readonly driver: "paper" | "bybit" | "binance" | "bitmex" | "simulator";
  /** REST base URL. */
  readonly rest_url?: string;
  /** WebSocket URL. */
  readonly ws_url?: string;
  /** Binance: the `/public` stream endpoint (depth, bookTicker). */
  readonly ws_public_url?: string;
  /** Binance: the `/market` stream endpoint (aggTrade, kline, markPrice). */
  readonly ws_market_url?: string;
  /** Binance: the `/private` user-data endpoint. */
  readonly ws_private_url?: string;
  /** API key (keep it in config/local.toml or the environment). */
  readonly api_key?: string;
  /** API secret (keep it in config/local.toml or the environment). */
  readonly api_secret?: string;
  /** Paper venue: default symbol. */
  readonly symbol?: string;
  /** Paper venue: currency of the initial balance. */
  readonly balance_currency?: string;
  /** Paper venue: initial balance. */
  readonly initial_balance?: number;
  /** Paper venue: slippage in basis points. */
  readonly slippage_bps?: number;
  /** Paper venue: fee in basis points. */
  readonly fee_bps?: number;
  /**
   * This process's share (0.01–1) of the account's and IP's rate limits, which every process
   * on the same key and IP shares (live exchanges; default 1).
   */
  readonly rate_limit_share?: number;
  /** Receive window of signed requests in ms (Bybit `X-BAPI-RECV-WINDOW`; default 5000). */
  readonly recv_window_ms?: number;
  /**
   * Binance: arm `countdownCancelAll` with this many seconds while a live session runs (re-armed
   * every quarter of it), so the venue cancels the open orders when the process stops
   * answering; 0 or absent = off.
   */
  readonly countdown_cancel_all_secs?: number;
  /** Whether the profile points at a test network (shown in logs and refusals). */
  readonly testnet?: boolean;
  /** Paper venue: synthetic market settings. */
  readonly market?: {
    readonly mode?: "random_walk" | "replay";
    readonly start_price?: number;
    readonly volatility?: number;
    readonly interval_ms?: number;
    readonly seed?: number;
  };
}

/**
 * Tesser's validated configuration (`config/*.toml`, `TESSER_*`, flags). Written out for
 * readable docs; tests/lib/config keeps it in step with the schema.
 */
export interface TesserConfig {
  /** Where downloaded and normalized data lives. */
  readonly data_path: string;
  /** Log level. */
  readonly log_level: "trace" | "debug" | "info" | "warn" | "error";
  /** Backtest defaults. */
  readonly backtest: {
    readonly reporting_currency: string;
    readonly markets_file: string;
    readonly initial_balances?: Readonly<Record<string, number>>;
    readonly fee_bps?: number;
    readonly slippage_bps?: number;
    readonly latency_bars?: number;
    readonly seed?: number;
  };
  /** Pre-trade risk limits. */
  readonly risk_management?: {
    readonly max_order_quantity?: number;
    readonly max_order_notional?: number;
    readonly max_position_quantity?: number;
    readonly max_drawdown?: number;
    readonly flatten_on_kill?: boolean;
    readonly price_band_bps?: number;
    readonly max_orders_per_minute?: number;
  };
  /** Venue profiles by name. */
  readonly exchange?: Readonly<Record<string, ExchangeConfig>>;
  /** Live trading settings. */
  readonly live?: {
    readonly state_path?: string;
    readonly metrics_addr?: string;
    readonly log_path?: string;
    readonly reconciliation_interval_secs?: number;
    readonly reconciliation_threshold?: number;
    /** What reconciliation does with an open venue order that is not ours (default `adopt`). */
    readonly unknown_order_policy?: "cancel" | "adopt";
    readonly cancel_on_shutdown?: boolean;
    readonly confirm_mainnet?: boolean;
    /** Record the session's market frames to this `.gz` file (`--record`); "" = off. */
    readonly record?: string;
    /** Paper matching (`--paper-matching`); default by the strategy's subscriptions. */
    readonly paper_matching?: "candle" | "tick";
    readonly account?: {
      readonly margin_mode?: "isolated" | "cross";
      readonly leverage?: number;
      readonly on_mismatch?: "refuse" | "adopt";
    };
    readonly persistence?: { readonly engine?: "sqlite" | "lmdb"; readonly path?: string };
    readonly alerting?: {
      readonly webhook_url?: string;
      readonly max_data_gap_secs?: number;
      readonly max_order_failures?: number;
      readonly max_drawdown?: number;
    };
  };
}

/** Loads Tesser's configuration with its schema (see {@linkcode loadConfig}). */
export function loadTesserConfig(
  options: Omit<LoadConfigOptions<TableField>, "schema">,
): {
  readonly config: TesserConfig;
  readonly files: readonly string[];
  readonly sources: Readonly<Record<string, string>>;
} {
  const { config, files, sources } = loadConfig({ ...options, schema: tesserSchema });
  // Sound: loadConfig validated every layer against tesserSchema.
  return { config: config as unknown as TesserConfig, files, sources };
}
