/**
 * A Bybit connector from one `[exchange.<profile>]` config entry (`driver = "bybit"`): the
 * REST transport, execution client, klines, public and private streams, all sharing one rate
 * limiter sized by `rate_limit_share`. Secrets come from the merged config (config/local.toml
 * or `TESSER_EXCHANGE__<PROFILE>__API_KEY` / `__API_SECRET`) and never appear in what
 * {@linkcode describeProfile} prints or in any error.
 *
 * @module
 */

import type { ExchangeConfig } from "../../lib/config/mod.ts";
import { ConfigError, type Instrument } from "../../lib/domain/mod.ts";
import type { Event } from "../../lib/events/mod.ts";
import { BybitExecutionClient } from "./execution_client.ts";
import { BybitHistoricalData } from "./historical.ts";
import { BybitMarketStream } from "./market_stream.ts";
import { BybitPrivateStream } from "./private_stream.ts";
import { RateLimiter } from "./rate_limit.ts";
import { BybitRest } from "./rest.ts";
import type { BybitCredentials } from "./signing.ts";
import {
  type Backoff,
  realTimers,
  type SocketFactory,
  type StreamTimers,
} from "../../lib/broker/mod.ts";

/** Everything one Bybit profile gives. */
export interface BybitConnector {
  /** The profile name. */
  readonly profile: string;
  /** The signed REST transport. */
  readonly rest: BybitRest;
  /** Order entry and account queries. */
  readonly client: BybitExecutionClient;
  /** Klines. */
  readonly history: BybitHistoricalData;
  /** A new public stream. */
  marketStream(): BybitMarketStream;
  /** A new private stream delivering to `sink` (needs the key and secret). */
  privateStream(sink: (event: Event) => void, sinceMs?: number): BybitPrivateStream;
}

/** Test seams: fetch, sockets and timers. */
export interface BybitProfileSeams {
  /** The fetch to use. */
  readonly fetch?: typeof fetch;
  /** Socket factory. */
  readonly socket?: SocketFactory;
  /** Timers and clock. */
  readonly timers?: StreamTimers;
  /** The streams' reconnect pacing (default `DEFAULT_BACKOFF`; `live run` passes its supervisor's). */
  readonly backoff?: Backoff;
}

const where = (profile: string) => ({ file: `[exchange.${profile}]` });

function credentials(profile: string, config: ExchangeConfig): BybitCredentials | undefined {
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
 * Builds the connector of `profile`; `instruments` (the traded ones) give the settle coin of
 * each symbol, where fees and funding that name no currency are booked.
 *
 * @throws {ConfigError} when the profile is not a Bybit one or a URL or key half is missing.
 */
export function bybitFromProfile(
  profile: string,
  config: ExchangeConfig,
  seams: BybitProfileSeams = {},
  instruments: readonly Instrument[] = [],
): BybitConnector {
  if (config.driver !== "bybit") {
    throw new ConfigError(`driver is "${config.driver}", not "bybit"`, {
      location: where(profile),
    });
  }
  const restUrl = config.rest_url ?? "";
  const wsUrl = (config.ws_url ?? "").replace(/\/+$/, "");
  if (restUrl === "" || wsUrl === "") {
    throw new ConfigError(`${restUrl === "" ? "rest_url" : "ws_url"} is not set`, {
      location: where(profile),
      hint: "see the bybit_testnet profile in config/default.toml",
    });
  }
  const timers = seams.timers ?? realTimers;
  const sleep = (ms: number): Promise<void> => new Promise((r) => timers.setTimeout(r, ms));
  const keys = credentials(profile, config);
  const limiter = new RateLimiter({
    share: config.rate_limit_share ?? 1,
    clock: { now: timers.now, sleep },
  });
  const rest = new BybitRest({
    baseUrl: restUrl.replace(/\/+$/, ""),
    ...(keys === undefined ? {} : { credentials: keys }),
    recvWindowMs: config.recv_window_ms ?? 5000,
    limiter,
    now: timers.now,
    sleep,
    ...(seams.fetch === undefined ? {} : { fetch: seams.fetch }),
  });
  const client = new BybitExecutionClient(rest, sleep, { instruments });
  return {
    profile,
    rest,
    client,
    history: new BybitHistoricalData(rest),
    marketStream: () =>
      new BybitMarketStream({
        url: `${wsUrl}/v5/public/linear`,
        timers,
        ...(seams.backoff === undefined ? {} : { backoff: seams.backoff }),
        ...(seams.socket === undefined ? {} : { socket: seams.socket }),
      }),
    privateStream: (sink, sinceMs) => {
      if (keys === undefined) {
        throw new ConfigError("the private stream needs api_key and api_secret", {
          location: where(profile),
          hint:
            `set them in config/local.toml or TESSER_EXCHANGE__${profile.toUpperCase()}__API_KEY / __API_SECRET`,
        });
      }
      const stream = new BybitPrivateStream({
        url: `${wsUrl}/v5/private`,
        credentials: keys,
        client,
        sink,
        timers,
        serverOffsetMs: () => rest.offsetMs,
        ...(seams.backoff === undefined ? {} : { backoff: seams.backoff }),
        ...(sinceMs === undefined ? {} : { sinceMs }),
        ...(seams.socket === undefined ? {} : { socket: seams.socket }),
      });
      client.onOrderAccepted(() => stream.noteOrderAccepted());
      return stream;
    },
  };
}

/** The profile as it may be logged: secrets replaced by whether they are set. */
export function describeProfile(profile: string, config: ExchangeConfig): string {
  const set = (value: string | undefined): string =>
    value === undefined || value === "" ? "(unset)" : "(set)";
  return `[exchange.${profile}] driver=${config.driver} rest_url=${config.rest_url ?? ""} ws_url=${
    config.ws_url ?? ""
  } api_key=${set(config.api_key)} api_secret=${set(config.api_secret)} rate_limit_share=${
    config.rate_limit_share ?? 1
  }`;
}
