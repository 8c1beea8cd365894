/**
 * The exchange side of `tesser live run`: from a profile's driver to the market feeds and, with
 * `--exec live`, the execution client and private stream that `lib/live` runs on (lib never
 * imports a connector: the CLI hands them over through the ports of `lib/broker`).
 *
 * Drivers: `paper` (the seeded random walk), `bybit` (connectors/bybit), `binance`
 * (connectors/binance, USDⓈ-M). Another venue adds its builder to {@linkcode LIVE_DRIVERS}.
 *
 * With a {@linkcode Recorder} (`--record`) the connector's public sockets, timers and depth
 * snapshots are tapped (connectors/recording): every frame is written before the stream sees
 * it, and the stream stamps its events with the recorded receive time. Private streams are not
 * recorded (they carry account data and no market data).
 *
 * @module
 */

import { binanceFromProfile } from "../connectors/binance/mod.ts";
import { bybitFromProfile } from "../connectors/bybit/mod.ts";
import type { BybitProfileSeams } from "../connectors/bybit/mod.ts";
import type { Backoff, MarketStream } from "../lib/broker/mod.ts";
import type { ExchangeConfig } from "../lib/config/mod.ts";
import { ConfigError, type Instrument, type SymbolId } from "../lib/domain/mod.ts";
import type { Clock, Sleeper } from "../lib/engine/mod.ts";
import type { Event } from "../lib/events/mod.ts";
import { type AccountFacts, type LiveExecution, RandomWalkMarket } from "../lib/live/mod.ts";
import { bybitAccountFacts } from "../connectors/bybit/account_facts.ts";
import { binanceAccountFacts } from "../connectors/binance/account_facts.ts";
import { nativeSocket, realTimers } from "../lib/broker/mod.ts";
import type { Recorder } from "../connectors/recording/recorder.ts";
import { tapFetch, tapSocket, type TapStats, tapTimers } from "../connectors/recording/tap.ts";

/** What a driver gives the runtime. */
export interface LiveVenue {
  /** The market streams. */
  readonly feeds: readonly MarketStream[];
  /** How to make each feed anew (a supervised run makes one stream per restart). */
  readonly feedMakers: readonly { readonly venue: string; readonly create: () => MarketStream }[];
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
  /** The traded instruments (the walk's tick size; the settle coin of a fee that names none). */
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
  /** Records what the public streams receive (`--record`). */
  readonly recorder?: Recorder;
  /** Counts what the taps saw but did not record. */
  readonly tapStats?: TapStats;
  /** The connectors' reconnect pacing (default theirs; `live run` passes its supervisor's). */
  readonly backoff?: Backoff;
}

// Private sockets (Bybit `/v5/private`, Binance `/private`) carry account data, not market data.
const isPublic = (url: string): boolean => !/\/private(\?|\/|$)/.test(new URL(url).pathname);

// The seams that record: sockets and timers tapped, and the depth snapshots `fetch` brings.
function recordingSeams(
  inputs: LiveVenueInputs,
  recorder: Recorder,
  snapshots: ((url: URL) => boolean) | undefined,
): BybitProfileSeams {
  const seams = inputs.bybitSeams ?? {};
  const inner = seams.fetch ?? fetch;
  return {
    // Only a stream that takes REST snapshots has its fetch tapped; orders go out untouched.
    fetch: snapshots === undefined
      ? inner
      : tapFetch(inner, recorder, (method, url) => method === "GET" && snapshots(url)),
    socket: tapSocket(seams.socket ?? nativeSocket, recorder, inputs.tapStats, isPublic),
    timers: tapTimers(seams.timers ?? realTimers, recorder),
  };
}

type DriverBuilder = (inputs: LiveVenueInputs) => LiveVenue;

