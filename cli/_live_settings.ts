/**
 * The flags of `tesser live run` and their resolution against the layered config: each flag
 * overrides its key in `[live]`, `[live.persistence]`, `[live.alerting]`, `[risk_management]`
 * or `[exchange.<profile>]`, and every combination that must not start (live execution on a
 * mainnet profile without confirmation, missing keys, a paper profile asked to trade live) is a
 * {@linkcode ConfigError} saying what and how to fix it.
 *
 * @module
 */

import type { ExchangeConfig, TesserConfig } from "../lib/config/mod.ts";
import { ConfigError, type Interval, INTERVALS } from "../lib/domain/mod.ts";
import type { RiskLimits } from "../lib/execution/mod.ts";
import { choice } from "./_backtest_flags.ts";
import { booleanFlag, numberFlag, type ParsedFlags, stringFlag } from "./usage_error.ts";

/** `tesser live run --help`. */
export const LIVE_HELP = `Usage: tesser [--env NAME] live run --strategy-config FILE [options]

Runs a strategy live: market data from the profile's streams, orders on the paper venue (a
backtest venue fed by the live data: the tick matching engine on the books and trades, or the
candle venue on the bars) or, with --exec live, on the exchange. The default
profile paper_sandbox is a seeded random-walk market: no keys, no network. Stop with Ctrl-C
(SIGINT) or SIGTERM: no new orders, optional cancels, state flushed, exit 0; a second signal exits
at once.

Options:
  --strategy-config FILE     strategy TOML: strategy_name = "..." and a [params] table
  --strategy-module FILE     a .ts module exporting "strategy" (a StrategyDefinition) to run
  --param KEY=VALUE          override a strategy parameter (repeatable)
  --exchange PROFILE         [exchange.PROFILE] to use (default paper_sandbox)
  --category linear          the Bybit category (only linear perpetuals are supported)
  --interval 1m              data bar interval; the strategy's higher timeframes are built from it
  --exec paper|live          paper (default): simulated fills; live: orders reach the exchange
  --confirm-mainnet          required with --exec live on a mainnet profile (live.confirm_mainnet)
  --sizer KIND[:VALUE]       fixed (uses --quantity), percent:0.1, risk:0.01
  --quantity N               fixed order quantity (default 0.01)
  --initial-equity N         paper starting balance (default exchange.PROFILE.initial_balance)
  --slippage-bps N           paper market-order slippage (exchange.PROFILE.slippage_bps)
  --fee-bps N                paper maker and taker fee (exchange.PROFILE.fee_bps)
  --latency-ms N             paper order latency: candle matching matches from bars opening N ms
                             later; tick matching delays each order command N ms
  --paper-matching tick|candle  paper fills from the tick matching engine on the live books and
                             trades (tick), or from closed bars (candle); default: tick when the
                             strategy subscribes to books or quotes, else candle (live.paper_matching)
  --queue-model M            tick matching: risk-averse (default), probabilistic or optimistic
  --latency-response-ms N    tick matching: delay of the paper venue's answers (default 0)
  --record FILE.gz           record every market frame received (REST snapshots, timer firings
                             too) for a tick replay: backtest run --mode tick --lob-data FILE.gz
                             (live.record)
  --markets-file FILE        instrument specs (default: backtest.markets_file)
  --state-path FILE          state store file (live.persistence.path)
  --persistence sqlite|lmdb  state store engine (live.persistence.engine)
  --metrics-addr HOST:PORT   Prometheus /metrics and /health (live.metrics_addr)
  --log-path FILE            JSON-lines log (live.log_path)
  --webhook-url URL          alert webhook (live.alerting.webhook_url)
  --risk-max-order-qty N     risk_management.max_order_quantity
  --risk-max-order-notional N  risk_management.max_order_notional
  --risk-max-position-qty N  risk_management.max_position_quantity
  --risk-max-drawdown F      risk_management.max_drawdown (kill switch, 0.05 = 5%)
  --alert-max-data-gap-secs N   live.alerting.max_data_gap_secs
  --alert-max-order-failures N  live.alerting.max_order_failures
  --alert-max-drawdown F     live.alerting.max_drawdown
  --cancel-on-shutdown       cancel working orders on shutdown (live.cancel_on_shutdown)
  --duration D               stop after D (e.g. 30s, 5m, 2h) — a bounded run
  --max-events N             stop after N market and execution events — a bounded run
  --seed N                   seed of the paper sandbox's random walk (market.seed)
  --json                     print the end-of-run summary as JSON
  -h, --help`;

