/**
 * Starting and stopping a simulated venue in-process: {@linkcode startSimulator} builds the
 * accounts, the matching core, the market and the fault control, starts the venue's REST and
 * WebSocket servers on 127.0.0.1, and returns their URLs, the test accounts' keys, the
 * ledger and the fault log.
 *
 * @module
 */

import { ConfigError, replayFiles } from "./_lib.ts";
import { SimAccount, type SimAccountSpec } from "./account.ts";
import { type SimClock, SkewedClock, WALL_CLOCK } from "./clock.ts";
import { SimExchange } from "./exchange.ts";
import type { ExchangeRules } from "./exchange_types.ts";
import { runFaultSchedule, type ScheduledFault } from "./fault_schedule.ts";
import { FaultController, type FaultSpec } from "./faults.ts";
import { DEFAULT_INSTRUMENTS, makeSimInstruments, type SimInstrumentSpec } from "./instruments.ts";
import type { Ledger } from "./ledger.ts";
import { MarketFeed } from "./market_feed.ts";
import { RateLimiter } from "./rate_limit.ts";
import type { VenueContext } from "./venue_context.ts";
import type { SimWsServer } from "./ws_server.ts";
import { BYBIT_RULES, type RunningVenue, startBybit } from "./bybit/venue.ts";
import { BINANCE_RULES, startBinance } from "./binance/venue.ts";

/** The venues the simulator speaks. */
export type SimVenue = "bybit" | "binance";

/** Where the simulated market comes from. */
export type MarketSource =
  /** A seeded book around each start price that moves only when a test moves it (default). */
  | { readonly kind: "static"; readonly levels?: number }
  /** A seeded random market, one step every `intervalMs`. */
  | { readonly kind: "synthetic"; readonly intervalMs?: number; readonly levels?: number }
  /** Replayed data files (Tardis CSV, JSONL, Parquet candles), `speed` times real time. */
  | { readonly kind: "replay"; readonly files: readonly string[]; readonly speed?: number }
  /** Nothing: empty books until a test sets them. */
  | { readonly kind: "none" };

/** Options of {@linkcode startSimulator}. */
export interface SimulatorOptions {
  /** Which protocol to speak. */
  readonly venue: SimVenue;
  /** Test accounts (default one with 100,000 USDT). */
  readonly accounts?: readonly SimAccountSpec[];
  /** Listed contracts (default BTCUSDT and ETHUSDT). */
  readonly instruments?: readonly SimInstrumentSpec[];
  /** The venue clock (default the wall clock); tests pass a `ManualClock`. */
  readonly clock?: SimClock;
  /** REST port (default 0: a free port). */
  readonly restPort?: number;
  /** WebSocket port (default 0: a free port). */
  readonly wsPort?: number;
  /** Enforce the venue's rate limits (default true; benchmarks lift them). */
  readonly rateLimits?: boolean;
  /** The market (default `{ kind: "static" }`). */
  readonly market?: MarketSource;
  /** Seed of the synthetic market (default 1). */
  readonly seed?: number;
  /** Faults to inject at once. */
  readonly faults?: readonly FaultSpec[];
  /** Faults to inject over time (see `parseFaultSchedule`). */
  readonly schedule?: readonly ScheduledFault[];
  /** Binance only: milliseconds a WebSocket connection lives (default 24 h). */
  readonly connectionLifetimeMs?: number;
  /** Binance only: milliseconds between the server's pings (default 3 min). */
  readonly pingIntervalMs?: number;
  /** Binance only: milliseconds a ping may go unanswered before the connection is dropped (default 10 min). */
  readonly pongTimeoutMs?: number;
  /** Bybit only: milliseconds without a client message (ping) before the server closes (default 10 min). */
  readonly idleTimeoutMs?: number;
}

/** A test account's credentials. */
export interface SimCredentials {
  /** API key. */
  readonly apiKey: string;
  /** API secret. */
  readonly apiSecret: string;
}