function paperSandbox(inputs: LiveVenueInputs): LiveVenue {
  if (inputs.recorder !== undefined) {
    throw new ConfigError(
      `profile ${inputs.profile} is the paper sandbox: it has no frames to record`,
      {
        location: { file: `[exchange.${inputs.profile}]` },
        hint: "record a bybit or binance profile (e.g. --exchange bybit_testnet), or drop --record",
      },
    );
  }
  const market = inputs.exchange.market ?? {};
  if ((market.mode ?? "random_walk") !== "random_walk") {
    throw new ConfigError(`market mode "${market.mode}" is not supported by live run`, {
      location: { file: `[exchange.${inputs.profile}.market]` },
      hint: `use mode = "random_walk" (replays run as backtests: tesser backtest run)`,
    });
  }
  const venues = new Set(inputs.symbols.map((s) => s.split(":")[0]));
  const tick = inputs.instruments.find((i) => inputs.symbols.includes(i.symbol))?.tickSize;
  const feedMakers = [...venues].map((venue) => ({
    venue,
    create: () =>
      new RandomWalkMarket({
        venue,
        startPrice: market.start_price ?? 25_000,
        volatility: market.volatility ?? 0.003,
        intervalMs: market.interval_ms ?? 500,
        seed: inputs.seed,
        ...(tick === undefined ? {} : { tickSize: tick.toNumber() }),
        clock: inputs.clock,
        sleeper: inputs.sleeper,
      }),
  }));
  return {
    feeds: feedMakers.map((maker) => maker.create()),
    feedMakers,
    buildCandles: true,
    execution: undefined,
    prepare: () => Promise.resolve(),
  };
}

function bybit(inputs: LiveVenueInputs): LiveVenue {
  const seams = inputs.recorder === undefined
    ? inputs.bybitSeams
    : recordingSeams(inputs, inputs.recorder, undefined);
  const connector = bybitFromProfile(inputs.profile, inputs.exchange, {
    ...seams,
    ...(inputs.backoff === undefined ? {} : { backoff: inputs.backoff }),
  }, inputs.instruments);
  const execution: LiveExecution | undefined = inputs.live
    ? {
      kind: "venue",
      client: connector.client,
      privateChannel: (sink: (event: Event) => void, resume?: { readonly sinceMs: number }) => {
        const stream = connector.privateStream(sink, venueTime(resume, connector.rest));
        return {
          start: () => stream.start(),
          stop: () => stream.close(),
          catchUp: () => stream.catchUp(),
          venueOffsetMs: () => connector.rest.offsetMs,
        };
      },
    }
    : undefined;
  const feedMakers = [{ venue: connector.client.venue, create: () => connector.marketStream() }];
  return {
    feeds: feedMakers.map((maker) => maker.create()),
    feedMakers,
    buildCandles: false,
    execution,
    prepare: () => connector.rest.syncTime(),
    accountFacts: () => bybitAccountFacts(connector.rest, inputs.symbols),
  };
}

function binance(inputs: LiveVenueInputs): LiveVenue {
  // The book synchronizer's depth snapshots are recorded as `#rest` lines.
  const seams = inputs.recorder === undefined
    ? {}
    : recordingSeams(inputs, inputs.recorder, (url) => url.pathname === "/fapi/v1/depth");
  const connector = binanceFromProfile(inputs.profile, inputs.exchange, seams);
  const backoff = inputs.backoff === undefined ? {} : { backoff: inputs.backoff };
  const execution: LiveExecution | undefined = inputs.live
    ? {
      kind: "venue",
      client: connector.client,
      privateChannel: (sink: (event: Event) => void, resume?: { readonly sinceMs: number }) => {
        const since = venueTime(resume, connector.rest);
        const stream = connector.userStream(sink, {
          symbols: [...inputs.symbols],
          ...(since === undefined ? {} : { sinceMs: since }),
          ...backoff,
        });
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
          catchUp: (working) =>
            stream.catchUp(working),
          venueOffsetMs: () => connector.rest.offsetMs,
        };
      },
    }
    : undefined;
  const feedMakers = [{
    venue: connector.client.venue,
    create: () => connector.marketStream(backoff),
  }];
  return {
    feeds: feedMakers.map((maker) => maker.create()),
    feedMakers,
    buildCandles: false,
    execution,
    prepare: () => connector.rest.syncTime(),
    accountFacts: () => binanceAccountFacts(connector.rest, inputs.symbols),
  };
}

/**
 * Where a resumed private stream catches up from, on the venue's clock. The runtime resumes
 * from its last commit on our clock; the streams ask the venue's history, whose clock may be
 * behind ours (then our time would skip what the venue did meanwhile): shifted by the offset
 * measured at `prepare` (venue minus local).
 */
function venueTime(
  resume: { readonly sinceMs: number } | undefined,
  rest: { readonly offsetMs: number },
): number | undefined {
  return resume === undefined ? undefined : resume.sinceMs + rest.offsetMs;
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