/** The flags `tesser live run` accepts. */
export const LIVE_FLAGS = {
  help: { type: "boolean", short: "h" },
  json: { type: "boolean" },
  "strategy-config": { type: "string" },
  "strategy-module": { type: "string" },
  param: { type: "string", multiple: true },
  exchange: { type: "string" },
  category: { type: "string" },
  interval: { type: "string" },
  exec: { type: "string" },
  "confirm-mainnet": { type: "boolean" },
  sizer: { type: "string" },
  quantity: { type: "string" },
  "initial-equity": { type: "string" },
  "slippage-bps": { type: "string" },
  "fee-bps": { type: "string" },
  "latency-ms": { type: "string" },
  "paper-matching": { type: "string" },
  "queue-model": { type: "string" },
  "latency-response-ms": { type: "string" },
  record: { type: "string" },
  "markets-file": { type: "string" },
  "state-path": { type: "string" },
  persistence: { type: "string" },
  "metrics-addr": { type: "string" },
  "log-path": { type: "string" },
  "webhook-url": { type: "string" },
  "risk-max-order-qty": { type: "string" },
  "risk-max-order-notional": { type: "string" },
  "risk-max-position-qty": { type: "string" },
  "risk-max-drawdown": { type: "string" },
  "alert-max-data-gap-secs": { type: "string" },
  "alert-max-order-failures": { type: "string" },
  "alert-max-drawdown": { type: "string" },
  "cancel-on-shutdown": { type: "boolean" },
  duration: { type: "string" },
  "max-events": { type: "string" },
  seed: { type: "string" },
} as const;

/** The alerting thresholds in force. */
export interface AlertSettings {
  /** Webhook receiving alerts ("" = log only). */
  readonly webhookUrl: string;
  /** Seconds without market data that raise an alert. */
  readonly maxDataGapSecs: number;
  /** Consecutive order failures that raise an alert. */
  readonly maxOrderFailures: number;
  /** Drawdown that raises an alert (before the kill switch). */
  readonly maxDrawdown: number;
}

/** Everything `live run` resolved from flags and config. */
export interface LiveSettings {
  /** The exchange profile's name. */
  readonly profile: string;
  /** The profile. */
  readonly exchange: ExchangeConfig;
  /** Paper or live execution. */
  readonly exec: "paper" | "live";
  /** Whether the profile trades real money. */
  readonly mainnet: boolean;
  /** The data bar interval. */
  readonly interval: Interval;
  /** State store engine and file. */
  readonly persistence: { readonly engine: "sqlite" | "lmdb"; readonly path: string };
  /** Prometheus address. */
  readonly metricsAddr: string;
  /** JSON-lines log file. */
  readonly logPath: string;
  /** Alerting. */
  readonly alerts: AlertSettings;
  /** Pre-trade risk limits and the kill switch. */
  readonly risk: RiskLimits;
  /** Whether the kill switch flattens positions. */
  readonly flattenOnKill: boolean;
  /** Seconds between reconciliation passes. */
  readonly reconciliationIntervalSecs: number;
  /** Adopted differences beyond this fraction raise `reconciliation-adopted`. */
  readonly reconciliationThreshold: number;
  /** What reconciliation does with an open venue order that is not ours. */
  readonly unknownOrderPolicy: "cancel" | "adopt";
  /** Cancel working orders on shutdown. */
  readonly cancelOnShutdown: boolean;
  /** The pre-trade account check (`[live.account]`). */
  readonly account: {
    readonly marginMode: "isolated" | "cross";
    readonly leverage: number;
    readonly onMismatch: "refuse" | "adopt";
  };
  /** Paper: slippage (bps). */
  readonly slippageBps: number;
  /** Paper: fee for both sides (bps), when overridden. */
  readonly feeBps: number | undefined;
  /** Paper: order latency (ms), when given (else one bar; zero in tick matching). */
  readonly latencyMs: number | undefined;
  /** Paper matching when asked for (else chosen by the strategy's subscriptions). */
  readonly paperMatching: "candle" | "tick" | undefined;
  /** Tick matching: the queue model's name. */
  readonly queueModel: string | undefined;
  /** Tick matching: the response latency (ms). */
  readonly latencyResponseMs: number | undefined;
  /** The recording file (`.gz`), when the session records. */
  readonly record: string | undefined;
  /** The reporting currency. */
  readonly currency: string;
  /** Paper: the starting balance. */
  readonly initialEquity: number;
  /** A bounded run: milliseconds. */
  readonly durationMs: number | undefined;
  /** A bounded run: events. */
  readonly maxEvents: number | undefined;
  /** Paper sandbox: the walk's seed. */
  readonly seed: number;
}