/** A running simulator. */
export interface Simulator {
  /** The venue it speaks. */
  readonly venue: SimVenue;
  /** REST base URL, e.g. `http://127.0.0.1:40123`. */
  readonly restUrl: string;
  /** Public market-data stream base (Bybit `/v5/public/linear`; Binance `/public`, add `/ws/...` or `/stream?streams=...`). */
  readonly wsPublicUrl: string;
  /** Private stream URL (Bybit `/v5/private`; Binance `/private`, add `/ws?listenKey=...`). */
  readonly wsPrivateUrl: string;
  /** Binance's `/market` stream URL (undefined for Bybit). */
  readonly wsMarketUrl: string | undefined;
  /** The test accounts. */
  readonly accounts: readonly SimCredentials[];
  /** Every order and fill. */
  readonly ledger: Ledger;
  /** Fault injection and the fault log. */
  readonly faults: FaultController;
  /** The market: set books, print trades. */
  readonly market: MarketFeed;
  /** The matching core (accounts, positions, open orders). */
  readonly exchange: SimExchange;
  /** The venue clock (its `skew` is the clock-skew fault). */
  readonly clock: SkewedClock;
  /** The WebSocket server (open connections). */
  readonly ws: SimWsServer;
  /** Resolves when a replayed market has been sent in full (at once for other sources). */
  readonly marketDone: Promise<void>;
  /** Stops the servers, the market and the fault schedule. */
  stop(): Promise<void>;
}

/** The default test account of venue `venue`, number `i`. */
export function defaultAccount(venue: SimVenue, i: number): SimAccountSpec {
  return { apiKey: `sim-${venue}-key-${i}`, apiSecret: `sim-${venue}-secret-${i}` };
}

/**
 * Starts a simulated venue on 127.0.0.1.
 *
 * @example
 * ```ts ignore
 * const sim = await startSimulator({ venue: "bybit" });
 * const response = await fetch(`${sim.restUrl}/v5/market/time`);
 * await sim.stop();
 * ```
 */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const clock = new SkewedClock(options.clock ?? WALL_CLOCK);
  const accountSpecs = options.accounts ?? [defaultAccount(options.venue, 0)];
  if (accountSpecs.length === 0) {
    throw new ConfigError("the simulator needs at least one account", {
      hint: "omit accounts for the default",
    });
  }
  const accounts = accountSpecs.map((spec, i) => new SimAccount(i, spec));
  const instruments = makeSimInstruments(options.venue, options.instruments ?? DEFAULT_INSTRUMENTS);
  const rules: ExchangeRules = options.venue === "bybit" ? BYBIT_RULES : BINANCE_RULES;
  const core = new SimExchange(instruments, accounts, { rules, clock });
  const feed = new MarketFeed(core, clock);
  const faults = new FaultController(clock);
  const context: VenueContext = {
    core,
    feed,
    faults,
    clock,
    limits: new RateLimiter(clock, options.rateLimits ?? true),
    startedAt: clock.now(),
  };
  faults.onInject(() => {
    const skew = faults.takeVenueFault("clock-skew");
    if (skew?.kind === "clock-skew") {
      clock.skew = skew.ms;
      faults.record("clock-skew", "clock", `${skew.ms} ms`);
    }
  });
  const ports = { rest: options.restPort ?? 0, ws: options.wsPort ?? 0 };
  const running: RunningVenue = options.venue === "bybit"
    ? await startBybit(context, ports, { idleTimeoutMs: options.idleTimeoutMs })
    : await startBinance(context, ports, {
      connectionLifetimeMs: options.connectionLifetimeMs,
      pingIntervalMs: options.pingIntervalMs,
      pongTimeoutMs: options.pongTimeoutMs,
    });
  const market = options.market ?? { kind: "static" };
  const replayStop = new AbortController();
  let stopSynthetic = (): void => {};
  let marketDone: Promise<void> = Promise.resolve();
  switch (market.kind) {
    case "static":
      feed.seedBooks(options.seed ?? 1, market.levels ?? 20);
      break;
    case "synthetic":
      stopSynthetic = feed.startSynthetic({
        seed: options.seed,
        intervalMs: market.intervalMs,
        levels: market.levels,
      });
      break;
    case "replay":
      marketDone = feed.replay(replayFiles(market.files), {
        speed: market.speed,
        signal: replayStop.signal,
      })
        .then(() => {});
      break;
    case "none":
      break;
    default: {
      const never: never = market;
      throw new TypeError(`Unknown market source ${String(never)}`);
    }
  }
  for (const fault of options.faults ?? []) faults.inject(fault);
  const stopSchedule = runFaultSchedule(options.schedule ?? [], faults);
  return {
    venue: options.venue,
    restUrl: running.restUrl,
    wsPublicUrl: running.wsUrls.public,
    wsPrivateUrl: running.wsUrls.private,
    wsMarketUrl: running.wsUrls.market,
    accounts: accountSpecs.map((a) => ({ apiKey: a.apiKey, apiSecret: a.apiSecret })),
    ledger: core.ledger,
    faults,
    market: feed,
    exchange: core,
    clock,
    ws: running.ws,
    marketDone,
    stop: async () => {
      stopSchedule();
      stopSynthetic();
      feed.stop();
      replayStop.abort();
      await marketDone.catch(() => {});
      await running.stop();
    },
  };
}
