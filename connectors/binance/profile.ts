/**
 * A Binance USDⓈ-M connector from one `[exchange.<profile>]` config entry
 * (`driver = "binance"`): the REST transport, execution client, klines, market stream and
 * user data stream, all sharing one weight limiter sized by `rate_limit_share`. A profile
 * carries three WebSocket URLs (`ws_public_url`, `ws_market_url`, `ws_private_url`: the split
 * endpoints in force since April 2026); when they are absent they are derived from `ws_url`
 * (`<ws_url>/public`, `/market`, `/private`). Secrets come from the merged config
 * (config/local.toml or `TESSER_EXCHANGE__<PROFILE>__API_KEY` / `__API_SECRET`) and never
 * appear in what {@linkcode describeBinanceProfile} prints or in any error.
 *
 * @module
 */

import type { ExchangeConfig } from "../../lib/config/mod.ts";
import { ConfigError, type SymbolId } from "../../lib/domain/mod.ts";
import type { Event } from "../../lib/events/mod.ts";
import { realTimers, type SocketFactory, type StreamTimers } from "../../lib/broker/mod.ts";
import { CountdownHeartbeat } from "./countdown_heartbeat.ts";
import { BinanceExecutionClient } from "./execution_client.ts";
import { BinanceHistoricalData } from "./historical.ts";
import { BinanceMarketStream, type BinanceMarketStreamOptions } from "./market_stream.ts";
import { WeightLimiter } from "./rate_limit.ts";
import { BinanceRest } from "./rest.ts";
import type { BinanceCredentials } from "./signing.ts";
import { BinanceUserStream, type BinanceUserStreamOptions } from "./user_stream.ts";

/** The three WebSocket endpoints of a profile. */
export interface BinanceEndpoints {
  /** REST base. */
  readonly rest: string;
  /** `/public`: depth and bookTicker. */
  readonly public: string;
  /** `/market`: aggTrade, kline, markPrice. */
  readonly market: string;
  /** `/private`: user data. */
  readonly private: string;
}

/** Everything one Binance profile gives. */
export interface BinanceConnector {
  /** The profile name. */
  readonly profile: string;
  /** The endpoints in use. */
  readonly endpoints: BinanceEndpoints;
  /** The signed REST transport. */
  readonly rest: BinanceRest;
  /** Order entry and account queries. */
  readonly client: BinanceExecutionClient;
  /** Klines. */
  readonly history: BinanceHistoricalData;
  /** A new market stream on /public + /market. */
  marketStream(
    options?: Partial<
      Pick<
        BinanceMarketStreamOptions,
        "depthSpeed" | "snapshotLimit" | "markPrices" | "onMarkPrice" | "backoff"
      >
    >,
  ): BinanceMarketStream;
  /** A new user data stream delivering to `sink` (needs the key and secret). */
  userStream(
    sink: (event: Event) => void,
    options?: Partial<
      Pick<BinanceUserStreamOptions, "sinceMs" | "onFill" | "symbols" | "backoff">
    >,
  ): BinanceUserStream;
  /**
   * The `countdownCancelAll` heartbeat of `symbols` when the profile sets
   * `countdown_cancel_all_secs` (undefined when it is off); `onFailure` hears of a failed beat.
   */
  countdownHeartbeat(
    symbols: readonly SymbolId[],
    onFailure?: (symbol: SymbolId, message: string) => void,
  ): CountdownHeartbeat | undefined;
}

/** Test seams: fetch, sockets and timers. */
export interface BinanceProfileSeams {
  /** The fetch to use. */
  readonly fetch?: typeof fetch;
  /** Socket factory. */
  readonly socket?: SocketFactory;
  /** Timers and clock. */
  readonly timers?: StreamTimers;
  /** Called on a ban or another condition an operator must see. */
  readonly onAlert?: (code: string, message: string) => void;
}

const where = (profile: string) => ({ file: `[exchange.${profile}]` });

function credentials(profile: string, config: ExchangeConfig): BinanceCredentials | undefined {
  const apiKey = config.api_key ?? "";
  const apiSecret = config.api_secret ?? "";
  if (apiKey === "" && apiSecret === "") return undefined;
  if (apiKey === "" || apiSecret === "") {
    const missing = apiKey === "" ? "api_key" : "api_secret";
    const variable = `TESSER_EXCHANGE__${profile.toUpperCase()}__${missing.toUpperCase()}`;
    throw new ConfigError(`${missing} is empty while the other half of the key is set`, {
      location: where(profile),
      hint: `set ${missing} in config/local.toml or ${variable}`,
    });
  }
  return { apiKey, apiSecret };
}

/**
 * The endpoints of a profile.
 *
 * @throws {ConfigError} when rest_url or the WebSocket URLs are missing.
 */