const where = (profile: string) => ({ file: `[exchange.${profile}]` });

/** `30s`, `5m`, `2h` or a bare number of seconds, as milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (match === null) {
    throw new ConfigError(`flag --duration: "${text}" is not a duration`, {
      hint: "use e.g. 30s, 5m or 2h",
    });
  }
  const value = Number(match[1]);
  const unit = match[2] ?? "s";
  const factor = unit === "ms" ? 1 : unit === "s" ? 1000 : unit === "m" ? 60_000 : 3_600_000;
  const ms = value * factor;
  if (!(ms > 0)) throw new ConfigError(`flag --duration: must be above 0, got "${text}"`);
  return ms;
}

// A profile is a test venue when it says so, or when it points at this machine (the
// simulator); anything else may move real money.
function isMainnet(exchange: ExchangeConfig): boolean {
  if (exchange.driver === "paper" || exchange.driver === "simulator") return false;
  if (exchange.testnet === true) return false;
  const url = exchange.rest_url ?? "";
  return !/testnet|\/\/(127\.0\.0\.1|localhost)[:/]/.test(url);
}

function interval(flags: ParsedFlags): Interval {
  const text = stringFlag(flags, "interval") ?? "1m";
  const found = INTERVALS.find((i) => i === text);
  if (found === undefined) {
    throw new ConfigError(`flag --interval: "${text}" is not an interval`, {
      hint: `use one of ${INTERVALS.join(", ")}`,
    });
  }
  return found;
}

/**
 * Resolves the settings of `live run`.
 *
 * @throws {ConfigError} for an unknown profile, a category other than linear, live execution
 * on a paper profile, on a mainnet profile without `--confirm-mainnet`, or without keys (the
 * missing ones named), and for any bad flag value.
 */
