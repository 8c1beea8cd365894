/**
 * A live session in this process against a simulator, wired as the CLI wires an
 * `[exchange.sim]` profile (cli/_live_venue.ts), with the runtime settings the simulator tests
 * share: SmaCross on 1m bars sized 0.01, no initial balance (the start adopts the venue's),
 * bars from the venue's candles, and no periodic reconciliation within a test. Sessions can be
 * restarted on one state file, as a process would be. Shared by the funding, fresh-start and
 * outage tests of `tests/cli/` and `tests/live/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type LiveVenue, liveVenue } from "../../cli/_live_venue.ts";
import type { Simulator } from "../../connectors/simulator/simulator.ts";
import { loadMarkets } from "../../lib/backtest/markets.ts";
import { decimal, type Instrument } from "../../lib/domain/mod.ts";
import { WallClock, WallSleeper } from "../../lib/engine/mod.ts";
import { fixedQuantity } from "../../lib/execution/mod.ts";
import {
  type LiveExecution,
  type LiveLogRecord,
  LiveRuntime,
  type LiveRuntimeOptions,
  type LiveRuntimeSummary,
  openLiveStore,
} from "../../lib/live/mod.ts";
import { builtinStrategies } from "../../lib/strategies/mod.ts";
import { until } from "../_until.ts";
import { SIM_KEY, simExchange } from "./_live_cli.ts";

/** The CLI's venue wiring of one symbol on a simulator, and what the sessions share. */
export interface SimWiring {
  /** The traded symbol (`<venue>:BTCUSDT` style). */
  readonly symbol: string;
  /** The repository's markets. */
  readonly instruments: readonly Instrument[];
  /** The sessions' wall clock. */
  readonly clock: WallClock;
  /** Waits on {@link clock}. */
  readonly sleeper: WallSleeper;
  /** A new venue wiring, as each process makes its own. */
  venue(): LiveVenue;
}

/** Wires `symbol` on `sim` through an `[exchange.sim]` profile that signs with {@link SIM_KEY}. */
export async function simWiring(sim: Simulator, symbol: string): Promise<SimWiring> {
  const instruments = await loadMarkets("config/markets.toml");
  const clock = new WallClock();
  const sleeper = new WallSleeper(clock);
  return {
    symbol,
    instruments,
    clock,
    sleeper,
    venue: () =>
      liveVenue({
        profile: "sim",
        exchange: simExchange(sim, SIM_KEY),
        live: true,
        instruments,
        symbols: [symbol],
        clock,
        sleeper,
        seed: 1,
      }),
  };
}

/**
 * Buys `quantity` at market through a venue wiring of its own (a process before the session),
 * and waits for the fill in the simulator's ledger: a position the session will find.
 */
export async function openLong(
  sim: Simulator,
  wiring: SimWiring,
  quantity: string,
  clientOrderId: string,
): Promise<void> {
  const fills = sim.ledger.fills({ accountId: 0 }).length;
  const opener = wiring.venue();
  await opener.prepare();
  assert.ok(opener.execution?.kind === "venue");
  await opener.execution.client.placeOrder({
    clientOrderId,
    symbol: wiring.symbol,
    side: "buy",
    type: "market",
    quantity: decimal(quantity),
    timeInForce: "ioc",
    reduceOnly: false,
  });
  await until(() => sim.ledger.fills({ accountId: 0 }).length === fills + 1, "the opening fill");
}

/** What a test may set of a session's runtime; the rest is the shared settings. */
export interface SimRuntimeOverrides {
  /** Where its log records go. */
  readonly log: (record: LiveLogRecord) => void;
  /** Default SmaCross on the symbol's 1m bars with its own defaults. */
  readonly strategy?: LiveRuntimeOptions["strategy"];
  /** Default none: nothing persists. */
  readonly store?: LiveRuntimeOptions["store"];
}

/** A runtime on `venue`'s feeds and execution (which must be live) with the shared settings. */
export function simRuntime(
  wiring: SimWiring,
  venue: LiveVenue,
  orderVenue: LiveExecution,
  overrides: SimRuntimeOverrides,
): LiveRuntime {
  return new LiveRuntime({
    // The default never trades where no bars come: a position is the venue's, adopted at the start.
    strategy: overrides.strategy ??
      builtinStrategies.create("SmaCross", { symbol: wiring.symbol, interval: "1m" }),
    instruments: wiring.instruments,
    initialBalances: { USDT: 0 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.01),
    clock: wiring.clock,
    sleeper: wiring.sleeper,
    dataInterval: "1m",
    feeds: venue.feeds,
    buildCandles: false,
    orderVenue,
    ackTimeoutMs: 5_000,
    reconcileIntervalMs: 3_600_000,
    ...(overrides.store === undefined ? {} : { store: overrides.store }),
    log: overrides.log,
  });
}

/** A started session: its runtime and the end of its run. */
export interface StartedSession {
  /** The runtime, past its start-up. */
  readonly runtime: LiveRuntime;
  /** Resolves when its run ended (after `runtime.stop`). */
  readonly done: Promise<LiveRuntimeSummary>;
}

/** How each process of {@link restartableSessions} is made. */
export interface RestartableSessionsOptions {
  /** The state file every session opens (and restores from). */
  readonly statePath: string;
  /** Where every session's log records go (the start is awaited in them). */
  readonly logs: LiveLogRecord[];
  /**
   * The order venue a prepared venue wiring gives the session; default the wiring's own
   * execution. A test swaps the private channel's settings here.
   */
  readonly execution?: (venue: LiveVenue) => LiveExecution;
}

/**
 * A function that starts one more session, as a new process: a new venue wiring, prepared, the
 * state file opened, the runtime run until its log says `live session started`.
 */
export function restartableSessions(
  wiring: SimWiring,
  options: RestartableSessionsOptions,
): () => Promise<StartedSession> {
  let started = 0;
  return async () => {
    const venue = wiring.venue();
    await venue.prepare();
    const orderVenue = options.execution?.(venue) ?? venue.execution;
    if (orderVenue === undefined) throw new Error("the simulator's venue wiring has no execution");
    const store = await openLiveStore({
      engine: "sqlite",
      path: options.statePath,
      lockKey: wiring.symbol,
    });
    const runtime = simRuntime(wiring, venue, orderVenue, {
      log: (record) => options.logs.push(record),
      store,
    });
    const done = runtime.run();
    await until(
      () => options.logs.filter((l) => /live session started/.test(l.message)).length > started,
      "the start",
    );
    started++;
    return { runtime, done };
  };
}