export function binanceEndpoints(profile: string, config: ExchangeConfig): BinanceEndpoints {
  const strip = (url: string | undefined): string => (url ?? "").replace(/\/+$/, "");
  const rest = strip(config.rest_url);
  const base = strip(config.ws_url);
  const endpoints = {
    rest,
    public: strip(config.ws_public_url) || (base === "" ? "" : `${base}/public`),
    market: strip(config.ws_market_url) || (base === "" ? "" : `${base}/market`),
    private: strip(config.ws_private_url) || (base === "" ? "" : `${base}/private`),
  };
  const missing = rest === ""
    ? "rest_url"
    : endpoints.public === ""
    ? "ws_public_url"
    : endpoints.market === ""
    ? "ws_market_url"
    : endpoints.private === ""
    ? "ws_private_url"
    : undefined;
  if (missing !== undefined) {
    throw new ConfigError(`${missing} is not set`, {
      location: where(profile),
      hint:
        "see the binance_testnet profile in config/default.toml (or set ws_url to the stream host)",
    });
  }
  return endpoints;
}

/**
 * Builds the connector of `profile`.
 *
 * @throws {ConfigError} when the profile is not a Binance one or a URL or key half is missing.
 */
export function binanceFromProfile(
  profile: string,
  config: ExchangeConfig,
  seams: BinanceProfileSeams = {},
): BinanceConnector {
  if (config.driver !== "binance") {
    throw new ConfigError(`driver is "${config.driver}", not "binance"`, {
      location: where(profile),
    });
  }
  const endpoints = binanceEndpoints(profile, config);
  const timers = seams.timers ?? realTimers;
  const sleep = (ms: number): Promise<void> => new Promise((r) => timers.setTimeout(r, ms));
  const keys = credentials(profile, config);
  const limiter = new WeightLimiter({
    share: config.rate_limit_share ?? 1,
    clock: { now: timers.now, sleep },
  });
  const rest = new BinanceRest({
    baseUrl: endpoints.rest,
    ...(keys === undefined ? {} : { credentials: keys }),
    recvWindowMs: config.recv_window_ms ?? 5000,
    limiter,
    now: timers.now,
    sleep,
    ...(seams.fetch === undefined ? {} : { fetch: seams.fetch }),
    ...(seams.onAlert === undefined ? {} : { onAlert: seams.onAlert }),
  });
  const client = new BinanceExecutionClient(rest, sleep);
  const socket = seams.socket === undefined ? {} : { socket: seams.socket };
  return {
    profile,
    endpoints,
    rest,
    client,
    history: new BinanceHistoricalData(rest),
    marketStream: (options = {}) =>
      new BinanceMarketStream({
        publicUrl: endpoints.public,
        marketUrl: endpoints.market,
        rest,
        timers,
        ...socket,
        ...options,
      }),
    userStream: (sink, options = {}) => {
      if (keys === undefined) {
        throw new ConfigError("the user data stream needs api_key and api_secret", {
          location: where(profile),
          hint:
            `set them in config/local.toml or TESSER_EXCHANGE__${profile.toUpperCase()}__API_KEY / __API_SECRET`,
        });
      }
      const stream = new BinanceUserStream({
        url: endpoints.private,
        client,
        sink,
        timers,
        ...socket,
        ...options,
      });
      client.onOrderAccepted((order) => stream.noteOrderAccepted(order));
      return stream;
    },
    countdownHeartbeat: (symbols, onFailure) => {
      const secs = config.countdown_cancel_all_secs ?? 0;
      if (secs === 0 || symbols.length === 0) return undefined;
      if (keys === undefined) {
        throw new ConfigError("countdown_cancel_all_secs needs api_key and api_secret", {
          location: where(profile),
          hint: "set the keys, or remove countdown_cancel_all_secs",
        });
      }
      return new CountdownHeartbeat({
        rest,
        symbols,
        countdownMs: secs * 1000,
        timers,
        ...(onFailure === undefined ? {} : { onFailure }),
      });
    },
  };
}

/** The profile as it may be logged: secrets replaced by whether they are set. */
export function describeBinanceProfile(profile: string, config: ExchangeConfig): string {
  const set = (value: string | undefined): string =>
    value === undefined || value === "" ? "(unset)" : "(set)";
  let endpoints = "";
  try {
    const e = binanceEndpoints(profile, config);
    endpoints = ` public=${e.public} market=${e.market} private=${e.private}`;
  } catch {
    endpoints = " (incomplete URLs)";
  }
  return `[exchange.${profile}] driver=${config.driver} rest_url=${
    config.rest_url ?? ""
  }${endpoints} api_key=${set(config.api_key)} api_secret=${
    set(config.api_secret)
  } rate_limit_share=${config.rate_limit_share ?? 1} countdown_cancel_all_secs=${
    config.countdown_cancel_all_secs ?? 0
  }`;
}