export function resolveLiveSettings(flags: ParsedFlags, config: TesserConfig): LiveSettings {
  const profile = stringFlag(flags, "exchange") ?? "paper_sandbox";
  const base = config.exchange?.[profile];
  if (base === undefined) {
    throw new ConfigError(`unknown exchange profile "${profile}"`, {
      hint: `profiles: ${Object.keys(config.exchange ?? {}).join(", ") || "none"}`,
    });
  }
  const category = stringFlag(flags, "category");
  if (category !== undefined && category !== "linear") {
    throw new ConfigError(`flag --category: "${category}" is not supported`, {
      hint: "only linear (USDT perpetuals) is supported",
    });
  }
  const exec = choice(flags, "exec", ["paper", "live"] as const) ?? "paper";
  const mainnet = isMainnet(base);
  const live = config.live ?? {};
  if (exec === "live") checkLiveProfile(profile, base, mainnet, flags, live.confirm_mainnet);
  const slippage = numberFlag(flags, "slippage-bps", { min: 0 });
  const fee = numberFlag(flags, "fee-bps");
  const exchange: ExchangeConfig = {
    ...base,
    ...(slippage === undefined ? {} : { slippage_bps: slippage }),
    ...(fee === undefined ? {} : { fee_bps: fee }),
  };
  const risk = config.risk_management ?? {};
  const maxDrawdown = numberFlag(flags, "risk-max-drawdown", { min: 0, max: 1 }) ??
    risk.max_drawdown;
  if (maxDrawdown === 0) {
    throw new ConfigError("a drawdown limit of 0 would stop trading at the first mark", {
      hint: "give --risk-max-drawdown (risk_management.max_drawdown) a fraction like 0.05",
    });
  }
  const alerting = live.alerting ?? {};
  const persistenceEngine = choice(flags, "persistence", ["sqlite", "lmdb"] as const) ??
    live.persistence?.engine ?? "sqlite";
  const currency = exchange.balance_currency ?? config.backtest.reporting_currency;
  const maxEvents = numberFlag(flags, "max-events", { integer: true, min: 1 });
  const duration = stringFlag(flags, "duration");
  return {
    profile,
    exchange,
    exec,
    mainnet,
    interval: interval(flags),
    persistence: {
      engine: persistenceEngine,
      path: stringFlag(flags, "state-path") ?? live.persistence?.path ?? live.state_path ??
        "./reports/live_state.db",
    },
    metricsAddr: stringFlag(flags, "metrics-addr") ?? live.metrics_addr ?? "127.0.0.1:9100",
    logPath: stringFlag(flags, "log-path") ?? live.log_path ?? "./logs/live.json",
    alerts: {
      webhookUrl: stringFlag(flags, "webhook-url") ?? alerting.webhook_url ?? "",
      maxDataGapSecs: numberFlag(flags, "alert-max-data-gap-secs", { integer: true, min: 1 }) ??
        alerting.max_data_gap_secs ?? 300,
      maxOrderFailures: numberFlag(flags, "alert-max-order-failures", { integer: true, min: 1 }) ??
        alerting.max_order_failures ?? 3,
      maxDrawdown: numberFlag(flags, "alert-max-drawdown", { min: 0, max: 1 }) ??
        alerting.max_drawdown ?? 0.03,
    },
    risk: {
      maxOrderQuantity: numberFlag(flags, "risk-max-order-qty", { min: 0 }) ??
        risk.max_order_quantity,
      maxOrderNotional: numberFlag(flags, "risk-max-order-notional", { min: 0 }) ??
        risk.max_order_notional,
      maxPositionQuantity: numberFlag(flags, "risk-max-position-qty", { min: 0 }) ??
        risk.max_position_quantity,
      maxDrawdown,
      priceBandBps: risk.price_band_bps,
      maxOrdersPerMinute: risk.max_orders_per_minute,
    },
    flattenOnKill: risk.flatten_on_kill ?? true,
    reconciliationIntervalSecs: live.reconciliation_interval_secs ?? 60,
    reconciliationThreshold: live.reconciliation_threshold ?? 0.001,
    unknownOrderPolicy: live.unknown_order_policy ?? "adopt",
    cancelOnShutdown: booleanFlag(flags, "cancel-on-shutdown") || live.cancel_on_shutdown === true,
    account: {
      marginMode: live.account?.margin_mode ?? "cross",
      leverage: live.account?.leverage ?? 1,
      onMismatch: live.account?.on_mismatch ?? "refuse",
    },
    slippageBps: exchange.slippage_bps ?? 0,
    feeBps: exchange.fee_bps,
    latencyMs: numberFlag(flags, "latency-ms", { min: 0 }),
    paperMatching: choice(flags, "paper-matching", ["candle", "tick"] as const) ??
      live.paper_matching,
    queueModel: stringFlag(flags, "queue-model"),
    latencyResponseMs: numberFlag(flags, "latency-response-ms", { min: 0 }),
    record: recordPath(stringFlag(flags, "record") ?? live.record),
    currency,
    initialEquity: numberFlag(flags, "initial-equity", { min: 0 }) ?? exchange.initial_balance ??
      config.backtest.initial_balances?.[currency] ?? 10_000,
    durationMs: duration === undefined ? undefined : parseDuration(duration),
    maxEvents,
    seed: numberFlag(flags, "seed", { integer: true, min: 0 }) ?? exchange.market?.seed ?? 42,
  };
}

function recordPath(path: string | undefined): string | undefined {
  if (path === undefined || path === "") return undefined;
  if (!path.endsWith(".gz")) {
    throw new ConfigError(`flag --record: "${path}" must end in .gz`, {
      hint: "recordings are gzip text, e.g. --record session.gz (live.record)",
    });
  }
  return path;
}

function checkLiveProfile(
  profile: string,
  exchange: ExchangeConfig,
  mainnet: boolean,
  flags: ParsedFlags,
  confirmed: boolean | undefined,
): void {
  if (exchange.driver === "paper") {
    throw new ConfigError(`profile ${profile} is a paper venue: --exec live needs an exchange`, {
      location: where(profile),
      hint: "pass --exchange bybit_testnet (or another bybit/binance profile), or --exec paper",
    });
  }
  if (mainnet && !booleanFlag(flags, "confirm-mainnet") && confirmed !== true) {
    throw new ConfigError(
      `profile ${profile} is a mainnet profile: --exec live would trade real money`,
      {
        location: where(profile),
        hint: "pass --confirm-mainnet (or set live.confirm_mainnet = true) if that is meant",
      },
    );
  }
  const missing = (["api_key", "api_secret"] as const).filter((key) =>
    (exchange[key] ?? "") === ""
  );
  if (missing.length > 0) {
    const variables = missing.map((key) =>
      `TESSER_EXCHANGE__${profile.toUpperCase()}__${key.toUpperCase()}`
    );
    throw new ConfigError(
      `--exec live on ${profile} needs keys: ${missing.join(" and ")} not set`,
      {
        location: where(profile),
        hint: `set ${missing.join(" and ")} in config/local.toml or ${variables.join(" / ")}`,
      },
    );
  }
}
