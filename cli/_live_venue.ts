/**
 * The exchange side of `tesser live run`: from a profile's driver to the market feeds and, with
 * `--exec live`, the execution client and private stream that `lib/live` runs on (lib never
 * imports a connector: the CLI hands them over through the ports of `lib/broker`).
 *
 * Drivers: `paper` (the seeded random walk), `bybit` (connectors/bybit), `binance`
 * (connectors/binance, USDⓈ-M). Another venue adds its builder to {@linkcode LIVE_DRIVERS}.
 *
 * @module
 */

import { binanceFromProfile } from "../connectors/binance/mod.ts";
import { bybitFromProfile } from "../connectors/bybit/mod.ts";
import type { BybitProfileSeams } from "../connectors/bybit/mod.ts";
import type { MarketStream } from "../lib/broker/mod.ts";
import type { ExchangeConfig } from "../lib/config/mod.ts";
import { ConfigError, type Instrument, type SymbolId } from "../lib/domain/mod.ts";
import type { Clock, Sleeper } from "../lib/engine/mod.ts";
import type { Event } from "../lib/events/mod.ts";
import { type AccountFacts, type LiveExecution, RandomWalkMarket } from "../lib/live/mod.ts";
import { bybitAccountFacts } from "../connectors/bybit/account_facts.ts";
import { binanceAccountFacts } from "../connectors/binance/account_facts.ts";

/** What a driver gives the runtime. */
export interface LiveVenue {
  /** The market streams. */
  readonly feeds: readonly MarketStream[];
  /** Whether bars must be built from trades (the feed has no candles). */
  readonly buildCandles: boolean;
  /** Live execution, when asked for (`--exec live`). */
  readonly execution: LiveExecution | undefined;
  /** Prepares the connection before the run (clock sync). */
  prepare(): Promise<void>;
  /** What the venue says about the account, for the pre-trade check (live execution). */
  accountFacts?(): Promise<AccountFacts>;
}

/** What a driver is built from. */
export interface LiveVenueInputs {
  /** The profile's name. */
  readonly profile: string;
  /** The profile. */
  readonly exchange: ExchangeConfig;
  /** `--exec live`. */
  readonly live: boolean;
  /** The traded instruments (the walk's tick size). */
  readonly instruments: readonly Instrument[];
  /** The strategy's symbols. */
  readonly symbols: readonly SymbolId[];
  /** The session clock. */
  readonly clock: Clock;
  /** Waits on it. */
  readonly sleeper: Sleeper;
  /** The walk's seed. */
  readonly seed: number;
  /** Test seams of the Bybit connector (fetch, sockets, timers). */
  readonly bybitSeams?: BybitProfileSeams;
}

type DriverBuilder = (inputs: LiveVenueInputs) => LiveVenue;

function paperSandbox(inputs: LiveVenueInputs): LiveVenue {
  const market = inputs.exchange.market ?? {};
  if ((market.mode ?? "random_walk") !== "random_walk") {
    throw new ConfigError(`market mode "${market.mode}" is not supported by live run`, {
      location: { file: `[exchange.${inputs.profile}.market]` },
      hint: `use mode = "random_walk" (replays run as backtests: tesser backtest run)`,
    });
  }
  const venues = new Set(inputs.symbols.map((s) => s.split(":")[0]));
  const tick = inputs.instruments.find((i) => inputs.symbols.includes(i.symbol))?.tickSize;
  const feeds = [...venues].map((venue) =>
    new RandomWalkMarket({
      venue,
      startPrice: market.start_price ?? 25_000,
      volatility: market.volatility ?? 0.003,
      intervalMs: market.interval_ms ?? 500,
      seed: inputs.seed,
      ...(tick === undefined ? {} : { tickSize: tick.toNumber() }),
      clock: inputs.clock,
      sleeper: inputs.sleeper,
    })
  );
  return { feeds, buildCandles: true, execution: undefined, prepare: () => Promise.resolve() };
}

function bybit(inputs: LiveVenueInputs): LiveVenue {
  const connector = bybitFromProfile(inputs.profile, inputs.exchange, inputs.bybitSeams);
  const execution: LiveExecution | undefined = inputs.live
    ? {
      kind: "venue",
      client: connector.client,
      privateChannel: (sink: (event: Event) => void, resume?: { readonly sinceMs: number }) => {
        const stream = connector.privateStream(sink, resume?.sinceMs);
        return { start: () => stream.start(), stop: () => stream.close() };
      },
    }
    : undefined;
  return {
    feeds: [connector.marketStream()],
    buildCandles: false,
    execution,
    prepare: () => connector.rest.syncTime(),
    accountFacts: () => bybitAccountFacts(connector.rest, inputs.symbols),
  };
}

function binance(inputs: LiveVenueInputs): LiveVenue {
  const connector = binanceFromProfile(inputs.profile, inputs.exchange);
  const execution: LiveExecution | undefined = inputs.live
    ? {
      kind: "venue",
      client: connector.client,
      privateChannel: (sink: (event: Event) => void, resume?: { readonly sinceMs: number }) => {
        const stream = connector.userStream(sink, { symbols: [...inputs.symbols], ...resume });
        // The dead-man switch lives as long as the private channel: armed once the stream is
        // up, disarmed on a clean stop; a crash leaves it to run out at the venue.
        const heartbeat = connector.countdownHeartbeat(inputs.symbols, (symbol, message) =>
          sink(countdownAlert(inputs.clock.now(), symbol, message)));
        return {
          start: async () => {
            await stream.start();
            await heartbeat?.start();
          },
          stop: async () => {
            await heartbeat?.stop(true);
            await stream.close();
          },
        };
      },
    }
    : undefined;
  return {
    feeds: [connector.marketStream()],
    buildCandles: false,
    execution,
    prepare: () => connector.rest.syncTime(),
    accountFacts: () => binanceAccountFacts(connector.rest, inputs.symbols),
  };
}

function countdownAlert(now: number, symbol: SymbolId, message: string): Event {
  return {
    kind: "alert",
    ts: now,
    tsRecv: now,
    severity: "warning",
    code: "countdown-heartbeat-failed",
    message: `${symbol}: ${message}`,
    symbol,
  };
}

/** The drivers `live run` can run, by `driver` name; absent ones are refused with a reason. */
export const LIVE_DRIVERS: Readonly<Partial<Record<ExchangeConfig["driver"], DriverBuilder>>> = {
  paper: paperSandbox,
  bybit,
  binance,
};

/**
 * The venue of a profile.
 *
 * @throws {ConfigError} for a driver `live run` cannot run yet, or a bad profile.
 */
export function liveVenue(inputs: LiveVenueInputs): LiveVenue {
  const driver = inputs.exchange.driver;
  const build = LIVE_DRIVERS[driver];
  if (build === undefined) {
    throw new ConfigError(`driver "${driver}" cannot run live yet`, {
      location: { file: `[exchange.${inputs.profile}]` },
      hint: `live run supports the drivers ${Object.keys(LIVE_DRIVERS).join(", ")}`,
    });
  }
  return build(inputs);
}
